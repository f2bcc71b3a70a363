"""job runs: idempotency claims and dead letters of background jobs

Revision ID: 0002_job_runs
Revises: 0001
Create Date: 2026-11-28 16:10:00

Expand-only: a new table nothing of the previous release reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_job_runs"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("key", name=op.f("uq_job_runs_key")),
    )
    op.create_index(
        "ix_job_runs_status_finished", "job_runs", ["status", "finished_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_job_runs_status_finished", table_name="job_runs")
    op.drop_table("job_runs")
