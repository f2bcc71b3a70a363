"""Web pages of paid leave: the leave list (/leave: balances and the 5-day duty, those at risk
first), an employee's ledger (年次有給休暇管理簿) with the employer's designations and their
cancellation (a confirmation page), the balance on the employee page and in the portal.

The same service as ``endpoints.py``. Scope is the service's: a site manager sees the
workers of their sites (another's ledger is a 404 page), an employee only their own balance
in the portal (/me); designations and cancellations are coordinators' and above.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.leave.auth import LeaveOverview, LeaveWrite
from haken.modules.leave.schemas import (
    DesignationCreate,
    LeaveFilter,
    LeaveSortField,
    OverviewRow,
    TakingKind,
    TakingUnit,
)
from haken.modules.leave.service import leave_service
from haken.modules.leave.sorting import LEAVE_SORTING
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.errors import NotFoundError
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.formatting import format_day
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import Column, ListState
from haken.web.registry import NavItem, Panel, RecordSection, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
LIST_PAGE_SIZE = 50
DATE_INPUTS = 5  # the designation form: up to five dates (the 5-day duty) at once
WINDOWS = (30, 60, 90, 180)

KIND_LABELS = {
    TakingKind.REQUEST.value: N_("Requested (請求)"),
    TakingKind.DESIGNATION.value: N_("Designated (時季指定)"),
    TakingKind.PLANNED.value: N_("Planned (計画的付与)"),
}
UNIT_LABELS = {
    TakingUnit.DAY.value: N_("Day"),
    TakingUnit.HALF_DAY.value: N_("Half day"),
    TakingUnit.HOURS.value: N_("Hours"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _columns() -> tuple[Column[OverviewRow], ...]:
    """The list's columns: header labels (message ids) and their sorts."""
    return (
        Column("employee_number", N_("Employee number"), lambda r: r.employee_number),
        Column("name", N_("Name"), lambda r: r.employee_name),
        Column(
            "remaining",
            N_("Days left"),
            lambda r: r.remaining,
            sort=LeaveSortField.REMAINING,
            numeric=True,
        ),
        Column(
            "next_expiry", N_("Next expiry"), lambda r: r.next_expiry, sort=LeaveSortField.EXPIRY
        ),
        Column("duty_counted", N_("Toward the 5 days"), lambda r: r.duty_counted, numeric=True),
        Column(
            "duty_deadline",
            N_("5-day deadline"),
            lambda r: r.duty_deadline,
            sort=LeaveSortField.DEADLINE,
        ),
        Column(
            "to_designate",
            N_("Days still to designate"),
            lambda r: r.to_designate,
            numeric=True,
        ),
    )


@router.get("/leave")
async def leave_list(request: Request, principal: LeaveOverview, session: SessionDep) -> Any:
    """Every readable worker with paid leave: days left, next expiry, the 5-day duty; those at
    risk of missing it (deadline within the window or passed) marked, and a filter for them.
    Filters, sort and cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(LeaveFilter, LEAVE_SORTING, request.query_params)
    today = _today(request)
    result, at_risk = await leave_service.overview(
        session,
        principal,
        on=today,
        filters=state.filters,
        sort=LEAVE_SORTING.keys(state.sort),
        page=state.page_request(LIST_PAGE_SIZE),
    )
    window = state.filters.window_days or leave_service.risk_window_days
    return render(
        request,
        "leave/list.html",
        {
            "result": result,
            "at_risk": at_risk,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(),
            "window": window,
            "windows": sorted({*WINDOWS, window}),
            "today": today,
            "can_export": principal.is_at_least(Role.COORDINATOR),
        },
        block="results",
    )


# --- one employee's ledger ----------------------------------------------------------------


def _blank_form() -> FormState[Any]:
    return FormState(values={"kind": TakingKind.DESIGNATION.value, "dates": []})


async def _ledger_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    employee_id: int,
    form: FormState[Any],
    status_code: int = 200,
) -> Any:
    today = _today(request)
    ledger = await leave_service.ledger(session, principal, employee_id=employee_id, on=today)
    dates = list(form.values.get("dates") or [])
    return render(
        request,
        "leave/ledger.html",
        {
            "ledger": ledger,
            "today": today,
            "form": form,
            "date_values": (dates + [""] * DATE_INPUTS)[:DATE_INPUTS],
            "kind_options": [
                (TakingKind.DESIGNATION.value, gettext_(KIND_LABELS["designation"])),
                (TakingKind.PLANNED.value, gettext_(KIND_LABELS["planned"])),
            ],
            "kind_labels": {k: gettext_(v) for k, v in KIND_LABELS.items()},
            "unit_labels": {k: gettext_(v) for k, v in UNIT_LABELS.items()},
            "can_write": principal.is_at_least(Role.COORDINATOR),
        },
        status_code=status_code,
    )


@router.get("/employees/{employee_id:int}/leave")
async def ledger(
    request: Request, principal: LeaveOverview, session: SessionDep, employee_id: Id
) -> Any:
    """年次有給休暇管理簿: grants (date, days, valid until, used, left), the dates taken with
    their kind, the 5-day duties; coordinators also get the designation form."""
    return await _ledger_page(request, session, principal, employee_id, _blank_form())


@router.post("/employees/{employee_id:int}/leave/designations")
async def designate(
    request: Request,
    principal: LeaveWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: Id,
) -> Any:
    """Record the employer's 時季指定 or 計画的付与 (counted toward the 5 days)."""
    form = await request.form()
    half = form.get("half_day") in ("on", "true")
    unit = TakingUnit.HALF_DAY if half else TakingUnit.DAY
    state = parse_form(DesignationCreate, form, lists={"dates"}, extra={"unit": unit})
    state.values["half_day"] = "on" if half else ""
    if "" in state.errors:  # the model's own check (a date given twice) is about the dates
        state.errors.setdefault("dates", state.errors.pop(""))
    done = await save_form(
        state,
        lambda data: leave_service.designate(
            session, principal, employee_id=employee_id, data=data, today=_today(request)
        ),
    )
    if not state.ok or done is None:
        raise FormRejected(
            await _ledger_page(request, session, principal, employee_id, state, status_code=422)
        )
    flash(
        request,
        "success",
        gettext_("The leave was recorded: %(num)s days left.", num=_days(done.remaining)),
    )
    return redirect(request, f"/employees/{employee_id}/leave")


