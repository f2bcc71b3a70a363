"""The access of payroll.

Only admins see other people's pay (identity has no payroll role); an employee reads only
their own payslips of closed periods (the portal). ``tests/integration/test_policies.py``
checks what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CurrentPrincipal

PayrollRead = AdminPrincipal
"""Runs, results, anyone's payslip and pay settings."""
PayrollWrite = AdminPrincipal
"""Start a run, close a period, pay settings, adjustments."""
OwnPayslips = CurrentPrincipal
"""The caller's own payslips (a payslip of someone else is 404)."""

__all__ = ["OwnPayslips", "PayrollRead", "PayrollWrite"]
