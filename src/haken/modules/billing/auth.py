"""The access of billing (請求), named once for ``endpoints.py`` and ``pages.py``.

Coordinators read and write the invoices of the clients they are in charge of
(``billing_client_settings.coordinator_user_id``; others: 404), admins every invoice; site
managers and employees none (403). Rates, fixed items, client settings and the month's
batches: admins.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CoordinatorPrincipal

InvoicesRead = CoordinatorPrincipal
"""Lists, one invoice, its PDF."""
InvoicesWrite = CoordinatorPrincipal
"""Draft, issue, void (credit note), record a payment."""
InvoicesExport = CoordinatorPrincipal
"""The CSV of issued invoices for accounting software."""
BillingSetup = AdminPrincipal
"""Bill rates, fixed monthly items, the client's layout and coordinator in charge."""

BatchesRead = AdminPrincipal
"""The month's invoicing batches and their progress (agency-wide: admins)."""
BatchesWrite = AdminPrincipal
"""Invoice a whole month as a job (every client, or the clients chosen)."""

MarginsRead = CoordinatorPrincipal
"""The margin report (billing − labour cost) of the clients a coordinator is in charge of."""
MarginRateRead = AdminPrincipal
"""The agency's マージン率 (all clients: admins)."""

__all__ = [
    "BatchesRead",
    "BatchesWrite",
    "BillingSetup",
    "InvoicesExport",
    "InvoicesRead",
    "InvoicesWrite",
    "MarginRateRead",
    "MarginsRead",
]
