"""Web pages of the reports: an index, then headcount, overtime and 36協定, residence cards and
the 抵触日 schedule, each with its filters in the URL (``web.lists``), a keyset pager where it
has one row per worker, and the same rows as CSV or Excel (streamed in chunks in a session
of their own, cells through ``neutralise_cell``, one audit row, the expensive rate limit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.residence import ExtraActivityPermission
from haken.modules.audit.service import audit_service
from haken.modules.employees.labels import EMPLOYMENT_TYPE, EXTRA_ACTIVITY, residence_label
from haken.modules.reports.auth import ReportsRead
from haken.modules.reports.schemas import (
    ConflictFilter,
    ConflictKind,
    ConflictRow,
    HeadcountFilter,
    HeadcountRow,
    OvertimeFilter,
    OvertimeRow,
    OvertimeStatus,
    Permission,
    ResidenceFilter,
    ResidenceRow,
)
from haken.modules.reports.service import month_of, reports_service
from haken.platform.access import Role
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.pagination import MAX_CURSOR_LENGTH, PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    csv_response,
    export_filename,
    export_response,
    parse_filters,
    xlsx_response,
)
from haken.web.registry import NavItem, registry
from haken.web.render import render

router = APIRouter(
    prefix="/reports", include_in_schema=False, dependencies=[Depends(default_limit)]
)
PAGE_SIZE = 50
FileFormat = Annotated[Literal["csv", "xlsx"], Path()]
# The keyset cursor of the pager (a forged one is 400 INVALID_CURSOR; too long, 422).
CursorQuery = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]

STATUS_LABELS = {
    OvertimeStatus.OK: N_("Within the limits"),
    OvertimeStatus.WARNING: N_("Near a limit"),
    OvertimeStatus.OVER: N_("Over the principle limit"),
}
KIND_LABELS = {
    ConflictKind.SITE: N_("Site conflict date"),
    ConflictKind.INDIVIDUAL: N_("Individual conflict date"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _hours(minutes: int) -> str:
    """Minutes as ``h:mm`` (the screen)."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def _decimal_hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (a number cell of the export)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _employment(code: str) -> str:
    try:
        return gettext_(EMPLOYMENT_TYPE[code])  # type: ignore[index]
    except KeyError:
        return code


def _permission(code: str) -> str:
    try:
        return gettext_(EXTRA_ACTIVITY[ExtraActivityPermission(code)])
    except (KeyError, ValueError):
        return code


def _url(filters: BaseModel, cursor: str | None = None) -> dict[str, str]:
    """The filters as the URL keeps them (``query()``): defaults left out."""
    shown = {
        key: str(value)
        for key, value in filters.model_dump(mode="json", exclude_none=True).items()
        if value != ""
    }
    if cursor:
        shown["cursor"] = cursor
    return shown


async def _audit(
    session: AsyncSession, principal: Any, name: str, filters: BaseModel, file_format: str
) -> None:
    await audit_service.record_export(
        session,
        principal,
        entity_type=f"report_{name}",
        filters=filters,
        sort="default",
        file_format=file_format,
    )


# --- the index ------------------------------------------------------------------------------


@router.get("")
async def index(request: Request, principal: ReportsRead) -> Any:
    """The reports, and the ones other areas keep (margins, the paid-leave ledger)."""
    return render(
        request,
        "reports/index.html",
        {"can_see_money": principal.is_at_least(Role.COORDINATOR)},
    )


# --- headcount ------------------------------------------------------------------------------


def _headcount_columns() -> tuple[Column[HeadcountRow], ...]:
    return (
        Column("client", N_("Client"), lambda r: r.client_name or gettext_("Not placed")),
        Column("site", N_("Site"), lambda r: r.site_name or ""),
        Column("employment_type", N_("Employment type"), lambda r: _employment(r.employment_type)),
        Column("headcount", N_("Headcount"), lambda r: r.headcount, numeric=True),
    )


@router.get("/headcount")
async def headcount(request: Request, principal: ReportsRead, session: SessionDep) -> Any:
    """Workers on the books on a day, by client, site and employment type."""
    filters = parse_filters(HeadcountFilter, request.query_params)
    report = await reports_service.headcount(
        session, principal, filters=filters, today=_today(request)
    )
    return render(
        request,
        "reports/headcount.html",
        {
            "report": report,
            "columns": _headcount_columns(),
            "filters": _url(filters),
            "values": {"on": report.on.isoformat()},
            "employment": {code: _employment(code) for code in report.by_type},
        },
        block="results",
    )


