"""Every query of the housing area.

Housing is coordinator business (the routes say so); the one row scope is the employee's
own stays (``page_own``). Lists are one SELECT each, joined to the names they show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, select

from haken.modules.housing.models import Apartment, Occupancy, Room
from haken.modules.housing.schemas import ApartmentFilter, OccupancyFilter
from haken.modules.housing.sorting import APARTMENT_SORTING
from haken.platform.jptext import prefix_pattern, search_key
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository, archived_filter


def _sort(column: Any, id_column: Any, descending: bool) -> tuple[SortKey, ...]:
    direction = "desc" if descending else "asc"
    return (SortKey(column, direction), SortKey(id_column, direction))


ROOM_SORT = _sort(Room.name, Room.id, False)
STAY_SORTS = {
    "move_in": _sort(Occupancy.move_in, Occupancy.id, False),
    "-move_in": _sort(Occupancy.move_in, Occupancy.id, True),
}
# Stays that ended in the month come first (the move-outs to check), open stays last;
# the order of the (occupied_until, move_in, id) index, so a month is one index range.
DEDUCTION_SORT = (
    SortKey(Occupancy.occupied_until, "asc"),
    SortKey(Occupancy.move_in, "asc"),
    SortKey(Occupancy.id, "asc"),
)


def overlaps(start: dt.date, end: dt.date | None) -> ColumnElement[bool]:
    """Stays sharing at least one day with ``start``..``end`` (None = open-ended)."""
    condition = Occupancy.occupied_until >= start
    if end is not None:
        condition = and_(condition, Occupancy.move_in <= end)
    return condition


class _Row:
    """A page row with the names joined to it; ``getattr`` reaches the sort keys."""

    def __init__(self, occupancy: Occupancy, room_name: str, apartment_name: str) -> None:
        self.occupancy = occupancy
        self.room_name = room_name
        self.apartment_name = apartment_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.occupancy, name)


def _stay(row: Any) -> _Row:
    """A page row of stays: the stay with its room's and apartment's names (a counted
    page's total, last in the row, is left out)."""
    return _Row(row[0], row[1], row[2])


class HousingRepository(Repository):
    """Apartments, rooms and stays (several models: the plain base, not ModelRepository);
    paging, ``add``/``flush`` and ``delete_if_unreferenced`` come from the base."""

    # apartments and rooms -----------------------------------------------------------------

    async def apartment_names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(Apartment, ids, Apartment.name)

    async def page_apartments(
        self, filters: ApartmentFilter, sort: str, request: PageRequest
    ) -> PageResult[Apartment]:
        archived = filters.status == "archived"
        statement = select(Apartment).where(archived_filter(Apartment, archived))
        if filters.prefecture:
            statement = statement.where(Apartment.prefecture == filters.prefecture)
        key = search_key(filters.q) if filters.q else ""
        if key:
            statement = statement.where(Apartment.name_key.like(prefix_pattern(key), escape="\\"))
        return await self.page(statement, APARTMENT_SORTING.keys(sort), request)

    async def apartment(self, apartment_id: int) -> Apartment | None:
        return await self.session.get(Apartment, apartment_id)

    async def page_rooms(
        self, apartment_id: int, archived: bool, request: PageRequest
    ) -> PageResult[Room]:
        statement = select(Room).where(
            Room.apartment_id == apartment_id, archived_filter(Room, archived)
        )
        return await self.page(statement, ROOM_SORT, request)

    async def room(self, room_id: int, *, lock: bool = False) -> Room | None:
        """The room; ``lock`` holds its row until commit, serialising move-ins into it."""
        statement = select(Room).where(Room.id == room_id)
        if lock:
            statement = statement.with_for_update()
        return (await self.session.scalars(statement)).first()

    async def room_with_apartment(self, room_id: int) -> tuple[Room, Apartment] | None:
        statement = (
            select(Room, Apartment)
            .join(Apartment, Apartment.id == Room.apartment_id)
            .where(Room.id == room_id)
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def room_occupancy(
        self, apartment_ids: Sequence[int], on: dt.date
    ) -> Sequence[tuple[Room, int]]:
        """Active rooms of these apartments with how many live there on ``on``."""
        if not apartment_ids:
            return []
        # A correlated count per room: an index probe each, whatever the table sizes.
        occupied = (
            select(func.count())
            .where(Occupancy.room_id == Room.id, overlaps(on, on))
            .correlate(Room)
            .scalar_subquery()
        )
        statement = (
            select(Room, occupied)
            .where(Room.apartment_id.in_(sorted(set(apartment_ids))), Room.archived_at.is_(None))
            .order_by(Room.apartment_id, Room.name, Room.id)
        )
        return [(row[0], int(row[1])) for row in (await self.session.execute(statement)).all()]

    # occupancies ---------------------------------------------------------------------------

    def _stays(self) -> Select[Any]:
        return (
            select(Occupancy, Room.name, Apartment.name)
            .join(Room, Room.id == Occupancy.room_id)
            .join(Apartment, Apartment.id == Occupancy.apartment_id)
        )

    async def page_stays(self, filters: OccupancyFilter, request: PageRequest) -> PageResult[Any]:
        statement = self._stays()
        if filters.apartment_id is not None:
            statement = statement.where(Occupancy.apartment_id == filters.apartment_id)
        if filters.room_id is not None:
            statement = statement.where(Occupancy.room_id == filters.room_id)
        if filters.employee_id is not None:
            statement = statement.where(Occupancy.employee_id == filters.employee_id)
        if filters.current_on is not None:
            statement = statement.where(overlaps(filters.current_on, filters.current_on))
        if filters.ongoing_from is not None:
            statement = statement.where(overlaps(filters.ongoing_from, None))
        return await self.page(statement, STAY_SORTS[filters.sort], request, item=_stay)

    async def page_own(self, employee_id: int, request: PageRequest) -> PageResult[Any]:
        statement = self._stays().where(Occupancy.employee_id == employee_id)
        return await self.page(statement, STAY_SORTS["-move_in"], request, item=_stay)

    async def page_month(
        self, first: dt.date, last: dt.date, request: PageRequest
    ) -> PageResult[Any]:
        statement = self._stays().where(overlaps(first, last))
        return await self.page(statement, DEDUCTION_SORT, request, item=_stay)

    async def month_stays(self, first: dt.date, last: dt.date) -> Sequence[Any]:
        """Every stay touching the month, for payroll (not paged: payroll takes them all)."""
        statement = (
            self._stays()
            .where(overlaps(first, last))
            .order_by(Occupancy.employee_id, Occupancy.move_in, Occupancy.id)
        )
        return [_Row(*row) for row in (await self.session.execute(statement)).all()]

    async def stay_with_names(self, occupancy_id: int) -> Any | None:
        """One stay with its room's and apartment's names (a page row)."""
        row = (
            await self.session.execute(self._stays().where(Occupancy.id == occupancy_id))
        ).first()
        return _Row(*row) if row is not None else None

    async def stay(self, occupancy_id: int) -> Occupancy | None:
        return await self.session.get(Occupancy, occupancy_id)

    async def overlapping_in_room(
        self, room_id: int, start: dt.date, end: dt.date | None, exclude: int | None = None
    ) -> Sequence[Occupancy]:
        statement = select(Occupancy).where(Occupancy.room_id == room_id, overlaps(start, end))
        if exclude is not None:
            statement = statement.where(Occupancy.id != exclude)
        return (await self.session.scalars(statement)).all()

    async def overlapping_for_employee(
        self, employee_id: int, start: dt.date, end: dt.date | None
    ) -> Sequence[Occupancy]:
        statement = select(Occupancy).where(
            Occupancy.employee_id == employee_id, overlaps(start, end)
        )
        return (await self.session.scalars(statement)).all()

    async def overlapping_parking(
        self, apartment_id: int, start: dt.date, end: dt.date | None
    ) -> Sequence[Occupancy]:
        statement = select(Occupancy).where(
            Occupancy.apartment_id == apartment_id,
            Occupancy.parking.is_(True),
            overlaps(start, end),
        )
        return (await self.session.scalars(statement)).all()

    async def delete_stay(self, occupancy_id: int) -> None:
        await self.session.execute(
            delete(Occupancy)
            .where(Occupancy.id == occupancy_id)
            .execution_options(synchronize_session=False)
        )
