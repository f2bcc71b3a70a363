"""billing cut-off changes: the first day a changed closing day groups

Revision ID: 0036_billing_cutoff_recompute
Revises: 0035_payroll_grade_rules
Create Date: 2026-12-03 14:00:00

Expand-only: ``billing_client_settings.cutoff_from`` and
``dispatch_contracts.billing_cutoff_from`` (nullable dates). A client's closing day or a
contract's own billing cut-off changed after its work was invoiced applies from the day after
the last invoiced or closed billing period (the first period under the new day is the short
移行期間 starting there); null: the day groups all the work (never changed, or changed before
anything was invoiced). docs/billing.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_billing_cutoff_recompute"
down_revision: str | Sequence[str] | None = "0035_payroll_grade_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("billing_client_settings", sa.Column("cutoff_from", sa.Date(), nullable=True))
    op.add_column("dispatch_contracts", sa.Column("billing_cutoff_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispatch_contracts") as batch:
        batch.drop_column("billing_cutoff_from")
    with op.batch_alter_table("billing_client_settings") as batch:
        batch.drop_column("cutoff_from")
