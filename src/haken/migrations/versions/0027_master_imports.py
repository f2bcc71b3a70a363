"""imports: master-data imports (employees, candidates from CSV / Excel): the column mapping
per target and source, and the uploaded files with their dry-run report and progress

Revision ID: 0027_master_imports
Revises: 0026_billing_batches
Create Date: 2026-12-03 07:40:00

Expand-only: two new tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_master_imports"
down_revision: str | Sequence[str] | None = "0026_billing_batches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "master_import_mappings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("header_row", sa.SmallInteger(), nullable=False),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_master_import_mappings")),
        sa.UniqueConstraint(
            "target", "source", name=op.f("uq_master_import_mappings_target_source")
        ),
    )
    op.create_table(
        "master_imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=4), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("imported_count", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", ID, nullable=True),
        sa.Column("committed_at", TS, nullable=True),
        sa.Column("committed_by", ID, nullable=True),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_master_imports")),
        sa.UniqueConstraint("target", "sha256", name=op.f("uq_master_imports_target_sha")),
    )
    op.create_index("ix_master_imports_created", "master_imports", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_master_imports_created", table_name="master_imports")
    op.drop_table("master_imports")
    op.drop_table("master_import_mappings")
