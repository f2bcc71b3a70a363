"""The payroll area's part of the dashboard's margin tile (haken.platform.figures): what each
worker cost the agency in a month — gross pay and the employer's shares of social and
employment insurance the payslips kept when they were computed — over the payslips the
margin report counts (``repository.closed_payslips``: closed runs whose period ends in the
month, closed bonus payments paid in it). An unexecuted subquery the billing area shares out
over the clients the worker was billed to (billing.figures); the table rules tell the
dashboard of every write, a run or a bonus payment closing included."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Subquery, func, select

from haken.modules.payroll.models import PayrollBonus, PayrollRun, Payslip
from haken.modules.payroll.repository import closed_payslips
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, next_month

for _model in (Payslip, PayrollRun, PayrollBonus):
    invalidate_on_write(_model, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def labour_by_employee(month: dt.date) -> Subquery:
    """``employee_id, gross, employer_social, employer_employment`` summed per worker over
    the month's payslips (``month``: its first day)."""
    last = next_month(month) - dt.timedelta(days=1)
    return (
        closed_payslips(
            select(
                Payslip.employee_id.label("employee_id"),
                func.sum(Payslip.gross).label("gross"),
                func.sum(Payslip.employer_social_insurance).label("employer_social"),
                func.sum(Payslip.employer_employment_insurance).label("employer_employment"),
            ),
            month,
            last,
        )
        .group_by(Payslip.employee_id)
        .subquery("labour")
    )
