"""Company housing (社宅) charges deducted from pay, prorated by days (日割).

Source: PRODUCT.md flow 3 ("rent is deducted from pay, prorated by days") and PRIOR_ART.md
§3.5, whose proration charged the final month in full when a stay ran over a month end.

The rule, in one place:

* The charge for a month is ``monthly amount × days occupied ÷ days in that calendar
  month``. The move-in day and the move-out day both count as occupied.
* A stay covering the whole month is charged the monthly amount exactly.
* **Rounding: down to the yen**, always in the worker's favour (``ROUNDING``). The
  deduction is the agency's own charge, not a statutory amount, so no law fixes the
  rounding; rounding down keeps the deduction lawful whatever the agreement says about
  fractions (JP_LABOR §1.2: rounding that always favours the worker is lawful).

Arithmetic is in ``Decimal`` and money in integer yen (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from haken.labor.civil_periods import days_in_month

ROUNDING = ROUND_DOWN
"""Every prorated housing charge is rounded down to the yen (the worker's favour)."""

K = TypeVar("K")


def to_yen(amount: Decimal) -> int:
    """Round a computed charge to whole yen with the housing rule (``ROUNDING``)."""
    return int(amount.quantize(Decimal(1), rounding=ROUNDING))


def occupied_days(year: int, month: int, *, move_in: date | None, move_out: date | None) -> int:
    """Days of the calendar month during which the room was occupied, both ends included.

    ``move_in`` None means the stay began before the month; ``move_out`` None means it
    goes on past the month.
    """
    if move_in is not None and move_out is not None and move_out < move_in:
        raise ValueError("move-out is before move-in")
    first = date(year, month, 1)
    last = date(year, month, days_in_month(year, month))
    start = max(first, move_in) if move_in is not None else first
    end = min(last, move_out) if move_out is not None else last
    return max((end - start).days + 1, 0)


def prorate_monthly_amount(
    monthly_amount: int,
    year: int,
    month: int,
    *,
    move_in: date | None = None,
    move_out: date | None = None,
) -> int:
    """The yen to deduct for one month of a monthly charge (rent, parking, flat utilities).

    >>> prorate_monthly_amount(60_000, 2026, 4, move_in=date(2026, 4, 16))
    30000
    """
    if monthly_amount < 0:
        raise ValueError("a monthly charge cannot be negative")
    days = occupied_days(year, month, move_in=move_in, move_out=move_out)
    total = days_in_month(year, month)
    if days == total:
        return monthly_amount
    return to_yen(Decimal(monthly_amount) * days / total)


def prorated_rent(
    monthly_rent: int,
    year: int,
    month: int,
    *,
    move_in: date | None = None,
    move_out: date | None = None,
) -> int:
    """The rent to deduct for the payroll month ``year``-``month`` (see module docstring).

    For a shared room pass the occupant's own share of the rent.
    """
    return prorate_monthly_amount(monthly_rent, year, month, move_in=move_in, move_out=move_out)


def split_by_days(bill: int, days_by_occupant: Mapping[K, int]) -> dict[K, int]:
    """Share a utility bill among occupants in proportion to the days each lived there.

    Each share is rounded down to the yen; the few yen left over are the agency's, never
    charged to anyone. Occupants with 0 days pay nothing.
    """
    if bill < 0:
        raise ValueError("a bill cannot be negative")
    if any(d < 0 for d in days_by_occupant.values()):
        raise ValueError("days cannot be negative")
    total_days = sum(days_by_occupant.values())
    if total_days == 0:
        return dict.fromkeys(days_by_occupant, 0)
    return {
        occupant: to_yen(Decimal(bill) * days / total_days)
        for occupant, days in days_by_occupant.items()
    }
