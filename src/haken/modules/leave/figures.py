"""The leave area's dashboard figure (haken.platform.figures): workers at risk of missing the
5-day duty, by the rule of the daily alert (``leave_service.duty_alerts``): a grant whose
deadline is within the risk window (or passed within the year) with fewer than 5 days counted.
An unexecuted statement over the stored running figures; the table rule tells the dashboard
of every write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func

from haken.modules.leave.models import LeaveGrant
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

DUTY_DAYS = Decimal(5)

invalidate_on_write(LeaveGrant, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(scope: FigureScope, *, risk_window_days: int) -> list[Rows]:
    statement = (
        figure_row("leave_duty_at_risk", func.count(func.distinct(LeaveGrant.employee_id)))
        .select_from(LeaveGrant)
        .where(
            LeaveGrant.duty_deadline >= scope.today - dt.timedelta(days=365),
            LeaveGrant.duty_deadline <= scope.today + dt.timedelta(days=risk_window_days),
            LeaveGrant.duty_counted < DUTY_DAYS,
        )
    )
    if scope.employee_ids is not None:
        statement = statement.where(LeaveGrant.employee_id.in_(scope.employee_ids))
    return [statement]
