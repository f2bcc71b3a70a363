"""Paid-leave pay by the agency's method (労基法39条9項), no I/O.

Three methods, chosen in the work rules (the leave module's ``leave_pay_method``):

- 通常の賃金 (``ordinary``): what the worker would have earned working the scheduled hours
  (hourly rate × scheduled hours; a monthly salary simply keeps running).
- 平均賃金 (``average``, 労基法12条): the wages of the three wage periods before the cause
  (from the last cut-off day before it, 12条2項) ÷ their calendar days, never below the
  minimum guarantee (12条1項但書): wages paid by the day or hour ÷ days worked × 60 %, plus
  the part fixed by the month or week ÷ calendar days. Periods (and their wages) of work
  injury, maternity, childcare/family-care leave, closure for the employer's reasons and the
  trial period are left out (12条3項); one-off wages and wages paid at intervals longer than
  three months (bonuses) are not wages here (12条4項). A worker hired less than three months
  ago counts the periods since hiring (12条6項). The amount is truncated to the sen
  (昭22.11.5 基発232号); the day's pay is rounded to the yen when it is paid.
- 標準報酬日額 (``standard_daily``, needs a labour–management agreement): the health insurance
  標準報酬月額 ÷ 30, under ¥5 dropped and ¥5 or more up to ¥10 (the rounding written in
  39条9項 itself, as in 健保法99条).

Every choice: docs/labor.md, "Paid-leave pay".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

SEN = Decimal("0.01")
MINIMUM_SHARE = Decimal("0.6")
"""12条1項1号: 60 % of the wages per day worked."""


class LeavePayMethod(StrEnum):
    ORDINARY = "ordinary"
    AVERAGE = "average"
    STANDARD_DAILY = "standard_daily"


class AverageWageError(ValueError):
    """The facts cannot give an average wage (no period counts)."""


@dataclass(frozen=True, slots=True)
class WagePeriod:
    """One wage period (締切期間) before the cause, as paid.

    ``time_wages``: wages by the day, hour or piece (hourly pay, premiums, leave pay);
    ``fixed_wages``: the part fixed by the month or week (salary, monthly allowances,
    commuting). Bonuses and one-off payments are not passed (12条4項). ``excluded_days`` and
    ``excluded_wages``: the days of the period under 12条3項 and the wages paid for them."""

    start: dt.date
    end: dt.date
    time_wages: int = 0
    fixed_wages: int = 0
    worked_days: int = 0
    excluded_days: int = 0
    excluded_wages: int = 0

    @property
    def calendar_days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class AverageWage:
    """平均賃金 with the figures it came from."""

    amount: Decimal
    """Yen and sen (truncated to the sen)."""
    principle: Decimal
    """Wages ÷ calendar days (12条1項本文)."""
    minimum: Decimal
    """The minimum guarantee (12条1項但書)."""
    wages: int
    calendar_days: int
    worked_days: int
    time_wages: int
    fixed_wages: int
    periods: int

    @property
    def guaranteed(self) -> bool:
        """True when the minimum guarantee decided the amount."""
        return self.minimum > self.principle

    def text(self) -> str:
        if self.guaranteed:
            parts = []
            if self.fixed_wages:
                parts.append(f"¥{self.fixed_wages:,} ÷ {self.calendar_days}日")
            parts.append(f"¥{self.time_wages:,} ÷ {self.worked_days}日 × 60%")
            return f"平均賃金 ¥{self.amount:,}（最低保障: {' + '.join(parts)}）"
        return f"平均賃金 ¥{self.amount:,}（¥{self.wages:,} ÷ {self.calendar_days}日）"


def _sen(amount: Decimal) -> Decimal:
    return amount.quantize(SEN, rounding=ROUND_DOWN)


def three_periods_before(
    periods: Sequence[WagePeriod], cause: dt.date, *, hired_on: dt.date | None = None
) -> list[WagePeriod]:
    """The wage periods 平均賃金 counts for a cause on ``cause``: the last three that ended
    before it (12条2項: from the last cut-off day before the cause), each starting no earlier
    than the day of hiring (12条6項)."""
    before = sorted((p for p in periods if p.end < cause), key=lambda p: p.end)[-3:]
    if hired_on is None:
        return before
    kept = []
    for period in before:
        if period.end < hired_on:
            continue
        if period.start < hired_on:
            period = WagePeriod(
                start=hired_on,
                end=period.end,
                time_wages=period.time_wages,
                fixed_wages=period.fixed_wages,
                worked_days=period.worked_days,
                excluded_days=period.excluded_days,
                excluded_wages=period.excluded_wages,
            )
        kept.append(period)
    return kept


def average_wage(periods: Sequence[WagePeriod]) -> AverageWage:
    """平均賃金 (労基法12条) of the given wage periods (usually :func:`three_periods_before`).

    Excluded days and their wages come off both sides (12条3項); the excluded wages come off
    the time-paid part first. Raises :class:`AverageWageError` when no day is left."""
    if not periods:
        raise AverageWageError("no wage period before the cause")
    days = sum(p.calendar_days - p.excluded_days for p in periods)
    if days <= 0:
        raise AverageWageError("every day of the periods is excluded")
    time_wages = 0
    fixed_wages = 0
    for p in periods:
        if p.excluded_days < 0 or p.excluded_days > p.calendar_days or p.excluded_wages < 0:
            raise AverageWageError("excluded days must lie within the period")
        off_time = min(p.excluded_wages, p.time_wages)
        time_wages += p.time_wages - off_time
        fixed_wages += p.fixed_wages - (p.excluded_wages - off_time)
    worked = sum(p.worked_days for p in periods)
    wages = time_wages + fixed_wages
    principle = _sen(Decimal(wages) / days)
    minimum = Decimal(fixed_wages) / days
    if time_wages and worked:
        minimum += Decimal(time_wages) / worked * MINIMUM_SHARE
    minimum = _sen(minimum)
    return AverageWage(
        amount=max(principle, minimum),
        principle=principle,
        minimum=minimum,
        wages=wages,
        calendar_days=days,
        worked_days=worked,
        time_wages=time_wages,
        fixed_wages=fixed_wages,
        periods=len(periods),
    )


def standard_daily_amount(standard_monthly: int) -> int:
    """標準報酬日額 for leave pay (労基法39条9項): the health 標準報酬月額 ÷ 30, under ¥5 dropped,
    ¥5 up to ¥10 rounded up (i.e. to the nearest ten yen, halves up)."""
    if standard_monthly <= 0:
        raise ValueError("the standard monthly remuneration must be positive")
    tens = (Decimal(standard_monthly) / 30 / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(tens) * 10


def leave_pay(daily: Decimal | int, days: Decimal | int) -> int:
    """The pay of ``days`` of leave (halves as 0.5) at ``daily`` yen a day, rounded to the
    yen (under 50 sen dropped, 50 sen or more up: 通貨の単位及び貨幣の発行等に関する法律3条)."""
    return int((Decimal(daily) * Decimal(days)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


__all__ = [
    "AverageWage",
    "AverageWageError",
    "LeavePayMethod",
    "WagePeriod",
    "average_wage",
    "leave_pay",
    "standard_daily_amount",
    "three_periods_before",
]
