"""Web pages of company housing (社宅): occupancy, apartments and rooms, move-in and move-out.

The same service as ``endpoints.py`` (coordinators and above); an employee
sees their own stays in the portal.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.housing.auth import HousingExport, HousingRead, HousingWrite
from haken.modules.housing.labels import register_labels
from haken.modules.housing.schemas import (
    ApartmentCreate,
    ApartmentFilter,
    ApartmentOccupancy,
    ApartmentRead,
    ApartmentUpdate,
    MoveIn,
    MoveOut,
    OccupancyFilter,
    RoomCreate,
    RoomRead,
    RoomUpdate,
)
from haken.modules.housing.service import housing_service
from haken.modules.housing.sorting import APARTMENT_SORTING, ApartmentSortField
from haken.platform.access import Principal, Role
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.jptext import PREFECTURES
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.formatting import format_day
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
)
from haken.web.registry import NavItem, Panel, RecordSection, registry
from haken.web.render import flash, redirect, render

router = APIRouter(
    prefix="/housing", include_in_schema=False, dependencies=[Depends(default_limit)]
)
Id = Annotated[int, Path(ge=1)]
UTILITIES = {
    "included": N_("Included in the rent"),
    "flat": N_("Flat amount per occupant"),
    "tenant": N_("Paid by the occupant"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _labels() -> dict[str, Any]:
    return {
        "prefectures": PREFECTURES,
        "prefecture_options": [("", "—")] + [(c, f"{c} {n}") for c, n in PREFECTURES.items()],
        "utilities_options": [(k, gettext_(v)) for k, v in UTILITIES.items()],
        "utilities_labels": {k: gettext_(v) for k, v in UTILITIES.items()},
    }


LIST_PAGE_SIZE = 50


def _columns() -> tuple[Column[ApartmentOccupancy], ...]:
    """The occupancy list's columns: the screen's headers and the export's header row."""
    return (
        Column("name", N_("Apartment"), lambda a: a.name, sort=ApartmentSortField.NAME),
        Column("prefecture", N_("Prefecture"), lambda a: PREFECTURES.get(a.prefecture)),
        Column("capacity", N_("Beds"), lambda a: a.capacity, numeric=True),
        Column("occupied", N_("Occupied"), lambda a: a.occupied, numeric=True),
        Column("vacancies", N_("Vacant"), lambda a: a.vacancies, numeric=True),
    )


@router.get("")
async def occupancy(request: Request, principal: HousingRead, session: SessionDep) -> Any:
    """Every apartment with its capacity, occupants today and vacancies; filters, sort and
    cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(ApartmentFilter, APARTMENT_SORTING, request.query_params)
    result = await housing_service.occupancy(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        on=_today(request),
        request=state.page_request(LIST_PAGE_SIZE),
    )
    return render(
        request,
        "housing/list.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(),
            **_labels(),
        },
        block="results",
    )


@router.get("/export.{file_format}")
async def export_occupancy(
    request: Request,
    principal: HousingExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """Today's occupancy of the filtered apartments as CSV or Excel with the screen's labels
    (coordinators and above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(ApartmentFilter, APARTMENT_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="housing_apartment",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )
    on = _today(request)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[ApartmentOccupancy]:
        return await housing_service.occupancy(
            session, principal, filters=state.filters, sort=state.sort, on=on, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_columns(),
        fetch=fetch,
        stem="housing",
        today=on,
        sheet_title=gettext_("Housing"),
    )


def _apartment_form(
    request: Request,
    state: FormState[Any],
    apartment: ApartmentRead | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "housing/apartment_form.html",
        {"form": state, "apartment": apartment, **_labels()},
        status_code=status_code,
    )


def _current(model: Any) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in model.model_dump(mode="json").items()}


@router.get("/new")
async def new_apartment(request: Request, _principal: HousingWrite) -> Any:
    return _apartment_form(request, FormState(values={"utilities_policy": "included"}))


