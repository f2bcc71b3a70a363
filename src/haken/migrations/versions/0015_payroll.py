"""payroll: pay settings per employee, runs, payslips with their basis, adjustments

Revision ID: 0015_payroll
Revises: 0014_timesheet_imports
Create Date: 2026-12-02 19:30:00

Expand-only: four new tables of the payroll area.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_payroll"
down_revision: str | Sequence[str] | None = "0014_timesheet_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _fk(table: str, name: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], [f"{referred}.id"], name=op.f(f"fk_{table}_{name}_{referred}"), ondelete=ondelete
    )


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "payroll_profiles",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("pay_type", sa.String(length=8), nullable=False),
        sa.Column("monthly_salary", sa.Integer(), nullable=True),
        sa.Column("average_monthly_minutes", sa.Integer(), nullable=True),
        sa.Column("scheduled_days", sa.Integer(), nullable=True),
        sa.Column("allowance", sa.Integer(), nullable=False),
        sa.Column("commuting", sa.Integer(), nullable=False),
        sa.Column("standard_remuneration", sa.Integer(), nullable=True),
        sa.Column("social_insured", sa.Boolean(), nullable=False),
        sa.Column("employment_insured", sa.Boolean(), nullable=False),
        sa.Column("resident_tax", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("other_deductions", sa.Integer(), nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_stamps(),
        _fk("payroll_profiles", "employee_id", "employees", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_profiles")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_payroll_profiles_employee_id")),
    )
    op.create_table(
        "payroll_runs",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("pay_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_runs")),
        sa.UniqueConstraint("period_start", name=op.f("uq_payroll_runs_period_start")),
    )
    op.create_index("ix_payroll_runs_start", "payroll_runs", ["period_start", "id"])
    op.create_table(
        "payroll_payslips",
        sa.Column("run_id", ID, nullable=False),
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("pay_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("error_detail", sa.Text(), nullable=True),
        sa.Column("gross", sa.Integer(), nullable=False),
        sa.Column("social_insurance", sa.Integer(), nullable=False),
        sa.Column("employment_insurance", sa.Integer(), nullable=False),
        sa.Column("income_tax", sa.Integer(), nullable=False),
        sa.Column("resident_tax", sa.Integer(), nullable=False),
        sa.Column("deductions", sa.Integer(), nullable=False),
        sa.Column("net", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("payroll_payslips", "run_id", "payroll_runs", "CASCADE"),
        _fk("payroll_payslips", "employee_id", "employees", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_payslips")),
        sa.UniqueConstraint("run_id", "employee_id", name="uq_payroll_payslips_run_employee"),
    )
    op.create_index(
        "ix_payroll_payslips_employee", "payroll_payslips", ["employee_id", "period_start", "id"]
    )
    op.create_index(
        "ix_payroll_payslips_run_status", "payroll_payslips", ["run_id", "status", "employee_id"]
    )
    op.create_table(
        "payroll_adjustments",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("source_payslip_id", ID, nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("payroll_adjustments", "employee_id", "employees", "RESTRICT"),
        _fk("payroll_adjustments", "source_payslip_id", "payroll_payslips", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_adjustments")),
    )
    op.create_index(
        "ix_payroll_adjustments_period",
        "payroll_adjustments",
        ["period_start", "employee_id", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_payroll_adjustments_period", table_name="payroll_adjustments")
    op.drop_table("payroll_adjustments")
    op.drop_index("ix_payroll_payslips_run_status", table_name="payroll_payslips")
    op.drop_index("ix_payroll_payslips_employee", table_name="payroll_payslips")
    op.drop_table("payroll_payslips")
    op.drop_index("ix_payroll_runs_start", table_name="payroll_runs")
    op.drop_table("payroll_runs")
    op.drop_table("payroll_profiles")
