"""The clients area's dashboard figures (haken.platform.figures): sites whose 抵触日 falls
within 90 days. An unexecuted statement over this area's table; the table rule tells the
dashboard of every write."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from haken.modules.clients.models import ClientSite
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

CONFLICT_WINDOW_DAYS = 90

invalidate_on_write(ClientSite, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(scope: FigureScope) -> list[Rows]:
    statement = (
        figure_row("conflict_sites", func.count())
        .select_from(ClientSite)
        .where(
            ClientSite.archived_at.is_(None),
            ClientSite.conflict_date >= scope.today,
            ClientSite.conflict_date <= scope.today + dt.timedelta(days=CONFLICT_WINDOW_DAYS),
        )
    )
    if scope.site_ids is not None:
        statement = statement.where(ClientSite.id.in_(sorted(scope.site_ids) or [-1]))
    return [statement]


def conflict_alert_rows(today: dt.date) -> Rows:
    """The daily alerts' candidates: sites whose 抵触日 falls within 90 days:
    ``site_id, client_id, name, conflict_date``."""
    return (
        select(
            ClientSite.id.label("site_id"),
            ClientSite.client_id.label("client_id"),
            ClientSite.name.label("name"),
            ClientSite.conflict_date.label("conflict_date"),
        )
        .where(
            ClientSite.archived_at.is_(None),
            ClientSite.conflict_date >= today,
            ClientSite.conflict_date <= today + dt.timedelta(days=CONFLICT_WINDOW_DAYS),
        )
        .order_by(ClientSite.id)
    )
