"""Web pages of the employees area: list, detail, registration and edit; portal and home panels.

The same service as ``endpoints.py``. Scope is the service's: a site manager
lists the employees of their sites, an employee reaches only their own record
(any other id is a 404 page).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.residence import ResidenceStatus
from haken.modules.employees.labels import labels_for_templates
from haken.modules.employees.schemas import (
    EmployeeCreate,
    EmployeeDetail,
    EmployeeFilter,
    EmployeeSort,
    EmployeeStatus,
    EmployeeUpdate,
    EmploymentType,
)
from haken.modules.employees.service import employees_service
from haken.platform.access import (
    CoordinatorPrincipal,
    CurrentPrincipal,
    Principal,
    Role,
    SiteManagerPrincipal,
)
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import flash, redirect, render

router = APIRouter(
    prefix="/employees", include_in_schema=False, dependencies=[Depends(default_limit)]
)
EmployeeId = Annotated[int, Path(ge=1)]
EXPIRY_WINDOW_DAYS = 90
SORT_LABELS = {
    EmployeeSort.KANA: N_("Name (kana)"),
    EmployeeSort.ROMAJI: N_("Name (romaji)"),
    EmployeeSort.HIRE_DATE: N_("Newest hires"),
    EmployeeSort.NEWEST: N_("Newest records"),
}
FIELD_CODES = {
    "EMPLOYEE_DUPLICATE": "name_romaji",
    "EMPLOYEE_NUMBER_TAKEN": "employee_number",
    "EMPLOYEE_LEAVE_DATE_REQUIRED": "leave_date",
}
# Numbers the form never shows: an empty field means "unchanged", not "clear".
SECRET_FIELDS = ("residence_card_number",)


def today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("")
async def employees(
    request: Request,
    principal: SiteManagerPrincipal,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: EmployeeStatus | None = None,
    employment_type: EmploymentType | None = None,
    residence_status: ResidenceStatus | None = None,
    sort: EmployeeSort = EmployeeSort.KANA,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Search by any name form; filter by status, employment type, residence status."""
    filters = EmployeeFilter(
        q=q, status=status, employment_type=employment_type, residence_status=residence_status
    )
    result = await employees_service.list(
        session,
        principal,
        filters=filters,
        sort=sort,
        request=PageRequest(limit=50, cursor=cursor),
    )
    shown = {
        "q": q or "",
        "status": status.value if status else "",
        "employment_type": employment_type.value if employment_type else "",
        "residence_status": residence_status.value if residence_status else "",
        "sort": sort.value,
        "cursor": cursor or "",
    }
    return render(
        request,
        "employees/list.html",
        {
            "result": result,
            "filters": shown,
            "today": today(request),
            "can_create": principal.is_at_least(Role.COORDINATOR),
            "sort_options": [(k.value, gettext_(v)) for k, v in SORT_LABELS.items()],
            **labels_for_templates(),
        },
        block="results",
    )


def _form_page(
    request: Request,
    state: FormState[Any],
    *,
    employee: EmployeeDetail | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "employees/form.html",
        {"form": state, "employee": employee, **labels_for_templates()},
        status_code=status_code,
    )


@router.get("/new")
async def new_employee(request: Request, _principal: CoordinatorPrincipal) -> Any:
    defaults = {
        "nationality": "JP",
        "gender": "unspecified",
        "employment_type": "dispatch",
        "term_type": "fixed",
        "extra_activity_permission": "NONE",
        "hire_date": today(request).isoformat(),
    }
    return _form_page(request, FormState(values=defaults))


@router.post("")
async def create_employee(
    request: Request, principal: CoordinatorPrincipal, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(EmployeeCreate, await request.form())
    if state.data is not None:
        try:
            created = await employees_service.create(session, principal, state.data)
        except HakenError as error:
            state.add_error(error, FIELD_CODES)
    if not state.ok:
        raise FormRejected(_form_page(request, state, status_code=422))
    flash(request, "success", gettext_("The employee was registered."))
    return redirect(request, f"/employees/{created.id}")


@router.get("/{employee_id}")
async def employee_detail(
    request: Request, principal: CurrentPrincipal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    return render(
        request,
        "employees/detail.html",
        {
            "employee": employee,
            "today": today(request),
            "can_edit": principal.is_at_least(Role.COORDINATOR),
            "can_audit": principal.is_at_least(Role.ADMIN),
            **labels_for_templates(),
        },
    )


def _current_values(employee: EmployeeDetail) -> dict[str, Any]:
    values = employee.model_dump(mode="json")
    for name in SECRET_FIELDS:
        values[name] = ""
    return {k: ("" if v is None else v) for k, v in values.items()}


@router.get("/{employee_id}/edit")
async def edit_employee(
    request: Request, principal: CoordinatorPrincipal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    return _form_page(request, FormState(values=_current_values(employee)), employee=employee)


@router.post("/{employee_id}")
async def update_employee(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    form = await request.form()
    state = parse_form(EmployeeUpdate, form, current=_current_values(employee))
    if state.data is not None:
        try:
            await employees_service.update(session, principal, employee_id, state.data)
        except HakenError as error:
            if error.status_code == 404:
                raise
            state.add_error(error, FIELD_CODES)
    if not state.ok:
        raise FormRejected(_form_page(request, state, employee=employee, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/employees/{employee_id}")


# --- what this area shows on the home page and in the portal ---------------------------------


async def _residence_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    result = await employees_service.residence_expiring(
        session,
        principal,
        days=EXPIRY_WINDOW_DAYS,
        today=today(request),
        request=PageRequest(limit=5, count=True),
    )
    return {"result": result, "window": EXPIRY_WINDOW_DAYS}


async def _headcount_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    return {"headcount": await employees_service.headcount(session, principal)}


async def _own_employment(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    if principal.employee_id is None:
        return None
    employee = await employees_service.get(session, principal, principal.employee_id)
    return {"employee": employee, "today": today(request), **labels_for_templates()}


def register_web() -> None:
    registry.add_nav(
        NavItem("employees", N_("Employees"), "/employees", minimum=Role.SITE_MANAGER, order=20)
    )
    registry.add_home_panel(
        Panel(
            "residence_expiring",
            "employees/_home_residence.html",
            _residence_panel,
            minimum=Role.SITE_MANAGER,
            order=20,
        )
    )
    registry.add_home_panel(
        Panel(
            "headcount",
            "employees/_home_headcount.html",
            _headcount_panel,
            minimum=Role.SITE_MANAGER,
            order=10,
        )
    )
    registry.add_portal_section(
        Panel("employment", "employees/_portal_employment.html", _own_employment, order=20)
    )
