"""Use cases of company housing: apartments, rooms, move-in/move-out, occupancy, deductions.

Never commits; every write records an audit row. Employees are reached only through
``employees_service`` (names, existence), never their tables.

**What the law requires of the deduction** (PRODUCT.md flow 3; 労働基準法24条1項):
wages are paid in full, so rent, utilities and parking may be deducted from pay only
under a written labour-management agreement (賃金控除に関する労使協定, "24協定") with the
majority union or representative that names company housing charges. The agreement is
the agency's, not per worker; payroll must refuse to deduct these amounts when no such
agreement is in force. The charges a worker bears (食費・作業用品その他, 労基則5条1項) are
also part of the working conditions stated at hiring (JP_DISPATCH.md §1.3). The amount
for a part month is prorated by days in ``haken.labor.housing`` (rounded down, in the
worker's favour); this service only applies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.civil_periods import days_in_month
from haken.labor.housing import occupied_days, prorate_monthly_amount, prorated_rent
from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.housing.errors import (
    AlreadyMovedOutError,
    ApartmentArchivedError,
    CapacityBelowOccupantsError,
    EmployeeAlreadyHousedError,
    MoveOutBeforeMoveInError,
    ParkingFullError,
    RoomArchivedError,
    RoomFullError,
    UnknownEmployeeError,
)
from haken.modules.housing.models import OPEN_END, Apartment, Occupancy, Room
from haken.modules.housing.repository import HousingRepository
from haken.modules.housing.schemas import (
    ApartmentCreate,
    ApartmentFilter,
    ApartmentOccupancy,
    ApartmentRead,
    ApartmentUpdate,
    Deduction,
    DeleteOutcome,
    MoveIn,
    MoveOut,
    OccupancyFilter,
    OccupancyRead,
    OccupancyUpdate,
    RoomCreate,
    RoomOccupancy,
    RoomRead,
    RoomUpdate,
)
from haken.modules.housing.sorting import APARTMENT_SORTING
from haken.platform.access import Principal
from haken.platform.editing import (
    apply_changes,
    check_version,
    delete_or_archive,
    flush_or_conflict,
    set_archived,
    snapshot,
)
from haken.platform.errors import InvalidCursorError, NotFoundError
from haken.platform.jptext import search_key
from haken.platform.pagination import PageRequest, PageResult

TOKYO = ZoneInfo("Asia/Tokyo")
_NOT_AUDITED = {"name_key", "occupied_until", "created_at", "updated_at"}


def today() -> dt.date:
    """The calendar date at the agency (Asia/Tokyo), which decides who lives where today."""
    return dt.datetime.now(TOKYO).date()


def _snapshot(row: Any) -> dict[str, Any]:
    return snapshot(row, _NOT_AUDITED)


async def _flush(repo: HousingRepository) -> None:
    await flush_or_conflict(repo.flush)


def peak_occupancy(
    stays: Iterable[tuple[dt.date, dt.date | None]], start: dt.date, end: dt.date | None
) -> int:
    """The most stays running on any one day of ``start``..``end`` (both ends inclusive)."""
    events: list[tuple[dt.date, int]] = []
    for stay_start, stay_end in stays:
        first = max(stay_start, start)
        last = stay_end if end is None else (end if stay_end is None else min(stay_end, end))
        if last is not None and last < first:
            continue
        events.append((first, 1))
        if last is not None:
            events.append((last + dt.timedelta(days=1), -1))
    peak = running = 0
    for _day, delta in sorted(events):  # at one date, leaving (-1) sorts before arriving
        running += delta
        peak = max(peak, running)
    return peak


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, days_in_month(year, month))


def _deduction(row: Any, year: int, month: int, names: dict[int, str]) -> Deduction:
    stay: Occupancy = row.occupancy
    span = {"move_in": stay.move_in, "move_out": stay.move_out}
    rent = prorated_rent(stay.monthly_rent, year, month, **span)
    utilities = prorate_monthly_amount(stay.utilities_monthly, year, month, **span)
    parking = prorate_monthly_amount(stay.parking_fee_monthly, year, month, **span)
    return Deduction(
        occupancy_id=stay.id,
        employee_id=stay.employee_id,
        employee_name=names.get(stay.employee_id),
        apartment_id=stay.apartment_id,
        apartment_name=row.apartment_name,
        room_id=stay.room_id,
        room_name=row.room_name,
        year=year,
        month=month,
        move_in=stay.move_in,
        move_out=stay.move_out,
        days_occupied=occupied_days(year, month, **span),
        days_in_month=days_in_month(year, month),
        rent=rent,
        utilities=utilities,
        parking=parking,
        total=rent + utilities + parking,
    )


class HousingService:
    # --- apartments ----------------------------------------------------------------------

    async def apartment_names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Apartment names by id, one query, unscoped (the audit log names its records)."""
        return await HousingRepository(session).apartment_names(ids)

    async def list_apartments(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ApartmentFilter,
        sort: str = APARTMENT_SORTING.default,
        request: PageRequest,
    ) -> PageResult[ApartmentRead]:
        result = await HousingRepository(session).page_apartments(filters, sort, request)
        return result.with_items([ApartmentRead.model_validate(r) for r in result.items])

    async def get_apartment(
        self, session: AsyncSession, principal: Principal, *, apartment_id: int
    ) -> ApartmentRead:
        row = await HousingRepository(session).apartment(apartment_id)
        if row is None:
            raise NotFoundError()
        return ApartmentRead.model_validate(row)

    async def create_apartment(
        self, session: AsyncSession, principal: Principal, *, data: ApartmentCreate
    ) -> ApartmentRead:
        repo = HousingRepository(session)
        apartment = Apartment(**data.model_dump(), name_key=search_key(data.name))
        repo.add(apartment)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_apartment",
            entity_id=apartment.id,
            action="create",
            after=_snapshot(apartment),
        )
        return ApartmentRead.model_validate(apartment)

    async def update_apartment(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        apartment_id: int,
        data: ApartmentUpdate,
    ) -> ApartmentRead:
        repo = HousingRepository(session)
        apartment = await repo.apartment(apartment_id)
        if apartment is None:
            raise NotFoundError()
        check_version(apartment, data.version)
        before = _snapshot(apartment)
        apply_changes(
            apartment, data.model_dump(exclude_unset=True, exclude={"version", "archived"})
        )
        apartment.name_key = search_key(apartment.name)
        if data.archived is not None:
            set_archived(apartment, data.archived)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_apartment",
            entity_id=apartment.id,
            action="update",
            before=before,
            after=_snapshot(apartment),
        )
        return ApartmentRead.model_validate(apartment)

    async def delete_apartment(
        self, session: AsyncSession, principal: Principal, *, apartment_id: int, version: int
    ) -> DeleteOutcome:
        repo = HousingRepository(session)
        apartment = await repo.apartment(apartment_id)
        if apartment is None:
            raise NotFoundError()
        return await self._delete_or_archive(
            session, principal, repo, apartment, "housing_apartment", version
        )

    async def _delete_or_archive(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: HousingRepository,
        row: Any,
        entity_type: str,
        version: int,
    ) -> DeleteOutcome:
        """Delete what nothing refers to; archive what rooms or stays still point at."""
        outcome = await delete_or_archive(
            repo,
            row,
            version,
            exclude=_NOT_AUDITED,
            record=partial(
                audit_service.record, session, principal, entity_type=entity_type, entity_id=row.id
            ),
        )
        return DeleteOutcome(id=row.id, outcome=outcome)

    # --- rooms ---------------------------------------------------------------------------

    async def list_rooms(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        apartment_id: int,
        archived: bool,
        request: PageRequest,
    ) -> PageResult[RoomRead]:
        result = await HousingRepository(session).page_rooms(apartment_id, archived, request)
        return result.with_items([RoomRead.model_validate(r) for r in result.items])

    async def create_room(
        self, session: AsyncSession, principal: Principal, *, data: RoomCreate
    ) -> RoomRead:
        repo = HousingRepository(session)
        apartment = await repo.apartment(data.apartment_id)
        if apartment is None:
            raise NotFoundError()
        if apartment.is_archived:
            raise ApartmentArchivedError()
        room = Room(**data.model_dump())
        repo.add(room)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_room",
            entity_id=room.id,
            action="create",
            after=_snapshot(room),
        )
        return RoomRead.model_validate(room)

    async def update_room(
        self, session: AsyncSession, principal: Principal, *, room_id: int, data: RoomUpdate
    ) -> RoomRead:
        repo = HousingRepository(session)
        room = await repo.room(room_id, lock=True)
        if room is None:
            raise NotFoundError()
        check_version(room, data.version)
        before = _snapshot(room)
        if data.capacity is not None and data.capacity < room.capacity:
            now = today()
            stays = await repo.overlapping_in_room(room.id, now, None)
            if peak_occupancy(((s.move_in, s.move_out) for s in stays), now, None) > data.capacity:
                raise CapacityBelowOccupantsError()
        apply_changes(room, data.model_dump(exclude_unset=True, exclude={"version", "archived"}))
        if data.archived is not None:
            set_archived(room, data.archived)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_room",
            entity_id=room.id,
            action="update",
            before=before,
            after=_snapshot(room),
        )
        return RoomRead.model_validate(room)

    async def delete_room(
        self, session: AsyncSession, principal: Principal, *, room_id: int, version: int
    ) -> DeleteOutcome:
        repo = HousingRepository(session)
        room = await repo.room(room_id)
        if room is None:
            raise NotFoundError()
        return await self._delete_or_archive(
            session, principal, repo, room, "housing_room", version
        )

    # --- occupancies -------------------------------------------------------------------------

    async def _reads(self, session: AsyncSession, rows: Sequence[Any]) -> list[OccupancyRead]:
        """Stays with their names: one query for all employees on the page."""
        briefs = await employees_service.get_briefs(
            session, sorted({row.employee_id for row in rows})
        )
        reads = []
        for row in rows:
            read = OccupancyRead.model_validate(row.occupancy)
            brief = briefs.get(row.employee_id)
            read.employee_name = brief.display_name if brief is not None else None
            read.room_name = row.room_name
            read.apartment_name = row.apartment_name
            reads.append(read)
        return reads

    async def list_occupancies(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: OccupancyFilter,
        request: PageRequest,
    ) -> PageResult[OccupancyRead]:
        result = await HousingRepository(session).page_stays(filters, request)
        return result.with_items(await self._reads(session, result.items))

    async def get_occupancy(
        self, session: AsyncSession, principal: Principal, *, occupancy_id: int
    ) -> OccupancyRead:
        """One stay with the employee's, room's and apartment's names."""
        row = await HousingRepository(session).stay_with_names(occupancy_id)
        if row is None:
            raise NotFoundError()
        return (await self._reads(session, [row]))[0]

    async def my_occupancies(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[OccupancyRead]:
        """The caller's own stays (an account without an employee record has none)."""
        if principal.employee_id is None:
            if request.cursor:  # an always-empty list issues no cursor: this one is not ours
                raise InvalidCursorError()
            return PageResult(items=[], next_cursor=None, has_more=False, total=0)
        result = await HousingRepository(session).page_own(principal.employee_id, request)
        reads = []
        for row in result.items:
            read = OccupancyRead.model_validate(row.occupancy)
            read.room_name, read.apartment_name = row.room_name, row.apartment_name
            reads.append(read)
        return result.with_items(reads)

    async def move_in(
        self, session: AsyncSession, principal: Principal, *, data: MoveIn
    ) -> OccupancyRead:
        """House an employee in a room, refusing over-capacity and double housing."""
        if data.move_out is not None and data.move_out < data.move_in:
            raise MoveOutBeforeMoveInError()
        try:
            brief = await employees_service.get_brief(session, data.employee_id)
        except NotFoundError as error:
            raise UnknownEmployeeError() from error
        if brief.archived or brief.status == "left":
            raise UnknownEmployeeError()
        repo = HousingRepository(session)
        room = await repo.room(data.room_id, lock=True)
        if room is None:
            raise NotFoundError()
        apartment = await repo.apartment(room.apartment_id)
        assert apartment is not None  # the foreign key guarantees it
        if room.is_archived or apartment.is_archived:
            raise RoomArchivedError()
        if await repo.overlapping_for_employee(data.employee_id, data.move_in, data.move_out):
            raise EmployeeAlreadyHousedError()
        stays = await repo.overlapping_in_room(room.id, data.move_in, data.move_out)
        spans = [(s.move_in, s.move_out) for s in stays] + [(data.move_in, data.move_out)]
        if peak_occupancy(spans, data.move_in, data.move_out) > room.capacity:
            raise RoomFullError(capacity=room.capacity)
        if data.parking:
            parked = await repo.overlapping_parking(apartment.id, data.move_in, data.move_out)
            spans = [(s.move_in, s.move_out) for s in parked] + [(data.move_in, data.move_out)]
            if peak_occupancy(spans, data.move_in, data.move_out) > apartment.parking_spaces:
                raise ParkingFullError(spaces=apartment.parking_spaces)
        flat = apartment.utilities_flat_monthly if apartment.utilities_policy == "flat" else 0
        stay = Occupancy(
            employee_id=data.employee_id,
            room_id=room.id,
            apartment_id=apartment.id,
            move_in=data.move_in,
            move_out=data.move_out,
            occupied_until=data.move_out or OPEN_END,
            monthly_rent=data.monthly_rent
            if data.monthly_rent is not None
            else room.rent_per_occupant,
            utilities_monthly=data.utilities_monthly
            if data.utilities_monthly is not None
            else flat,
            parking=data.parking,
            parking_fee_monthly=apartment.parking_fee_monthly if data.parking else 0,
            notes=data.notes,
        )
        repo.add(stay)
        try:
            await repo.flush()
        except IntegrityError as error:  # a concurrent move-in of the same employee won
            raise EmployeeAlreadyHousedError() from error
        await audit_service.record(
            session,
            principal,
            entity_type="housing_occupancy",
            entity_id=stay.id,
            action="move_in",
            after=_snapshot(stay),
        )
        read = OccupancyRead.model_validate(stay)
        read.employee_name = brief.display_name
        read.room_name, read.apartment_name = room.name, apartment.name
        return read

    async def move_out(
        self, session: AsyncSession, principal: Principal, *, occupancy_id: int, data: MoveOut
    ) -> OccupancyRead:
        repo = HousingRepository(session)
        stay = await repo.stay(occupancy_id)
        if stay is None:
            raise NotFoundError()
        check_version(stay, data.version)
        if stay.move_out is not None:
            raise AlreadyMovedOutError()
        if data.move_out < stay.move_in:
            raise MoveOutBeforeMoveInError()
        before = _snapshot(stay)
        stay.move_out = data.move_out
        stay.occupied_until = data.move_out
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_occupancy",
            entity_id=stay.id,
            action="move_out",
            before=before,
            after=_snapshot(stay),
        )
        return OccupancyRead.model_validate(stay)

    async def update_occupancy(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        occupancy_id: int,
        data: OccupancyUpdate,
    ) -> OccupancyRead:
        repo = HousingRepository(session)
        stay = await repo.stay(occupancy_id)
        if stay is None:
            raise NotFoundError()
        check_version(stay, data.version)
        before = _snapshot(stay)
        apply_changes(stay, data.model_dump(exclude_unset=True, exclude={"version"}))
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_occupancy",
            entity_id=stay.id,
            action="update",
            before=before,
            after=_snapshot(stay),
        )
        return OccupancyRead.model_validate(stay)

    async def delete_occupancy(
        self, session: AsyncSession, principal: Principal, *, occupancy_id: int, version: int
    ) -> DeleteOutcome:
        """Remove a stay entered by mistake (nothing refers to a stay)."""
        repo = HousingRepository(session)
        stay = await repo.stay(occupancy_id)
        if stay is None:
            raise NotFoundError()
        check_version(stay, version)
        before = _snapshot(stay)
        await repo.delete_stay(stay.id)
        await audit_service.record(
            session,
            principal,
            entity_type="housing_occupancy",
            entity_id=occupancy_id,
            action="delete",
            before=before,
        )
        return DeleteOutcome(id=occupancy_id, outcome="deleted")

    # --- views ---------------------------------------------------------------------------------

    async def occupancy(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ApartmentFilter,
        sort: str = APARTMENT_SORTING.default,
        on: dt.date | None,
        request: PageRequest,
    ) -> PageResult[ApartmentOccupancy]:
        """Per apartment and room: capacity, occupied on ``on`` (default today), vacancies.

        Two queries whatever the page: the apartments, then their rooms with counts.
        """
        day = on or today()
        repo = HousingRepository(session)
        result = await repo.page_apartments(filters, sort, request)
        rooms = await repo.room_occupancy([a.id for a in result.items], day)
        by_apartment: dict[int, list[RoomOccupancy]] = {}
        for room, occupied in rooms:
            by_apartment.setdefault(room.apartment_id, []).append(
                RoomOccupancy(
                    room_id=room.id,
                    name=room.name,
                    capacity=room.capacity,
                    occupied=occupied,
                    vacancies=max(room.capacity - occupied, 0),
                )
            )
        items = []
        for apartment in result.items:
            its_rooms = by_apartment.get(apartment.id, [])
            capacity = sum(r.capacity for r in its_rooms)
            occupied = sum(r.occupied for r in its_rooms)
            items.append(
                ApartmentOccupancy(
                    apartment_id=apartment.id,
                    name=apartment.name,
                    prefecture=apartment.prefecture,
                    capacity=capacity,
                    occupied=occupied,
                    vacancies=sum(r.vacancies for r in its_rooms),
                    rooms=its_rooms,
                )
            )
        return result.with_items(items)

    async def list_deductions(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        year: int,
        month: int,
        request: PageRequest,
    ) -> PageResult[Deduction]:
        """Each stay's prorated charges for a payroll month, a page at a time."""
        first, last = month_bounds(year, month)
        result = await HousingRepository(session).page_month(first, last, request)
        briefs = await employees_service.get_briefs(
            session, sorted({row.employee_id for row in result.items})
        )
        names = {i: b.display_name for i, b in briefs.items()}
        return result.with_items([_deduction(r, year, month, names) for r in result.items])

    async def monthly_deductions(
        self, session: AsyncSession, year: int, month: int
    ) -> list[Deduction]:
        """Every stay's charges for the month, ordered by employee (for the payroll run).

        Sum ``total`` per ``employee_id``: one employee may have two stays in a month
        (a move between rooms). Names are left out; payroll has its own.
        """
        first, last = month_bounds(year, month)
        rows = await HousingRepository(session).month_stays(first, last)
        return [_deduction(row, year, month, {}) for row in rows]


housing_service = HousingService()

__all__ = ["HousingService", "housing_service", "peak_occupancy"]
