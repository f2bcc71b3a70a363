"""Payroll: pay periods, runs (a background job), payslips with their basis, month close."""
