"""attendance: client timesheet imports (the uploaded files with their dry-run report, the
column mapping per client) and the timecards' link to the file they came from

Revision ID: 0014_timesheet_imports
Revises: 0013_requests_notifications
Create Date: 2026-12-02 19:30:00

Expand-only: two new tables and an index on the existing ``attendance_timecards.import_file_id``
(the column exists since 0009).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_timesheet_imports"
down_revision: str | Sequence[str] | None = "0013_requests_notifications"
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
        "attendance_import_mappings",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("employee_key", sa.String(length=10), nullable=False),
        sa.Column("header_row", sa.SmallInteger(), nullable=False),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_attendance_import_mappings_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_attendance_import_mappings")),
    )
    op.create_table(
        "attendance_import_files",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=4), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("imported_count", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", ID, nullable=True),
        sa.Column("committed_at", TS, nullable=True),
        sa.Column("committed_by", ID, nullable=True),
        *_timestamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_attendance_import_files_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_import_files")),
        sa.UniqueConstraint(
            "client_id", "sha256", name=op.f("uq_attendance_import_files_client_sha")
        ),
    )
    op.create_index(
        "ix_attendance_import_files_client",
        "attendance_import_files",
        ["client_id", "created_at", "id"],
    )
    op.create_index(
        "ix_attendance_timecards_import_file",
        "attendance_timecards",
        ["import_file_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_attendance_timecards_import_file", table_name="attendance_timecards")
    op.drop_index("ix_attendance_import_files_client", table_name="attendance_import_files")
    op.drop_table("attendance_import_files")
    op.drop_table("attendance_import_mappings")
