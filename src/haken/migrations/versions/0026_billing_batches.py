"""billing batches, the client's closing day and tax rounding

Revision ID: 0026_billing_batches
Revises: 0025_payroll_bonuses
Create Date: 2026-12-03 07:20:00

Expand-only: two columns on billing_client_settings (the client's 締め日, 0 = 末日, and its
tax rounding; null = the agency's) and the billing_batches table (a period's invoices
drafted by a background job, its progress and the clients skipped).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_billing_batches"
down_revision: str | Sequence[str] | None = "0025_payroll_bonuses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("billing_client_settings") as batch:
        batch.add_column(
            sa.Column("cutoff_day", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("tax_rounding", sa.String(length=8), nullable=True))
    op.create_table(
        "billing_batches",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("client_filter", sa.JSON(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("drafted", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_batches")),
    )
    op.create_index("ix_billing_batches_month", "billing_batches", ["month", "id"])


def downgrade() -> None:
    op.drop_index("ix_billing_batches_month", table_name="billing_batches")
    op.drop_table("billing_batches")
    with op.batch_alter_table("billing_client_settings") as batch:
        batch.drop_column("tax_rounding")
        batch.drop_column("cutoff_day")
