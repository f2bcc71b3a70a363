"""one archive convention: clients, sites, units, contracts, apartments, rooms keep only
``archived_at``

Revision ID: 0017_archived_at
Revises: 0016_billing
Create Date: 2026-12-03 03:00:00

A **contract** migration (docs/operations.md, "Zero-downtime migrations"): it drops the
``archived`` boolean of six tables, which the previous release still reads and writes.
Stop the previous release before running it (``CONTRACT_DROPS`` below names what goes;
tests/integration/test_migrations.py allows exactly those drops).

1. Backfill: the boolean was what every list and check read, so it wins where the pair
   disagreed: an archived row without ``archived_at`` gets its ``updated_at`` (the last
   write, at the latest the archive); an unarchived row with a stray ``archived_at`` loses it.
2. The list indexes led with the boolean. ``archived_at IS NULL`` is no equality to
   PostgreSQL's planner, so an index leading with ``archived_at`` would not give the list's
   order: the unarchived lists get partial indexes ``WHERE archived_at IS NULL`` (same
   columns without the boolean; PostgreSQL and SQLite), and each table one small partial
   index ``(archived_at, id) WHERE archived_at IS NOT NULL`` for the archived lists (few
   rows, sorted after the read).
3. Drop the boolean (batch mode: SQLite recreates the table).

Downgrade restores the boolean from ``archived_at`` and the old indexes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_archived_at"
down_revision: str | Sequence[str] | None = "0016_billing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "clients",
    "client_sites",
    "client_units",
    "housing_apartments",
    "housing_rooms",
    "dispatch_contracts",
)
CONTRACT_DROPS: dict[str, set[str]] = {table: {"archived"} for table in TABLES}
"""What this contract migration drops on purpose (read by test_migrations)."""

ACTIVE = "archived_at IS NULL"
ARCHIVED = "archived_at IS NOT NULL"

# The indexes on the boolean, as 0002_clients / 0004_housing created them.
OLD_INDEXES: dict[str, list[tuple[str, list[str]]]] = {
    "clients": [
        ("ix_clients_archived_sort", ["archived", "sort_key", "id"]),
        ("ix_clients_archived_created", ["archived", "created_at", "id"]),
        ("ix_clients_archived_pref_sort", ["archived", "prefecture", "sort_key", "id"]),
        ("ix_clients_archived_pref_created", ["archived", "prefecture", "created_at", "id"]),
    ],
    "client_sites": [
        ("ix_client_sites_client_archived_name", ["client_id", "archived", "name_key", "id"]),
        (
            "ix_client_sites_client_archived_created",
            ["client_id", "archived", "created_at", "id"],
        ),
        ("ix_client_sites_archived_name", ["archived", "name_key", "id"]),
        ("ix_client_sites_archived_created", ["archived", "created_at", "id"]),
        ("ix_client_sites_archived_pref_name", ["archived", "prefecture", "name_key", "id"]),
        (
            "ix_client_sites_archived_pref_created",
            ["archived", "prefecture", "created_at", "id"],
        ),
        ("ix_client_sites_archived_conflict", ["archived", "conflict_date", "id"]),
    ],
    "client_units": [
        ("ix_client_units_site_archived_name", ["site_id", "archived", "name_key", "id"]),
        ("ix_client_units_site_archived_created", ["site_id", "archived", "created_at", "id"]),
        ("ix_client_units_client_archived_name", ["client_id", "archived", "name_key", "id"]),
        (
            "ix_client_units_client_archived_created",
            ["client_id", "archived", "created_at", "id"],
        ),
        ("ix_client_units_archived_name", ["archived", "name_key", "id"]),
        ("ix_client_units_archived_created", ["archived", "created_at", "id"]),
    ],
    "housing_apartments": [
        ("ix_housing_apartments_archived_name", ["archived", "name_key", "id"]),
        ("ix_housing_apartments_archived_created", ["archived", "created_at", "id"]),
        (
            "ix_housing_apartments_archived_pref_name",
            ["archived", "prefecture", "name_key", "id"],
        ),
        (
            "ix_housing_apartments_archived_pref_created",
            ["archived", "prefecture", "created_at", "id"],
        ),
    ],
    "housing_rooms": [("ix_housing_rooms_apartment", ["apartment_id", "archived", "name", "id"])],
    "dispatch_contracts": [],
}

# The new ones: (name, columns, where); the models declare the same.
NEW_INDEXES: dict[str, list[tuple[str, list[str], str | None]]] = {
    "clients": [
        ("ix_clients_active_sort", ["sort_key", "id"], ACTIVE),
        ("ix_clients_active_created", ["created_at", "id"], ACTIVE),
        ("ix_clients_active_pref_sort", ["prefecture", "sort_key", "id"], ACTIVE),
        ("ix_clients_active_pref_created", ["prefecture", "created_at", "id"], ACTIVE),
        ("ix_clients_archived", ["archived_at", "id"], ARCHIVED),
        ("ix_clients_active_keys", ["name_key", "kana_key", "archived_at"], ACTIVE),
    ],
    "client_sites": [
        ("ix_client_sites_client_active_name", ["client_id", "name_key", "id"], ACTIVE),
        ("ix_client_sites_client_active_created", ["client_id", "created_at", "id"], ACTIVE),
        ("ix_client_sites_active_name", ["name_key", "id", "archived_at"], ACTIVE),
        ("ix_client_sites_active_created", ["created_at", "id"], ACTIVE),
        ("ix_client_sites_active_pref_name", ["prefecture", "name_key", "id"], ACTIVE),
        ("ix_client_sites_active_pref_created", ["prefecture", "created_at", "id"], ACTIVE),
        ("ix_client_sites_active_conflict", ["conflict_date", "id"], ACTIVE),
        ("ix_client_sites_archived", ["archived_at", "id"], ARCHIVED),
    ],
    "client_units": [
        ("ix_client_units_site_active_name", ["site_id", "name_key", "id"], ACTIVE),
        ("ix_client_units_site_active_created", ["site_id", "created_at", "id"], ACTIVE),
        ("ix_client_units_client_active_name", ["client_id", "name_key", "id"], ACTIVE),
        ("ix_client_units_client_active_created", ["client_id", "created_at", "id"], ACTIVE),
        ("ix_client_units_active_name", ["name_key", "id"], ACTIVE),
        ("ix_client_units_active_created", ["created_at", "id"], ACTIVE),
        ("ix_client_units_archived", ["archived_at", "id"], ARCHIVED),
    ],
    "housing_apartments": [
        ("ix_housing_apartments_active_name", ["name_key", "id"], ACTIVE),
        ("ix_housing_apartments_active_created", ["created_at", "id"], ACTIVE),
        ("ix_housing_apartments_active_pref_name", ["prefecture", "name_key", "id"], ACTIVE),
        (
            "ix_housing_apartments_active_pref_created",
            ["prefecture", "created_at", "id"],
            ACTIVE,
        ),
        ("ix_housing_apartments_archived", ["archived_at", "id"], ARCHIVED),
    ],
    # A building's rooms are few: one index by apartment, archived or not, read in order.
    "housing_rooms": [("ix_housing_rooms_apartment", ["apartment_id", "name", "id"], None)],
    "dispatch_contracts": [],
}


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("archived", sa.Boolean()),
        sa.column("archived_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )


def _create(table: str, name: str, columns: list[str], where: str | None) -> None:
    if where is None:
        op.create_index(name, table, columns, unique=False)
        return
    op.create_index(
        name,
        table,
        columns,
        unique=False,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    for name in TABLES:
        table = _table(name)
        op.execute(
            table.update()
            .where(table.c.archived == sa.true(), table.c.archived_at.is_(None))
            .values(archived_at=table.c.updated_at)
        )
        op.execute(
            table.update()
            .where(table.c.archived == sa.false(), table.c.archived_at.is_not(None))
            .values(archived_at=None)
        )
        for index, _columns in OLD_INDEXES[name]:
            op.drop_index(index, table_name=name)
        with op.batch_alter_table(name, schema=None) as batch:
            batch.drop_column("archived")
        for index, columns, where in NEW_INDEXES[name]:
            _create(name, index, columns, where)


def downgrade() -> None:
    for name in reversed(TABLES):
        for index, _columns, _where in NEW_INDEXES[name]:
            op.drop_index(index, table_name=name)
        with op.batch_alter_table(name, schema=None) as batch:
            batch.add_column(
                sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false())
            )
        table = _table(name)
        op.execute(
            table.update().where(table.c.archived_at.is_not(None)).values(archived=sa.true())
        )
        with op.batch_alter_table(name, schema=None) as batch:
            batch.alter_column("archived", server_default=None)
        for index, columns in OLD_INDEXES[name]:
            op.create_index(index, name, columns, unique=False)
