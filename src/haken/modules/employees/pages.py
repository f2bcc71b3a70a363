"""Web pages of the employees area: list, detail, registration and edit, dependants, the
audited reveal of personal numbers; portal and home panels.

The same service as ``endpoints.py``. Scope is the service's: a site manager
lists the employees of their sites, an employee reaches only their own record
(any other id is a 404 page). Personal numbers (My Number, residence card, bank
account) are only ever shown masked; an admin sees them in full on the reveal
page, once, with a stated purpose that the service writes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from haken.labor.residence import ResidenceStatus
from haken.modules.employees.labels import (
    REVEAL_FIELD,
    labels_for_templates,
    options,
    register_labels,
)
from haken.modules.employees.schemas import (
    BankAccountInput,
    BankAccountType,
    DependantInput,
    DependantsReplace,
    EmployeeCreate,
    EmployeeDetail,
    EmployeeFilter,
    EmployeeSort,
    EmployeeStatus,
    EmployeeUpdate,
    EmploymentType,
    RevealedNumbers,
    RevealRequest,
)
from haken.modules.employees.service import employees_service
from haken.platform.access import (
    AdminPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
    Principal,
    Role,
    SiteManagerPrincipal,
)
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import AdminRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, parse_rows, save_form
from haken.web.i18n import N_, gettext_
from haken.web.params import choice
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
# Numbers the form never shows: an empty field means "unchanged"; a tick box clears one.
SECRET_FIELDS = ("residence_card_number", "my_number", "account_number")
# The bank account's inputs (``BankAccountInput``, flat in the form).
BANK_FIELDS = tuple(BankAccountInput.model_fields)
DEPENDANT_CHECKBOXES = frozenset({"cohabiting", "income_within_limit"})
MAX_DEPENDANTS = DependantsReplace.model_fields["dependants"].metadata[0].max_length


def today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("")
async def employees(
    request: Request,
    principal: SiteManagerPrincipal,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status_value: Annotated[str | None, Query(alias="status", max_length=100)] = None,
    employment_value: Annotated[str | None, Query(alias="employment_type", max_length=100)] = None,
    residence_value: Annotated[str | None, Query(alias="residence_status", max_length=100)] = None,
    sort_value: Annotated[str | None, Query(alias="sort", max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Search by any name form; filter by status, employment type, residence status.

    An unknown filter or sort value (an old link) is ignored, not a 422 (web.params)."""
    status = choice(EmployeeStatus, status_value)
    employment_type = choice(EmploymentType, employment_value)
    residence_status = choice(ResidenceStatus, residence_value)
    sort = choice(EmployeeSort, sort_value, EmployeeSort.KANA) or EmployeeSort.KANA
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
    for name in SECRET_FIELDS:  # a number typed in full is never sent back
        state.values[name] = ""
    return render(
        request,
        "employees/form.html",
        {"form": state, "employee": employee, **labels_for_templates()},
        status_code=status_code,
    )


def _bank_values(employee: EmployeeDetail | None) -> dict[str, str]:
    """The bank inputs as the form shows them: everything but the account number."""
    bank = employee.bank_account if employee is not None else None
    return {
        "bank_code": bank.bank_code if bank else "",
        "branch_code": bank.branch_code if bank else "",
        "account_type": bank.account_type.value if bank else BankAccountType.ORDINARY.value,
        "account_number": "",
        "holder_kana": bank.holder_kana if bank else "",
    }


def _numbers_input(
    form: FormData, employee: EmployeeDetail | None
) -> tuple[dict[str, Any], FormState[Any] | None]:
    """What the form asks of the personal numbers beyond the flat fields, as the API takes it.

    The bank account is one nested value: unchanged when its inputs are as shown, else the
    whole account (the number typed in full: the form never shows it); the tick boxes send
    an explicit ``null`` (My Number after its retention period, a closed account).
    """
    extra: dict[str, Any] = {}
    if employee is not None and form.get("clear_my_number") and employee.my_number_masked:
        extra["my_number"] = None
    if employee is not None and form.get("clear_bank_account"):
        if employee.bank_account is not None:
            extra["bank_account"] = None
        return extra, None
    shown = _bank_values(employee)
    if all(str(form.get(name, shown[name])).strip() == shown[name] for name in BANK_FIELDS):
        return extra, None
    bank = parse_form(BankAccountInput, form)
    if bank.data is not None:
        extra["bank_account"] = bank.data.model_dump(mode="json")
    return extra, bank


def _parse_person(
    model: type[EmployeeCreate] | type[EmployeeUpdate],
    form: FormData,
    employee: EmployeeDetail | None,
) -> FormState[Any]:
    extra, bank = _numbers_input(form, employee)
    current = _current_values(employee) if employee is not None else None
    state: FormState[Any] = parse_form(model, form, current=current, extra=extra)
    shown = _bank_values(employee)
    for name in BANK_FIELDS:
        state.values[name] = str(form.get(name, shown[name])).strip()
    for name in ("clear_my_number", "clear_bank_account"):
        state.values[name] = "on" if form.get(name) else ""
    if bank is not None:
        state.errors.update(bank.errors)
    return state


@router.get("/new")
async def new_employee(request: Request, _principal: CoordinatorPrincipal) -> Any:
    defaults = {
        "nationality": "JP",
        "gender": "unspecified",
        "employment_type": "dispatch",
        "term_type": "fixed",
        "extra_activity_permission": "NONE",
        "hire_date": today(request).isoformat(),
        **_bank_values(None),
    }
    return _form_page(request, FormState(values=defaults))


