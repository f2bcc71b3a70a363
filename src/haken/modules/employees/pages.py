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
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from haken.modules.clients.service import SiteLabel
from haken.modules.employees.auth import (
    EmployeesExport,
    EmployeesOverview,
    EmployeesRead,
    EmployeesWrite,
    NumbersReveal,
)
from haken.modules.employees.errors import EmployeeDuplicateError
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
    EmployeeRead,
    EmployeeSortField,
    EmployeeUpdate,
    RevealedNumbers,
    RevealRequest,
)
from haken.modules.employees.service import employees_service
from haken.modules.employees.sorting import EMPLOYEE_SORTING
from haken.platform.access import (
    Principal,
    Role,
)
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import AdminRateLimit, ExpensiveRateLimit, default_limit
from haken.web.charts import Point, bar_chart
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, parse_rows, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
)
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import country_name, flash, redirect, render

router = APIRouter(
    prefix="/employees", include_in_schema=False, dependencies=[Depends(default_limit)]
)
EmployeeId = Annotated[int, Path(ge=1)]
EXPIRY_WINDOW_DAYS = 90
LIST_PAGE_SIZE = 50
# Numbers the form never shows: an empty field means "unchanged"; a tick box clears one.
SECRET_FIELDS = ("residence_card_number", "my_number", "account_number")
# The bank account's inputs (``BankAccountInput``, flat in the form).
BANK_FIELDS = tuple(BankAccountInput.model_fields)
DEPENDANT_CHECKBOXES = frozenset({"cohabiting", "income_within_limit"})
MAX_DEPENDANTS = DependantsReplace.model_fields["dependants"].metadata[0].max_length


def today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@dataclass(frozen=True)
class ListRow:
    """One row of the list: the employee and the names of their current placement."""

    employee: EmployeeRead
    placement: SiteLabel | None


def _columns() -> tuple[Column[ListRow], ...]:
    """The list's columns: the screen's headers and the export's header row (same labels);
    the values are the export's plain cells, in the request's language."""
    labels = labels_for_templates()
    employment: dict[str, str] = labels["employment_labels"]  # type: ignore[assignment]
    status: dict[str, str] = labels["status_labels"]  # type: ignore[assignment]
    return (
        Column("employee_number", N_("Employee number"), lambda r: r.employee.employee_number),
        Column(
            "name",
            N_("Name"),
            lambda r: r.employee.name_kanji or r.employee.name_kana,
            sort=EmployeeSortField.KANA,
        ),
        Column(
            "name_romaji",
            N_("Romaji"),
            lambda r: r.employee.name_romaji,
            sort=EmployeeSortField.ROMAJI,
        ),
        Column("nationality", N_("Nationality"), lambda r: country_name(r.employee.nationality)),
        Column(
            "employment_type",
            N_("Employment type"),
            lambda r: employment[r.employee.employment_type.value],
        ),
        Column("status", N_("Status"), lambda r: status[r.employee.status.value]),
        Column(
            "client",
            N_("Client"),
            lambda r: r.placement.client_name if r.placement else None,
        ),
        Column("site", N_("Site"), lambda r: r.placement.site_name if r.placement else None),
        Column(
            "hire_date",
            N_("Hire date"),
            lambda r: r.employee.hire_date,
            sort=EmployeeSortField.HIRE_DATE,
        ),
        Column(
            "work_permitted_until",
            N_("Work permitted until"),
            lambda r: r.employee.work_permitted_until,
        ),
    )


async def _rows(
    session: AsyncSession,
    page: PageResult[EmployeeRead],
    known: dict[int, SiteLabel] | None = None,
) -> list[ListRow]:
    placements = await employees_service.placements(session, page.items, known)
    return [
        ListRow(e, placements.get(e.current_site_id) if e.current_site_id else None)
        for e in page.items
    ]


@router.get("")
async def employees(request: Request, principal: EmployeesOverview, session: SessionDep) -> Any:
    """Search by any name form (romaji in either order); filter by 派遣先/事業所, status,
    employment and residence status; those who left only on request. Filters, sort and
    cursor live in the URL (``web.lists``); an unknown value is ignored, not a 422."""
    state = ListState.from_query(EmployeeFilter, EMPLOYEE_SORTING, request.query_params)
    result = await employees_service.list(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        request=state.page_request(LIST_PAGE_SIZE),
    )
    choices = await employees_service.site_choices(session, principal)
    rows = await _rows(session, result, {choice.site_id: choice for choice in choices})
    clients = sorted({(c.client_id, c.client_name) for c in choices}, key=lambda c: (c[1], c[0]))
    return render(
        request,
        "employees/list.html",
        {
            "result": result,
            "rows": rows,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(),
            "client_choices": clients,
            "site_options": [(c.site_id, f"{c.client_name} / {c.site_name}") for c in choices],
            "today": today(request),
            "can_create": principal.is_at_least(Role.COORDINATOR),
            "can_export": principal.is_at_least(Role.COORDINATOR),
            **labels_for_templates(),
        },
        block="results",
    )


