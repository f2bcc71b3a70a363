"""Employees (派遣社員・請負・スタッフ): employment, contract periods, pay details, My Number."""
