"""client supervisors scoped to 組織単位: user_units

Revision ID: 0033_documents_notices
Revises: 0031_billing_invoice_claims
Create Date: 2026-12-03 11:00:00

Expand-only: one new table. A client supervisor with units sees only those units' workers,
timecards and documents in the portal; without any, every unit of its sites (as before).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_documents_notices"
down_revision: str | Sequence[str] | None = "0031_billing_invoice_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "user_units",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_units_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["client_units.id"],
            name=op.f("fk_user_units_unit_id_client_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "unit_id", name=op.f("pk_user_units")),
    )
    op.create_index("ix_user_units_unit", "user_units", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_user_units_unit", table_name="user_units")
    op.drop_table("user_units")
