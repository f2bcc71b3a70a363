"""Attendance: timecards, approvals, payroll and billing periods, and their ledger."""
