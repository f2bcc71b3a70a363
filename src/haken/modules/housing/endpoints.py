"""HTTP API of company housing: /api/housing/…

Coordinators and above manage housing; an employee reads only their own stays
(``/api/housing/me``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from haken.modules.housing.auth import HousingRead, HousingWrite, OwnHousing
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
    RoomRead,
    RoomUpdate,
    Status,
    StaySort,
)
from haken.modules.housing.service import housing_service
from haken.modules.housing.sorting import APARTMENT_SORTING, ApartmentSort
from haken.platform.deps import SessionDep
from haken.platform.jptext import PREFECTURE_PATTERN
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page
from haken.platform.schemas import Day

router = APIRouter(prefix="/api/housing", tags=["housing"], dependencies=[Depends(default_limit)])

Id = Annotated[int, Path(ge=1)]
Version = Annotated[int, Query(ge=1, description="the version the deletion is based on")]
Search = Annotated[str | None, Query(max_length=100, description="name starts with")]
PrefectureQuery = Annotated[str | None, Query(pattern=PREFECTURE_PATTERN)]

# --- apartments ----------------------------------------------------------------------------------


@router.get("/apartments", response_model=PageEnvelope[ApartmentRead])
async def list_apartments(
    principal: HousingRead,
    session: SessionDep,
    paging: PageQuery,
    q: Search = None,
    prefecture: PrefectureQuery = None,
    status: Status = "active",
    sort: ApartmentSort = ApartmentSort(APARTMENT_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    filters = ApartmentFilter(q=q, prefecture=prefecture, status=status)
    result = await housing_service.list_apartments(
        session, principal, filters=filters, sort=sort.value, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/apartments", response_model=Envelope[ApartmentRead], status_code=201)
async def create_apartment(
    body: ApartmentCreate, principal: HousingWrite, session: SessionDep
) -> Any:
    return ok(await housing_service.create_apartment(session, principal, data=body))


@router.get("/apartments/{apartment_id:int}", response_model=Envelope[ApartmentRead])
async def get_apartment(principal: HousingRead, session: SessionDep, apartment_id: Id) -> Any:
    return ok(await housing_service.get_apartment(session, principal, apartment_id=apartment_id))


@router.patch("/apartments/{apartment_id:int}", response_model=Envelope[ApartmentRead])
async def update_apartment(
    body: ApartmentUpdate, principal: HousingWrite, session: SessionDep, apartment_id: Id
) -> Any:
    return ok(
        await housing_service.update_apartment(
            session, principal, apartment_id=apartment_id, data=body
        )
    )


@router.delete("/apartments/{apartment_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_apartment(
    principal: HousingWrite, session: SessionDep, apartment_id: Id, version: Version
) -> Any:
    """Deleted when it has no rooms; archived otherwise."""
    return ok(
        await housing_service.delete_apartment(
            session, principal, apartment_id=apartment_id, version=version
        )
    )


# --- rooms -------------------------------------------------------------------------------------


@router.get("/rooms", response_model=PageEnvelope[RoomRead])
async def list_rooms(
    principal: HousingRead,
    session: SessionDep,
    paging: PageQuery,
    apartment_id: Annotated[int, Query(ge=1)],
    status: Status = "active",
) -> Any:
    """The rooms of one apartment, by name."""
    result = await housing_service.list_rooms(
        session,
        principal,
        apartment_id=apartment_id,
        archived=status == "archived",
        request=paging,
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/rooms", response_model=Envelope[RoomRead], status_code=201)
async def create_room(body: RoomCreate, principal: HousingWrite, session: SessionDep) -> Any:
    return ok(await housing_service.create_room(session, principal, data=body))


@router.patch("/rooms/{room_id:int}", response_model=Envelope[RoomRead])
async def update_room(
    body: RoomUpdate, principal: HousingWrite, session: SessionDep, room_id: Id
) -> Any:
    """Edit a room; capacity cannot drop below today's or a planned occupancy."""
    return ok(await housing_service.update_room(session, principal, room_id=room_id, data=body))


