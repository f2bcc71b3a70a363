"""Web pages of the clients area: client companies (派遣先), their sites and units.

The same service as ``endpoints.py``. A site shows its 抵触日 (the site's
3-year limit); the home page lists the sites whose 抵触日 falls within 90 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.clients.auth import ClientsExport, ClientsRead, ClientsWrite
from haken.modules.clients.labels import register_labels
from haken.modules.clients.schemas import (
    ClientCreate,
    ClientFilter,
    ClientRead,
    ClientUpdate,
    SiteCreate,
    SiteDetail,
    SiteFilter,
    SiteUpdate,
    UnitCreate,
    UnitFilter,
    UnitRead,
    UnitUpdate,
)
from haken.modules.clients.service import clients_service
from haken.modules.clients.sorting import CLIENT_SORTING, ClientSortField
from haken.platform.access import Principal, Role
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.errors import HakenError
from haken.platform.jptext import PREFECTURES
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
    local_moment,
)
from haken.web.params import record_id
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
CONFLICT_WINDOW_DAYS = 90
ENTITY_KINDS = {"corporation": N_("Corporation"), "individual": N_("Individual")}


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


def _today(request: Request) -> dt.date:
    return dt.datetime.now(_zone(request)).date()


def _labels() -> dict[str, Any]:
    return {
        "prefectures": PREFECTURES,
        "prefecture_options": [("", "—")] + [(c, f"{c} {n}") for c, n in PREFECTURES.items()],
        "entity_options": [(k, gettext_(v)) for k, v in ENTITY_KINDS.items()],
        "entity_labels": {k: gettext_(v) for k, v in ENTITY_KINDS.items()},
    }


# --- clients ---------------------------------------------------------------------------------


LIST_PAGE_SIZE = 50


def _client_columns(zone: ZoneInfo) -> tuple[Column[ClientRead], ...]:
    """The client list's columns: the screen's headers and the export's header row."""
    kinds = {key: gettext_(label) for key, label in ENTITY_KINDS.items()}
    return (
        Column("name", N_("Company name"), lambda c: c.name, sort=ClientSortField.NAME),
        Column("name_kana", N_("Company name in kana"), lambda c: c.name_kana),
        Column("entity_kind", N_("Kind"), lambda c: kinds.get(c.entity_kind, c.entity_kind)),
        Column(
            "prefecture",
            N_("Prefecture"),
            lambda c: PREFECTURES.get(c.prefecture) if c.prefecture else None,
        ),
        Column("phone", N_("Phone"), lambda c: c.phone),
        Column(
            "created_at",
            N_("Registered"),
            lambda c: local_moment(c.created_at, zone),
            sort=ClientSortField.CREATED,
        ),
    )


