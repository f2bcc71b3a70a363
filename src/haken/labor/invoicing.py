"""請求書 (client invoices): bill-rate bands, billable-minute rounding, line amounts, and the
consumption tax of a 適格請求書 (qualified invoice). Pure: no I/O.

Time bands billed (from the attendance ledger's classified minutes,
``labor.premiums.PremiumMinutes.summary()``):

* ``regular``: ``regular`` + ``within_statutory_overtime`` (法定内残業 is billed at the base);
* ``overtime``: ``overtime`` − ``overtime_over_60h``;
* ``overtime_over_60h``: the minutes beyond 60 h of the month;
* ``rest_day``: work on the statutory rest day (法定休日);
* ``late_night``: every late-night minute (``night``), billed as an **addition** on top of the
  band the minute is in (the client pays the base band plus the late-night premium).

A band's rate is yen per hour or a multiplier of the base bill rate (``1.25`` → 125 % of the
base; the late-night addition's multiplier is the premium alone, e.g. ``0.25``). Line amount =
billable minutes × hourly rate ÷ 60, cut to the yen (端数切捨て). Consumption tax is computed
once per invoice per tax rate from the sum of that rate's taxable amounts (インボイス制度: one
rounding per rate per invoice, 消費税法施行令70条の10), rounded by the agency's setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum


class Band(StrEnum):
    REGULAR = "regular"
    OVERTIME = "overtime"
    OVERTIME_OVER_60H = "overtime_over_60h"
    LATE_NIGHT = "late_night"
    REST_DAY = "rest_day"


BAND_ORDER = tuple(Band)


class RateKind(StrEnum):
    YEN = "yen"
    MULTIPLIER = "multiplier"


class MinuteRounding(StrEnum):
    DOWN = "down"
    NEAREST = "nearest"


class TaxRounding(StrEnum):
    DOWN = "down"
    HALF_UP = "half_up"
    UP = "up"


TAX_RATES = (Decimal("0.10"), Decimal("0.08"))
"""The consumption tax rates a line may carry: standard 10 %, reduced 8 %."""

ROUNDING_UNITS = (1, 15, 30)
"""Billable-minute units a contract may state (1 = every minute billed)."""


@dataclass(frozen=True, slots=True)
class BandRate:
    kind: RateKind
    value: Decimal

    def hourly(self, base: Decimal) -> Decimal:
        return self.value if self.kind is RateKind.YEN else base * self.value


DEFAULT_BANDS: Mapping[Band, BandRate] = {
    Band.OVERTIME: BandRate(RateKind.MULTIPLIER, Decimal("1.25")),
    Band.OVERTIME_OVER_60H: BandRate(RateKind.MULTIPLIER, Decimal("1.50")),
    Band.LATE_NIGHT: BandRate(RateKind.MULTIPLIER, Decimal("0.25")),
    Band.REST_DAY: BandRate(RateKind.MULTIPLIER, Decimal("1.35")),
}
"""The bands' rates when a rate row states none: the statutory premium ratios."""


@dataclass(frozen=True, slots=True)
class BillRate:
    """The bill rate of a contract or assignment: the base (regular) yen per hour, each other
    band's rate, and the billable-minute rounding the contract states."""

    base: Decimal
    bands: Mapping[Band, BandRate]
    rounding_unit: int = 1
    rounding: MinuteRounding = MinuteRounding.DOWN

    def __post_init__(self) -> None:
        if self.base < 0:
            raise ValueError("the base bill rate must not be negative")
        if self.rounding_unit not in ROUNDING_UNITS:
            raise ValueError(f"the rounding unit must be one of {ROUNDING_UNITS}")

    def hourly(self, band: Band) -> Decimal:
        if band is Band.REGULAR:
            return self.base
        rate = self.bands.get(band) or DEFAULT_BANDS[band]
        return rate.hourly(self.base)


