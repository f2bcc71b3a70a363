"""Web pages of requests (申請).

* The portal (/me/requests): the worker's own requests, a form per type (有給: a day, half a
  day or hours; 一時帰国 with dates and a contact; 退社 with the last day; 欠勤; 住所変更;
  other), cancelling before the decision and withdrawing an approved one (a confirmation
  page each). Plain words and one column: it is read on a phone.
* The office (/requests): the approval queue (what the caller may decide now) and every
  readable request; a request's page with its history, approve, reject with a comment, and
  comments.

The same service as ``endpoints.py``; scope is the service's (another's request is a 404).
"""

from __future__ import annotations

import datetime as dt
from datetime import tzinfo
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.requests.auth import RequestsDecide, RequestsQueue, RequestsRead, RequestsSubmit
from haken.modules.requests.schemas import (
    AbsencePayload,
    AddressChangePayload,
    HomeLeavePayload,
    MyRequestFilter,
    OtherPayload,
    PaidLeavePayload,
    RequestCommentCreate,
    RequestCreate,
    RequestDecision,
    RequestDetail,
    RequestFilter,
    RequestQueueFilter,
    RequestRead,
    RequestRejection,
    RequestSortField,
    RequestState,
    RequestType,
    ResignationPayload,
)
from haken.modules.requests.service import requests_service
from haken.modules.requests.sorting import REQUEST_SORTING
from haken.platform.access import Principal, Role
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import Column, ListState, export_response, local_moment
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
PAGE_SIZE = 50
DATE_INPUTS = 3

TYPE_LABELS = {
    RequestType.PAID_LEAVE.value: N_("Paid leave"),
    RequestType.HOME_LEAVE.value: N_("Going home for a while"),
    RequestType.RESIGNATION.value: N_("Leaving the job"),
    RequestType.ABSENCE.value: N_("Absence"),
    RequestType.ADDRESS_CHANGE.value: N_("New address"),
    RequestType.OTHER.value: N_("Other"),
}
STATE_LABELS = {
    RequestState.SUBMITTED.value: N_("Waiting"),
    RequestState.APPROVED_BY_SITE.value: N_("Waiting for the office"),
    RequestState.APPROVED.value: N_("Approved"),
    RequestState.REJECTED.value: N_("Rejected"),
    RequestState.CANCELLED.value: N_("Cancelled"),
    RequestState.WITHDRAWN.value: N_("Withdrawn"),
}
ACTION_LABELS = {
    "submit": N_("Request sent"),
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "cancel": N_("Cancelled"),
    "withdraw": N_("Withdrawn"),
    "comment": N_("Comment"),
}
UNIT_OPTIONS = (
    ("day", N_("Whole day")),
    ("half_day", N_("Half day")),
    ("hours", N_("Hours")),
)
HALF_OPTIONS = (
    ("am", N_("Morning")),
    ("pm", N_("Afternoon")),
)
PAYLOADS: dict[str, type[BaseModel]] = {
    RequestType.PAID_LEAVE.value: PaidLeavePayload,
    RequestType.HOME_LEAVE.value: HomeLeavePayload,
    RequestType.RESIGNATION.value: ResignationPayload,
    RequestType.ABSENCE.value: AbsencePayload,
    RequestType.ADDRESS_CHANGE.value: AddressChangePayload,
    RequestType.OTHER.value: OtherPayload,
}
# The form's fields of each type: (name, label, input type); "dates" is a few date inputs.
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "paid_leave": (
        ("unit", N_("How long"), "unit"),
        ("half", N_("Which half (half day only)"), "half"),
        ("dates", N_("Dates"), "dates"),
        ("hours", N_("Hours (only for hours)"), "number"),
        ("reason", N_("Reason (you may leave this empty)"), "textarea"),
    ),
    "home_leave": (
        ("start", N_("Leaving on"), "date"),
        ("end", N_("Back on"), "date"),
        ("destination", N_("Where"), "text"),
        ("contact", N_("Phone or address there"), "text"),
        ("reason", N_("Reason"), "textarea"),
    ),
    "resignation": (
        ("last_day", N_("Last working day"), "date"),
        ("reason", N_("Reason"), "textarea"),
    ),
    "absence": (
        ("dates", N_("Dates"), "dates"),
        ("reason", N_("Reason"), "textarea"),
    ),
    "address_change": (
        ("effective_on", N_("Moving on"), "date"),
        ("postal_code", N_("Postal code"), "text"),
        ("address", N_("New address"), "text"),
    ),
    "other": (
        ("subject", N_("Subject"), "text"),
        ("detail", N_("Details"), "textarea"),
    ),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _labels() -> dict[str, dict[str, str]]:
    return {
        "types": {k: gettext_(v) for k, v in TYPE_LABELS.items()},
        "states": {k: gettext_(v) for k, v in STATE_LABELS.items()},
        "actions": {k: gettext_(v) for k, v in ACTION_LABELS.items()},
        "units": {k: gettext_(v) for k, v in UNIT_OPTIONS},
        "halves": {k: gettext_(v) for k, v in HALF_OPTIONS},
        "fields": {name: gettext_(label) for f in FIELDS.values() for name, label, _ in f},
    }