@router.delete("/rooms/{room_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_room(
    principal: HousingWrite, session: SessionDep, room_id: Id, version: Version
) -> Any:
    """Deleted when nobody ever lived there; archived otherwise."""
    return ok(
        await housing_service.delete_room(session, principal, room_id=room_id, version=version)
    )


# --- occupancies ----------------------------------------------------------------------------------


@router.get("/occupancies", response_model=PageEnvelope[OccupancyRead])
async def list_occupancies(
    principal: HousingRead,
    session: SessionDep,
    paging: PageQuery,
    apartment_id: Annotated[int | None, Query(ge=1)] = None,
    room_id: Annotated[int | None, Query(ge=1)] = None,
    employee_id: Annotated[int | None, Query(ge=1)] = None,
    current_on: Annotated[Day | None, Query(description="only stays running on this day")] = None,
    sort: StaySort = "-move_in",
) -> Any:
    filters = OccupancyFilter(
        apartment_id=apartment_id,
        room_id=room_id,
        employee_id=employee_id,
        current_on=current_on,
        sort=sort,
    )
    result = await housing_service.list_occupancies(
        session, principal, filters=filters, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/occupancies", response_model=Envelope[OccupancyRead], status_code=201)
async def move_in(body: MoveIn, principal: HousingWrite, session: SessionDep) -> Any:
    """Move an employee in: refused over the room's capacity or when already housed."""
    return ok(await housing_service.move_in(session, principal, data=body))


@router.post("/occupancies/{occupancy_id:int}/move-out", response_model=Envelope[OccupancyRead])
async def move_out(
    body: MoveOut, principal: HousingWrite, session: SessionDep, occupancy_id: Id
) -> Any:
    return ok(
        await housing_service.move_out(session, principal, occupancy_id=occupancy_id, data=body)
    )


@router.patch("/occupancies/{occupancy_id:int}", response_model=Envelope[OccupancyRead])
async def update_occupancy(
    body: OccupancyUpdate, principal: HousingWrite, session: SessionDep, occupancy_id: Id
) -> Any:
    return ok(
        await housing_service.update_occupancy(
            session, principal, occupancy_id=occupancy_id, data=body
        )
    )


@router.delete("/occupancies/{occupancy_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_occupancy(
    principal: HousingWrite, session: SessionDep, occupancy_id: Id, version: Version
) -> Any:
    """Remove a stay entered by mistake."""
    return ok(
        await housing_service.delete_occupancy(
            session, principal, occupancy_id=occupancy_id, version=version
        )
    )


# --- views -------------------------------------------------------------------------------------


@router.get("/occupancy", response_model=PageEnvelope[ApartmentOccupancy])
async def occupancy(
    principal: HousingRead,
    session: SessionDep,
    paging: PageQuery,
    on: Annotated[Day | None, Query(description="default: today (Asia/Tokyo)")] = None,
    q: Search = None,
    prefecture: PrefectureQuery = None,
    sort: ApartmentSort = ApartmentSort(APARTMENT_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    """Per apartment and room: capacity, occupied, vacancies."""
    filters = ApartmentFilter(q=q, prefecture=prefecture, status="active")
    result = await housing_service.occupancy(
        session, principal, filters=filters, sort=sort.value, on=on, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/deductions", response_model=PageEnvelope[Deduction])
async def deductions(
    principal: HousingRead,
    session: SessionDep,
    paging: PageQuery,
    year: Annotated[int, Query(ge=2000, le=2100)],
    month: Annotated[int, Query(ge=1, le=12)],
) -> Any:
    """Each occupant's rent, utilities and parking for a payroll month, prorated by days."""
    result = await housing_service.list_deductions(
        session, principal, year=year, month=month, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/me", response_model=PageEnvelope[OccupancyRead])
async def my_housing(principal: OwnHousing, session: SessionDep, paging: PageQuery) -> Any:
    """The caller's own stays, newest first."""
    result = await housing_service.my_occupancies(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))
