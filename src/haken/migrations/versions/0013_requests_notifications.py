"""requests and notifications: employees' requests with their history and exit facts; the
in-app inbox

Revision ID: 0013_requests_notifications
Revises: 0012_prior_dispatch_periods
Create Date: 2026-12-12 12:00:00

Expand-only: four new tables (the requests area and the notifications area).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_requests_notifications"
down_revision: str | Sequence[str] | None = "0012_prior_dispatch_periods"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _fk(table: str, name: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], [f"{referred}.id"], name=op.f(f"fk_{table}_{name}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("step", sa.SmallInteger(), nullable=False),
        sa.Column("approver", sa.String(length=10), nullable=True),
        sa.Column("requested_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("requests", "employee_id", "employees", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    op.create_index("ix_requests_employee", "requests", ["employee_id", "id"])
    op.create_index("ix_requests_approver", "requests", ["approver", "id"])
    op.create_table(
        "request_events",
        sa.Column("request_id", ID, nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("request_events", "request_id", "requests", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    op.create_index("ix_request_events_request", "request_events", ["request_id", "id"])
    op.create_table(
        "request_exits",
        sa.Column("request_id", ID, nullable=False),
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("last_working_day", sa.Date(), nullable=False),
        sa.Column("move_out_due", sa.Date(), nullable=False),
        sa.Column("final_pay_start", sa.Date(), nullable=False),
        sa.Column("final_pay_end", sa.Date(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("cancelled_at", TS, nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("request_exits", "request_id", "requests", "CASCADE"),
        _fk("request_exits", "employee_id", "employees", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_exits")),
        sa.UniqueConstraint("request_id", name=op.f("uq_request_exits_request_id")),
    )
    op.create_index("ix_request_exits_employee", "request_exits", ["employee_id"])
    op.create_table(
        "notifications",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS, nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("notifications", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "id"])
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_user_unread", table_name="notifications")
    op.drop_index("ix_notifications_user", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_request_exits_employee", table_name="request_exits")
    op.drop_table("request_exits")
    op.drop_index("ix_request_events_request", table_name="request_events")
    op.drop_table("request_events")
    op.drop_index("ix_requests_approver", table_name="requests")
    op.drop_index("ix_requests_employee", table_name="requests")
    op.drop_table("requests")