def round_minutes(minutes: int, unit: int, mode: MinuteRounding) -> int:
    """``minutes`` in whole ``unit``s: down (切捨て) or to the nearest (half up)."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if unit <= 1:
        return minutes
    whole, rest = divmod(minutes, unit)
    if mode is MinuteRounding.NEAREST and rest * 2 >= unit:
        whole += 1
    return whole * unit


def round_daily(days: Iterable[int], unit: int, mode: MinuteRounding) -> int:
    """The billable minutes of a band: each day's minutes rounded, then summed (a contract's
    "1日単位で15分未満切捨て")."""
    return sum(round_minutes(m, unit, mode) for m in days)


def billed_minutes(
    days: Iterable[Mapping[str, int]], unit: int, mode: MinuteRounding
) -> dict[Band, int]:
    """The billable minutes of every band over a worker's days (each day's
    ``bands_from_ledger`` minutes rounded, then summed: ``round_daily`` of each band), in
    ``BAND_ORDER``; one pass over the days."""
    totals = dict.fromkeys(BAND_ORDER, 0)
    for summary in days:
        for band, minutes in bands_from_ledger(summary).items():
            if minutes:  # a negative count is refused by round_minutes
                totals[band] += round_minutes(minutes, unit, mode)
    return totals


def bands_from_ledger(summary: Mapping[str, int]) -> dict[Band, int]:
    """The billed bands' minutes from a ledger row's (or ``PremiumMinutes.summary()``'s)
    figures."""
    over_60 = summary.get("overtime_over_60h", 0)
    return {
        Band.REGULAR: summary.get("regular", 0) + summary.get("within_statutory_overtime", 0),
        Band.OVERTIME: summary.get("overtime", 0) - over_60,
        Band.OVERTIME_OVER_60H: over_60,
        Band.LATE_NIGHT: summary.get("night", 0),
        Band.REST_DAY: summary.get("rest_day", 0),
    }


def line_amount(minutes: int, hourly: Decimal) -> int:
    """Yen of ``minutes`` at ``hourly`` yen per hour, cut to the yen."""
    return int((Decimal(minutes) * hourly / 60).to_integral_value(rounding=ROUND_FLOOR))


_TAX_MODES = {
    TaxRounding.DOWN: ROUND_FLOOR,
    TaxRounding.HALF_UP: ROUND_HALF_UP,
    TaxRounding.UP: ROUND_CEILING,
}


def tax_of(taxable: int, rate: Decimal, rounding: TaxRounding) -> int:
    """The consumption tax of one rate's total (negative totals — a credit — are rounded
    by their magnitude, so a credit note mirrors its invoice)."""
    sign = -1 if taxable < 0 else 1
    tax = (Decimal(abs(taxable)) * rate).to_integral_value(rounding=_TAX_MODES[rounding])
    return sign * int(tax)


@dataclass(frozen=True, slots=True)
class TaxLine:
    rate: Decimal
    taxable: int
    tax: int


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: int
    taxes: tuple[TaxLine, ...]

    @property
    def tax(self) -> int:
        return sum(t.tax for t in self.taxes)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def invoice_totals(lines: Iterable[tuple[int, Decimal]], rounding: TaxRounding) -> Totals:
    """``(amount, tax rate)`` of every line → the subtotal and, per rate (10 % first), the
    taxable amount and its tax, rounded once."""
    by_rate: dict[Decimal, int] = {}
    for amount, rate in lines:
        if rate not in TAX_RATES:
            raise ValueError(f"unknown consumption tax rate {rate}")
        by_rate[rate] = by_rate.get(rate, 0) + amount
    taxes = tuple(
        TaxLine(rate, by_rate[rate], tax_of(by_rate[rate], rate, rounding))
        for rate in TAX_RATES
        if rate in by_rate
    )
    return Totals(sum(by_rate.values()), taxes)


_REGISTRATION = re.compile(r"T\d{13}")


def corporate_check_digit(base: str) -> int:
    """The check digit of a 法人番号's 12 base digits (法人番号の指定等に関する省令2条):
    9 − (Σ Pn × Qn mod 9), Pn the n-th digit from the right, Qn 1 when n is odd, 2 when even."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def is_valid_registration_number(number: str, *, corporation: bool = True) -> bool:
    """適格請求書発行事業者登録番号: ``T`` + 13 digits; a corporation's digits are its 法人番号
    (check digit first). An individual's number is checked for its form only."""
    if not _REGISTRATION.fullmatch(number):
        return False
    if not corporation:
        return True
    return int(number[1]) == corporate_check_digit(number[2:])