@router.get("/headcount/export.{file_format}")
async def export_headcount(
    request: Request,
    principal: ReportsRead,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    file_format: FileFormat,
) -> Any:
    """The headcount report as CSV or Excel (audited)."""
    filters = parse_filters(HeadcountFilter, request.query_params)
    await _audit(session, principal, "headcount", filters, file_format)
    report = await reports_service.headcount(
        session, principal, filters=filters, today=_today(request)
    )

    async def rows() -> AsyncIterator[list[HeadcountRow]]:
        yield report.rows

    filename = export_filename(f"headcount-{report.on.isoformat()}", file_format, _today(request))
    if file_format == "csv":
        return csv_response(_headcount_columns(), rows(), filename)
    return await xlsx_response(
        _headcount_columns(), rows(), filename, sheet_title=gettext_("Headcount")
    )


# --- overtime and 36協定 ------------------------------------------------------------------


def _overtime_columns(screen: bool = False) -> tuple[Column[OvertimeRow], ...]:
    hours = _hours if screen else _decimal_hours
    return (
        Column("employee_number", N_("Employee number"), lambda r: r.employee_number or ""),
        Column("name", N_("Name"), lambda r: r.name),
        Column("period", N_("Payroll period"), lambda r: f"{r.period_start}–{r.period_end}"),
        Column(
            "overtime",
            N_("Statutory overtime (h)"),
            lambda r: hours(r.overtime_minutes),
            numeric=True,
        ),
        Column(
            "year_overtime",
            N_("Overtime this business year (h)"),
            lambda r: hours(r.year_overtime_minutes),
            numeric=True,
        ),
        Column(
            "rest_day",
            N_("Statutory rest-day work (h)"),
            lambda r: hours(r.rest_day_minutes),
            numeric=True,
        ),
        Column("status", N_("36 agreement"), lambda r: gettext_(STATUS_LABELS[r.status])),
    )


def _overtime_filters(request: Request) -> OvertimeFilter:
    filters = parse_filters(OvertimeFilter, request.query_params)
    if filters.month is None:
        filters = filters.model_copy(update={"month": month_of(_today(request))})
    return filters


@router.get("/overtime")
async def overtime(
    request: Request, principal: ReportsRead, session: SessionDep, cursor: CursorQuery = None
) -> Any:
    """Each worker's statutory overtime of a month and of the business year against the
    36協定's 45 h and 360 h, most overtime first."""
    filters = _overtime_filters(request)
    result, period = await reports_service.overtime(
        session,
        principal,
        filters=filters,
        today=_today(request),
        request=PageRequest(limit=PAGE_SIZE, cursor=cursor, count=True),
    )
    return render(
        request,
        "reports/overtime.html",
        {
            "result": result,
            "period": period,
            "columns": _overtime_columns(screen=True),
            "filters": _url(filters, cursor),
            "values": filters.model_dump(mode="json"),
            "status_options": [(k.value, gettext_(v)) for k, v in STATUS_LABELS.items()],
            "status_labels": {k.value: gettext_(v) for k, v in STATUS_LABELS.items()},
        },
        block="results",
    )


@router.get("/overtime/export.{file_format}")
async def export_overtime(
    request: Request,
    principal: ReportsRead,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: FileFormat,
) -> Any:
    """The overtime report, every page, as CSV or Excel (audited)."""
    filters = _overtime_filters(request)
    today = _today(request)
    await _audit(session, principal, "overtime", filters, file_format)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[OvertimeRow]:
        result, _period = await reports_service.overtime(
            session, principal, filters=filters, today=today, request=page
        )
        return result

    return await export_response(
        file_format,
        database=database,
        columns=_overtime_columns(),
        fetch=fetch,
        stem=f"overtime-{filters.month}",
        today=today,
        sheet_title=gettext_("Overtime"),
    )


# --- residence cards ------------------------------------------------------------------------


def _residence_columns(screen: bool = False) -> tuple[Column[ResidenceRow], ...]:
    hours = _hours if screen else _decimal_hours
    return (
        Column("employee_number", N_("Employee number"), lambda r: r.employee_number or ""),
        Column("name", N_("Name"), lambda r: r.name),
        Column(
            "residence_status",
            N_("Residence status"),
            lambda r: residence_label(r.residence_status) if r.residence_status else "",
        ),
        Column("card_expiry", N_("Card expiry"), lambda r: r.card_expiry),
        Column("permitted_until", N_("Lawful work until"), lambda r: r.permitted_until),
        Column("days_left", N_("Days left"), lambda r: r.days_left, numeric=True),
        Column(
            "permission",
            N_("Permission for activities outside the status"),
            lambda r: _permission(r.permission),
        ),
        Column(
            "permitted_weekly_hours",
            N_("Weekly hours permitted"),
            lambda r: r.permitted_weekly_hours if r.permitted_weekly_hours is not None else "",
            numeric=True,
        ),
        Column("week", N_("Hours, last 7 days"), lambda r: hours(r.week_minutes), numeric=True),
        Column("month", N_("Hours this month"), lambda r: hours(r.month_minutes), numeric=True),
    )


