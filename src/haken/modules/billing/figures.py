"""The billing area's dashboard figure (haken.platform.figures): the amounts billed per client
(issued and paid invoices, before tax) for the periods ending in a month. An unexecuted
statement over this area's table; the table rule tells the dashboard of every write."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func

from haken.modules.billing.models import Invoice
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, Rows, figure_row, next_month

invalidate_on_write(Invoice, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(*, month: dt.date) -> list[Rows]:
    return [
        figure_row(
            "billed_by_client",
            func.sum(Invoice.subtotal),
            key=Invoice.client_id,
            label=func.max(Invoice.client_name),
        )
        .select_from(Invoice)
        .where(
            Invoice.kind == "invoice",
            Invoice.state.in_(("issued", "paid")),
            Invoice.period_end >= month,
            Invoice.period_end < next_month(month),
        )
        .group_by(Invoice.client_id)
    ]
