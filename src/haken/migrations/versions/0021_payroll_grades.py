"""payroll grades: the decided standard monthly remuneration of each insured employee
(資格取得時決定, 定時決定, 随時改定) with its first premium month, and each payslip's days

Revision ID: 0021_payroll_grades
Revises: 0020_payroll_delivery
Create Date: 2026-12-03 03:00:00

Expand-only: a new table ``payroll_grades``; two columns on payroll_payslips (支払基礎日数 and
days worked, which the April–June 定時決定 and the 平均賃金 of leave pay count).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_payroll_grades"
down_revision: str | Sequence[str] | None = "0020_payroll_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payroll_grades",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("health_grade", sa.Integer(), nullable=False),
        sa.Column("health_standard", sa.Integer(), nullable=False),
        sa.Column("pension_grade", sa.Integer(), nullable=False),
        sa.Column("pension_standard", sa.Integer(), nullable=False),
        sa.Column("average", sa.Integer(), nullable=True),
        sa.Column("months", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_payroll_grades_employee_id_employees"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_grades")),
        sa.UniqueConstraint("employee_id", "effective_from", name="uq_payroll_grades_effective"),
    )
    op.add_column(
        "payroll_profiles",
        sa.Column("insured_kind", sa.String(length=12), nullable=False, server_default="regular"),
    )
    op.add_column(
        "payroll_payslips",
        sa.Column("base_days", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        "payroll_payslips",
        sa.Column("worked_days", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    with op.batch_alter_table("payroll_payslips") as batch:
        batch.drop_column("worked_days")
        batch.drop_column("base_days")
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.drop_column("insured_kind")
    op.drop_table("payroll_grades")
