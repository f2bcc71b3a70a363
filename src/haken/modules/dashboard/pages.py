"""The agency dashboard on the home page: the figures (each a link to the list it counts) and
the charts (headcount trend, margin by client, overtime by site, occupancy) as server-rendered
SVG with the numbers as a table (no script: the CSP holds)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.dashboard.service import dashboard_service
from haken.platform import context
from haken.platform.access import Principal, Role
from haken.platform.formatting import format_yearmonth, format_yen
from haken.web.charts import Point, bar_chart, line_chart
from haken.web.i18n import N_, gettext_
from haken.web.registry import Panel, registry

# The same msgids as the employees area's labels (one translation).
EMPLOYMENT_TYPES = {
    "dispatch": N_("Dispatched worker"),
    "contract": N_("Contract work (請負)"),
    "staff": N_("In-house staff"),
}
FIGURE_LABELS = {
    "headcount": N_("Active employees"),
    "hires_this_month": N_("Hired this month"),
    "leavers_this_month": N_("Leaving this month"),
    "timecards_awaiting": N_("Timecards awaiting approval"),
    "requests_awaiting": N_("Requests awaiting a decision"),
    "residence_expiring": N_("Residence cards due within 90 days"),
    "conflict_sites": N_("Sites reaching their conflict date (抵触日) within 90 days"),
    "conflict_individual": N_("Workers reaching their individual conflict date within 90 days"),
    "leave_duty_at_risk": N_("At risk of missing the 5-day paid leave duty"),
    "overtime_warning": N_("Overtime at 80% of the 36 agreement's monthly limit"),
}
BARS = 10


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _hours(minutes: float) -> str:
    return f"{minutes / 60:,.1f}"


async def _dashboard_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    board = await dashboard_service.agency(session, principal, today=_today(request))
    locale = context.locale()
    trend = [
        Point(
            format_yearmonth(dt.date.fromisoformat(bar.key + "-01"), locale=locale),
            bar.value,
            href=bar.href,
        )
        for bar in board.trend
    ]
    charts = [
        line_chart(
            "chart-headcount-trend",
            trend,
            title=gettext_("Headcount over 12 months"),
            description=gettext_(
                "Employees on the books at each month's end; %(num)s now.",
                num=trend[-1].value if trend else 0,
            ),
            label_header=gettext_("Month"),
            value_header=gettext_("Headcount"),
            empty_text=gettext_("No data yet."),
        ),
        bar_chart(
            "chart-overtime-by-site",
            [
                Point(bar.label, bar.value / 60, href=bar.href, display=_hours(bar.value))
                for bar in board.overtime_by_site[:BARS]
            ],
            title=gettext_("Overtime by site this payroll period (hours)"),
            description=gettext_(
                "Statutory overtime of the workers at each site, %(num)s sites.",
                num=len(board.overtime_by_site),
            ),
            label_header=gettext_("Site"),
            value_header=gettext_("Hours"),
            empty_text=gettext_("No data yet."),
        ),
    ]
    if board.margin_by_client is not None:
        charts.append(
            bar_chart(
                "chart-margin-by-client",
                [
                    Point(
                        row.client_name, row.margin, href=row.href, display=format_yen(row.margin)
                    )
                    for row in board.margin_by_client[:BARS]
                ],
                title=gettext_(
                    "Gross margin by client, %(month)s",
                    month=format_yearmonth(board.margin_month, locale=locale),
                ),
                description=gettext_(
                    "Issued invoices before tax less the labour cost (gross pay and the "
                    "employer's insurance) shared by billed minutes, %(num)s clients.",
                    num=len(board.margin_by_client),
                ),
                label_header=gettext_("Client"),
                value_header=gettext_("Gross margin"),
                empty_text=gettext_("No data yet."),
                value_format=lambda value: format_yen(int(value)),
            )
        )
    if board.occupancy is not None:
        charts.append(
            bar_chart(
                "chart-occupancy",
                [
                    Point(
                        bar.label,
                        bar.value,
                        href=bar.href,
                        display=f"{bar.value} / {board.occupancy.capacities.get(bar.key, 0)}",
                    )
                    for bar in board.occupancy.by_apartment[:BARS]
                ],
                title=gettext_("Company housing occupancy"),
                description=gettext_(
                    "%(occupied)s of %(capacity)s beds occupied today.",
                    occupied=board.occupancy.occupied,
                    capacity=board.occupancy.capacity,
                ),
                label_header=gettext_("Apartment"),
                value_header=gettext_("Occupied / beds"),
                empty_text=gettext_("No data yet."),
            )
        )
    return {
        "board": board,
        "labels": {key: gettext_(text) for key, text in FIGURE_LABELS.items()},
        "types": {key: gettext_(text) for key, text in EMPLOYMENT_TYPES.items()},
        "charts": charts,
        "bars": BARS,
        "margins_href": (
            f"/billing/margins?month={board.margin_month:%Y-%m}" if board.margin_month else None
        ),
    }


def register_web() -> None:
    registry.add_home_panel(
        Panel(
            "agency_dashboard",
            "dashboard/_home_dashboard.html",
            _dashboard_panel,
            minimum=Role.SITE_MANAGER,
            order=1,
        )
    )