@router.post("")
async def create_apartment(
    request: Request, principal: HousingWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(ApartmentCreate, await request.form())
    if state.data is not None:
        try:
            apartment = await housing_service.create_apartment(session, principal, data=state.data)
        except HakenError as error:
            state.add_error(error)
    if not state.ok:
        raise FormRejected(_apartment_form(request, state, status_code=422))
    flash(request, "success", gettext_("The apartment was registered."))
    return redirect(request, f"/housing/{apartment.id}")


async def _apartment_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    apartment_id: int,
    *,
    room_form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    apartment = await housing_service.get_apartment(session, principal, apartment_id=apartment_id)
    rooms = await housing_service.list_rooms(
        session,
        principal,
        apartment_id=apartment_id,
        archived=False,
        request=PageRequest(limit=200),
    )
    today = _today(request)
    # Today's occupants and the scheduled move-ins in one read, split for the page.
    stays = await housing_service.list_occupancies(
        session,
        principal,
        filters=OccupancyFilter(apartment_id=apartment_id, ongoing_from=today, sort="move_in"),
        request=PageRequest(limit=200),
    )
    return render(
        request,
        "housing/apartment_detail.html",
        {
            "apartment": apartment,
            "rooms": rooms,
            "stays": [stay for stay in stays.items if stay.move_in <= today],
            "scheduled": [stay for stay in stays.items if stay.move_in > today],
            "today": today,
            "room_form": room_form or FormState(),
            **_labels(),
        },
        status_code=status_code,
    )


@router.get("/{apartment_id:int}")
async def apartment_detail(
    request: Request, principal: HousingRead, session: SessionDep, apartment_id: Id
) -> Any:
    return await _apartment_page(request, session, principal, apartment_id)


@router.post("/{apartment_id:int}/rooms")
async def create_room(
    request: Request,
    principal: HousingWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    apartment_id: Id,
) -> Any:
    state = parse_form(RoomCreate, await request.form(), extra={"apartment_id": apartment_id})
    await save_form(state, lambda data: housing_service.create_room(session, principal, data=data))
    if not state.ok:
        raise FormRejected(
            await _apartment_page(
                request, session, principal, apartment_id, room_form=state, status_code=422
            )
        )
    flash(request, "success", gettext_("The room was added."))
    return redirect(request, f"/housing/{apartment_id}")


@router.get("/{apartment_id:int}/edit")
async def edit_apartment(
    request: Request, principal: HousingWrite, session: SessionDep, apartment_id: Id
) -> Any:
    apartment = await housing_service.get_apartment(session, principal, apartment_id=apartment_id)
    return _apartment_form(request, FormState(values=_current(apartment)), apartment)


@router.post("/{apartment_id:int}")
async def update_apartment(
    request: Request,
    principal: HousingWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    apartment_id: Id,
) -> Any:
    apartment = await housing_service.get_apartment(session, principal, apartment_id=apartment_id)
    state = parse_form(ApartmentUpdate, await request.form(), current=_current(apartment))
    await save_form(
        state,
        lambda data: housing_service.update_apartment(
            session, principal, apartment_id=apartment_id, data=data
        ),
    )
    if not state.ok:
        raise FormRejected(_apartment_form(request, state, apartment, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/housing/{apartment_id}")


async def _room(
    session: AsyncSession, principal: Principal, apartment_id: int, room_id: int
) -> RoomRead:
    """A room of the apartment, read through the apartment's room list (its only reader)."""
    rooms = await housing_service.list_rooms(
        session,
        principal,
        apartment_id=apartment_id,
        archived=False,
        request=PageRequest(limit=200),
    )
    for room in rooms.items:
        if room.id == room_id:
            return room
    raise NotFoundError()


def _room_form(
    request: Request,
    state: FormState[Any],
    apartment: ApartmentRead,
    room: RoomRead,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "housing/room_form.html",
        {"form": state, "apartment": apartment, "room": room},
        status_code=status_code,
    )


@router.get("/{apartment_id:int}/rooms/{room_id:int}/edit")
async def edit_room(
    request: Request,
    principal: HousingWrite,
    session: SessionDep,
    apartment_id: Id,
    room_id: Id,
) -> Any:
    apartment = await housing_service.get_apartment(session, principal, apartment_id=apartment_id)
    room = await _room(session, principal, apartment_id, room_id)
    return _room_form(request, FormState(values=_current(room)), apartment, room)


@router.post("/{apartment_id:int}/rooms/{room_id:int}")
async def update_room(
    request: Request,
    principal: HousingWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    apartment_id: Id,
    room_id: Id,
) -> Any:
    apartment = await housing_service.get_apartment(session, principal, apartment_id=apartment_id)
    room = await _room(session, principal, apartment_id, room_id)
    state = parse_form(RoomUpdate, await request.form(), current=_current(room))
    await save_form(
        state,
        lambda data: housing_service.update_room(session, principal, room_id=room_id, data=data),
    )
    if not state.ok:
        raise FormRejected(_room_form(request, state, apartment, room, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/housing/{apartment_id}")


async def _move_in_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    employee_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    overview = await housing_service.occupancy(
        session,
        principal,
        filters=ApartmentFilter(),
        on=_today(request),
        request=PageRequest(limit=200),
    )
    rooms = [
        (
            str(room.room_id),
            gettext_("%(apartment)s %(room)s — %(free)s of %(beds)s beds free")
            % {
                "apartment": apartment.name,
                "room": room.name,
                "free": room.vacancies,
                "beds": room.capacity,
            },
        )
        for apartment in overview.items
        for room in apartment.rooms
        if room.vacancies > 0
    ]
    return render(
        request,
        "housing/move_in.html",
        {"employee": employee, "rooms": rooms, "form": state},
        status_code=status_code,
    )


@router.get("/move-in/{employee_id:int}")
async def move_in_form(
    request: Request, principal: HousingWrite, session: SessionDep, employee_id: Id
) -> Any:
    state = FormState(values={"move_in": _today(request).isoformat()})
    return await _move_in_page(request, session, principal, employee_id, state)


@router.post("/move-in/{employee_id:int}")
async def move_in(
    request: Request,
    principal: HousingWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: Id,
) -> Any:
    form = await request.form()
    state = parse_form(
        MoveIn, form, extra={"employee_id": employee_id, "parking": form.get("parking") == "on"}
    )
    stay = await save_form(
        state, lambda data: housing_service.move_in(session, principal, data=data)
    )
    if not state.ok:
        raise FormRejected(
            await _move_in_page(request, session, principal, employee_id, state, status_code=422)
        )
    if stay.move_in > _today(request):
        flash(
            request,
            "success",
            gettext_("The move-in on %(date)s was recorded; it is listed under scheduled move-ins.")
            % {"date": format_day(stay.move_in)},
        )
    else:
        flash(request, "success", gettext_("The move-in was recorded."))
    return redirect(request, f"/housing/{stay.apartment_id}")


async def _move_out_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    occupancy_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    stay = await housing_service.get_occupancy(session, principal, occupancy_id=occupancy_id)
    return render(
        request,
        "housing/move_out.html",
        {"stay": stay, "form": state, "today": _today(request)},
        status_code=status_code,
    )


@router.get("/stays/{occupancy_id:int}/move-out")
async def move_out_form(
    request: Request, principal: HousingWrite, session: SessionDep, occupancy_id: Id
) -> Any:
    """The confirmation step: what the move-out does, with the date (today by default)."""
    state = FormState(values={"move_out": _today(request).isoformat()})
    return await _move_out_page(request, session, principal, occupancy_id, state)


@router.post("/stays/{occupancy_id:int}/move-out")
async def move_out(
    request: Request,
    principal: HousingWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    occupancy_id: Id,
) -> Any:
    state = parse_form(MoveOut, await request.form())
    stay = await save_form(
        state,
        lambda data: housing_service.move_out(
            session, principal, occupancy_id=occupancy_id, data=data
        ),
    )
    if not state.ok:
        raise FormRejected(
            await _move_out_page(request, session, principal, occupancy_id, state, 422)
        )
    flash(request, "success", gettext_("The move-out was recorded."))
    return redirect(request, f"/housing/{stay.apartment_id}")


# --- home and portal ---------------------------------------------------------------------------


async def _occupancy_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    overview = await housing_service.occupancy(
        session,
        principal,
        filters=ApartmentFilter(),
        on=_today(request),
        request=PageRequest(limit=200),
    )
    capacity = sum(a.capacity for a in overview.items)
    occupied = sum(a.occupied for a in overview.items)
    return {
        "capacity": capacity,
        "occupied": occupied,
        "apartments": len(overview.items),
        "more": overview.has_more,
    }


async def _own_housing(
    _request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    if principal.employee_id is None:
        return None
    stays = await housing_service.my_occupancies(session, principal, request=PageRequest(limit=20))
    return {"stays": stays.items}


async def _employee_housing(
    request: Request, session: AsyncSession, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    """The employee's stays, newest first: one statement (their name is on the page)."""
    stays = await housing_service.list_occupancies(
        session,
        principal,
        filters=OccupancyFilter(employee_id=employee.id, sort="-move_in"),
        request=PageRequest(limit=20),
    )
    return {"stays": stays.items, "today": _today(request), "employee_id": employee.id}


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem("housing", N_("Housing"), "/housing", minimum=Role.COORDINATOR, order=40)
    )
    registry.add_home_panel(
        Panel(
            "housing",
            "housing/_home_occupancy.html",
            _occupancy_panel,
            minimum=Role.COORDINATOR,
            order=40,
        )
    )
    registry.add_portal_section(
        Panel("housing", "housing/_portal_housing.html", _own_housing, order=40)
    )
    registry.add_record_section(
        "employee",
        RecordSection(
            "housing",
            "housing/_employee_housing.html",
            _employee_housing,
            minimum=Role.COORDINATOR,
            order=40,
        ),
    )
