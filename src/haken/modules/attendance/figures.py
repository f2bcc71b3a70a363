"""The attendance area's dashboard figures (haken.platform.figures): timecards awaiting
approval, workers whose overtime this month reached the 36協定 warning share of the monthly
limit, overtime by site. Unexecuted statements over this area's tables; the table rules tell
the dashboard of every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, func, select

from haken.labor.overtime_agreement import WarningThresholds
from haken.modules.attendance.models import LedgerEntry, Timecard
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

# 36協定 原則 limit of statutory overtime a month (労基法36条4項), in minutes; the dashboard
# counts the workers at or over the agency's warning share of it (80 %).
MONTHLY_LIMIT_MINUTES = 45 * 60
WARNING_MINUTES = int(MONTHLY_LIMIT_MINUTES * WarningThresholds().ratio)

for _model in (Timecard, LedgerEntry):
    invalidate_on_write(_model, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def _this_period(statement: Rows, scope: FigureScope) -> Rows:
    statement = statement.where(
        LedgerEntry.kind == "payroll",
        LedgerEntry.period_start <= scope.today,
        LedgerEntry.period_end >= scope.today,
    )
    if scope.employee_ids is not None:
        statement = statement.where(LedgerEntry.subject_id.in_(scope.employee_ids))
    return statement


def rows(scope: FigureScope, *, site_of: Callable[[Any], ColumnElement[Any]]) -> list[Rows]:
    """``site_of(employee id)``: the worker's current site (the employees area's scalar)."""
    awaiting = (
        figure_row("timecards_awaiting", func.count())
        .select_from(Timecard)
        .where(Timecard.state == "submitted")
    )
    if scope.site_ids is not None:
        awaiting = awaiting.where(Timecard.site_id.in_(sorted(scope.site_ids) or [-1]))
    over = _this_period(
        figure_row("overtime_warning", func.count()).select_from(LedgerEntry), scope
    ).where(LedgerEntry.overtime >= WARNING_MINUTES)
    by_site = _this_period(
        select(
            site_of(LedgerEntry.subject_id).label("site_id"),
            LedgerEntry.overtime.label("minutes"),
        ),
        scope,
    ).subquery()
    overtime = (
        figure_row("overtime_by_site", func.sum(by_site.c.minutes), key=by_site.c.site_id)
        .where(by_site.c.site_id.is_not(None))
        .group_by(by_site.c.site_id)
    )
    return [awaiting, over, overtime]


def overtime_alert_rows(today: dt.date) -> Rows:
    """The daily alerts' candidates: workers whose statutory overtime in the payroll period
    containing ``today`` reached the warning share of the monthly limit:
    ``employee_id, period_start, minutes``."""
    return (
        _this_period(
            select(
                LedgerEntry.subject_id.label("employee_id"),
                LedgerEntry.period_start.label("period_start"),
                LedgerEntry.overtime.label("minutes"),
            ),
            FigureScope(today=today),
        )
        .where(LedgerEntry.overtime >= WARNING_MINUTES)
        .order_by(LedgerEntry.subject_id)
    )
