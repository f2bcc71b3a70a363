"""Web pages of the agency's offices (派遣元事業所), under the administration: the list and
the form (new, edit, make the default, archive or restore). Admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from haken.modules.offices.auth import OfficesWrite
from haken.modules.offices.labels import register_labels
from haken.modules.offices.schemas import (
    OfficeCreate,
    OfficeFilter,
    OfficeRead,
    OfficeUpdate,
)
from haken.modules.offices.service import offices_service
from haken.platform.access import Role
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import admin_limit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, registry
from haken.web.render import flash, redirect, render

router = APIRouter(prefix="/admin/offices", include_in_schema=False)
OfficeId = Annotated[int, Path(ge=1)]


def _current(office: OfficeRead) -> dict[str, Any]:
    return {
        "name": office.name,
        "address": office.address,
        "phone": office.phone,
        "manager_name": office.manager_name,
        "is_default": "true" if office.is_default else "false",
        "archived": "true" if office.archived else "false",
    }


def _form(
    request: Request, state: FormState[Any], office: OfficeRead | None, status_code: int = 200
) -> Any:
    return render(
        request,
        "offices/form.html",
        {
            "form": state,
            "office": office,
            "yes_no": [("false", gettext_("No")), ("true", gettext_("Yes"))],
        },
        status_code=status_code,
    )


@router.get("", dependencies=[Depends(default_limit)])
async def offices(
    request: Request,
    _principal: OfficesWrite,
    session: SessionDep,
    archived: Annotated[bool, Query()] = False,
) -> Any:
    """The offices, the default first; the archived ones one link away."""
    rows = await offices_service.list_offices(session, filters=OfficeFilter(archived=archived))
    return render(request, "offices/list.html", {"offices": rows, "archived": archived})


@router.get("/new", dependencies=[Depends(default_limit)])
async def new_office(request: Request, _principal: OfficesWrite) -> Any:
    return _form(request, FormState(values={"is_default": "false"}), None)


@router.post("", dependencies=[Depends(admin_limit)])
async def create_office(
    request: Request, principal: OfficesWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(OfficeCreate, await request.form())
    saved = await save_form(
        state, lambda data: offices_service.create_office(session, principal, data=data)
    )
    if not state.ok or saved is None:
        raise FormRejected(_form(request, state, None, status_code=422))
    flash(request, "success", gettext_("The office %(name)s was saved.", name=saved.name))
    return redirect(request, "/admin/offices")


@router.get("/{office_id:int}/edit", dependencies=[Depends(default_limit)])
async def edit_office(
    request: Request, _principal: OfficesWrite, session: SessionDep, office_id: OfficeId
) -> Any:
    office = await offices_service.get_office(session, office_id=office_id)
    return _form(request, FormState(values=_current(office)), office)


@router.post("/{office_id:int}", dependencies=[Depends(admin_limit)])
async def update_office(
    request: Request,
    principal: OfficesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    office_id: OfficeId,
) -> Any:
    office = await offices_service.get_office(session, office_id=office_id)
    state = parse_form(OfficeUpdate, await request.form(), current=_current(office))
    await save_form(
        state,
        lambda data: offices_service.update_office(
            session, principal, office_id=office_id, data=data
        ),
    )
    if not state.ok:
        raise FormRejected(_form(request, state, office, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, "/admin/offices")


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem("offices", N_("Agency offices"), "/admin/offices", minimum=Role.ADMIN, order=66)
    )
