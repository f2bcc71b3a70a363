"""payroll grade rules: how a recorded 標準報酬月額 was averaged (the April–June months or the
保険者算定 by the annual average, with the employee's consent) and its basis line

Revision ID: 0035_payroll_grade_rules
Revises: 0034_documents_annual
Create Date: 2026-12-03 11:00:00

Expand-only: four columns on ``payroll_grades`` with server defaults (existing rows read as the
usual method, no consent, no retroactive pay left out, an empty basis).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_payroll_grade_rules"
down_revision: str | Sequence[str] | None = "0034_documents_annual"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "payroll_grades",
        sa.Column("method", sa.String(length=16), nullable=False, server_default="usual"),
    )
    op.add_column(
        "payroll_grades",
        sa.Column("consent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "payroll_grades",
        sa.Column(
            "retroactive_excluded", sa.Integer(), nullable=False, server_default=sa.text("0")
        ),
    )
    op.add_column(
        "payroll_grades",
        sa.Column("basis", sa.String(length=400), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("payroll_grades") as batch:
        batch.drop_column("basis")
        batch.drop_column("retroactive_excluded")
        batch.drop_column("consent")
        batch.drop_column("method")
