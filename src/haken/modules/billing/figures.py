"""What the agency dashboard reads of the billing area: nothing in its figure statements — its
margin tile is the margin report's client level (``billing_service.margins`` for the agency,
cached apart by the dashboard under :data:`MARGINS_TAG`: docs/dashboard.md) — and so only the
table rule: every write of an invoice tells both the dashboard and its margin tile."""

from __future__ import annotations

from haken.modules.billing.models import Invoice
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, MARGINS_TAG

invalidate_on_write(
    Invoice,
    row_tags=lambda _row: (DASHBOARD_TAG, MARGINS_TAG),
    bulk_tags=(DASHBOARD_TAG, MARGINS_TAG),
)
