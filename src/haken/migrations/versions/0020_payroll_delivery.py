"""payroll delivery: the employee's consent to electronic payslips (所得税法231条)

Revision ID: 0020_payroll_delivery
Revises: 0019_requests_more
Create Date: 2026-12-03 03:00:00

Expand-only: two columns on payroll_profiles (consent, the day it was given).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_payroll_delivery"
down_revision: str | Sequence[str] | None = "0019_requests_more"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "payroll_profiles",
        sa.Column(
            "payslip_e_delivery_consent",
            sa.Boolean(),
            nullable=False,
            server_default=sa.false(),
        ),
    )
    op.add_column(
        "payroll_profiles",
        sa.Column("payslip_e_delivery_consent_on", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.drop_column("payslip_e_delivery_consent_on")
        batch.drop_column("payslip_e_delivery_consent")
