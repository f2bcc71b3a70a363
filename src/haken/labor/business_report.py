"""The annual 労働者派遣事業報告書 and the マージン率 disclosure: periods, due dates and the
per-事業所 figures (no I/O).

* Business year (:func:`fiscal_year`): April to March, named by the year of its April
  (2025 = 2025-04-01 to 2026-03-31). The 年度報告 of 様式第11号 covers it; its
  6月1日現在の状況報告 counts the workers and clients on 1 June after it (:func:`status_date`).
* Due dates (:func:`form11_due`, :func:`form12_due`; JP_DISPATCH.md §1.9, case A8): 様式第11号
  by 30 June every year, so the first 30 June after the year end; 様式第12号 and 第12号-2
  within 3 months of the business-year end, so the last day of the third month after it.
  Year end 2026-03-31 → both due 2026-06-30.
* Disclosure (:func:`disclosure`; 派遣法23条5項, 則18条の2, §1.8, case A7): the average fee and
  wage per worker per 8-hour day as whole yen and the margin rate to one decimal, weighted
  over the 8-hour worker-days of the whole office (``labor.margin.margin_rate``), never the
  simple average of each worker's own rate (:func:`simple_average_rate`, kept to show the
  difference).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from haken.labor.margin import MarginRate, margin_rate

STATUS_MONTH, STATUS_DAY = 6, 1
"""The 状況報告 counts the workers on 1 June (6月1日現在)."""


def fiscal_year(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the business year starting in April of ``year``."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_of(day: dt.date) -> int:
    """The business year ``day`` falls in (named by its April)."""
    return day.year if day.month >= 4 else day.year - 1


def status_date(year: int) -> dt.date:
    """The 6月1日 of the report on business year ``year`` (the June after it ends)."""
    return dt.date(year + 1, STATUS_MONTH, STATUS_DAY)


def form11_due(year_end: dt.date) -> dt.date:
    """様式第11号 (事業報告書): the first 30 June after the business year's last day."""
    due = dt.date(year_end.year, 6, 30)
    return due if due > year_end else dt.date(year_end.year + 1, 6, 30)


def form12_due(year_end: dt.date) -> dt.date:
    """様式第12号 (収支決算書) and 第12号-2: the last day of the third month after the year end
    (within 3 months of it)."""
    month = year_end.month + 3
    year = year_end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class Disclosure:
    rate: MarginRate
    workers: int
    clients: int


def disclosure(fees: int, wages: int, minutes: int, *, workers: int, clients: int) -> Disclosure:
    """The office's disclosure figures from its totals for the year (weighted averages)."""
    return Disclosure(margin_rate(fees, wages, minutes), workers, clients)


def simple_average_rate(rates: Iterable[tuple[int, int]]) -> Decimal | None:
    """The unweighted mean of per-worker rates ((fee, wage) per day each): the wrong method
    for the disclosure (A7), kept so a test can show the two differ."""
    values = [Decimal(fee - wage) * 100 / fee for fee, wage in rates if fee > 0]
    if not values:
        return None
    mean = sum(values, Decimal(0)) / len(values)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def per_day(total: int, minutes: int) -> int:
    """A total per 8-hour worker-day, whole yen cut down (the report's p3–4 unit)."""
    return margin_rate(total, 0, minutes).average_fee


__all__ = [
    "Disclosure",
    "disclosure",
    "fiscal_year",
    "fiscal_year_of",
    "form11_due",
    "form12_due",
    "per_day",
    "simple_average_rate",
    "status_date",
]