def _queue_columns(zone: tzinfo = dt.UTC) -> tuple[Column[tuple[RequestRead, str]], ...]:
    """The office list's columns: the screen's headers and the export's header row (rows
    are (request, employee name); ``zone``: the agency's, for the export's times)."""
    return (
        Column("employee", N_("Employee"), lambda r: r[1]),
        Column("type", N_("Request"), lambda r: gettext_(TYPE_LABELS[r[0].type])),
        Column("dates", N_("Dates"), lambda r: _dates_text(r[0])),
        Column("state", N_("State"), lambda r: gettext_(STATE_LABELS[r[0].state])),
        Column(
            "sent",
            N_("Sent"),
            lambda r: local_moment(r[0].created_at, zone),
            sort=RequestSortField.SENT,
        ),
    )


def _dates_text(item: RequestRead) -> str:
    payload = item.payload
    if payload.get("dates"):
        return ", ".join(str(d) for d in payload["dates"])
    if payload.get("start"):
        return f"{payload['start']} – {payload.get('end', '')}"
    return str(payload.get("last_day") or payload.get("effective_on") or "")


def _list_context(state: ListState[Any], result: Any) -> dict[str, Any]:
    return {
        "result": result,
        "state": state,
        "filters": state.url(),
        "values": state.values(),
        "labels": _labels(),
        "type_options": [(k, gettext_(v)) for k, v in TYPE_LABELS.items()],
        "state_options": [(k, gettext_(v)) for k, v in STATE_LABELS.items()],
    }


def _type_or_404(kind: str) -> str:
    if kind not in PAYLOADS:
        raise NotFoundError()
    return kind


# --- the portal --------------------------------------------------------------------------


@router.get("/me/requests")
async def my_requests(request: Request, principal: RequestsRead, session: SessionDep) -> Any:
    """The worker's own requests, newest first, and the kinds of request they can make;
    the state and type filters and the cursor live in the URL (``web.lists``)."""
    if principal.employee_id is None:
        raise NotFoundError()
    state = ListState.from_query(MyRequestFilter, REQUEST_SORTING, request.query_params)
    found = await requests_service.list(
        session,
        principal,
        RequestFilter(
            employee_id=principal.employee_id,
            state=state.filters.state,
            type=state.filters.type,
        ),
        state.page_request(PAGE_SIZE),
        state.sort,
    )
    return render(
        request,
        "requests/mine.html",
        {**_list_context(state, found), "kinds": list(TYPE_LABELS)},
        block="results",
    )


def _blank(kind: str) -> FormState[Any]:
    values: dict[str, Any] = {"dates": []}
    if kind == "paid_leave":
        values["unit"] = "day"
    return FormState(values=values)


def _new_page(request: Request, kind: str, form: FormState[Any], status_code: int = 200) -> Any:
    dates = [str(d) for d in form.values.get("dates") or []]
    return render(
        request,
        "requests/new.html",
        {
            "kind": kind,
            "form": form,
            "fields": FIELDS[kind],
            "date_values": (dates + [""] * DATE_INPUTS)[:DATE_INPUTS],
            "unit_options": [(v, gettext_(label)) for v, label in UNIT_OPTIONS],
            "half_options": [("", "—"), *((v, gettext_(label)) for v, label in HALF_OPTIONS)],
            "labels": _labels(),
        },
        status_code=status_code,
    )


@router.get("/me/requests/new/{kind}")
async def new_request(request: Request, principal: RequestsSubmit, kind: str) -> Any:
    """The form of one kind of request."""
    if principal.employee_id is None:
        raise NotFoundError()
    return _new_page(request, _type_or_404(kind), _blank(kind))


