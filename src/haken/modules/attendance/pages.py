"""Web pages of attendance: a site's month grid (coordinators enter a whole site, cell by cell
with htmx), the approval queue (site managers: approve, or send back with a comment, seeing
the 資格外活動 and 36協定 warnings), a worker's month (classified minutes, totals, the 36協定
status), the periods (close through a confirmation page, reopen with a reason: admins) and the
employee's own timecards in the portal (/me/timecards).

The same service as ``endpoints.py``; scope is the service's (another site's worker is a 404
page). A write refused by the service (a closed period, a day outside the placement …) shows
its catalog message on the form, status 422, nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.schemas import ContractFilter
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.auth import (
    AttendanceOffice,
    AttendanceRead,
    OwnTimecards,
    PeriodsClose,
    TimecardsApprove,
    TimecardsWrite,
)
from haken.modules.attendance.schemas import (
    Marker,
    PeriodClose,
    PeriodFilter,
    PeriodKind,
    PeriodReopen,
    RejectBody,
    TimecardCreate,
    TimecardRead,
    TimecardUpdate,
)
from haken.modules.attendance.service import attendance_service
from haken.modules.clients.service import clients_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.errors import NotFoundError
from haken.platform.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT, PageRequest
from haken.platform.ratelimit import default_limit
from haken.platform.types import YearMonth
from haken.web.csrf import CsrfProtected
from haken.web.formatting import format_day, format_range, format_yearmonth
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import confirmation, flash, is_htmx, redirect, render, safe_next

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
Month = Annotated[YearMonth, Path()]
QUEUE_SIZE = 100
GRID_PAGE = 50
"""Workers per page of a site's month grid (a 1,000-worker site is 21 pages, not 9.5 MB)."""