@router.get("/residence")
async def residence(
    request: Request, principal: ReportsRead, session: SessionDep, cursor: CursorQuery = None
) -> Any:
    """Residence cards by the end of lawful work, with 資格外活動 and the hours worked."""
    filters = parse_filters(ResidenceFilter, request.query_params)
    result = await reports_service.residence(
        session,
        principal,
        filters=filters,
        today=_today(request),
        request=PageRequest(limit=PAGE_SIZE, cursor=cursor, count=True),
    )
    return render(
        request,
        "reports/residence.html",
        {
            "result": result,
            "columns": _residence_columns(screen=True),
            "filters": _url(filters, cursor),
            "values": filters.model_dump(mode="json"),
            "permission_options": [(p.value, _permission(p.value)) for p in Permission],
            "window_options": [
                (str(d), gettext_("Within %(num)s days", num=d)) for d in (30, 60, 90)
            ],
        },
        block="results",
    )


@router.get("/residence/export.{file_format}")
async def export_residence(
    request: Request,
    principal: ReportsRead,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: FileFormat,
) -> Any:
    """The residence-card report, every page, as CSV or Excel (audited)."""
    filters = parse_filters(ResidenceFilter, request.query_params)
    today = _today(request)
    await _audit(session, principal, "residence", filters, file_format)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[ResidenceRow]:
        return await reports_service.residence(
            session, principal, filters=filters, today=today, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_residence_columns(),
        fetch=fetch,
        stem="residence-cards",
        today=today,
        sheet_title=gettext_("Residence cards"),
    )


# --- 抵触日 schedule ------------------------------------------------------------------------


def _conflict_columns() -> tuple[Column[ConflictRow], ...]:
    return (
        Column("kind", N_("Kind"), lambda r: gettext_(KIND_LABELS[r.kind])),
        Column("client", N_("Client"), lambda r: r.client_name),
        Column("site", N_("Site"), lambda r: r.site_name),
        Column("unit", N_("Organisational unit"), lambda r: r.unit_name or ""),
        Column("name", N_("Name"), lambda r: r.name or ""),
        Column("conflict_date", N_("Conflict date"), lambda r: r.conflict_date),
        Column(
            "hearing_deadline",
            N_("Hearing deadline"),
            lambda r: r.hearing_deadline if r.hearing_deadline else "",
        ),
        Column("days_left", N_("Days left"), lambda r: r.days_left, numeric=True),
    )


@router.get("/conflicts")
async def conflicts(
    request: Request, principal: ReportsRead, session: SessionDep, cursor: CursorQuery = None
) -> Any:
    """Site and individual 抵触日, the nearest first, with the 意見聴取 deadline."""
    filters = parse_filters(ConflictFilter, request.query_params)
    result = await reports_service.conflicts(
        session,
        principal,
        filters=filters,
        today=_today(request),
        request=PageRequest(limit=PAGE_SIZE, cursor=cursor, count=True),
    )
    return render(
        request,
        "reports/conflicts.html",
        {
            "result": result,
            "columns": _conflict_columns(),
            "filters": _url(filters, cursor),
            "values": filters.model_dump(mode="json"),
            "kind_options": [(k.value, gettext_(v)) for k, v in KIND_LABELS.items()],
            "kind_labels": {k.value: gettext_(v) for k, v in KIND_LABELS.items()},
            "window_options": [
                (str(d), gettext_("Within %(num)s days", num=d)) for d in (30, 90, 180, 365)
            ],
        },
        block="results",
    )


@router.get("/conflicts/export.{file_format}")
async def export_conflicts(
    request: Request,
    principal: ReportsRead,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: FileFormat,
) -> Any:
    """The 抵触日 schedule, every page, as CSV or Excel (audited)."""
    filters = parse_filters(ConflictFilter, request.query_params)
    today = _today(request)
    await _audit(session, principal, "conflicts", filters, file_format)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[ConflictRow]:
        return await reports_service.conflicts(
            session, principal, filters=filters, today=today, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_conflict_columns(),
        fetch=fetch,
        stem="conflict-dates",
        today=today,
        sheet_title=gettext_("Conflict dates"),
    )


def register_web() -> None:
    registry.add_nav(
        NavItem("reports", N_("Reports"), "/reports", minimum=Role.SITE_MANAGER, order=70)
    )
