"""The reports' use cases: each reads the other areas through their services' provider
fragments (unexecuted statements) and runs one scoped statement in its own repository.

Scope is the dashboard's: coordinators and up read the agency; a site manager the rows of
their sites (placements and site 抵触日 by site, workers by the employees they may read:
``employees_service.readable_ids_statement`` folded in as a subquery). Statements per
page: the caller, the page (with its total and the names joined in), and for the residence
cards one read of the page's timecards (the hours).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.dispatch import hearing_deadline
from haken.labor.overtime_agreement import WarningThresholds, caps_on
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.modules.reports.repository import ReportsRepository
from haken.modules.reports.schemas import (
    ConflictFilter,
    ConflictKind,
    ConflictRow,
    HeadcountFilter,
    HeadcountReport,
    HeadcountRow,
    OvertimeFilter,
    OvertimeRow,
    OvertimeStatus,
    ResidenceFilter,
    ResidenceRow,
)
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest, PageResult

WEEK_DAYS = 7  # 資格外活動: 28 hours in any 7 days


def _site_ids(principal: Principal) -> list[int] | None:
    """None: the whole agency; else the site manager's sites."""
    if principal.is_at_least(Role.COORDINATOR):
        return None
    return sorted(principal.site_ids)


def _readable(session: AsyncSession, principal: Principal) -> Select[Any] | None:
    if principal.is_at_least(Role.COORDINATOR):
        return None
    return employees_service.readable_ids_statement(session, principal)


def _name(kanji: str | None, kana: str | None) -> str:
    return kanji or kana or ""


def overtime_status(
    month: int, year: int, *, month_limit: int, year_limit: int, ratio: Decimal
) -> OvertimeStatus:
    """Minutes of statutory overtime in the month and the year against the 36協定's principle
    limits: over when either is exceeded (45 h itself is within: 労基法36条4項 "超えない"),
    near when either reaches ``ratio`` of its limit. The repository's status filter is the
    same rule in SQL."""
    if month > month_limit or year > year_limit:
        return OvertimeStatus.OVER
    if month >= ratio * month_limit or year >= ratio * year_limit:
        return OvertimeStatus.WARNING
    return OvertimeStatus.OK


def month_of(today: dt.date) -> str:
    return f"{today:%Y-%m}"


