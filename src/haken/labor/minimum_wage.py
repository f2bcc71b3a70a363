"""地域別最低賃金 (regional minimum wages): which amount is in force, and which is coming.

* **Whose minimum wage.** A dispatched worker is owed the regional minimum wage of the
  prefecture of the client's workplace (派遣先の事業の所在地), not the agency's
  (最低賃金法13条). The caller passes the client site's prefecture (JIS X 0401 code).
* **When.** Each prefecture's amount is decided once a fiscal year (April–March) and takes
  effect on its own date (効力発生日, 14条), usually in October, sometimes only in the new
  calendar year (FY2025: 福島・徳島・熊本・大分 on 2026-01-01, 群馬 2026-03-01, 秋田 2026-03-31).
  The amount in force on a day is the latest one whose effective date is on or before it.
* **What is compared.** Only hourly pay is compared here, in yen: a rate below the amount is
  unlawful (9条, 4条). Daily or monthly pay would first be divided by the scheduled hours
  (施行規則2条); haken's rates are hourly, so nothing is converted.
* **Data.** ``tables/minimum_wage_fy<year>.json``, one file per fiscal year, each citing its
  source. FY2024's effective dates are not in the source (``null``): a FY2024 amount is taken
  to apply to every day before the prefecture's FY2025 date. Amounts of later years that the
  agency enters itself come from the database and are merged in by the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

PREFECTURE_CODES = tuple(f"{n:02d}" for n in range(1, 48))
NEW_AMOUNTS_USUALLY_BY = (10, 1)
"""Month and day by which a fiscal year's new amounts have normally been decided and begin to
take effect: from then on, a fiscal year with no amounts is worth a warning."""


@dataclass(frozen=True, slots=True)
class MinimumWage:
    """One prefecture's hourly minimum wage of one fiscal year."""

    prefecture: str
    fiscal_year: int
    hourly_yen: int
    effective_from: dt.date | None
    """None: in force since before the records begin (FY2024's dates are not in the source)."""
    shipped: bool = True
    """True for the amounts shipped with haken, False for those entered by the agency."""

    @property
    def sort_date(self) -> dt.date:
        return self.effective_from or dt.date.min


def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year (April to March) a day belongs to: 2026-03-31 is FY2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def is_below(hourly_pay: Decimal, amount: MinimumWage) -> bool:
    """True when an hourly rate in yen falls short of the minimum wage."""
    return hourly_pay < amount.hourly_yen


class MinimumWageTable:
    """Every known amount, by prefecture, in effective-date order."""

    def __init__(self, amounts: Iterable[MinimumWage]) -> None:
        by_prefecture: dict[str, list[MinimumWage]] = {}
        for amount in amounts:
            by_prefecture.setdefault(amount.prefecture, []).append(amount)
        self._by_prefecture = {
            code: sorted(rows, key=lambda a: (a.sort_date, a.fiscal_year))
            for code, rows in by_prefecture.items()
        }

    def amounts(self, prefecture: str) -> list[MinimumWage]:
        return list(self._by_prefecture.get(prefecture, []))

    def in_force(self, prefecture: str, day: dt.date) -> MinimumWage | None:
        """The amount in force in ``prefecture`` on ``day`` (None when none is known)."""
        found = None
        for amount in self._by_prefecture.get(prefecture, []):
            if amount.sort_date <= day:
                found = amount
        return found

    def taking_effect(self, prefecture: str, after: dt.date, until: dt.date) -> list[MinimumWage]:
        """Amounts whose effective date falls after ``after`` and on or before ``until``."""
        return [
            a
            for a in self._by_prefecture.get(prefecture, [])
            if a.effective_from is not None and after < a.effective_from <= until
        ]

    def fiscal_years(self) -> set[int]:
        return {a.fiscal_year for rows in self._by_prefecture.values() for a in rows}

    def prefectures_missing(self, fiscal_year: int) -> list[str]:
        """Prefectures with no amount for ``fiscal_year``."""
        return [
            code
            for code in PREFECTURE_CODES
            if not any(a.fiscal_year == fiscal_year for a in self._by_prefecture.get(code, []))
        ]

    def missing_current_year(self, today: dt.date) -> int | None:
        """The current fiscal year when, from October 1 on, its amounts are not all known."""
        fiscal_year = fiscal_year_of(today)
        month, day = NEW_AMOUNTS_USUALLY_BY
        if today < dt.date(fiscal_year, month, day):
            return None
        return fiscal_year if self.prefectures_missing(fiscal_year) else None


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """An hourly pay rate from ``effective_from`` on (until the next one)."""

    effective_from: dt.date
    hourly_pay: Decimal


def rate_on(rates: Iterable[RatePeriod], day: dt.date) -> RatePeriod | None:
    """The rate in force on ``day``: the latest that started on or before it."""
    found = None
    for rate in sorted(rates, key=lambda r: r.effective_from):
        if rate.effective_from <= day:
            found = rate
    return found


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A placement's rate below a minimum wage on ``day`` (today, or the day it takes effect)."""

    amount: MinimumWage
    day: dt.date
    hourly_pay: Decimal
    in_force_now: bool


def shortfalls(
    table: MinimumWageTable,
    prefecture: str,
    rates: Iterable[RatePeriod],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    within_days: int,
) -> list[Shortfall]:
    """Where a placement at a site in ``prefecture`` would pay below the minimum wage: on
    today (the amount in force now) and on the effective date of each amount taking effect
    within ``within_days``, each day counted only when the placement runs on it. A rate
    change already scheduled for that day counts (the rate in force on the day is compared).
    """
    rates = list(rates)
    until = today + dt.timedelta(days=within_days)
    checks: dict[tuple[dt.date, MinimumWage], bool] = {}
    first = max(today, start)
    current = table.in_force(prefecture, first)
    if current is not None:
        checks[(first, current)] = first == today
    for amount in table.taking_effect(prefecture, today, until):
        assert amount.effective_from is not None
        day = max(amount.effective_from, start)
        checks.setdefault((day, table.in_force(prefecture, day) or amount), False)
    found = []
    for (day, amount), in_force_now in checks.items():
        if not start <= day <= end or day > until:
            continue
        rate = rate_on(rates, day)
        if rate is not None and is_below(rate.hourly_pay, amount):
            found.append(Shortfall(amount, day, rate.hourly_pay, in_force_now))
    return found


def _table_files() -> list[str]:
    folder = resources.files("haken.labor").joinpath("tables")
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.startswith("minimum_wage_fy") and entry.name.endswith(".json")
    )


@cache
def shipped_amounts() -> tuple[MinimumWage, ...]:
    """The amounts shipped in ``tables/`` (read once per process)."""
    folder = resources.files("haken.labor").joinpath("tables")
    found: list[MinimumWage] = []
    for name in _table_files():
        document = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        fiscal_year = int(document["fiscal_year"])
        for row in document["amounts"]:
            effective = row["effective_from"]
            found.append(
                MinimumWage(
                    prefecture=str(row["prefecture"]),
                    fiscal_year=fiscal_year,
                    hourly_yen=int(row["hourly_yen"]),
                    effective_from=dt.date.fromisoformat(effective) if effective else None,
                )
            )
    return tuple(found)


def shipped_fiscal_years() -> set[int]:
    return {a.fiscal_year for a in shipped_amounts()}
