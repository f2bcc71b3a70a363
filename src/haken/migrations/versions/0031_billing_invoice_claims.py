"""billing: one open invoice per client and billing period (a database key)

Revision ID: 0031_billing_invoice_claims
Revises: 0030_payroll_bonus_transfers
Create Date: 2026-12-03 11:00:00

Expand-only: a partial unique index on billing_invoices (client, period start, period end)
over the invoices that are not voided (credit notes excluded), so two batches drafting the
same client and period at once cannot both write it (issue 18). PostgreSQL and SQLite both
support partial indexes. An existing database with two open invoices of the same client and
period (possible before this key) fails the upgrade: void one of them first.

No data migration for ``dispatch_contracts.billing_cutoff_day``: 0 already reads "the
client's closing day" (since 0026) and 31 (末日 stated by the contract) is a new value.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_billing_invoice_claims"
down_revision: str | Sequence[str] | None = "0030_payroll_bonus_transfers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_INVOICE = "kind = 'invoice' AND state <> 'void'"


def upgrade() -> None:
    op.create_index(
        "uq_billing_invoices_open",
        "billing_invoices",
        ["client_id", "period_start", "period_end"],
        unique=True,
        postgresql_where=sa.text(OPEN_INVOICE),
        sqlite_where=sa.text(OPEN_INVOICE),
    )


def downgrade() -> None:
    op.drop_index("uq_billing_invoices_open", table_name="billing_invoices")