MARKER_LABELS = {
    Marker.NONE.value: N_("Worked"),
    Marker.PAID_LEAVE.value: N_("Paid leave"),
    Marker.HALF_LEAVE.value: N_("Half-day paid leave"),
    # Only an approved hourly-leave request sets it (the card's worked times come later):
    # shown, never offered by the cell's select.
    Marker.HOURLY_LEAVE.value: N_("Hourly paid leave"),
    Marker.ABSENCE.value: N_("Absence"),
    Marker.SPECIAL_LEAVE.value: N_("Special leave"),
    Marker.SUBSTITUTE_HOLIDAY.value: N_("Substitute holiday"),
    Marker.WORK_INJURY.value: N_("Work-injury leave"),
    Marker.MATERNITY.value: N_("Maternity leave"),
    Marker.CHILDCARE.value: N_("Childcare leave"),
    Marker.FAMILY_CARE.value: N_("Family-care leave"),
    Marker.EMPLOYER_CLOSURE.value: N_("Closure for the employer's reasons"),
}
STATE_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "locked": N_("Locked"),
}
MINUTE_LABELS = (
    ("regular", N_("Regular")),
    ("within_statutory_overtime", N_("Overtime within legal hours (法内残業)")),
    ("overtime", N_("Overtime")),
    ("overtime_over_60h", N_("Overtime over 60 hours")),
    ("night", N_("Late night")),
    ("overtime_night", N_("Late-night overtime")),
    ("rest_day", N_("Statutory rest day")),
    ("rest_day_night", N_("Late night on a rest day")),
)
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
CHECK_LABELS = {
    "monthly_limit": N_("Overtime limit a month"),
    "yearly_limit": N_("Overtime limit a year"),
    "special_monthly_limit": N_("Special clause: limit a month"),
    "special_yearly_limit": N_("Special clause: limit a year"),
    "special_months": N_("Special clause: months a year"),
    "single_month_cap": N_("Overtime and rest-day work under 100 hours a month"),
    "average_cap": N_("Average of 2–6 months under 80 hours"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _this_month(request: Request) -> str:
    return _today(request).strftime("%Y-%m")


def _shift_month(month: str, step: int) -> str:
    year, number = (int(p) for p in month.split("-"))
    index = year * 12 + number - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _hm(minutes: int | None) -> str:
    """Minutes as hours and minutes: 510 → 8:30."""
    value = minutes or 0
    return f"{value // 60}:{value % 60:02d}"


def _labels() -> dict[str, Any]:
    return {
        "marker_labels": {k: gettext_(v) for k, v in MARKER_LABELS.items()},
        "state_labels": {k: gettext_(v) for k, v in STATE_LABELS.items()},
        "hm": _hm,
        "weekdays": [gettext_(w) for w in WEEKDAYS],
    }


def _marker_options() -> list[tuple[str, str]]:
    return [(k, gettext_(v)) for k, v in MARKER_LABELS.items() if k != Marker.HOURLY_LEAVE.value]


# --- the site's month grid -----------------------------------------------------------------


@router.get("/attendance")
async def sites(
    request: Request,
    principal: AttendanceOffice,
    session: SessionDep,
    site_id: Annotated[int | None, Query(ge=1)] = None,
    month: Annotated[YearMonth | None, Query()] = None,
) -> Any:
    """Pick a site and a month; the grid is /attendance/sites/{id}?month=."""
    if site_id is not None:
        return redirect(
            request, f"/attendance/sites/{site_id}?month={month or _this_month(request)}"
        )
    choices = await clients_service.get_site_choices(session, principal)
    return render(
        request,
        "attendance/sites.html",
        {
            "choices": [(c.site_id, f"{c.client_name} / {c.site_name}") for c in choices],
            "month": _this_month(request),
        },
    )


@router.get("/attendance/sites/{site_id:int}")
async def grid(
    request: Request,
    principal: AttendanceOffice,
    session: SessionDep,
    site_id: Id,
    month: Annotated[YearMonth | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Any:
    """Rows = the workers placed at the site in the month (a page of GRID_PAGE by kana, keyset:
    every page costs the same), columns = its days; a cell opens its form in place (htmx):
    shift, start, end, break; Enter saves."""
    month = month or _this_month(request)
    data = await attendance_service.site_month(
        session,
        principal,
        site_id=site_id,
        month=month,
        request=PageRequest(limit=GRID_PAGE, cursor=cursor),
    )
    return render(
        request,
        "attendance/grid.html",
        {
            "data": data,
            "filters": {"month": month, "cursor": cursor},
            "month_label": format_yearmonth(dt.date.fromisoformat(month + "-01")),
            "previous": _shift_month(month, -1),
            "following": _shift_month(month, 1),
            "today": _today(request),
            **_labels(),
        },
        block="results",
    )


def _cell_values(card: TimecardRead | None, default_shift: str | None) -> dict[str, Any]:
    if card is None:
        return {"shift_code": default_shift or "", "marker": Marker.NONE.value}
    return {
        "shift_code": card.shift_code or "",
        "start": card.start.strftime("%H:%M") if card.start else "",
        "end": card.end.strftime("%H:%M") if card.end else "",
        "break_minutes": str(card.break_minutes),
        "marker": card.marker.value,
        "note": card.note,
    }


async def _cell(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    assignment_id: int,
    day: dt.date,
    form: FormState[Any] | None = None,
    *,
    editing: bool = True,
    status_code: int = 200,
) -> Any:
    """The cell (its form when ``editing``); for a plain request the whole cell page."""
    data = await attendance_service.site_month(
        session,
        principal,
        site_id=site_id,
        month=day.strftime("%Y-%m"),
        assignment_id=assignment_id,
    )
    row = next((r for r in data.rows if r.assignment_id == assignment_id), None)
    if row is None:
        raise NotFoundError()
    card = row.cards.get(day)
    default = next((s.code for s in data.shifts if s.is_default), None)
    if form is None:
        form = FormState(values=_cell_values(card, default))
    return render(
        request,
        "attendance/cell.html",
        {
            "data": data,
            "row": row,
            "day": day,
            "card": card,
            "form": form,
            "editing": editing,
            "shift_options": [("", gettext_("(none)"))]
            + [
                (
                    s.code,
                    f"{s.code} {s.start_time:%H:%M}–{s.end_time:%H:%M}",
                )
                for s in data.shifts
            ],
            "marker_options": _marker_options(),
            **_labels(),
        },
        status_code=status_code,
        block="cell" if is_htmx(request) else None,
    )


@router.get("/attendance/sites/{site_id:int}/cells/{assignment_id:int}/{day}")
async def cell_form(
    request: Request,
    principal: AttendanceOffice,
    session: SessionDep,
    site_id: Id,
    assignment_id: Id,
    day: dt.date,
    view: Annotated[bool, Query()] = False,
) -> Any:
    """A cell's form (or, with ``view=1``, the cell again: cancel)."""
    return await _cell(request, session, principal, site_id, assignment_id, day, editing=not view)


@router.post("/attendance/sites/{site_id:int}/cells/{assignment_id:int}/{day}")
async def save_cell(
    request: Request,
    principal: AttendanceOffice,
    _csrf: CsrfProtected,
    session: SessionDep,
    site_id: Id,
    assignment_id: Id,
    day: dt.date,
) -> Any:
    """Enter the day (a new card) or change it (the card's version posted with it)."""
    form = await request.form()
    timecard_id = form.get("timecard_id")
    state: FormState[Any]
    if isinstance(timecard_id, str) and timecard_id.isdigit():
        state = parse_form(TimecardUpdate, form)
        done = await save_form(
            state,
            lambda data: attendance_service.update_timecard(
                session, principal, timecard_id=int(timecard_id), data=data
            ),
        )
    else:
        state = parse_form(
            TimecardCreate, form, extra={"assignment_id": assignment_id, "work_date": day}
        )
        done = await save_form(
            state, lambda data: attendance_service.create_timecard(session, principal, data=data)
        )
    if not state.ok or done is None:
        if "work_date" in state.errors:  # the day is not an input of the cell's form
            state.general.append(state.errors.pop("work_date"))
        raise FormRejected(
            await _cell(
                request, session, principal, site_id, assignment_id, day, state, status_code=422
            )
        )
    if is_htmx(request):
        return await _cell(request, session, principal, site_id, assignment_id, day, editing=False)
    flash(request, "success", gettext_("The timecard was saved."))
    return redirect(request, f"/attendance/sites/{site_id}?month={day:%Y-%m}")


# --- submit, approve, send back ---------------------------------------------------------------


@router.post("/attendance/timecards/{timecard_id:int}/submit")
async def submit(
    request: Request,
    principal: TimecardsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    timecard_id: Id,
) -> Any:
    """Submit a draft for approval (the worker, or the office for them)."""
    form = await request.form()
    version = form.get("version")
    card = await attendance_service.submit_timecard(
        session,
        principal,
        timecard_id=timecard_id,
        version=int(version) if isinstance(version, str) and version.isdigit() else 0,
    )
    flash(
        request,
        "success",
        gettext_("The timecard of %(date)s was submitted.", date=format_day(card.work_date)),
    )
    target = form.get("next")
    return redirect(request, safe_next(target if isinstance(target, str) else None, "/me"))


async def _queue_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    form: FormState[Any] | None = None,
    status_code: int = 200,
    cursor: str | None = None,
) -> Any:
    result = await attendance_service.approval_queue(
        session, principal, request=PageRequest(limit=QUEUE_SIZE, cursor=cursor)
    )
    return render(
        request,
        "attendance/approvals.html",
        {
            "items": result.items,
            "has_more": result.has_more,
            "result": result,
            "filters": {"cursor": cursor},
            "form": form or FormState(),
            "check_labels": {k: gettext_(v) for k, v in CHECK_LABELS.items()},
            **_labels(),
        },
        status_code=status_code,
        block="results",
    )


@router.get("/attendance/approvals")
async def approvals(
    request: Request,
    principal: TimecardsApprove,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Any:
    """The submitted days of the caller's sites (the office: every site), oldest first, a
    page of QUEUE_SIZE (keyset: every page costs the same)."""
    return await _queue_page(request, session, principal, cursor=cursor)


@router.post("/attendance/timecards/{timecard_id:int}/approve")
async def approve(
    request: Request,
    principal: TimecardsApprove,
    _csrf: CsrfProtected,
    session: SessionDep,
    timecard_id: Id,
) -> Any:
    form = await request.form()
    version = form.get("version")
    card = await attendance_service.approve_timecard(
        session,
        principal,
        timecard_id=timecard_id,
        version=int(version) if isinstance(version, str) and version.isdigit() else 0,
    )
    flash(
        request,
        "success",
        gettext_("The timecard of %(date)s was approved.", date=format_day(card.work_date)),
    )
    return redirect(request, "/attendance/approvals")


@router.post("/attendance/timecards/{timecard_id:int}/reject")
async def reject(
    request: Request,
    principal: TimecardsApprove,
    _csrf: CsrfProtected,
    session: SessionDep,
    timecard_id: Id,
) -> Any:
    """Send a submitted card back to the worker with a comment (required)."""
    state = parse_form(RejectBody, await request.form())
    done = await save_form(
        state,
        lambda data: attendance_service.reject_timecard(
            session, principal, timecard_id=timecard_id, data=data
        ),
    )
    if not state.ok or done is None:
        state.values["timecard_id"] = timecard_id
        if "comment" in state.errors:
            state.errors[f"comment-{timecard_id}"] = state.errors.pop("comment")
        raise FormRejected(await _queue_page(request, session, principal, state, 422))
    flash(
        request,
        "success",
        gettext_("The timecard of %(date)s was sent back.", date=format_day(done.work_date)),
    )
    return redirect(request, "/attendance/approvals")


# --- a worker's month --------------------------------------------------------------------------


@router.get("/attendance/employees/{employee_id:int}/months/{month}")
async def employee_month(
    request: Request, principal: AttendanceRead, session: SessionDep, employee_id: Id, month: Month
) -> Any:
    """Each day with its classified minutes, the period's totals and the 36協定 status."""
    data = await attendance_service.employee_month(
        session, principal, employee_id=employee_id, month=month
    )
    return render(request, "attendance/month.html", _month_context(data, month, own=False))


def _month_context(data: Any, month: str, *, own: bool) -> dict[str, Any]:
    days = attendance_service.classify_month(data)
    return {
        "data": data,
        "days": days,
        "own": own,
        "month_label": format_yearmonth(dt.date.fromisoformat(month + "-01")),
        "previous": _shift_month(month, -1),
        "following": _shift_month(month, 1),
        "minute_labels": [(k, gettext_(v)) for k, v in MINUTE_LABELS],
        "check_labels": {k: gettext_(v) for k, v in CHECK_LABELS.items()},
        **_labels(),
    }


# --- periods ------------------------------------------------------------------------------------


@router.get("/attendance/periods")
async def periods(request: Request, principal: AttendanceOffice, session: SessionDep) -> Any:
    """Closed and reopened payroll and billing periods, newest first; admins close and
    reopen."""
    result = await attendance_service.list_periods(
        session, principal, filters=PeriodFilter(), request=PageRequest(limit=50)
    )
    return render(
        request,
        "attendance/periods.html",
        {
            "periods": result.items,
            "can_close": principal.is_at_least(Role.ADMIN),
            "today": _today(request),
            "kind_labels": {
                PeriodKind.PAYROLL.value: gettext_("Payroll"),
                PeriodKind.BILLING.value: gettext_("Billing"),
            },
        },
    )


@router.get("/attendance/periods/close")
async def confirm_close(
    request: Request,
    principal: PeriodsClose,
    day: Annotated[dt.date, Query()],
) -> Any:
    """The confirmation step: closing locks every card of the payroll period."""
    period = attendance_service.payroll_period(day)
    span = format_range(period.start, period.end)
    return confirmation(
        request,
        title=gettext_("Close the payroll period %(period)s", period=span),
        question=gettext_(
            "The payroll period %(period)s is closed for every employee.", period=span
        ),
        consequences=[
            gettext_("Its approved timecards are locked: nobody can change them."),
            gettext_("Only an administrator can reopen it, with a reason."),
        ],
        action="/attendance/periods/close",
        button=gettext_("Close the period"),
        cancel="/attendance/periods",
        hidden=[("kind", PeriodKind.PAYROLL.value), ("day", day.isoformat())],
    )


@router.post("/attendance/periods/close")
async def close(
    request: Request, principal: PeriodsClose, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(PeriodClose, await request.form())
    done = await save_form(
        state, lambda data: attendance_service.close_period(session, principal, data=data)
    )
    if not state.ok or done is None:
        for message in state.errors.values():
            flash(request, "error", message)
        for message in state.general:
            flash(request, "error", message)
        return redirect(request, "/attendance/periods")
    flash(
        request,
        "success",
        gettext_(
            "The period %(period)s was closed.",
            period=format_range(done.period_start, done.period_end),
        ),
    )
    return redirect(request, "/attendance/periods")


async def _reopen_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    period_id: int,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    period = await attendance_service.get_period(session, principal, period_id=period_id)
    return render(
        request,
        "attendance/reopen.html",
        {
            "period": period,
            "back": _periods_page(period),
            "form": form or FormState(values={"version": period.version}),
        },
        status_code=status_code,
    )


def _periods_page(period: Any) -> str:
    """Where a period is listed: the billing periods of its contract, or the periods page."""
    if period.kind is PeriodKind.BILLING:
        return f"/attendance/billing-periods?contract_id={period.subject_id}"
    return "/attendance/periods"


@router.get("/attendance/periods/{period_id:int}/reopen")
async def reopen_form(
    request: Request, principal: PeriodsClose, session: SessionDep, period_id: Id
) -> Any:
    return await _reopen_page(request, session, principal, period_id)


@router.post("/attendance/periods/{period_id:int}/reopen")
async def reopen(
    request: Request,
    principal: PeriodsClose,
    _csrf: CsrfProtected,
    session: SessionDep,
    period_id: Id,
) -> Any:
    """Reopen a closed period: the reason is required and kept in the audit log."""
    state = parse_form(PeriodReopen, await request.form())
    done = await save_form(
        state,
        lambda data: attendance_service.reopen_period(
            session, principal, period_id=period_id, data=data
        ),
    )
    if not state.ok or done is None:
        raise FormRejected(
            await _reopen_page(request, session, principal, period_id, state, status_code=422)
        )
    flash(request, "success", gettext_("The period was reopened."))
    return redirect(request, _periods_page(done))


# --- billing periods (a contract's own cut-off, 請求締め) ----------------------------------------


@router.get("/attendance/billing-periods")
async def billing_periods(
    request: Request,
    principal: AttendanceOffice,
    session: SessionDep,
    contract_id: Annotated[int | None, Query(ge=1)] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Any:
    """The contracts' closed and reopened billing periods, newest first (one contract's with
    ``contract_id``); admins close one (through a confirmation page) and reopen it with a
    reason. Three statements: the page, the contracts running today (the form's choices),
    the page's contract numbers."""
    result = await attendance_service.list_periods(
        session,
        principal,
        filters=PeriodFilter(kind=PeriodKind.BILLING, contract_id=contract_id),
        request=PageRequest(limit=50, cursor=cursor),
    )
    running = await assignments_service.list_contracts(
        session,
        principal,
        filters=ContractFilter(active_on=_today(request)),
        request=PageRequest(limit=MAX_LIMIT),
    )
    numbers = await assignments_service.contract_numbers(
        session, sorted({p.subject_id for p in result.items if p.subject_id})
    )
    return render(
        request,
        "attendance/billing_periods.html",
        {
            "result": result,
            "periods": result.items,
            "filters": {"contract_id": contract_id, "cursor": cursor},
            "contract_id": contract_id,
            "contracts": [
                (c.id, f"{c.contract_number} {c.client_name} / {c.site_name}")
                for c in running.items
            ],
            "numbers": numbers,
            "can_close": principal.is_at_least(Role.ADMIN),
            "today": _today(request),
        },
        block="results",
    )


@router.get("/attendance/billing-periods/close")
async def confirm_billing_close(
    request: Request,
    principal: PeriodsClose,
    session: SessionDep,
    contract_id: Annotated[int, Query(ge=1)],
    day: Annotated[dt.date, Query()],
) -> Any:
    """The confirmation step: closing locks the contract's approved cards of its billing
    period, and every later edit of them is refused."""
    period = await attendance_service.billing_period(session, contract_id=contract_id, day=day)
    number = (await assignments_service.contract_numbers(session, [contract_id])).get(
        contract_id, str(contract_id)
    )
    span = format_range(period.start, period.end)
    back = f"/attendance/billing-periods?contract_id={contract_id}"
    return confirmation(
        request,
        title=gettext_(
            "Close the billing period %(period)s of contract %(number)s",
            period=span,
            number=number,
        ),
        question=gettext_(
            "The billing period %(period)s of contract %(number)s is closed.",
            period=span,
            number=number,
        ),
        consequences=[
            gettext_(
                "Its approved timecards under this contract are locked: nobody can change them."
            ),
            gettext_("Only an administrator can reopen it, with a reason."),
        ],
        action="/attendance/billing-periods/close",
        button=gettext_("Close the period"),
        cancel=back,
        hidden=[
            ("kind", PeriodKind.BILLING.value),
            ("contract_id", str(contract_id)),
            ("day", day.isoformat()),
        ],
    )


@router.post("/attendance/billing-periods/close")
async def close_billing(
    request: Request, principal: PeriodsClose, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(PeriodClose, form, extra={"kind": PeriodKind.BILLING.value})
    done = await save_form(
        state, lambda data: attendance_service.close_period(session, principal, data=data)
    )
    contract = form.get("contract_id")
    back = "/attendance/billing-periods" + (
        f"?contract_id={contract}" if isinstance(contract, str) and contract.isdigit() else ""
    )
    if not state.ok or done is None:
        for message in state.errors.values():
            flash(request, "error", message)
        for message in state.general:
            flash(request, "error", message)
        return redirect(request, back)
    flash(
        request,
        "success",
        gettext_(
            "The period %(period)s was closed.",
            period=format_range(done.period_start, done.period_end),
        ),
    )
    return redirect(request, back)


# --- the portal: the employee's own timecards ------------------------------------------------


async def _own_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    month: str,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    if principal.employee_id is None:
        raise NotFoundError()
    data = await attendance_service.employee_month(
        session, principal, employee_id=principal.employee_id, month=month
    )
    placements = await assignments_service.list_own(
        session, principal, request=PageRequest(limit=20), today=_today(request)
    )
    options = [
        (a.id, f"{a.client_name} / {a.site_name}")
        for a in placements.items
        if a.status.value != "cancelled"
    ]
    blank = {
        "work_date": _today(request).isoformat(),
        "assignment_id": str(options[0][0]) if options else "",
        "marker": Marker.NONE.value,
        "break_minutes": "60",
    }
    return render(
        request,
        "attendance/own.html",
        {
            **_month_context(data, month, own=True),
            "form": form or FormState(values=blank),
            "placement_options": options,
            "marker_options": _marker_options(),
        },
        status_code=status_code,
    )


@router.get("/me/timecards")
async def own_timecards(
    request: Request,
    principal: OwnTimecards,
    session: SessionDep,
    month: Annotated[YearMonth | None, Query()] = None,
) -> Any:
    """The worker's own month: enter a day, submit it, see the minutes."""
    return await _own_page(request, session, principal, month or _this_month(request))


@router.post("/me/timecards")
async def own_create(
    request: Request, principal: OwnTimecards, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(TimecardCreate, await request.form())
    done = await save_form(
        state, lambda data: attendance_service.create_timecard(session, principal, data=data)
    )
    if not state.ok or done is None:
        raise FormRejected(
            await _own_page(
                request, session, principal, _this_month(request), state, status_code=422
            )
        )
    flash(
        request,
        "success",
        gettext_("The timecard of %(date)s was saved.", date=format_day(done.work_date)),
    )
    return redirect(request, f"/me/timecards?month={done.work_date:%Y-%m}")


async def _own_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    """A link to the worker's timecards (no query)."""
    if principal.employee_id is None:
        return None
    return {"month": _this_month(request)}


def register_web() -> None:
    registry.add_nav(
        NavItem(
            "attendance",
            N_("Attendance"),
            "/attendance",
            minimum=Role.COORDINATOR,
            order=22,
        )
    )
    registry.add_nav(
        NavItem(
            "approvals",
            N_("Approvals"),
            "/attendance/approvals",
            minimum=Role.SITE_MANAGER,
            order=23,
        )
    )
    registry.add_nav(
        NavItem(
            "my-timecards",
            N_("My timecards"),
            "/me/timecards",
            minimum=Role.EMPLOYEE,
            maximum=Role.EMPLOYEE,
            order=12,
        )
    )
    registry.add_portal_section(
        Panel("timecards", "attendance/_portal_timecards.html", _own_panel, order=5)
    )
