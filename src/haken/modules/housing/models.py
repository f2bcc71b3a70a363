"""Company apartments (社宅), their rooms, and who lived where when (occupancies).

Money is integer yen. Two kinds of amount are kept apart:

* what the agency pays: ``Apartment.monthly_rent`` (the whole unit) or ``Room.monthly_rent``
  (when rooms are rented one by one) — the landlord side, for cost reports;
* what an occupant is charged: ``Room.rent_per_occupant``, copied onto the occupancy at
  move-in (``Occupancy.monthly_rent``) together with the flat utilities and parking fee in
  force, so a later price change never rewrites a past month's deduction.

Deducting these from pay needs a written labour-management agreement (賃金控除に関する
労使協定, 労基法24条1項ただし書) naming company housing; see ``service.py``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, TimestampMixin, VersionedMixin
from haken.platform.jptext import SEARCH_KEY_MAX
from haken.platform.repository import ArchivedAtMixin, active_index, archived_index

OPEN_END = dt.date(9999, 12, 31)
"""``Occupancy.occupied_until`` of a stay with no move-out date yet."""

SearchKey = String(SEARCH_KEY_MAX).with_variant(String(SEARCH_KEY_MAX, collation="C"), "postgresql")


class Apartment(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, Base):
    __tablename__ = "housing_apartments"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(SearchKey, nullable=False)
    postal_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    prefecture: Mapped[str] = mapped_column(String(2), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    address_line1: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address_line2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    landlord_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    landlord_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    lease_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    lease_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    monthly_rent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # included: in the rent; flat: a fixed monthly amount per occupant (prorated like rent);
    # tenant: the occupant contracts and pays the utilities directly.
    utilities_policy: Mapped[str] = mapped_column(String(10), nullable=False, default="included")
    utilities_flat_monthly: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    parking_spaces: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    parking_fee_monthly: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        active_index("ix_housing_apartments_active_name", "name_key", "id"),
        active_index("ix_housing_apartments_active_created", "created_at", "id"),
        active_index("ix_housing_apartments_active_pref_name", "prefecture", "name_key", "id"),
        active_index("ix_housing_apartments_active_pref_created", "prefecture", "created_at", "id"),
        archived_index("ix_housing_apartments_archived"),
    )


class Room(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, Base):
    __tablename__ = "housing_rooms"

    apartment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("housing_apartments.id", ondelete="RESTRICT"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    monthly_rent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rent_per_occupant: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    # A building's rooms are few: one index by apartment, archived or not, read in order.
    __table_args__ = (Index("ix_housing_rooms_apartment", "apartment_id", "name", "id"),)


class Occupancy(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One employee's stay in one room, both ends inclusive; ``move_out`` None = still there."""

    __tablename__ = "housing_occupancies"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    room_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("housing_rooms.id", ondelete="RESTRICT"), nullable=False
    )
    # The room's apartment, repeated so lists and the parking check filter without a join.
    apartment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("housing_apartments.id", ondelete="RESTRICT"), nullable=False
    )
    move_in: Mapped[dt.date] = mapped_column(Date, nullable=False)
    move_out: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # move_out, or OPEN_END while the stay runs: one NOT NULL column that a b-tree range
    # serves, so "stays touching this month" is an index range on both databases instead of
    # an OR over a NULL test (which SQLite and small PostgreSQL tables answer with a scan).
    occupied_until: Mapped[dt.date] = mapped_column(Date, nullable=False)
    monthly_rent: Mapped[int] = mapped_column(Integer, nullable=False)
    utilities_monthly: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    parking: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    parking_fee_monthly: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        Index("ix_housing_occupancies_move_in", "move_in", "id"),
        Index("ix_housing_occupancies_until", "occupied_until", "move_in", "id"),
        Index("ix_housing_occupancies_room", "room_id", "move_in", "id"),
        Index("ix_housing_occupancies_apartment", "apartment_id", "move_in", "id"),
        Index("ix_housing_occupancies_employee", "employee_id", "move_in", "id"),
        # At most one open stay per employee, whatever races the application checks miss.
        Index(
            "uq_housing_occupancies_open_employee",
            "employee_id",
            unique=True,
            postgresql_where=text("move_out IS NULL"),
            sqlite_where=text("move_out IS NULL"),
        ),
    )