class ReportsService:
    async def headcount(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: HeadcountFilter,
        today: dt.date,
    ) -> HeadcountReport:
        """Workers on the books on the day by client, site and employment type (one
        statement): placed ones under the client and site of their placement that day."""
        on = filters.on or today
        found = await ReportsRepository(session).headcount(
            employees_service.employed_on_statement(session, on),
            assignments_service.placed_on_statement(session, on=on),
            _site_ids(principal),
        )
        rows = sorted(
            (
                HeadcountRow(
                    client_id=r.client_id,
                    client_name=r.client_name,
                    site_id=r.site_id,
                    site_name=r.site_name,
                    employment_type=str(r.employment_type),
                    headcount=int(r.headcount),
                )
                for r in found
            ),
            key=lambda r: (
                r.client_name is None,
                r.client_name or "",
                r.site_name or "",
                r.site_id or 0,
                r.employment_type,
            ),
        )
        by_type: dict[str, int] = {}
        for row in rows:
            by_type[row.employment_type] = by_type.get(row.employment_type, 0) + row.headcount
        return HeadcountReport(
            on=on, rows=rows, by_type=dict(sorted(by_type.items())), total=sum(by_type.values())
        )

    async def overtime(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: OvertimeFilter,
        today: dt.date,
        request: PageRequest,
    ) -> tuple[PageResult[OvertimeRow], Any]:
        """Each worker's statutory overtime of the payroll period whose cut-off falls in the
        month (the attendance ledger's classification), with the business year's total,
        against the 36協定's principle limits (45 h a month, 360 h a year; 労基法36条4項)
        and the agency's warning share of them. Returns the page and the period."""
        statement, period = attendance_service.overtime_statement(
            session, month=filters.month or month_of(today)
        )
        caps = caps_on(period.end)
        ratio = WarningThresholds().ratio
        month_limit, year_limit = caps.monthly_limit_minutes, caps.yearly_limit_minutes
        page = await ReportsRepository(session).overtime_page(
            statement,
            employees_service.names_statement(session),
            readable=_readable(session, principal),
            status=filters.status.value if filters.status else None,
            month_limit=month_limit,
            year_limit=year_limit,
            ratio=float(ratio),
            request=request,
        )

        items = [
            OvertimeRow(
                employee_id=r.employee_id,
                name=_name(r.name_kanji, r.name_kana),
                employee_number=r.employee_number,
                period_start=r.period_start,
                period_end=r.period_end,
                overtime_minutes=int(r.overtime),
                rest_day_minutes=int(r.rest_day),
                year_overtime_minutes=int(r.year_overtime),
                month_limit_minutes=month_limit,
                year_limit_minutes=year_limit,
                status=overtime_status(
                    int(r.overtime),
                    int(r.year_overtime),
                    month_limit=month_limit,
                    year_limit=year_limit,
                    ratio=ratio,
                ),
            )
            for r in page.items
        ]
        return page.with_items(items), period

    async def residence(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ResidenceFilter,
        today: dt.date,
        request: PageRequest,
    ) -> PageResult[ResidenceRow]:
        """Residence cards of the workers who have not left, the soonest end of lawful work
        first (the card's expiry, or with a renewal filed the 特例期間's end), with the
        資格外活動 permission and the hours worked in the last 7 days and this month."""
        until = None if filters.within_days is None else today + dt.timedelta(filters.within_days)
        page = await ReportsRepository(session).residence_page(
            employees_service.residence_cards_statement(session),
            readable=_readable(session, principal),
            until=until,
            permission=filters.permission.value if filters.permission else None,
            request=request,
        )
        week_first = today - dt.timedelta(days=WEEK_DAYS - 1)
        month_first = today.replace(day=1)
        ids = [r.employee_id for r in page.items]
        days = (
            await attendance_service.worked_minutes_by_day(
                session, employee_ids=ids, first=min(week_first, month_first), last=today
            )
            if ids
            else {}
        )
        items = []
        for r in page.items:
            worked = days.get(r.employee_id, {})
            items.append(
                ResidenceRow(
                    employee_id=r.employee_id,
                    name=_name(r.name_kanji, r.name_kana),
                    employee_number=r.employee_number,
                    nationality=r.nationality,
                    residence_status=r.residence_status,
                    card_expiry=r.card_expiry,
                    renewal_applied_on=r.renewal_applied_on,
                    permitted_until=r.permitted_until,
                    days_left=(r.permitted_until - today).days,
                    permission=r.permission,
                    permitted_weekly_hours=r.permitted_weekly_hours,
                    week_minutes=sum(m for d, m in worked.items() if d >= week_first),
                    month_minutes=sum(m for d, m in worked.items() if d >= month_first),
                )
            )
        return page.with_items(items)

    async def conflicts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ConflictFilter,
        today: dt.date,
        request: PageRequest,
    ) -> PageResult[ConflictRow]:
        """Site 抵触日 (from today on) with the 意見聴取 deadline (one month before: 派遣法
        40条の2第4項) and the individual 抵触日 of running placements, the nearest first."""
        until = None if filters.within_days is None else today + dt.timedelta(filters.within_days)
        page = await ReportsRepository(session).conflicts_page(
            clients_service.site_conflicts_statement(session),
            assignments_service.individual_conflicts_statement(session, today=today),
            employees_service.names_statement(session),
            site_ids=_site_ids(principal),
            kind=filters.kind.value if filters.kind else None,
            today=today,
            until=until,
            request=request,
        )
        items = []
        for r in page.items:
            kind = ConflictKind(r.kind)
            items.append(
                ConflictRow(
                    kind=kind,
                    row_key=r.row_key,
                    client_name=r.client_name,
                    site_id=r.site_id,
                    site_name=r.site_name,
                    unit_name=r.unit_name,
                    employee_id=r.employee_id,
                    name=_name(r.name_kanji, r.name_kana) if r.employee_id is not None else None,
                    conflict_date=r.conflict_date,
                    hearing_deadline=hearing_deadline(r.conflict_date)
                    if kind is ConflictKind.SITE
                    else None,
                    days_left=(r.conflict_date - today).days,
                )
            )
        return page.with_items(items)


reports_service = ReportsService()
