"""The agency dashboard's use case: every area's figures in one statement, cached.

Each area publishes its figures as unexecuted ``SELECT metric, key, label, value`` rows in its
``figures.py`` (haken.platform.figures), over its own tables and with its own scope rule; the
dashboard composes them (a cross-area figure takes the other area's correlated scalar, e.g.
payroll's labour cost per client takes the employees area's current client) and runs them as
two ``UNION ALL`` statements sent at the same time (on PostgreSQL each on a backend of its
own): with the caller's principal, three statements cold, none warm.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, urlencode

from sqlalchemy import CompoundSelect, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments import figures as assignment_figures
from haken.modules.attendance import figures as attendance_figures
from haken.modules.billing import figures as billing_figures  # noqa: F401 (its table rule)
from haken.modules.billing.schemas import MarginFilter
from haken.modules.billing.service import billing_service
from haken.modules.clients import figures as client_figures
from haken.modules.dashboard.repository import DashboardRepository
from haken.modules.dashboard.schemas import (
    AgencyDashboard,
    Figure,
    FillRate,
    MarginRow,
    MarginTile,
)
from haken.modules.employees import figures as employee_figures
from haken.modules.employees.service import employees_service
from haken.modules.housing import figures as housing_figures
from haken.modules.leave import figures as leave_figures
from haken.modules.leave.service import leave_service
from haken.modules.payroll import figures as payroll_figures  # noqa: F401 (its table rules)
from haken.modules.requests import figures as request_figures
from haken.platform.access import Principal, Role
from haken.platform.cache import cached, scope_by_role
from haken.platform.db import utcnow
from haken.platform.figures import DASHBOARD_TAG, MARGINS_TAG, FigureScope

Rows = dict[str, list[tuple[str | None, str | None, int]]]

# The single numbers, in the order the page shows them.
FIGURES = (
    "headcount",
    "hires_this_month",
    "leavers_this_month",
    "timecards_awaiting",
    "requests_awaiting",
    "residence_expiring",
    "conflict_sites",
    "conflict_individual",
    "leave_duty_at_risk",
    "overtime_warning",
)


def _href(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


def _bar(key: str, label: str, value: int, href: str) -> dict[str, Any]:
    """One ``Bar`` as the dict the dashboard validates at the end."""
    return {"key": key, "label": label, "value": value, "href": href}


def _keyed_href(path: str, name: str, **params: Any) -> Callable[[Any], str]:
    """``lambda key: _href(path, name=key, **params)``, the constant part encoded once (a
    dashboard has a link per client and per site: thousands at 20,000 employees)."""
    rest = urlencode({k: v for k, v in params.items() if v is not None})
    tail = f"&{rest}" if rest else ""

    def href(key: Any) -> str:
        text = str(key)
        # the keys are ids (digits need no quoting: a quote per bar was ~1 ms of a request)
        return f"{path}?{name}={text if text.isdigit() else quote_plus(text)}{tail}"

    return href


def figure_links(today: dt.date) -> dict[str, str]:
    """The list each single number counts, with its filter in the URL."""
    return {
        "headcount": _href("/employees", status="active"),
        "hires_this_month": _href("/employees", sort="-hire_date"),
        "leavers_this_month": _href("/employees", status="left"),
        "timecards_awaiting": "/attendance/approvals",
        "requests_awaiting": "/requests",
        "residence_expiring": _href("/reports/residence", within_days=90),
        "conflict_sites": _href("/reports/conflicts", kind="site", within_days=90),
        "conflict_individual": _href(
            "/assignments", status="active", active_on=today.isoformat(), sort="conflict_date"
        ),
        "leave_duty_at_risk": _href("/leave", at_risk="true"),
        "overtime_warning": "/attendance",
    }


def figure_scope(session: AsyncSession, principal: Principal, today: dt.date) -> FigureScope:
    if principal.is_at_least(Role.COORDINATOR):
        return FigureScope(today=today)
    return FigureScope(
        today=today,
        site_ids=frozenset(principal.site_ids),
        employee_ids=employees_service.readable_ids_statement(session, principal),
        money=False,
    )


def _margin_month(scope: FigureScope) -> dt.date:
    return (scope.month_start - dt.timedelta(days=1)).replace(day=1)


def _figure_halves(scope: FigureScope, risk_window_days: int) -> tuple[list[Any], list[Any]]:
    """Every area's unexecuted figure rows in the scope (money only for the office), in two
    halves of about the same cost on PostgreSQL at 20,000 employees (sent at the same time:
    DashboardRepository.figure_rows). Measured per area (bench/README.md): assignments
    17 ms, employees 8, housing 8, leave 5, attendance 1.3, the rest < 0.5 each: 18 and
    20 ms in process, parallel query off (platform/db.py). The margins are not here
    (DashboardService.margins). An area's figures stay in one half: one statement, one
    snapshot (the fill rate's ordered and placed, say, always agree)."""
    first = [
        *assignment_figures.rows(scope),
        *client_figures.rows(scope),
        *request_figures.rows(scope),
        *attendance_figures.rows(scope, site_of=employee_figures.current_site_of),
    ]
    second = [
        *employee_figures.rows(scope),
        *leave_figures.rows(scope, risk_window_days=risk_window_days),
    ]
    if scope.money:
        second += housing_figures.rows(scope)
    return first, second


def _statements(scope: FigureScope, risk_window_days: int) -> tuple[CompoundSelect[Any], ...]:
    return tuple(union_all(*half) for half in _figure_halves(scope, risk_window_days))


@functools.lru_cache(maxsize=4)
def _office_statements(today: dt.date, risk_window_days: int) -> tuple[CompoundSelect[Any], ...]:
    """The office's two ``UNION ALL`` statements of the day, built once: building their ~30
    statements cost most of a cold dashboard's CPU (SQLAlchemy expression building, ≈ 60 %),
    the SQL itself a few milliseconds. Core statements are immutable: one serves everyone."""
    return _statements(FigureScope(today=today), risk_window_days)


def _percent(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


class DashboardService:
    @cached(
        "dashboard",
        key="agency:{today}",
        tags=[DASHBOARD_TAG],
        # Admins share one entry (with the margins), coordinators another (without: they
        # read their own clients' margins in the margin report), site managers their own.
        scope=scope_by_role(Role.ADMIN, Role.COORDINATOR),
    )
    async def agency(
        self, session: AsyncSession, principal: Principal, *, today: dt.date
    ) -> AgencyDashboard:
        """Every figure of the agency dashboard in the caller's scope (a site manager: their
        sites), each with the link to the list it counts. Two statements besides the caller."""
        scope = figure_scope(session, principal, today)
        margin_month = _margin_month(scope)
        if scope.site_ids is None:  # the office: the same statements all day for everyone
            statements = _office_statements(today, leave_service.risk_window_days)
        else:
            statements = _statements(scope, leave_service.risk_window_days)
        rows: Rows = defaultdict(list)
        for metric, key, label, value in await DashboardRepository(session).figure_rows(statements):
            rows[metric].append((key, label, value or 0))
        tile = (
            await self.margins(session, month=margin_month)
            if principal.is_at_least(Role.ADMIN)
            else None
        )
        return self._assemble(rows, scope, margin_month, tile)

    @cached("dashboard", key="margins:{month}", tags=[MARGINS_TAG], scope=None)
    async def margins(self, session: AsyncSession, *, month: dt.date) -> MarginTile:
        """The margin tile of ``month``: the margin report's client level for the agency
        (``billing_service.margins``: the same yen, by construction), each client linking to
        its sites in the report, and the labour of the workers billed to nobody. Cached apart
        from the figures: a month of invoice lines and payslips (≈ 33,000 and 20,000 rows at
        20,000 workers) costs more than every other figure together, and only the billing
        and payroll tables' writes change it (MARGINS_TAG). The report's two statements."""
        report = await billing_service.margins(
            session, None, filters=MarginFilter(month=f"{month:%Y-%m}")
        )
        rows = [
            MarginRow(
                client_id=row.key,
                client_name=row.name or f"#{row.key}",
                billed=row.billed,
                labour=row.labour_cost,
                margin=row.margin,
                href=_href("/billing/margins", month=f"{month:%Y-%m}", client_id=row.key),
            )
            for row in report.rows
            if row.key is not None
        ]
        rows.sort(key=lambda r: (-r.billed, r.client_name, r.client_id))
        unbilled = sum(row.labour_cost for row in report.rows if row.key is None)
        return MarginTile(rows=rows, unbilled_labour=unbilled)

    def _assemble(
        self, rows: Rows, scope: FigureScope, margin_month: dt.date, tile: MarginTile | None
    ) -> AgencyDashboard:
        today = scope.today
        iso = today.isoformat()

        def single(metric: str) -> int:
            return sum(value for _key, _label, value in rows.get(metric, []))

        # Bars as plain dicts, validated once with the whole dashboard at the end (in pydantic's
        # core): a model per client, site and apartment (≈ 1,200 at 20,000 employees) built in
        # Python cost most of a cold dashboard's own time.
        def bars(metric: str, href: Any, *, names: dict[str, str] | None = None) -> list[Any]:
            found = [
                _bar(str(key), label or (names or {}).get(str(key)) or f"#{key}", value, href(key))
                for key, label, value in rows.get(metric, [])
                if key is not None
            ]
            return sorted(found, key=lambda b: (-b["value"], b["label"], b["key"]))

        by_type = sorted(
            (
                _bar(
                    str(key),
                    str(key),
                    value,
                    _href("/employees", status="active", employment_type=key),
                )
                for key, _label, value in rows.get("headcount_by_type", [])
            ),
            key=lambda b: b["key"],
        )
        values = {
            "headcount": sum(b["value"] for b in by_type),
            **{metric: single(metric) for metric in FIGURES[1:]},
        }
        links = figure_links(today)
        placed_by_client = bars(
            "placed_by_client",
            _keyed_href("/assignments", "client_id", status="active", active_on=iso),
        )
        placed_by_site = bars(
            "placed_by_site",
            _keyed_href("/assignments", "site_id", status="active", active_on=iso),
        )
        site_names = {b["key"]: b["label"] for b in placed_by_site}
        trend_href = _href("/employees", status="active")
        trend = sorted(
            (
                _bar(str(key), str(key), value, trend_href)
                for key, _label, value in rows.get("headcount_trend", [])
            ),
            key=lambda b: b["key"],
        )
        ordered, placed = single("fill_ordered"), single("fill_placed")
        return AgencyDashboard.model_validate(
            {
                "today": today,
                "scope": "agency" if scope.site_ids is None else "sites",
                "figures": [Figure(key=m, value=values[m], href=links[m]) for m in FIGURES],
                "headcount_by_type": by_type,
                "placed_by_client": placed_by_client,
                "placed_by_site": placed_by_site,
                "trend": trend,
                "fill": FillRate(
                    ordered=ordered,
                    placed=placed,
                    percent=_percent(placed, ordered),
                    href=_href("/contracts", status="active", active_on=iso),
                ),
                "overtime_by_site": bars(
                    "overtime_by_site",
                    lambda key: f"/attendance/sites/{key}",
                    names=site_names,
                ),
                "margin_month": margin_month if tile is not None else None,
                "margin_by_client": tile.rows if tile is not None else None,
                "margin_unbilled_labour": tile.unbilled_labour if tile is not None else None,
                "occupancy": self._occupancy(rows) if scope.money else None,
                "computed_at": utcnow(),
            }
        )

    @staticmethod
    def _occupancy(rows: Rows) -> dict[str, Any]:
        """The occupancy as the dict ``Occupancy`` validates (with the whole dashboard)."""
        capacities = {
            str(key): value for key, _label, value in rows.get("housing_capacity", []) if key
        }
        by_apartment = sorted(
            (
                _bar(str(key), label or f"#{key}", value, f"/housing/{key}")
                for key, label, value in rows.get("housing_occupied", [])
                if key is not None
            ),
            key=lambda b: (b["label"], b["key"]),
        )
        capacity = sum(capacities.values())
        occupied = sum(b["value"] for b in by_apartment)
        return {
            "capacity": capacity,
            "occupied": occupied,
            "percent": _percent(occupied, capacity),
            "by_apartment": by_apartment,
            "capacities": capacities,
            "href": "/housing",
        }


dashboard_service = DashboardService()