@router.post("/me/requests/new/{kind}")
async def submit_request(
    request: Request,
    principal: RequestsSubmit,
    _csrf: CsrfProtected,
    session: SessionDep,
    kind: str,
) -> Any:
    """Send the request: the approver is told; the worker sees it in their list."""
    if principal.employee_id is None:
        raise NotFoundError()
    model = PAYLOADS[_type_or_404(kind)]
    form = await request.form()
    has_dates = any(f[2] == "dates" for f in FIELDS[kind])
    state = parse_form(
        model,
        form,
        lists={"dates"} if has_dates else set(),
        extra={"type": kind},
    )
    if "" in state.errors:  # the model's own check (dates given twice, hours) is the form's
        state.general.append(state.errors.pop(""))
    done = await save_form(
        state,
        lambda data: requests_service.submit(
            session, principal, RequestCreate(payload=data), today=_today(request)
        ),
    )
    if not state.ok or done is None:
        raise FormRejected(_new_page(request, kind, state, status_code=422))
    flash(request, "success", gettext_("Your request was sent."))
    return redirect(request, f"/me/requests/{done.id}")


async def _own(session: AsyncSession, principal: Principal, request_id: int) -> RequestDetail:
    found = await requests_service.get(session, principal, request_id)
    if found.employee_id != principal.employee_id:
        raise NotFoundError()
    return found


@router.get("/me/requests/{request_id:int}")
async def my_request(
    request: Request, principal: RequestsRead, session: SessionDep, request_id: Id
) -> Any:
    """One of the worker's own requests: what was asked, where it stands, its history."""
    found = await _own(session, principal, request_id)
    return render(
        request,
        "requests/detail.html",
        {"item": found, "labels": _labels(), "portal": True, "names": {}},
    )


def _confirm(request: Request, found: RequestDetail, action: str) -> Any:
    kind = gettext_(TYPE_LABELS[found.type.value])
    if action == "cancel":
        title = gettext_("Cancel the request")
        consequences = [gettext_("Nobody will decide on it any more.")]
    else:
        title = gettext_("Withdraw the approved request")
        consequences = [gettext_("What the approval did is undone (paid leave days come back).")]
    return confirmation(
        request,
        title=title,
        question=gettext_("Your request (%(kind)s) is taken back.", kind=kind),
        consequences=consequences,
        action=f"/me/requests/{found.id}/{action}",
        button=title,
        cancel=f"/me/requests/{found.id}",
        hidden=[("version", str(found.version))],
    )


@router.get("/me/requests/{request_id:int}/cancel")
async def confirm_cancel(
    request: Request, principal: RequestsSubmit, session: SessionDep, request_id: Id
) -> Any:
    return _confirm(request, await _own(session, principal, request_id), "cancel")


@router.get("/me/requests/{request_id:int}/withdraw")
async def confirm_withdraw(
    request: Request, principal: RequestsSubmit, session: SessionDep, request_id: Id
) -> Any:
    return _confirm(request, await _own(session, principal, request_id), "withdraw")


async def _version(request: Request) -> RequestDecision:
    form = await request.form()
    state = parse_form(RequestDecision, form)
    if state.data is None:
        raise NotFoundError()
    return state.data


@router.post("/me/requests/{request_id:int}/cancel")
async def cancel(
    request: Request,
    principal: RequestsSubmit,
    _csrf: CsrfProtected,
    session: SessionDep,
    request_id: Id,
) -> Any:
    data = await _version(request)
    await requests_service.cancel(session, principal, request_id, version=data.version)
    flash(request, "success", gettext_("The request was cancelled."))
    return redirect(request, f"/me/requests/{request_id}")


@router.post("/me/requests/{request_id:int}/withdraw")
async def withdraw(
    request: Request,
    principal: RequestsSubmit,
    _csrf: CsrfProtected,
    session: SessionDep,
    request_id: Id,
) -> Any:
    data = await _version(request)
    await requests_service.withdraw(
        session, principal, request_id, version=data.version, today=_today(request)
    )
    flash(request, "success", gettext_("The request was withdrawn."))
    return redirect(request, f"/me/requests/{request_id}")


# --- the office --------------------------------------------------------------------------


@router.get("/requests")
async def queue(request: Request, principal: RequestsQueue, session: SessionDep) -> Any:
    """The approval queue (``?all=true``: every readable request), by state and type,
    newest first (the header sorts by when sent); filters, sort and cursor live in the URL
    (``web.lists``); CSV and Excel of the same rows."""
    state = ListState.from_query(RequestQueueFilter, REQUEST_SORTING, request.query_params)
    found = await requests_service.list(
        session,
        principal,
        state.filters.to_filter(),
        state.page_request(PAGE_SIZE),
        state.sort,
    )
    names = await requests_service.employee_names(session, [r.employee_id for r in found.items])
    return render(
        request,
        "requests/queue.html",
        {
            **_list_context(state, found),
            "names": names,
            "show_all": state.filters.all,
            "columns": _queue_columns(),
        },
        block="results",
    )


