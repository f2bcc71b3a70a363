"""minimum wages: the fiscal years of 地域別最低賃金 entered by the agency

Revision ID: 0006_minimum_wage
Revises: 0005
Create Date: 2026-12-02 12:00:00

Expand-only: one new table. The shipped years live in haken/labor/tables, not here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_minimum_wage"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "minimum_wage_amounts",
        sa.Column("fiscal_year", sa.SmallInteger(), nullable=False),
        sa.Column("prefecture", sa.String(length=2), nullable=False),
        sa.Column("hourly_yen", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minimum_wage_amounts")),
        sa.UniqueConstraint("fiscal_year", "prefecture", name="uq_minimum_wage_amounts_year_pref"),
    )
    op.create_index(
        "ix_minimum_wage_amounts_pref_effective",
        "minimum_wage_amounts",
        ["prefecture", "effective_from"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_minimum_wage_amounts_pref_effective", table_name="minimum_wage_amounts")
    op.drop_table("minimum_wage_amounts")