@router.get("/clients")
async def clients(request: Request, principal: ClientsRead, session: SessionDep) -> Any:
    """Search by name or kana, head office prefecture, active or archived; filters, sort and
    cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(ClientFilter, CLIENT_SORTING, request.query_params)
    result = await clients_service.list_clients(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        request=state.page_request(LIST_PAGE_SIZE),
    )
    return render(
        request,
        "clients/list.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _client_columns(_zone(request)),
            "can_create": principal.is_at_least(Role.COORDINATOR),
            "can_export": principal.is_at_least(Role.COORDINATOR),
            **_labels(),
        },
        block="results",
    )


@router.get("/clients/export.{file_format}")
async def export_clients(
    request: Request,
    principal: ClientsExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered client list, every page, as CSV or Excel with the screen's labels
    (coordinators and above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(ClientFilter, CLIENT_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="client",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[ClientRead]:
        return await clients_service.list_clients(
            session, principal, filters=state.filters, sort=state.sort, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_client_columns(_zone(request)),
        fetch=fetch,
        stem="clients",
        today=_today(request),
        sheet_title=gettext_("Clients"),
    )


def _client_form(
    request: Request,
    state: FormState[Any],
    client: ClientRead | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "clients/client_form.html",
        {"form": state, "client": client, **_labels()},
        status_code=status_code,
    )


@router.get("/clients/new")
async def new_client(request: Request, _principal: ClientsWrite) -> Any:
    return _client_form(request, FormState(values={"entity_kind": "corporation"}))


@router.post("/clients")
async def create_client(
    request: Request, principal: ClientsWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(ClientCreate, await request.form())
    if state.data is not None:
        try:
            client = await clients_service.create_client(session, principal, data=state.data)
        except HakenError as error:
            state.add_error(error)
    if not state.ok:
        raise FormRejected(_client_form(request, state, status_code=422))
    flash(request, "success", gettext_("The client was registered."))
    return redirect(request, f"/clients/{client.id}")


@router.get("/clients/{client_id:int}")
async def client_detail(
    request: Request, principal: ClientsRead, session: SessionDep, client_id: Id
) -> Any:
    client = await clients_service.get_client(session, principal, client_id=client_id)
    sites = await clients_service.list_sites(
        session,
        principal,
        filters=SiteFilter(client_id=client_id),
        request=PageRequest(limit=200),
    )
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "sites": sites,
            "today": _today(request),
            "can_edit": principal.is_at_least(Role.COORDINATOR),
            **_labels(),
        },
    )


def _current(model: Any) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in model.model_dump(mode="json").items()}


@router.get("/clients/{client_id:int}/edit")
async def edit_client(
    request: Request, principal: ClientsWrite, session: SessionDep, client_id: Id
) -> Any:
    client = await clients_service.get_client(session, principal, client_id=client_id)
    return _client_form(request, FormState(values=_current(client)), client)


@router.post("/clients/{client_id:int}")
async def update_client(
    request: Request,
    principal: ClientsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    client_id: Id,
) -> Any:
    client = await clients_service.get_client(session, principal, client_id=client_id)
    state = parse_form(ClientUpdate, await request.form(), current=_current(client))
    await save_form(
        state,
        lambda data: clients_service.update_client(
            session, principal, client_id=client_id, data=data
        ),
    )
    if not state.ok:
        raise FormRejected(_client_form(request, state, client, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/clients/{client_id}")


# --- sites and units --------------------------------------------------------------------------


def _site_form(
    request: Request,
    state: FormState[Any],
    client: ClientRead,
    site: SiteDetail | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "clients/site_form.html",
        {"form": state, "client": client, "site": site, **_labels()},
        status_code=status_code,
    )


@router.get("/sites/new")
async def new_site(
    request: Request,
    principal: ClientsWrite,
    session: SessionDep,
    client_param: Annotated[str | None, Query(alias="client_id", max_length=20)] = None,
) -> Any:
    """A site belongs to a client: without one (a bare link), go where it is chosen."""
    client_id = record_id(client_param)
    if client_id is None:
        flash(
            request,
            "info",
            gettext_("Choose the client of the new site: open the client and use “Add a site”."),
        )
        return redirect(request, "/clients")
    client = await clients_service.get_client(session, principal, client_id=client_id)
    return _site_form(request, FormState(values={"client_id": str(client_id)}), client)


@router.post("/sites")
async def create_site(
    request: Request, principal: ClientsWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(SiteCreate, form)
    if state.data is not None:
        try:
            site = await clients_service.create_site(session, principal, data=state.data)
        except HakenError as error:
            state.add_error(error)
    if not state.ok:
        raw_id = form.get("client_id")
        client_id = int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() else 0
        client = await clients_service.get_client(session, principal, client_id=client_id)
        raise FormRejected(_site_form(request, state, client, status_code=422))
    flash(request, "success", gettext_("The site was registered."))
    return redirect(request, f"/sites/{site.id}")


@router.get("/sites/{site_id:int}/edit")
async def edit_site(
    request: Request, principal: ClientsWrite, session: SessionDep, site_id: Id
) -> Any:
    site = await clients_service.get_site(session, principal, site_id=site_id)
    client = await clients_service.get_client(session, principal, client_id=site.client_id)
    return _site_form(request, FormState(values=_current(site)), client, site)


@router.post("/sites/{site_id:int}")
async def update_site(
    request: Request,
    principal: ClientsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    site_id: Id,
) -> Any:
    site = await clients_service.get_site(session, principal, site_id=site_id)
    state = parse_form(SiteUpdate, await request.form(), current=_current(site))
    await save_form(
        state,
        lambda data: clients_service.update_site(session, principal, site_id=site_id, data=data),
    )
    if not state.ok:
        client = await clients_service.get_client(session, principal, client_id=site.client_id)
        raise FormRejected(_site_form(request, state, client, site, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/sites/{site_id}")


async def _site_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    *,
    unit_form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    site = await clients_service.get_site(session, principal, site_id=site_id)
    client = await clients_service.get_client(session, principal, client_id=site.client_id)
    units = await clients_service.list_units(
        session, principal, filters=UnitFilter(site_id=site_id), request=PageRequest(limit=200)
    )
    return render(
        request,
        "clients/site_detail.html",
        {
            "site": site,
            "client": client,
            "units": units,
            "today": _today(request),
            "unit_form": unit_form or FormState(),
            "can_edit": principal.is_at_least(Role.COORDINATOR),
            **_labels(),
        },
        status_code=status_code,
    )


@router.get("/sites/{site_id:int}")
async def site_detail(
    request: Request, principal: ClientsRead, session: SessionDep, site_id: Id
) -> Any:
    return await _site_page(request, session, principal, site_id)


@router.post("/sites/{site_id:int}/units")
async def create_unit(
    request: Request,
    principal: ClientsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    site_id: Id,
) -> Any:
    state = parse_form(UnitCreate, await request.form(), extra={"site_id": site_id})
    await save_form(state, lambda data: clients_service.create_unit(session, principal, data=data))
    if not state.ok:
        raise FormRejected(
            await _site_page(request, session, principal, site_id, unit_form=state, status_code=422)
        )
    flash(request, "success", gettext_("The unit was added."))
    return redirect(request, f"/sites/{site_id}")


def _unit_form(
    request: Request, state: FormState[Any], unit: UnitRead, status_code: int = 200
) -> Any:
    return render(
        request,
        "clients/unit_form.html",
        {"form": state, "unit": unit},
        status_code=status_code,
    )


@router.get("/units/{unit_id:int}/edit")
async def edit_unit(
    request: Request, principal: ClientsWrite, session: SessionDep, unit_id: Id
) -> Any:
    unit = await clients_service.get_unit(session, principal, unit_id=unit_id)
    return _unit_form(request, FormState(values=_current(unit)), unit)


@router.post("/units/{unit_id:int}")
async def update_unit(
    request: Request,
    principal: ClientsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    unit_id: Id,
) -> Any:
    unit = await clients_service.get_unit(session, principal, unit_id=unit_id)
    state = parse_form(UnitUpdate, await request.form(), current=_current(unit))
    await save_form(
        state,
        lambda data: clients_service.update_unit(session, principal, unit_id=unit_id, data=data),
    )
    if not state.ok:
        raise FormRejected(_unit_form(request, state, unit, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/sites/{unit.site_id}")


# --- the home page: sites whose 抵触日 is near -------------------------------------------------


async def _conflict_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    today = _today(request)
    until = today + dt.timedelta(days=CONFLICT_WINDOW_DAYS)
    sites = await clients_service.list_sites(
        session, principal, filters=SiteFilter(sort="conflict_date"), request=PageRequest(limit=20)
    )
    due = [s for s in sites.items if s.conflict_date is not None and s.conflict_date <= until]
    return {"sites": due, "today": today, "window": CONFLICT_WINDOW_DAYS}


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem("clients", N_("Clients"), "/clients", minimum=Role.SITE_MANAGER, order=30)
    )
    registry.add_home_panel(
        Panel(
            "conflict_dates",
            "clients/_home_conflicts.html",
            _conflict_panel,
            minimum=Role.SITE_MANAGER,
            order=30,
        )
    )
