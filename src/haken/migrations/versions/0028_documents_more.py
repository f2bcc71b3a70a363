"""documents: client_sites.own_employees, dispatch_ledger_entries

Revision ID: 0028_documents_more
Revises: 0027_master_imports
Create Date: 2026-12-03 07:00:00

Expand-only: one nullable column on client_sites (the client's own employees at the site,
則35条3項) and one new append-only table (the 派遣元管理台帳's complaints, training, career
consultations and employment-stability measures).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_documents_more"
down_revision: str | Sequence[str] | None = "0027_master_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("client_sites") as batch:
        batch.add_column(sa.Column("own_employees", sa.Integer(), nullable=True))
    op.create_table(
        "dispatch_ledger_entries",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=24), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("response_on", sa.Date(), nullable=True),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_dispatch_ledger_entries_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_ledger_entries")),
    )
    op.create_index(
        "ix_dispatch_ledger_entries_assignment",
        "dispatch_ledger_entries",
        ["assignment_id", "occurred_on", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_dispatch_ledger_entries_assignment", table_name="dispatch_ledger_entries")
    op.drop_table("dispatch_ledger_entries")
    with op.batch_alter_table("client_sites") as batch:
        batch.drop_column("own_employees")
