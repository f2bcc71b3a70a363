"""Employees' requests (有給, 一時帰国, 退社, 欠勤, 住所変更, other) and their approval chains."""
