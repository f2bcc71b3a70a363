"""attendance: site settings, shift patterns, timecards, closing periods, the period ledger,
36協定 limits; the contract's billing cut-off day; the employee's school long vacations

Revision ID: 0009_attendance
Revises: 0008_idempotency
Create Date: 2027-01-10 12:00:00

Expand-only: new tables, and two columns with server defaults (existing rows: 末日, none).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_attendance"
down_revision: str | Sequence[str] | None = "0008_idempotency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", BIGINT, autoincrement=True, nullable=False)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    with op.batch_alter_table("dispatch_contracts") as batch:
        batch.add_column(
            sa.Column("billing_cutoff_day", sa.SmallInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("employees") as batch:
        batch.add_column(
            sa.Column("long_vacations", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )

    op.create_table(
        "attendance_site_settings",
        sa.Column("site_id", BIGINT, nullable=False),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("day_change", sa.Time(), nullable=False),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_attendance_site_settings_site_id_client_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_attendance_site_settings")),
    )
    op.create_table(
        "attendance_shift_patterns",
        _id(),
        sa.Column("site_id", BIGINT, nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("break_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_attendance_shift_patterns_site_id_client_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_shift_patterns")),
        sa.UniqueConstraint("site_id", "code", name="uq_attendance_shift_site_code"),
    )
    op.create_table(
        "attendance_timecards",
        _id(),
        sa.Column("employee_id", BIGINT, nullable=False),
        sa.Column("assignment_id", BIGINT, nullable=False),
        sa.Column("contract_id", BIGINT, nullable=False),
        sa.Column("site_id", BIGINT, nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("shift_code", sa.String(length=20), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("break_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("marker", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("rejected_comment", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("import_file_id", BIGINT, nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", BIGINT, nullable=True),
        sa.Column("hours_warnings", sa.JSON(), nullable=True),
        sa.Column("warned", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_attendance_timecards_employee_id_employees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_attendance_timecards_assignment_id_assignments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["dispatch_contracts.id"],
            name=op.f("fk_attendance_timecards_contract_id_dispatch_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_attendance_timecards_site_id_client_sites"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_timecards")),
        sa.UniqueConstraint("assignment_id", "work_date", name="uq_attendance_timecards_day"),
    )
    for name, columns in (
        ("ix_attendance_timecards_employee", ["employee_id", "work_date", "id"]),
        ("ix_attendance_timecards_site", ["site_id", "work_date", "id"]),
        ("ix_attendance_timecards_contract", ["contract_id", "work_date", "id"]),
        ("ix_attendance_timecards_state", ["state", "work_date", "id"]),
        ("ix_attendance_timecards_warned", ["warned", "work_date", "id"]),
    ):
        op.create_index(name, "attendance_timecards", columns, unique=False)

    op.create_table(
        "attendance_periods",
        _id(),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("subject_id", BIGINT, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", BIGINT, nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", BIGINT, nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_periods")),
        sa.UniqueConstraint("kind", "subject_id", "period_start", name="uq_attendance_periods_key"),
    )
    op.create_index(
        "ix_attendance_periods_state",
        "attendance_periods",
        ["state", "period_start", "period_end"],
        unique=False,
    )
    op.create_index(
        "ix_attendance_periods_start", "attendance_periods", ["period_start", "id"], unique=False
    )

    op.create_table(
        "attendance_ledger",
        _id(),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("subject_id", BIGINT, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "worked_minutes",
                "regular",
                "within_statutory_overtime",
                "overtime",
                "overtime_over_60h",
                "night",
                "overtime_night",
                "rest_day",
                "rest_day_night",
                "worked_days",
                "paid_leave_days",
                "half_leave_days",
                "absence_days",
                "timecard_count",
            )
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_ledger")),
        sa.UniqueConstraint("kind", "subject_id", "period_start", name="uq_attendance_ledger_key"),
    )
    op.create_index(
        "ix_attendance_ledger_period",
        "attendance_ledger",
        ["kind", "period_start", "subject_id", "id"],
        unique=False,
    )

    op.create_table(
        "attendance_overtime_agreements",
        _id(),
        sa.Column("site_id", BIGINT, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("monthly_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("yearly_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("variable_hours_1y", sa.Boolean(), nullable=False),
        sa.Column("special_clause", sa.Boolean(), nullable=False),
        sa.Column("special_monthly_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("special_yearly_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("special_months_max", sa.SmallInteger(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_attendance_overtime_agreements_site_id_client_sites"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_overtime_agreements")),
        sa.UniqueConstraint("site_id", "period_start", name="uq_attendance_agreements_site_start"),
    )


def downgrade() -> None:
    op.drop_table("attendance_overtime_agreements")
    op.drop_index("ix_attendance_ledger_period", table_name="attendance_ledger")
    op.drop_table("attendance_ledger")
    op.drop_index("ix_attendance_periods_start", table_name="attendance_periods")
    op.drop_index("ix_attendance_periods_state", table_name="attendance_periods")
    op.drop_table("attendance_periods")
    for name in (
        "ix_attendance_timecards_warned",
        "ix_attendance_timecards_state",
        "ix_attendance_timecards_contract",
        "ix_attendance_timecards_site",
        "ix_attendance_timecards_employee",
    ):
        op.drop_index(name, table_name="attendance_timecards")
    op.drop_table("attendance_timecards")
    op.drop_table("attendance_shift_patterns")
    op.drop_table("attendance_site_settings")
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("long_vacations")
    with op.batch_alter_table("dispatch_contracts") as batch:
        batch.drop_column("billing_cutoff_day")
