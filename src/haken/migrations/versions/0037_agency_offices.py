"""agency offices (派遣元事業所): the offices table, dispatch_contracts.office_id, and one
default office made from the settings so that existing contracts keep working

Revision ID: 0037_agency_offices
Revises: 0036_billing_cutoff_recompute
Create Date: 2026-12-03 14:10:00

Expand-only: a new table; a nullable column (NULL = the default office) with its index,
filled for the existing contracts with the default office. The default office is named after ``HAKEN_BILLING_AGENCY_NAME`` (the name the annual disclosure
showed as its one office), else 本社.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_agency_offices"
down_revision: str | Sequence[str] | None = "0036_billing_cutoff_recompute"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FALLBACK_NAME = "本社"


def _default_name() -> str:
    try:
        from haken.config import Settings

        name = Settings().billing_agency_name.strip()
    except Exception:  # settings that do not load here must not block the schema
        name = ""
    return name or FALLBACK_NAME


def upgrade() -> None:
    offices = op.create_table(
        "offices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("phone", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("manager_name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    op.create_index(
        "uq_offices_default",
        "offices",
        ["is_default"],
        unique=True,
        postgresql_where=sa.text("is_default"),
        sqlite_where=sa.text("is_default"),
    )
    op.create_index("ix_offices_name", "offices", ["name", "id"])
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        offices,
        [
            {
                "name": _default_name(),
                "address": "",
                "phone": "",
                "manager_name": "",
                "is_default": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        ],
    )
    with op.batch_alter_table("dispatch_contracts") as batch:
        batch.add_column(
            sa.Column(
                "office_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                sa.ForeignKey(
                    "offices.id",
                    name="fk_dispatch_contracts_office_id_offices",
                    ondelete="RESTRICT",
                ),
                nullable=True,
            )
        )
        batch.create_index("ix_dispatch_contracts_office", ["office_id", "id"])
    # Existing contracts are the default office's (a NULL would read the same, but would
    # follow the default if an admin later moved it to another office).
    op.execute(
        "UPDATE dispatch_contracts SET office_id = "
        "(SELECT id FROM offices WHERE is_default) WHERE office_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("dispatch_contracts") as batch:
        batch.drop_index("ix_dispatch_contracts_office")
        batch.drop_constraint("fk_dispatch_contracts_office_id_offices", type_="foreignkey")
        batch.drop_column("office_id")
    op.drop_index("ix_offices_name", table_name="offices")
    op.drop_index("uq_offices_default", table_name="offices")
    op.drop_table("offices")
