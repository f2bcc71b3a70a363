"""job outbox: jobs written in the caller's transaction, relayed to the broker (platform/jobs.py)

Revision ID: 0010_job_outbox
Revises: 0009_attendance
Create Date: 2027-01-10 12:00:00

Expand-only: one new table, owned by the platform (beside job_runs).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_job_outbox"
down_revision: str | Sequence[str] | None = "0009_attendance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("parent_request_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_outbox")),
    )
    op.create_index(
        "ix_job_outbox_sent_available", "job_outbox", ["sent_at", "available_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_job_outbox_sent_available", table_name="job_outbox")
    op.drop_table("job_outbox")
