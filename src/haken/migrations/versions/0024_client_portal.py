"""client portal and documents: users.client_id, generated_documents

Revision ID: 0024_client_portal
Revises: 0021_payroll_grades
Create Date: 2026-12-03 03:00:00

Expand-only: one nullable column on users and one new table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_client_portal"
down_revision: str | Sequence[str] | None = "0021_payroll_grades"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("client_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_users_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_index("ix_users_client_id", ["client_id"], unique=False)
    op.create_table(
        "generated_documents",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("contract_id", ID, nullable=True),
        sa.Column("employee_id", ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("issued_by", ID, nullable=True),
        sa.Column("issued_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_documents")),
        sa.UniqueConstraint(
            "kind",
            "subject_type",
            "subject_id",
            "version",
            name="uq_generated_documents_version",
        ),
    )
    op.create_index(
        "ix_generated_documents_client", "generated_documents", ["client_id", "issued_at", "id"]
    )
    op.create_index(
        "ix_generated_documents_contract", "generated_documents", ["contract_id", "issued_at", "id"]
    )
    op.create_index(
        "ix_generated_documents_employee", "generated_documents", ["employee_id", "issued_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_generated_documents_employee", table_name="generated_documents")
    op.drop_index("ix_generated_documents_contract", table_name="generated_documents")
    op.drop_index("ix_generated_documents_client", table_name="generated_documents")
    op.drop_table("generated_documents")
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_client_id")
        batch.drop_constraint(op.f("fk_users_client_id_clients"), type_="foreignkey")
        batch.drop_column("client_id")
