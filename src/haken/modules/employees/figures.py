"""The employees area's dashboard figures (haken.platform.figures): headcount by employment
type, hires and leavers this month, the 12-month headcount trend, residence cards expiring.

Unexecuted statements over this area's own table; the dashboard runs them with the other
areas' in one ``UNION ALL``. The table rule below tells the dashboard of every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from haken.modules.employees.models import Employee
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import (
    DASHBOARD_TAG,
    FigureScope,
    Rows,
    figure_row,
    months_back,
    next_month,
)

TREND_MONTHS = 12
RESIDENCE_WINDOW_DAYS = 90

invalidate_on_write(Employee, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def _scoped(statement: Rows, scope: FigureScope) -> Rows:
    statement = statement.select_from(Employee).where(Employee.archived_at.is_(None))
    if scope.site_ids is not None:
        statement = statement.where(Employee.current_site_id.in_(sorted(scope.site_ids) or [-1]))
    return statement


def _employed_on(day: dt.date) -> ColumnElement[bool]:
    return and_(
        Employee.hire_date <= day,
        or_(Employee.leave_date.is_(None), Employee.leave_date >= day),
    )


def rows(scope: FigureScope) -> list[Rows]:
    """The figures over the employees table in one pass: a ``WITH`` of per-type counts, each
    figure a ``FILTER`` aggregate of that one scan (at 20,000 employees the fifteen scans
    the figures made one by one were 125 of the dashboard's 150 ms on PostgreSQL). The
    residence cards read their own index."""
    today = scope.today
    trend = [
        (first.strftime("%Y-%m"), min(next_month(first) - dt.timedelta(days=1), today))
        for first in months_back(today, TREND_MONTHS)
    ]
    counts = (
        _scoped(
            select(
                Employee.employment_type.label("employment_type"),
                func.count().filter(Employee.status == "active").label("active"),
                func.count()
                .filter(Employee.hire_date.between(scope.month_start, scope.month_end))
                .label("hires"),
                func.count()
                .filter(Employee.leave_date.between(scope.month_start, scope.month_end))
                .label("leavers"),
                *(
                    func.count().filter(_employed_on(end)).label(f"trend_{index}")
                    for index, (_month, end) in enumerate(trend)
                ),
            ),
            scope,
        )
        .group_by(Employee.employment_type)
        .cte("employee_counts")
    )

    def total(column: Any) -> Any:
        return func.coalesce(func.sum(column), 0)

    return [
        figure_row("headcount_by_type", counts.c.active, key=counts.c.employment_type).where(
            counts.c.active > 0
        ),
        figure_row("hires_this_month", total(counts.c.hires)),
        figure_row("leavers_this_month", total(counts.c.leavers)),
        # The home panel's rule (employees_service.residence_expiring): lawful work ending
        # within the window, already ended included.
        _scoped(figure_row("residence_expiring", func.count()), scope).where(
            Employee.status != "left",
            Employee.work_permitted_until <= today + dt.timedelta(days=RESIDENCE_WINDOW_DAYS),
        ),
        *(
            figure_row("headcount_trend", total(counts.c[f"trend_{index}"]), key=month)
            for index, (month, _end) in enumerate(trend)
        ),
    ]


def current_site_of(employee_id: Any) -> ColumnElement[Any]:
    """The site an employee works at now, as a correlated scalar (for another area's rows)."""
    return (
        select(Employee.current_site_id)
        .where(Employee.id == employee_id)
        .correlate_except(Employee)
        .scalar_subquery()
    )


def residence_alert_rows(today: dt.date) -> Rows:
    """The daily alerts' candidates: workers (not left) whose lawful work ends within 90 days
    (the same rule as the figure): ``employee_id, name, until``."""
    return (
        select(
            Employee.id.label("employee_id"),
            func.coalesce(Employee.name_kanji, Employee.name_kana).label("name"),
            Employee.work_permitted_until.label("until"),
        )
        .where(
            Employee.archived_at.is_(None),
            Employee.status != "left",
            Employee.work_permitted_until <= today + dt.timedelta(days=RESIDENCE_WINDOW_DAYS),
        )
        .order_by(Employee.id)
    )