@router.get("/export.{file_format}")
async def export_employees(
    request: Request,
    principal: EmployeesExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered list, every page, as CSV or Excel with the screen's column labels
    (coordinators and above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(EmployeeFilter, EMPLOYEE_SORTING, request.query_params)
    await employees_service.record_export(
        session, principal, filters=state.filters, sort=state.sort, file_format=file_format
    )
    known: dict[int, Any] = {}

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[EmployeeRead]:
        return await employees_service.list_uncached(
            session, principal, filters=state.filters, sort=state.sort, request=page
        )

    async def rows(session: AsyncSession, page: PageResult[EmployeeRead]) -> list[ListRow]:
        if not known:  # the sites' labels, read once for the whole file
            choices = await employees_service.site_choices(session, principal)
            known.update({choice.site_id: choice for choice in choices})
        return await _rows(session, page, known)

    return await export_response(
        file_format,
        database=database,
        columns=_columns(),
        fetch=fetch,
        rows=rows,
        stem="employees",
        today=today(request),
        sheet_title=gettext_("Employees"),
    )


def _form_page(
    request: Request,
    state: FormState[Any],
    *,
    employee: EmployeeDetail | None = None,
    duplicate_of: int | None = None,
    status_code: int = 200,
) -> Any:
    for name in SECRET_FIELDS:  # a number typed in full is never sent back
        state.values[name] = ""
    return render(
        request,
        "employees/form.html",
        {
            "form": state,
            "employee": employee,
            "duplicate_of": duplicate_of,
            **labels_for_templates(),
        },
        status_code=status_code,
    )


def _duplicate_of(error: HakenError) -> int | None:
    """The registered employee a likely-duplicate refusal names (its details), if any."""
    if error.code != EmployeeDuplicateError.code or not isinstance(error.details, dict):
        return None
    found = error.details.get("employee_id")
    return found if isinstance(found, int) else None


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
async def new_employee(request: Request, _principal: EmployeesWrite) -> Any:
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
    request: Request, principal: EmployeesWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = _parse_person(EmployeeCreate, await request.form(), None)
    duplicate_of = None
    if state.data is not None and state.ok:
        try:
            created = await employees_service.create(session, principal, state.data)
        except HakenError as error:
            state.add_error(error)
            duplicate_of = _duplicate_of(error)  # the refusal links to the registered record
    if not state.ok:
        raise FormRejected(_form_page(request, state, duplicate_of=duplicate_of, status_code=422))
    flash(
        request,
        "success",
        gettext_(
            "The employee was registered with the employee number %(number)s.",
            number=created.employee_number,
        ),
    )
    return redirect(request, f"/employees/{created.id}")


@router.get("/{employee_id:int}")
async def employee_detail(
    request: Request, principal: EmployeesRead, session: SessionDep, employee_id: EmployeeId
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


@router.get("/{employee_id:int}/edit")
async def edit_employee(
    request: Request, principal: EmployeesWrite, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    return _form_page(request, FormState(values=_current_values(employee)), employee=employee)


@router.post("/{employee_id:int}")
async def update_employee(
    request: Request,
    principal: EmployeesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    state = _parse_person(EmployeeUpdate, await request.form(), employee)
    await save_form(
        state,
        lambda data: employees_service.update(session, principal, employee_id, data),
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


@router.get("/{employee_id:int}/dependants")
async def edit_dependants(
    request: Request, principal: EmployeesWrite, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    values, rows = _dependant_values(employee)
    return _dependants_page(request, employee, FormState(values=values), rows)


@router.post("/{employee_id:int}/dependants")
async def replace_dependants(
    request: Request,
    principal: EmployeesWrite,
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


@router.get("/{employee_id:int}/reveal")
async def reveal_form(
    request: Request, principal: NumbersReveal, session: SessionDep, employee_id: EmployeeId
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    return _reveal_page(request, employee, FormState(values={"fields": [], "purpose": ""}))


@router.post("/{employee_id:int}/reveal")
async def reveal_numbers(
    request: Request,
    principal: NumbersReveal,
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


HEADCOUNT_BARS = 8  # the home chart's sites (the table below lists ten)


async def _headcount_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    headcount = await employees_service.headcount(session, principal)
    chart = bar_chart(
        "chart-headcount",
        [
            Point(row.site_name, row.headcount, href=f"/sites/{row.site_id}")
            for row in headcount.by_site[:HEADCOUNT_BARS]
        ],
        title=gettext_("Placed employees by site"),
        description=gettext_("%(num)s employees placed at client sites.", num=headcount.placed),
        label_header=gettext_("Site"),
        value_header=gettext_("Headcount"),
        empty_text=gettext_("No data yet."),
    )
    return {"headcount": headcount, "chart": chart}


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
