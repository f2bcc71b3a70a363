"""The payroll area's dashboard figure (haken.platform.figures): labour cost per client for the
payroll periods starting in a month — gross pay plus the employer's half of social insurance
(健康保険・厚生年金 are shared equally, so the employee's deduction stands for it) — by the
client each worker works at (a scalar the caller passes: the employees area's). An
unexecuted statement over this area's table; the table rule tells the dashboard of every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, func, select

from haken.modules.payroll.models import Payslip
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, Rows, figure_row, next_month

invalidate_on_write(Payslip, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(*, month: dt.date, client_of: Callable[[Any], ColumnElement[Any]]) -> list[Rows]:
    cost = (
        select(
            client_of(Payslip.employee_id).label("client_id"),
            (Payslip.gross + Payslip.social_insurance).label("cost"),
        )
        .where(
            Payslip.status == "ok",
            Payslip.period_start >= month,
            Payslip.period_start < next_month(month),
        )
        .subquery()
    )
    return [
        figure_row("labour_by_client", func.sum(cost.c.cost), key=cost.c.client_id)
        .where(cost.c.client_id.is_not(None))
        .group_by(cost.c.client_id)
    ]
