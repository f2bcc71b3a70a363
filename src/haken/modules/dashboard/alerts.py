"""The daily alerts (``dashboard.daily_alerts``): inbox notifications, and mail where
configured, for what needs acting on before a date passes.

* residence cards (lawful work) ending within 90, 60 and 30 days — the office and the worker;
* site 抵触日 within 90 days with the 意見聴取 deadline (one month before: 派遣法40条の2第4項,
  the hearing must be done by then) — the office, the client's coordinator and the site's
  managers; individual 抵触日 within 90 days — the office and the site's managers;
* 36協定: a worker's overtime this payroll period at 80 % of the monthly 45 hours — the
  office;
* dispatch contracts ending within 30 days with no contract of the same unit after them;
* pay below a minimum wage in force or taking effect within 60 days (the assignments area's
  rule) — the office and the client's coordinator.

The 5-day paid leave duty is the leave area's own daily alert (``leave.duty_alerts``); it is
not repeated here. Each alert is sent once per subject and event: its link names both (the
subject's page with the event in the query), and ``notifications_service.already_told``
skips the links already sent for the kind; a new event (a later threshold, a moved date)
is a new link.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments import figures as assignment_figures
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance import figures as attendance_figures
from haken.modules.billing.service import billing_service
from haken.modules.clients import figures as client_figures
from haken.modules.dashboard.repository import DashboardRepository
from haken.modules.employees import figures as employee_figures
from haken.modules.employees.service import employees_service
from haken.modules.notifications.service import Audience, notifications_service

RESIDENCE_THRESHOLDS = (30, 60, 90)
CONTRACT_ENDING_DAYS = 30
MINIMUM_WAGE_DAYS = 60


def month_before(day: dt.date) -> dt.date:
    """The same day a month earlier (the last day of that month when it has no such day)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def residence_threshold(days_left: int) -> int:
    """The smallest threshold (90/60/30 days) reached: the event an alert is sent for."""
    return next(t for t in RESIDENCE_THRESHOLDS if days_left <= t)


@dataclass
class _Batch:
    """The alerts of one run, checked against those already sent before any is queued."""

    pending: list[tuple[str, str, Audience, dict[str, Any]]] = field(default_factory=list)

    def add(self, kind: str, link: str, audience: Audience, **params: Any) -> None:
        self.pending.append((kind, link, audience, params))

    async def send(self, session: AsyncSession) -> dict[str, int]:
        counts: dict[str, int] = {}
        by_kind: dict[str, list[str]] = {}
        for kind, link, _audience, _params in self.pending:
            by_kind.setdefault(kind, []).append(link)
        told = {
            kind: await notifications_service.already_told(session, kind, links)
            for kind, links in by_kind.items()
        }
        for kind, link, audience, params in self.pending:
            if link in told[kind]:
                continue
            notifications_service.notify_after_commit(session, audience, kind, params, link)
            counts[kind] = counts.get(kind, 0) + 1
        return counts


def _ids(values: Iterable[int | None]) -> tuple[int, ...]:
    return tuple(sorted({v for v in values if v is not None}))


async def daily_alerts(session: AsyncSession, *, today: dt.date) -> dict[str, int]:
    """Queue today's alerts (sent after the job's commit); returns the count sent per kind."""
    repo = DashboardRepository(session)
    batch = _Batch()
    residence = await repo.rows(employee_figures.residence_alert_rows(today))
    sites = await repo.rows(client_figures.conflict_alert_rows(today))
    individual = await repo.rows(assignment_figures.conflict_alert_rows(today))
    overtime = await repo.rows(attendance_figures.overtime_alert_rows(today))
    contracts = await repo.rows(
        assignment_figures.ending_contract_rows(today, within_days=CONTRACT_ENDING_DAYS)
    )
    wages = await assignments_service.minimum_wage_warnings(
        session, today=today, within_days=MINIMUM_WAGE_DAYS
    )
    briefs = await employees_service.get_briefs(
        session,
        _ids(
            [r.employee_id for r in individual]
            + [r.employee_id for r in overtime]
            + [w.employee_id for w in wages]
        ),
    )
    coordinators = await billing_service.coordinators_of_clients(
        session, _ids([r.client_id for r in sites] + [r.client_id for r in contracts])
    )

    def name(employee_id: int) -> str:
        brief = briefs.get(employee_id)
        return brief.display_name if brief is not None else f"#{employee_id}"

    def office(client_id: int | None = None, *, site_ids: tuple[int, ...] = ()) -> Audience:
        coordinator = coordinators.get(client_id) if client_id is not None else None
        return Audience(
            admins=True,
            site_ids=site_ids,
            user_ids=(coordinator,) if coordinator is not None else (),
        )

    for row in residence:
        days = (row.until - today).days
        threshold = residence_threshold(days)
        batch.add(
            "residence_card_expiry",
            f"/employees/{row.employee_id}?alert=residence-{threshold}&until={row.until}",
            Audience(admins=True, employee_ids=(row.employee_id,)),
            employee=row.name,
            employee_id=row.employee_id,
            until=row.until.isoformat(),
            days=max(days, 0),
            threshold=threshold,
        )
    for row in sites:
        batch.add(
            "site_conflict_date",
            f"/sites/{row.site_id}?alert=conflict-date&date={row.conflict_date}",
            office(row.client_id, site_ids=(row.site_id,)),
            site=row.name,
            site_id=row.site_id,
            date=row.conflict_date.isoformat(),
            hearing=month_before(row.conflict_date).isoformat(),
        )
    for row in individual:
        batch.add(
            "individual_conflict_date",
            f"/employees/{row.employee_id}?alert=individual-conflict-date"
            f"&assignment={row.assignment_id}&date={row.conflict_date}",
            office(site_ids=(row.site_id,)),
            employee=name(row.employee_id),
            employee_id=row.employee_id,
            unit=row.unit_name,
            date=row.conflict_date.isoformat(),
        )
    for row in overtime:
        batch.add(
            "overtime_threshold",
            f"/attendance/employees/{row.employee_id}/months/{today:%Y-%m}"
            f"?alert=overtime&period={row.period_start}",
            office(),
            employee=name(row.employee_id),
            employee_id=row.employee_id,
            hours=f"{row.minutes / 60:.1f}",
            period=row.period_start.isoformat(),
        )
    for row in contracts:
        batch.add(
            "contract_ending",
            f"/contracts/{row.contract_id}?alert=ending&date={row.period_end}",
            office(row.client_id, site_ids=(row.site_id,)),
            number=row.number,
            contract_id=row.contract_id,
            date=row.period_end.isoformat(),
        )
    for wage in wages:
        batch.add(
            "minimum_wage_ahead",
            f"/assignments/{wage.assignment_id}/rates/new?alert=minimum-wage&day={wage.day}",
            office(),
            employee=name(wage.employee_id),
            employee_id=wage.employee_id,
            pay=f"{wage.hourly_pay:,.0f}",
            minimum=wage.minimum_wage,
            day=wage.day.isoformat(),
            site=wage.site_name,
        )
    sent = await batch.send(session)
    return {
        "candidates": len(batch.pending),
        "told": sum(sent.values()),
        **{f"told_{kind}": count for kind, count in sorted(sent.items())},
    }
