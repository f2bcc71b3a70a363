"""HTTP API of the clients area: /api/clients (with contacts), /api/sites, /api/units.

Reads: site manager and above (a site manager within their sites). Writes: coordinator and
above. Sites and units have their own prefixes rather than nesting under a client id, so
no literal path segment can ever be captured by an id parameter.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from haken.modules.clients.auth import ClientsRead, ClientsWrite
from haken.modules.clients.schemas import (
    ClientCreate,
    ClientFilter,
    ClientRead,
    ClientUpdate,
    ContactCreate,
    ContactFilter,
    ContactRead,
    ContactUpdate,
    DeleteOutcome,
    NameSort,
    SiteCreate,
    SiteDetail,
    SiteExtensionCreate,
    SiteFilter,
    SiteRead,
    SiteSort,
    SiteUpdate,
    Status,
    UnitCreate,
    UnitFilter,
    UnitRead,
    UnitUpdate,
)
from haken.modules.clients.service import clients_service
from haken.modules.clients.sorting import CLIENT_SORTING, ClientSort
from haken.platform.deps import SessionDep
from haken.platform.jptext import PREFECTURE_PATTERN
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

clients_router = APIRouter(
    prefix="/api/clients", tags=["clients"], dependencies=[Depends(default_limit)]
)
sites_router = APIRouter(
    prefix="/api/sites", tags=["clients"], dependencies=[Depends(default_limit)]
)
units_router = APIRouter(
    prefix="/api/units", tags=["clients"], dependencies=[Depends(default_limit)]
)

Id = Annotated[int, Path(ge=1)]
Version = Annotated[int, Query(ge=1, description="the version the deletion is based on")]
Search = Annotated[
    str | None, Query(max_length=100, description="name or reading starts with (any width/kana)")
]
PrefectureQuery = Annotated[
    str | None, Query(pattern=PREFECTURE_PATTERN, description="JIS X 0401 code, e.g. 23")
]

# --- clients ---------------------------------------------------------------------------------


@clients_router.get("", response_model=PageEnvelope[ClientRead])
async def list_clients(
    principal: ClientsRead,
    session: SessionDep,
    paging: PageQuery,
    q: Search = None,
    prefecture: PrefectureQuery = None,
    status: Status = "active",
    sort: ClientSort = ClientSort(CLIENT_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    """Client companies; ``prefecture`` is the head office's."""
    filters = ClientFilter(q=q, prefecture=prefecture, status=status)
    result = await clients_service.list_clients(
        session, principal, filters=filters, sort=sort.value, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@clients_router.post("", response_model=Envelope[ClientRead], status_code=201)
async def create_client(body: ClientCreate, principal: ClientsWrite, session: SessionDep) -> Any:
    return ok(await clients_service.create_client(session, principal, data=body))


@clients_router.get("/{client_id:int}", response_model=Envelope[ClientRead])
async def get_client(principal: ClientsRead, session: SessionDep, client_id: Id) -> Any:
    return ok(await clients_service.get_client(session, principal, client_id=client_id))


@clients_router.patch("/{client_id:int}", response_model=Envelope[ClientRead])
async def update_client(
    body: ClientUpdate, principal: ClientsWrite, session: SessionDep, client_id: Id
) -> Any:
    """Edit (send ``version``); ``archived: false`` restores an archived client."""
    return ok(
        await clients_service.update_client(session, principal, client_id=client_id, data=body)
    )


@clients_router.delete("/{client_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_client(
    principal: ClientsWrite, session: SessionDep, client_id: Id, version: Version
) -> Any:
    """Deleted when nothing refers to it; archived otherwise (e.g. it has sites)."""
    return ok(
        await clients_service.delete_client(
            session, principal, client_id=client_id, version=version
        )
    )


@clients_router.get("/{client_id:int}/contacts", response_model=PageEnvelope[ContactRead])
async def list_contacts(
    principal: ClientsRead,
    session: SessionDep,
    paging: PageQuery,
    client_id: Id,
    q: Search = None,
    sort: NameSort = "name",
) -> Any:
    result = await clients_service.list_contacts(
        session,
        principal,
        client_id=client_id,
        filters=ContactFilter(q=q, sort=sort),
        request=paging,
    )
    return page(result.items, result.pagination(paging.limit))


@clients_router.post(
    "/{client_id:int}/contacts", response_model=Envelope[ContactRead], status_code=201
)
async def create_contact(
    body: ContactCreate, principal: ClientsWrite, session: SessionDep, client_id: Id
) -> Any:
    return ok(
        await clients_service.create_contact(session, principal, client_id=client_id, data=body)
    )


@clients_router.patch(
    "/{client_id:int}/contacts/{contact_id:int}", response_model=Envelope[ContactRead]
)
async def update_contact(
    body: ContactUpdate,
    principal: ClientsWrite,
    session: SessionDep,
    client_id: Id,
    contact_id: Id,
) -> Any:
    return ok(
        await clients_service.update_contact(
            session, principal, client_id=client_id, contact_id=contact_id, data=body
        )
    )


@clients_router.delete(
    "/{client_id:int}/contacts/{contact_id:int}", response_model=Envelope[DeleteOutcome]
)
async def delete_contact(
    principal: ClientsWrite,
    session: SessionDep,
    client_id: Id,
    contact_id: Id,
    version: Version,
) -> Any:
    return ok(
        await clients_service.delete_contact(
            session, principal, client_id=client_id, contact_id=contact_id, version=version
        )
    )


# --- sites -----------------------------------------------------------------------------------


@sites_router.get("", response_model=PageEnvelope[SiteRead])
async def list_sites(
    principal: ClientsRead,
    session: SessionDep,
    paging: PageQuery,
    client_id: Annotated[int | None, Query(ge=1)] = None,
    q: Search = None,
    prefecture: PrefectureQuery = None,
    status: Status = "active",
    sort: SiteSort = "name",
) -> Any:
    """Sites (事業所); ``sort=conflict_date`` lists only sites with a 抵触日, soonest first."""
    filters = SiteFilter(client_id=client_id, q=q, prefecture=prefecture, status=status, sort=sort)
    result = await clients_service.list_sites(session, principal, filters=filters, request=paging)
    return page(result.items, result.pagination(paging.limit))


@sites_router.post("", response_model=Envelope[SiteDetail], status_code=201)
async def create_site(body: SiteCreate, principal: ClientsWrite, session: SessionDep) -> Any:
    return ok(await clients_service.create_site(session, principal, data=body))


@sites_router.get("/{site_id:int}", response_model=Envelope[SiteDetail])
async def get_site(principal: ClientsRead, session: SessionDep, site_id: Id) -> Any:
    """A site with its extension hearings and the deadline for the next one."""
    return ok(await clients_service.get_site(session, principal, site_id=site_id))


@sites_router.patch("/{site_id:int}", response_model=Envelope[SiteDetail])
async def update_site(
    body: SiteUpdate, principal: ClientsWrite, session: SessionDep, site_id: Id
) -> Any:
    return ok(await clients_service.update_site(session, principal, site_id=site_id, data=body))


@sites_router.post(
    "/{site_id:int}/extensions", response_model=Envelope[SiteDetail], status_code=201
)
async def add_site_extension(
    body: SiteExtensionCreate, principal: ClientsWrite, session: SessionDep, site_id: Id
) -> Any:
    """Record the 意見聴取 that extends the site limit; the 抵触日 moves on."""
    return ok(
        await clients_service.add_site_extension(session, principal, site_id=site_id, data=body)
    )


@sites_router.delete("/{site_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_site(
    principal: ClientsWrite, session: SessionDep, site_id: Id, version: Version
) -> Any:
    return ok(
        await clients_service.delete_site(session, principal, site_id=site_id, version=version)
    )


# --- units -----------------------------------------------------------------------------------


@units_router.get("", response_model=PageEnvelope[UnitRead])
async def list_units(
    principal: ClientsRead,
    session: SessionDep,
    paging: PageQuery,
    site_id: Annotated[int | None, Query(ge=1)] = None,
    client_id: Annotated[int | None, Query(ge=1)] = None,
    q: Search = None,
    status: Status = "active",
    sort: NameSort = "name",
) -> Any:
    """Organisational units (組織単位)."""
    filters = UnitFilter(site_id=site_id, client_id=client_id, q=q, status=status, sort=sort)
    result = await clients_service.list_units(session, principal, filters=filters, request=paging)
    return page(result.items, result.pagination(paging.limit))


@units_router.post("", response_model=Envelope[UnitRead], status_code=201)
async def create_unit(body: UnitCreate, principal: ClientsWrite, session: SessionDep) -> Any:
    return ok(await clients_service.create_unit(session, principal, data=body))


@units_router.get("/{unit_id:int}", response_model=Envelope[UnitRead])
async def get_unit(principal: ClientsRead, session: SessionDep, unit_id: Id) -> Any:
    return ok(await clients_service.get_unit(session, principal, unit_id=unit_id))


@units_router.patch("/{unit_id:int}", response_model=Envelope[UnitRead])
async def update_unit(
    body: UnitUpdate, principal: ClientsWrite, session: SessionDep, unit_id: Id
) -> Any:
    return ok(await clients_service.update_unit(session, principal, unit_id=unit_id, data=body))


@units_router.delete("/{unit_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_unit(
    principal: ClientsWrite, session: SessionDep, unit_id: Id, version: Version
) -> Any:
    return ok(
        await clients_service.delete_unit(session, principal, unit_id=unit_id, version=version)
    )
