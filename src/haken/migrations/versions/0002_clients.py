"""clients: client companies, sites, extension hearings, organisational units, contacts

Revision ID: 0002_clients
Revises: 0001
Create Date: 2026-11-28 16:00:00

Expand-only: new tables nothing of the previous release reads. Search keys use the "C"
collation on PostgreSQL so one b-tree serves both prefix LIKE and ORDER BY.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_clients"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEY = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _archive() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
    ]


def _address() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("postal_code", sa.String(8), nullable=True),
        sa.Column("prefecture", sa.String(2), nullable=True),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("address_line1", sa.String(200), nullable=False),
        sa.Column("address_line2", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_kana", sa.String(200), nullable=True),
        sa.Column("entity_kind", sa.String(20), nullable=False),
        sa.Column("corporate_number", sa.String(13), nullable=True),
        sa.Column("invoice_registration_number", sa.String(14), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("kana_key", KEY, nullable=True),
        sa.Column("sort_key", KEY, nullable=False),
        *_address(),
        *_archive(),
        _id(),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("corporate_number", name=op.f("uq_clients_corporate_number")),
    )
    with op.batch_alter_table("clients") as batch:
        batch.create_index("ix_clients_archived_sort", ["archived", "sort_key", "id"])
        batch.create_index("ix_clients_archived_created", ["archived", "created_at", "id"])
        batch.create_index(
            "ix_clients_archived_pref_sort", ["archived", "prefecture", "sort_key", "id"]
        )
        batch.create_index(
            "ix_clients_archived_pref_created", ["archived", "prefecture", "created_at", "id"]
        )
        batch.create_index("ix_clients_name_key", ["name_key", "id"])
        batch.create_index("ix_clients_kana_key", ["kana_key", "id"])

    op.create_table(
        "client_sites",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("manager_name", sa.String(100), nullable=False),
        sa.Column("manager_department", sa.String(100), nullable=False),
        sa.Column("manager_title", sa.String(100), nullable=False),
        sa.Column("manager_phone", sa.String(20), nullable=True),
        sa.Column("complaint_name", sa.String(100), nullable=False),
        sa.Column("complaint_department", sa.String(100), nullable=False),
        sa.Column("complaint_title", sa.String(100), nullable=False),
        sa.Column("complaint_phone", sa.String(20), nullable=True),
        sa.Column("dispatch_started_on", sa.Date(), nullable=True),
        sa.Column("conflict_date", sa.Date(), nullable=True),
        *_address(),
        *_archive(),
        _id(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_sites_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_sites")),
    )
    with op.batch_alter_table("client_sites") as batch:
        batch.create_index(
            "ix_client_sites_client_archived_name", ["client_id", "archived", "name_key", "id"]
        )
        batch.create_index(
            "ix_client_sites_client_archived_created",
            ["client_id", "archived", "created_at", "id"],
        )
        batch.create_index("ix_client_sites_archived_name", ["archived", "name_key", "id"])
        batch.create_index("ix_client_sites_archived_created", ["archived", "created_at", "id"])
        batch.create_index(
            "ix_client_sites_archived_pref_name", ["archived", "prefecture", "name_key", "id"]
        )
        batch.create_index(
            "ix_client_sites_archived_pref_created",
            ["archived", "prefecture", "created_at", "id"],
        )
        batch.create_index("ix_client_sites_archived_conflict", ["archived", "conflict_date", "id"])

    op.create_table(
        "client_site_extensions",
        sa.Column("site_id", ID, nullable=False),
        sa.Column("hearing_date", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("heard_party", sa.String(200), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        _id(),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_client_site_extensions_site_id_client_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_site_extensions")),
    )
    with op.batch_alter_table("client_site_extensions") as batch:
        batch.create_index("ix_client_site_extensions_site", ["site_id", "hearing_date", "id"])

    op.create_table(
        "client_units",
        sa.Column("site_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("head_title", sa.String(100), nullable=False),
        sa.Column("supervisor_name", sa.String(100), nullable=False),
        sa.Column("supervisor_department", sa.String(100), nullable=False),
        sa.Column("supervisor_title", sa.String(100), nullable=False),
        sa.Column("supervisor_phone", sa.String(20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        *_archive(),
        _id(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["client_sites.id"],
            name=op.f("fk_client_units_site_id_client_sites"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_units_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_units")),
    )
    with op.batch_alter_table("client_units") as batch:
        batch.create_index(
            "ix_client_units_site_archived_name", ["site_id", "archived", "name_key", "id"]
        )
        batch.create_index(
            "ix_client_units_site_archived_created", ["site_id", "archived", "created_at", "id"]
        )
        batch.create_index(
            "ix_client_units_client_archived_name", ["client_id", "archived", "name_key", "id"]
        )
        batch.create_index(
            "ix_client_units_client_archived_created",
            ["client_id", "archived", "created_at", "id"],
        )
        batch.create_index("ix_client_units_archived_name", ["archived", "name_key", "id"])
        batch.create_index("ix_client_units_archived_created", ["archived", "created_at", "id"])

    op.create_table(
        "client_contacts",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_kana", sa.String(100), nullable=True),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        _id(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_contacts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_contacts")),
    )
    with op.batch_alter_table("client_contacts") as batch:
        batch.create_index("ix_client_contacts_client_name", ["client_id", "name_key", "id"])
        batch.create_index("ix_client_contacts_client_created", ["client_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("client_contacts")
    op.drop_table("client_units")
    op.drop_table("client_site_extensions")
    op.drop_table("client_sites")
    op.drop_table("clients")
