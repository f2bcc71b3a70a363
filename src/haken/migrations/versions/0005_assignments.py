"""assignments: dispatch contracts (個別契約), assignments, effective-dated rates

Revision ID: 0005
Revises: 0004, 0002_job_runs
Create Date: 2026-11-28 17:30:00

Expand-only: new tables. Merges the two heads (housing, job runs) so that the tree ends
with one head. Written by hand with only the assignments tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0004", "0002_job_runs")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(10, 2)
PERCENT = sa.Numeric(5, 2)


def _tail() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _fk(name: str, table: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], [f"{referred}.id"], name=op.f(f"fk_{table}_{name}_{referred}"), ondelete="RESTRICT"
    )


def upgrade() -> None:
    op.create_table(
        "dispatch_contracts",
        sa.Column("contract_number", sa.String(length=40), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("working_days", sa.String(length=100), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("break_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("work_content", sa.Text(), nullable=False),
        sa.Column("responsibility_level", sa.String(length=200), nullable=False),
        sa.Column("work_place", sa.String(length=300), nullable=False),
        sa.Column("headcount", sa.SmallInteger(), nullable=False),
        sa.Column("supervisor_name", sa.String(length=100), nullable=False),
        sa.Column("supervisor_department", sa.String(length=100), nullable=False),
        sa.Column("supervisor_title", sa.String(length=100), nullable=False),
        sa.Column("client_manager_name", sa.String(length=100), nullable=False),
        sa.Column("agency_manager_name", sa.String(length=100), nullable=False),
        sa.Column("overtime_hours_per_day", sa.SmallInteger(), nullable=True),
        sa.Column("overtime_hours_per_month", sa.SmallInteger(), nullable=True),
        sa.Column("overtime_hours_per_year", sa.SmallInteger(), nullable=True),
        sa.Column("holiday_work_days_per_month", sa.SmallInteger(), nullable=True),
        sa.Column("limited_to_exempt_workers", sa.Boolean(), nullable=False),
        sa.Column("limited_to_agreement_workers", sa.Boolean(), nullable=False),
        sa.Column("work_exemption", sa.String(length=24), nullable=True),
        sa.Column("exemption_note", sa.Text(), nullable=False),
        sa.Column("default_hourly_bill", MONEY, nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        *_tail(),
        _fk("client_id", "dispatch_contracts", "clients"),
        _fk("site_id", "dispatch_contracts", "client_sites"),
        _fk("unit_id", "dispatch_contracts", "client_units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_contracts")),
        sa.UniqueConstraint("contract_number", name=op.f("uq_dispatch_contracts_contract_number")),
    )
    with op.batch_alter_table("dispatch_contracts", schema=None) as batch:
        for name, columns in (
            ("ix_dispatch_contracts_start", ["period_start", "id"]),
            ("ix_dispatch_contracts_end", ["period_end", "id"]),
            ("ix_dispatch_contracts_created", ["created_at", "id"]),
            ("ix_dispatch_contracts_number", ["contract_number", "id"]),
            ("ix_dispatch_contracts_client", ["client_id", "period_start", "id"]),
            ("ix_dispatch_contracts_site", ["site_id", "period_start", "id"]),
            ("ix_dispatch_contracts_unit", ["unit_id", "period_start", "id"]),
            ("ix_dispatch_contracts_status", ["status", "period_start", "id"]),
        ):
            batch.create_index(name, columns, unique=False)

    op.create_table(
        "assignments",
        sa.Column("contract_id", ID, nullable=False),
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("contract_number", sa.String(length=40), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("end_reason", sa.String(length=200), nullable=False),
        sa.Column("work_exemption", sa.String(length=24), nullable=True),
        sa.Column("exemption_note", sa.Text(), nullable=False),
        sa.Column("exemption", sa.String(length=24), nullable=True),
        sa.Column("site_conflict_date", sa.Date(), nullable=True),
        sa.Column("individual_conflict_date", sa.Date(), nullable=True),
        sa.Column("conflict_date", sa.Date(), nullable=True),
        sa.Column("conflict_kind", sa.String(length=12), nullable=True),
        sa.Column("specified_skilled_field", sa.String(length=40), nullable=True),
        sa.Column("agency_qualified_for_field", sa.Boolean(), nullable=False),
        sa.Column("work_matches_status", sa.Boolean(), nullable=False),
        sa.Column("designation_permits_work", sa.Boolean(), nullable=False),
        sa.Column("supervised_dispatch_type", sa.Boolean(), nullable=False),
        sa.Column("student_enrolled", sa.Boolean(), nullable=False),
        sa.Column("weekly_hours_limit", sa.SmallInteger(), nullable=True),
        sa.Column("vacation_daily_hours_limit", sa.SmallInteger(), nullable=True),
        sa.Column("permit_document_check", sa.Boolean(), nullable=False),
        sa.Column("allow_negative_margin", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        *_tail(),
        _fk("contract_id", "assignments", "dispatch_contracts"),
        _fk("employee_id", "assignments", "employees"),
        _fk("client_id", "assignments", "clients"),
        _fk("site_id", "assignments", "client_sites"),
        _fk("unit_id", "assignments", "client_units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch:
        for name, columns in (
            ("ix_assignments_start", ["start_date", "id"]),
            ("ix_assignments_end", ["end_date", "id"]),
            ("ix_assignments_created", ["created_at", "id"]),
            ("ix_assignments_conflict", ["conflict_date", "id"]),
            ("ix_assignments_employee", ["employee_id", "start_date", "id"]),
            ("ix_assignments_unit", ["unit_id", "start_date", "id"]),
            ("ix_assignments_site", ["site_id", "start_date", "id"]),
            ("ix_assignments_client", ["client_id", "start_date", "id"]),
            ("ix_assignments_contract", ["contract_id", "start_date", "id"]),
            ("ix_assignments_status", ["status", "start_date", "id"]),
        ):
            batch.create_index(name, columns, unique=False)

    op.create_table(
        "assignment_rates",
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("hourly_pay", MONEY, nullable=False),
        sa.Column("hourly_bill", MONEY, nullable=False),
        sa.Column("overtime_pay_pct", PERCENT, nullable=False),
        sa.Column("late_night_pay_pct", PERCENT, nullable=False),
        sa.Column("holiday_pay_pct", PERCENT, nullable=False),
        sa.Column("overtime_bill_pct", PERCENT, nullable=False),
        sa.Column("late_night_bill_pct", PERCENT, nullable=False),
        sa.Column("holiday_bill_pct", PERCENT, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_rates_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rates")),
        sa.UniqueConstraint(
            "assignment_id", "effective_from", name="uq_assignment_rates_effective"
        ),
    )


def downgrade() -> None:
    op.drop_table("assignment_rates")
    op.drop_table("assignments")
    op.drop_table("dispatch_contracts")