@router.post("")
async def create_employee(
    request: Request, principal: CoordinatorPrincipal, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = _parse_person(EmployeeCreate, await request.form(), None)
    if state.data is not None and state.ok:
        try:
            created = await employees_service.create(session, principal, state.data)
        except HakenError as error:
            state.add_error(error, FIELD_CODES)
    if not state.ok:
        raise FormRejected(_form_page(request, state, status_code=422))
    flash(
        request,
        "success",
        gettext_(
            "The employee was registered with the employee number %(number)s.",
            number=created.employee_number,
        ),
    )
    return redirect(request, f"/employees/{created.id}")


@router.get("/{employee_id}")
async def employee_detail(
    request: Request, principal: CurrentPrincipal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    can_edit = principal.is_at_least(Role.COORDINATOR)
    # Placements with rates and 抵触日, housing, photo: what the other areas register.
    sections = await registry.record_sections("employee", request, session, principal, employee)
    return render(
        request,
        "employees/detail.html",
        {
            "employee": employee,
            "sections": sections,
            "today": today(request),
            "can_edit": can_edit,
            "can_audit": principal.is_at_least(Role.ADMIN),
            "can_reveal": principal.is_at_least(Role.ADMIN),
            # The service leaves numbers and dependants out for anyone else.
            "show_pay_details": can_edit or principal.employee_id == employee.id,
            **labels_for_templates(),
        },
    )


def _current_values(employee: EmployeeDetail) -> dict[str, Any]:
    values = employee.model_dump(mode="json")
    values.update(_bank_values(employee))
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
    state = _parse_person(EmployeeUpdate, await request.form(), employee)
    await save_form(
        state,
        lambda data: employees_service.update(session, principal, employee_id, data),
        field_codes=FIELD_CODES,
    )
    if not state.ok:
        raise FormRejected(_form_page(request, state, employee=employee, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/employees/{employee_id}")


# --- dependants (扶養親族): the whole list is replaced, as by the API's PUT ----------------------


def _dependant_values(employee: EmployeeDetail) -> tuple[dict[str, Any], list[int]]:
    """The recorded dependants as form inputs, plus one empty row for adding one."""
    values: dict[str, Any] = {"version": employee.version}
    rows = list(range(len(employee.dependants)))
    items = [d.model_dump(mode="json") for d in employee.dependants]
    if len(rows) < MAX_DEPENDANTS:
        rows.append(len(rows))
        items.append(
            {
                name: None if info.is_required() else getattr(info.default, "value", info.default)
                for name, info in DependantInput.model_fields.items()
            }
        )
    for number, item in zip(rows, items, strict=True):
        for name in DependantInput.model_fields:
            value = item.get(name)
            if name in DEPENDANT_CHECKBOXES:
                value = "on" if value else ""
            values[f"dependants-{number}-{name}"] = "" if value is None else str(value)
    return values, rows


def _dependants_page(
    request: Request,
    employee: EmployeeDetail,
    state: FormState[Any],
    rows: list[int],
    *,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "employees/dependants.html",
        {
            "employee": employee,
            "form": state,
            "rows": rows,
            "recorded": len(employee.dependants),
            "max_rows": MAX_DEPENDANTS,
            **labels_for_templates(),
        },
        status_code=status_code,
    )


@router.get("/{employee_id}/dependants")
async def edit_dependants(
    request: Request, principal: CoordinatorPrincipal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    values, rows = _dependant_values(employee)
    return _dependants_page(request, employee, FormState(values=values), rows)


@router.post("/{employee_id}/dependants")
async def replace_dependants(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    """Rows edited, rows ticked for removal left out, the empty row added when filled in."""
    state, rows = parse_rows(
        DependantsReplace,
        await request.form(),
        "dependants",
        DependantInput,
        checkboxes=DEPENDANT_CHECKBOXES,
    )
    await save_form(
        state,
        lambda data: employees_service.replace_dependants(session, principal, employee_id, data),
    )
    if not state.ok:
        employee = await employees_service.get(session, principal, employee_id)
        raise FormRejected(_dependants_page(request, employee, state, rows, status_code=422))
    flash(request, "success", gettext_("The dependants were saved."))
    return redirect(request, f"/employees/{employee_id}")


# --- the audited reveal: admins only, a stated purpose, never cached -------------------------


def _reveal_page(
    request: Request,
    employee: EmployeeDetail,
    state: FormState[Any],
    *,
    revealed: RevealedNumbers | None = None,
    status_code: int = 200,
) -> Any:
    response = render(
        request,
        "employees/reveal.html",
        {
            "employee": employee,
            "form": state,
            "revealed": revealed,
            "reveal_options": options(REVEAL_FIELD),  # type: ignore[arg-type]
            **labels_for_templates(),
        },
        status_code=status_code,
    )
    response.headers["cache-control"] = "no-store"
    return response


@router.get("/{employee_id}/reveal")
async def reveal_form(
    request: Request, principal: AdminPrincipal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    return _reveal_page(request, employee, FormState(values={"fields": [], "purpose": ""}))


@router.post("/{employee_id}/reveal")
async def reveal_numbers(
    request: Request,
    principal: AdminPrincipal,
    _limit: AdminRateLimit,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    """The numbers asked for, in this response only (no redirect: nothing is kept to show
    again); the service writes the audit row with the field names and the purpose."""
    employee = await employees_service.get(session, principal, employee_id)
    state = parse_form(RevealRequest, await request.form(), lists={"fields"})
    if state.data is None:
        raise FormRejected(_reveal_page(request, employee, state, status_code=422))
    revealed = await employees_service.reveal(session, principal, employee_id, state.data)
    return _reveal_page(request, employee, state, revealed=revealed)


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
    return {
        "employee": employee,
        "today": today(request),
        "show_pay_details": True,  # their own record
        **labels_for_templates(),
    }


def register_web() -> None:
    register_labels()
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