async def _taking(
    session: AsyncSession, principal: Principal, employee_id: int, taking_id: int, on: dt.date
) -> Any:
    ledger = await leave_service.ledger(session, principal, employee_id=employee_id, on=on)
    for taking in ledger.takings:
        if taking.id == taking_id and not taking.cancelled:
            return ledger, taking
    raise NotFoundError()


@router.get("/employees/{employee_id:int}/leave/takings/{taking_id:int}/cancel")
async def confirm_cancel(
    request: Request, principal: LeaveWrite, session: SessionDep, employee_id: Id, taking_id: Id
) -> Any:
    """The confirmation step: cancelling recorded leave returns the day to its grant."""
    ledger, taking = await _taking(session, principal, employee_id, taking_id, _today(request))
    day = format_day(taking.day, weekday=True)
    return confirmation(
        request,
        title=gettext_("Cancel the leave on %(date)s", date=day),
        question=gettext_(
            "The paid leave of %(name)s on %(date)s (%(kind)s) is cancelled.",
            name=ledger.employee_name,
            date=day,
            kind=gettext_(KIND_LABELS.get(taking.kind, taking.kind)),
        ),
        consequences=[
            gettext_("The day goes back to the grant it was taken from."),
            gettext_("It no longer counts toward the 5 days a year."),
        ],
        action=f"/employees/{employee_id}/leave/takings/{taking_id}/cancel",
        button=gettext_("Cancel the leave"),
        cancel=f"/employees/{employee_id}/leave",
    )


@router.post("/employees/{employee_id:int}/leave/takings/{taking_id:int}/cancel")
async def cancel(
    request: Request,
    principal: LeaveWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: Id,
    taking_id: Id,
) -> Any:
    done = await leave_service.restore(
        session, principal, employee_id=employee_id, taking_ids=[taking_id], today=_today(request)
    )
    flash(
        request,
        "success",
        gettext_("The leave was cancelled: %(num)s days left.", num=_days(done.remaining)),
    )
    return redirect(request, f"/employees/{employee_id}/leave")


def _days(value: Decimal) -> str:
    """Days as a person writes them: 12, 10.5, 0.125."""
    text = f"{value.normalize():f}"
    return text


# --- the employee page and the portal -------------------------------------------------------


async def _employee_leave(
    request: Request, session: AsyncSession, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    """The balance in brief on the employee page (one statement: the grants)."""
    summary = await leave_service.summary(
        session,
        principal,
        employee_id=employee.id,
        current_site_id=getattr(employee, "current_site_id", None),
        on=_today(request),
    )
    return {"summary": summary, "employee_id": employee.id, "today": _today(request)}


async def _own_leave(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    """The worker's own days left and until when to use them (one statement)."""
    if principal.employee_id is None:
        return None
    summary = await leave_service.summary(
        session,
        principal,
        employee_id=principal.employee_id,
        current_site_id=None,
        on=_today(request),
    )
    return {"summary": summary}


def register_web() -> None:
    registry.add_nav(
        NavItem("leave", N_("Paid leave"), "/leave", minimum=Role.SITE_MANAGER, order=25)
    )
    registry.add_portal_section(Panel("leave", "leave/_portal_leave.html", _own_leave, order=15))
    registry.add_record_section(
        "employee",
        RecordSection(
            "leave",
            "leave/_employee_leave.html",
            _employee_leave,
            minimum=Role.SITE_MANAGER,
            order=35,
        ),
    )
