"""employee numbers: the counters of the 社員番号 pattern (HAKEN_EMPLOYEE_NUMBER_PATTERN)

Revision ID: 0007_employee_numbers
Revises: 0006_minimum_wage, 0006_identity_security
Create Date: 2026-12-10 12:00:00

Expand-only: one new table; merges the two 0006 heads.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_employee_numbers"
down_revision: str | Sequence[str] | None = ("0006_minimum_wage", "0006_identity_security")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employee_number_counters",
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_employee_number_counters")),
    )


def downgrade() -> None:
    op.drop_table("employee_number_counters")
