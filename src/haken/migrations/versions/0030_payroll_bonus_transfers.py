"""payroll bulk payslip PDFs: the background job's record of each bulk file

Revision ID: 0030_payroll_bonus_transfers
Revises: 0029_attendance_leave_kinds
Create Date: 2026-12-03 11:20:00

A new table ``payroll_pdf_exports``: one bulk payslip PDF of a run or a bonus payment, its
progress (processed of total), the batch cursor and parts, and the finished file's name.
The bonus transfer file and the bonus withholding need no schema change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_payroll_bonus_transfers"
down_revision: str | Sequence[str] | None = "0029_attendance_leave_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payroll_pdf_exports",
        sa.Column("run_id", ID, nullable=True),
        sa.Column("bonus_id", ID, nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=80), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["payroll_runs.id"],
            name=op.f("fk_payroll_pdf_exports_run_id_payroll_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bonus_id"],
            ["payroll_bonuses.id"],
            name=op.f("fk_payroll_pdf_exports_bonus_id_payroll_bonuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_pdf_exports")),
    )
    op.create_index("ix_payroll_pdf_exports_run", "payroll_pdf_exports", ["run_id", "id"])
    op.create_index("ix_payroll_pdf_exports_bonus", "payroll_pdf_exports", ["bonus_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_payroll_pdf_exports_bonus", table_name="payroll_pdf_exports")
    op.drop_index("ix_payroll_pdf_exports_run", table_name="payroll_pdf_exports")
    op.drop_table("payroll_pdf_exports")
