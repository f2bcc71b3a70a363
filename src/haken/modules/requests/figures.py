"""The requests area's dashboard figure (haken.platform.figures): requests awaiting a decision
(submitted, or approved by the site and waiting for the office). An unexecuted statement over
this area's table; the table rule tells the dashboard of every write."""

from __future__ import annotations

from sqlalchemy import func

from haken.modules.requests.models import Request
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

AWAITING = ("submitted", "approved_by_site")

invalidate_on_write(Request, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(scope: FigureScope) -> list[Rows]:
    statement = (
        figure_row("requests_awaiting", func.count())
        .select_from(Request)
        .where(Request.state.in_(AWAITING))
    )
    if scope.employee_ids is not None:
        # A site manager decides the site step only: what waits for the office is not theirs.
        statement = statement.where(
            Request.employee_id.in_(scope.employee_ids), Request.state == "submitted"
        )
    return [statement]
