"""documents: document_bulk_runs (bulk generation of a document kind as one ZIP)

Revision ID: 0034_documents_annual
Revises: 0033_documents_notices
Create Date: 2026-12-03 11:00:00

Expand-only: one new table (a bulk run's plan, progress, skipped subjects and the ZIP).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_documents_annual"
down_revision: str | Sequence[str] | None = "0033_documents_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "document_bulk_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("document_ids", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=True),
        sa.Column("started_by", ID, nullable=True),
        sa.Column("started_role", sa.String(length=24), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_bulk_runs")),
    )
    op.create_index("ix_document_bulk_runs_created", "document_bulk_runs", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_document_bulk_runs_created", table_name="document_bulk_runs")
    op.drop_table("document_bulk_runs")