@router.get("/requests/export.{file_format}")
async def export_queue(
    request: Request,
    principal: RequestsQueue,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered requests (the queue, or every readable one) as CSV or Excel with the
    screen's labels; the caller's scope (a site manager: their sites' workers); one audit
    row per export."""
    state = ListState.from_query(RequestQueueFilter, REQUEST_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="request",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[RequestRead]:
        return await requests_service.list(
            session, principal, state.filters.to_filter(), page, state.sort
        )

    async def rows(
        session: AsyncSession, page: PageResult[RequestRead]
    ) -> list[tuple[RequestRead, str]]:
        names = await requests_service.employee_names(session, [r.employee_id for r in page.items])
        return [(r, names.get(r.employee_id, str(r.employee_id))) for r in page.items]

    return await export_response(
        file_format,
        database=database,
        columns=_queue_columns(ZoneInfo(request.app.state.settings.timezone)),
        fetch=fetch,
        rows=rows,
        stem="requests",
        today=_today(request),
        sheet_title=gettext_("Requests"),
    )


async def _office_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    request_id: int,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    found = await requests_service.get(session, principal, request_id)
    names = await requests_service.employee_names(session, [found.employee_id])
    return render(
        request,
        "requests/detail.html",
        {
            "item": found,
            "labels": _labels(),
            "portal": False,
            "names": names,
            "form": form or FormState(values={}),
        },
        status_code=status_code,
    )


@router.get("/requests/{request_id:int}")
async def office_request(
    request: Request, principal: RequestsQueue, session: SessionDep, request_id: Id
) -> Any:
    """A request with its history; the approver's approve and reject (with a comment)."""
    return await _office_page(request, session, principal, request_id)


async def _decide(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    request_id: int,
    model: type[BaseModel],
    action: str,
) -> Any:
    form = await request.form()
    state = parse_form(model, form)

    async def save(data: Any) -> Any:
        if action == "approve":
            return await requests_service.approve(
                session,
                principal,
                request_id,
                version=data.version,
                comment=data.comment,
                today=_today(request),
            )
        if action == "reject":
            return await requests_service.reject(
                session, principal, request_id, version=data.version, comment=data.comment
            )
        return await requests_service.comment(session, principal, request_id, comment=data.comment)

    done = await save_form(state, save)
    if not state.ok or done is None:
        raise FormRejected(
            await _office_page(request, session, principal, request_id, state, status_code=422)
        )
    messages = {
        "approve": gettext_("The request was approved."),
        "reject": gettext_("The request was rejected."),
        "comment": gettext_("Your comment was added."),
    }
    flash(request, "success", messages[action])
    return redirect(request, f"/requests/{request_id}")


@router.post("/requests/{request_id:int}/approve")
async def approve(
    request: Request,
    principal: RequestsDecide,
    _csrf: CsrfProtected,
    session: SessionDep,
    request_id: Id,
) -> Any:
    return await _decide(request, session, principal, request_id, RequestDecision, "approve")


@router.post("/requests/{request_id:int}/reject")
async def reject(
    request: Request,
    principal: RequestsDecide,
    _csrf: CsrfProtected,
    session: SessionDep,
    request_id: Id,
) -> Any:
    return await _decide(request, session, principal, request_id, RequestRejection, "reject")


@router.post("/requests/{request_id:int}/comments")
async def comment(
    request: Request,
    principal: RequestsQueue,
    _csrf: CsrfProtected,
    session: SessionDep,
    request_id: Id,
) -> Any:
    return await _decide(request, session, principal, request_id, RequestCommentCreate, "comment")


# --- registration ------------------------------------------------------------------------


async def _portal_requests(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    """A link to the worker's requests and the kinds they can make (no query)."""
    if principal.employee_id is None:
        return None
    return {"kinds": list(TYPE_LABELS), "labels": _labels()}


def register_web() -> None:
    registry.add_nav(
        NavItem("requests", N_("Requests"), "/requests", minimum=Role.SITE_MANAGER, order=27)
    )
    registry.add_portal_section(
        Panel("requests", "requests/_portal_requests.html", _portal_requests, order=12)
    )
