"""housing: apartments, rooms, occupancies; merges the clients and employees heads

Revision ID: 0004
Revises: 0002_clients, 0003
Create Date: 2026-11-28 16:30:00

Expand-only: new tables. Occupancies reference employees (0003).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0002_clients", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEY = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")
TS = sa.DateTime(timezone=True)


def _tail() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "housing_apartments",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("postal_code", sa.String(8), nullable=True),
        sa.Column("prefecture", sa.String(2), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("address_line1", sa.String(200), nullable=False),
        sa.Column("address_line2", sa.String(200), nullable=False),
        sa.Column("landlord_name", sa.String(200), nullable=False),
        sa.Column("landlord_phone", sa.String(20), nullable=True),
        sa.Column("lease_start", sa.Date(), nullable=True),
        sa.Column("lease_end", sa.Date(), nullable=True),
        sa.Column("monthly_rent", sa.Integer(), nullable=True),
        sa.Column("utilities_policy", sa.String(10), nullable=False),
        sa.Column("utilities_flat_monthly", sa.Integer(), nullable=False),
        sa.Column("parking_spaces", sa.Integer(), nullable=False),
        sa.Column("parking_fee_monthly", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        *_tail(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_apartments")),
    )
    with op.batch_alter_table("housing_apartments") as batch:
        batch.create_index("ix_housing_apartments_archived_name", ["archived", "name_key", "id"])
        batch.create_index(
            "ix_housing_apartments_archived_created", ["archived", "created_at", "id"]
        )
        batch.create_index(
            "ix_housing_apartments_archived_pref_name",
            ["archived", "prefecture", "name_key", "id"],
        )
        batch.create_index(
            "ix_housing_apartments_archived_pref_created",
            ["archived", "prefecture", "created_at", "id"],
        )

    op.create_table(
        "housing_rooms",
        sa.Column("apartment_id", ID, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("monthly_rent", sa.Integer(), nullable=True),
        sa.Column("rent_per_occupant", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        *_tail(),
        sa.ForeignKeyConstraint(
            ["apartment_id"],
            ["housing_apartments.id"],
            name=op.f("fk_housing_rooms_apartment_id_housing_apartments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_rooms")),
    )
    with op.batch_alter_table("housing_rooms") as batch:
        batch.create_index("ix_housing_rooms_apartment", ["apartment_id", "archived", "name", "id"])

    op.create_table(
        "housing_occupancies",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("room_id", ID, nullable=False),
        sa.Column("apartment_id", ID, nullable=False),
        sa.Column("move_in", sa.Date(), nullable=False),
        sa.Column("move_out", sa.Date(), nullable=True),
        sa.Column("occupied_until", sa.Date(), nullable=False),
        sa.Column("monthly_rent", sa.Integer(), nullable=False),
        sa.Column("utilities_monthly", sa.Integer(), nullable=False),
        sa.Column("parking", sa.Boolean(), nullable=False),
        sa.Column("parking_fee_monthly", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_tail(),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_housing_occupancies_employee_id_employees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["housing_rooms.id"],
            name=op.f("fk_housing_occupancies_room_id_housing_rooms"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["apartment_id"],
            ["housing_apartments.id"],
            name=op.f("fk_housing_occupancies_apartment_id_housing_apartments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_occupancies")),
    )
    with op.batch_alter_table("housing_occupancies") as batch:
        batch.create_index("ix_housing_occupancies_move_in", ["move_in", "id"])
        batch.create_index("ix_housing_occupancies_until", ["occupied_until", "move_in", "id"])
        batch.create_index("ix_housing_occupancies_room", ["room_id", "move_in", "id"])
        batch.create_index("ix_housing_occupancies_apartment", ["apartment_id", "move_in", "id"])
        batch.create_index("ix_housing_occupancies_employee", ["employee_id", "move_in", "id"])
        batch.create_index(
            "uq_housing_occupancies_open_employee",
            ["employee_id"],
            unique=True,
            postgresql_where=sa.text("move_out IS NULL"),
            sqlite_where=sa.text("move_out IS NULL"),
        )


def downgrade() -> None:
    op.drop_table("housing_occupancies")
    op.drop_table("housing_rooms")
    op.drop_table("housing_apartments")
