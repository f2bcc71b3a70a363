"""Conversion from fixed-term to indefinite employment (無期転換, 労働契約法18条).

Source: JP_DISPATCH.md §4 (the brief). For a dispatch worker the employer is the agency,
so every fixed-term contract with the agency counts, whatever the client.

* **The right** arises when **two or more** fixed-term contracts with the same employer
  add up to **more than 5 years**. It arises at the **start of the contract during which
  the total passes 5 years**, not after 5 years of service: 1-year contracts from
  2013-04-01 give the right from 2018-04-01; two 3-year contracts from 2013-04-01 give it
  from 2016-04-01.
* Only contracts **starting on or after 2013-04-01** count.
* **Cooling (クーリング).** A gap with no contract resets the count when it is long
  enough. If the period counted before the gap is **1 year or more**, the gap must be **6
  months or more**. If it is under 1 year, the gap must be half that period rounded up to
  whole months (``required_cooling_months``, the brief's table).
* **Counting.** Each contract's length is counted by the calendar in whole months; the
  leftover days are added up across contracts, 30 days making a month (平成24年厚生労働省令
  第148号, via ``civil_periods.MonthsDays``). Contract periods are never rounded; only the
  required gap is rounded up to months (§4, **M**).

Not modelled: the 有期雇用特別措置法 exemptions (approved plans for highly skilled project
workers and for workers rehired after retirement age); the caller skips exempt workers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from haken.labor.civil_periods import MonthsDays, gap_at_least, length_of

COUNTING_STARTS = date(2013, 4, 1)
"""Only contracts starting on or after this day count (改正労働契約法 施行日)."""

CONVERSION_MONTHS = 60
"""The total must be *more than* 5 years."""

FULL_COOLING_MONTHS = 6
"""The gap that resets a count of 1 year or more."""

_SHORT_COOLING_TABLE: tuple[tuple[MonthsDays, int], ...] = (
    (MonthsDays(2), 1),
    (MonthsDays(4), 2),
    (MonthsDays(6), 3),
    (MonthsDays(8), 4),
    (MonthsDays(10), 5),
)
"""Prior period "up to and including" → gap needed, for prior periods under 1 year (§4)."""


@dataclass(frozen=True)
class FixedTermContract:
    """One fixed-term contract with the employer, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"contract ends ({self.end}) before it starts ({self.start})")

    @property
    def length(self) -> MonthsDays:
        """The contract's length in calendar months and leftover days."""
        return length_of(self.start, self.end)


def required_cooling_months(prior: MonthsDays) -> int:
    """Months of gap needed to reset a count of ``prior`` (the brief's table, §4).

    | Prior period        | Gap needed |
    |---------------------|------------|
    | ≤ 2 months          | 1 month    |
    | > 2 to ≤ 4 months   | 2 months   |
    | > 4 to ≤ 6 months   | 3 months   |
    | > 6 to ≤ 8 months   | 4 months   |
    | > 8 to ≤ 10 months  | 5 months   |
    | > 10 months         | 6 months   |

    The table is "half the prior period, rounded up to whole months"; 1 year or more needs
    6 months too, so everything over 10 months needs 6.
    """
    prior = prior.normalised()
    for limit, months in _SHORT_COOLING_TABLE:
        if not prior.exceeds_months(limit.months):
            return months
    return FULL_COOLING_MONTHS


@dataclass(frozen=True)
class _Count:
    total: MonthsDays
    contracts: int
    last_end: date


def _counted(contracts: Iterable[FixedTermContract]) -> list[FixedTermContract]:
    counted = sorted((c for c in contracts if c.start >= COUNTING_STARTS), key=lambda c: c.start)
    for before, after in itertools.pairwise(counted):
        if after.start <= before.end:
            raise ValueError(f"contracts overlap: {before} and {after}")
    return counted


def _walk(contracts: Iterable[FixedTermContract]) -> list[tuple[FixedTermContract, _Count]]:
    """Each counted contract with the running count after it (reset by cooling gaps)."""
    steps: list[tuple[FixedTermContract, _Count]] = []
    count: _Count | None = None
    for contract in _counted(contracts):
        if count is not None and gap_at_least(
            count.last_end, contract.start, required_cooling_months(count.total)
        ):
            count = None
        if count is None:
            count = _Count(contract.length.normalised(), 1, contract.end)
        else:
            count = _Count(count.total + contract.length, count.contracts + 1, contract.end)
        steps.append((contract, count))
    return steps


def counted_period(contracts: Iterable[FixedTermContract]) -> MonthsDays:
    """The 通算契約期間 after the last contract: the total since the last reset."""
    steps = _walk(contracts)
    return steps[-1][1].total if steps else MonthsDays()


def conversion_right_date(contracts: Iterable[FixedTermContract]) -> date | None:
    """The day the right to apply for indefinite conversion arises, or None.

    That is the start of the first contract which is at least the second in its count and
    whose end takes the total over 5 years. The worker may apply until that contract ends;
    the indefinite contract then starts the day after (§4).
    """
    for contract, count in _walk(contracts):
        if count.contracts >= 2 and count.total.exceeds_months(CONVERSION_MONTHS):
            return contract.start
    return None
