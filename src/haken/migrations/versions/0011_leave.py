"""leave: the paid-leave ledger (leave_grants, leave_takings)

Revision ID: 0011_leave
Revises: 0010_job_outbox
Create Date: 2027-01-20 12:00:00

Expand-only: two new tables of the leave module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_leave"
down_revision: str | Sequence[str] | None = "0010_job_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "leave_grants",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("employee_id", _ID, nullable=False),
        sa.Column("grant_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Numeric(4, 1), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("table", sa.String(length=12), nullable=True),
        sa.Column("service_index", sa.SmallInteger(), nullable=True),
        sa.Column("service_start", sa.Date(), nullable=True),
        sa.Column("weekly_days", sa.Numeric(3, 1), nullable=True),
        sa.Column("weekly_hours", sa.Numeric(5, 2), nullable=True),
        sa.Column("schedule_source", sa.String(length=20), nullable=False),
        sa.Column("attendance_rate", sa.Numeric(5, 4), nullable=True),
        sa.Column("attendance_basis", sa.String(length=20), nullable=False),
        sa.Column("used_days", sa.Numeric(7, 3), nullable=False),
        sa.Column("duty_deadline", sa.Date(), nullable=True),
        sa.Column("duty_counted", sa.Numeric(4, 1), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_leave_grants_employee_id_employees"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_grants")),
        sa.UniqueConstraint("employee_id", "grant_date", name="uq_leave_grants_employee_date"),
    )
    op.create_index(
        "ix_leave_grants_duty_deadline", "leave_grants", ["duty_deadline", "employee_id"]
    )
    op.create_index("ix_leave_grants_expires", "leave_grants", ["expires_on", "employee_id"])
    op.create_table(
        "leave_takings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("employee_id", _ID, nullable=False),
        sa.Column("grant_id", _ID, nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("hours", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_leave_takings_employee_id_employees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["leave_grants.id"],
            name=op.f("fk_leave_takings_grant_id_leave_grants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_takings")),
    )
    op.create_index("ix_leave_takings_employee_day", "leave_takings", ["employee_id", "day"])
    op.create_index("ix_leave_takings_request", "leave_takings", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_leave_takings_request", table_name="leave_takings")
    op.drop_index("ix_leave_takings_employee_day", table_name="leave_takings")
    op.drop_table("leave_takings")
    op.drop_index("ix_leave_grants_expires", table_name="leave_grants")
    op.drop_index("ix_leave_grants_duty_deadline", table_name="leave_grants")
    op.drop_table("leave_grants")
