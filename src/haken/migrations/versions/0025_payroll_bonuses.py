"""payroll bonuses: bonus payment batches (賞与支給) and bonus payslips in the payslip table

Revision ID: 0025_payroll_bonuses
Revises: 0024_client_portal
Create Date: 2026-12-03 07:00:00

A new table ``payroll_bonuses`` (one batch: pay date, entries, draft → calculated → closed);
on ``payroll_payslips`` a ``kind`` (monthly / bonus), the batch of a bonus payslip, and
``run_id`` made optional (a bonus payslip belongs to a batch, not to a monthly run).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_payroll_bonuses"
down_revision: str | Sequence[str] | None = "0024_client_portal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payroll_bonuses",
        sa.Column("pay_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entries", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("calculated_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_bonuses")),
    )
    op.create_index("ix_payroll_bonuses_pay_date", "payroll_bonuses", ["pay_date", "id"])
    with op.batch_alter_table("payroll_payslips") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="monthly")
        )
        batch.add_column(sa.Column("bonus_id", ID, nullable=True))
        batch.alter_column("run_id", existing_type=ID, nullable=True)
        batch.create_foreign_key(
            op.f("fk_payroll_payslips_bonus_id_payroll_bonuses"),
            "payroll_bonuses",
            ["bonus_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            "uq_payroll_payslips_bonus_employee", ["bonus_id", "employee_id"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM payroll_payslips WHERE kind = 'bonus'")
    with op.batch_alter_table("payroll_payslips") as batch:
        batch.drop_constraint("uq_payroll_payslips_bonus_employee", type_="unique")
        batch.drop_constraint(
            op.f("fk_payroll_payslips_bonus_id_payroll_bonuses"), type_="foreignkey"
        )
        batch.alter_column("run_id", existing_type=ID, nullable=False)
        batch.drop_column("bonus_id")
        batch.drop_column("kind")
    op.drop_index("ix_payroll_bonuses_pay_date", table_name="payroll_bonuses")
    op.drop_table("payroll_bonuses")
