"""Figures for the agency dashboard: how an area publishes its aggregates as unexecuted rows.

An area's ``figures.py`` (its public read interface beside the service, owned by the area:
its tables, its scope rule) returns ``SELECT metric, key, label, value`` statements built
with :func:`figure_row`; the dashboard puts every area's rows in one ``UNION ALL`` and runs
it as a single statement (docs/dashboard.md). Nothing here runs SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, cast, literal
from sqlalchemy.sql import Select, select
from sqlalchemy.sql.elements import ColumnElement

# Every cached dashboard entry carries this tag; the areas' table rules (invalidate_on_write)
# announce it on every write of a table the figures read.
DASHBOARD_TAG = "dashboard:agency"
# The dashboard's margin tile (a month of invoices and payslips, the margin report's own
# computation) is cached apart under this tag, announced only by the billing and payroll
# tables' writes: an approval or a move-in recomputes the figures, not the margins.
MARGINS_TAG = "dashboard:margins"

# Any statement, whatever its columns (SQLAlchemy types a Select by its column types).
Rows = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class FigureScope:
    """What the caller may count. ``site_ids`` None: the whole agency (coordinator and up);
    else the sites of a site manager (empty: nothing). ``employee_ids``: an unexecuted
    ``SELECT id`` of the employees the caller may read (None: all)."""

    today: dt.date
    site_ids: frozenset[int] | None = None
    employee_ids: Select[Any] | None = None
    money: bool = True  # pay and housing (coordinators and up)

    @property
    def month_start(self) -> dt.date:
        return self.today.replace(day=1)

    @property
    def month_end(self) -> dt.date:
        return next_month(self.month_start) - dt.timedelta(days=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last ``count`` months, oldest first, ending with ``today``'s."""
    firsts = [today.replace(day=1)]
    for _ in range(count - 1):
        firsts.append((firsts[-1] - dt.timedelta(days=1)).replace(day=1))
    return list(reversed(firsts))


def figure_row(metric: str, value: Any, *, key: Any = None, label: Any = None) -> Rows:
    """``key``/``label``: a column, a text or None; ``value``: a count or sum."""
    # ``SELECT :metric, key, label, value``: the shape every figure shares.
    return select(
        literal(metric, String).label("metric"),
        _text(key).label("key"),
        _text(label).label("label"),
        cast(value, BigInteger).label("value"),
    )


def _text(value: Any) -> ColumnElement[Any]:
    if value is None or isinstance(value, str):
        return literal(value, String)
    return cast(value, String)
