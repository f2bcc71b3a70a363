"""labor.business_report: business year, due dates (JP_DISPATCH A8) and the weighted
disclosure (A7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.labor.business_report import (
    disclosure,
    fiscal_year,
    fiscal_year_of,
    form11_due,
    form12_due,
    per_day,
    simple_average_rate,
    status_date,
)


def test_a8_year_ending_march_both_forms_due_30_june() -> None:
    # JP_DISPATCH A8: business year ending 2026-03-31 → 様式11号 due 2026-06-30; 様式12号
    # and 12号-2 due by 2026-06-30 (3 months after the year end).
    end = dt.date(2026, 3, 31)
    assert form11_due(end) == dt.date(2026, 6, 30)
    assert form12_due(end) == dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("end", "form11", "form12"),
    [
        (dt.date(2025, 12, 31), dt.date(2026, 6, 30), dt.date(2026, 3, 31)),
        (dt.date(2026, 6, 30), dt.date(2027, 6, 30), dt.date(2026, 9, 30)),
        (dt.date(2025, 11, 30), dt.date(2026, 6, 30), dt.date(2026, 2, 28)),
        (dt.date(2027, 11, 30), dt.date(2028, 6, 30), dt.date(2028, 2, 29)),
    ],
)
def test_due_dates_of_other_year_ends(end: dt.date, form11: dt.date, form12: dt.date) -> None:
    assert (form11_due(end), form12_due(end)) == (form11, form12)


def test_business_year_runs_april_to_march() -> None:
    assert fiscal_year(2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    assert status_date(2025) == dt.date(2026, 6, 1)


def test_a7_weighted_average_and_not_the_simple_mean() -> None:
    # A7: fee ¥20,000 and wage ¥14,000 per 8-hour day → 30.0 %.
    figures = disclosure(20_000 * 10, 14_000 * 10, 480 * 10, workers=3, clients=2)
    assert (figures.rate.average_fee, figures.rate.average_wage) == (20_000, 14_000)
    assert figures.rate.rate_pct == Decimal("30.0")
    assert (figures.workers, figures.clients) == (3, 2)
    # Two workers: 9 days at 20,000/14,000 (30 %) and 1 day at 10,000/9,000 (10 %).
    weighted = disclosure(9 * 20_000 + 10_000, 9 * 14_000 + 9_000, 480 * 10, workers=2, clients=1)
    assert weighted.rate.rate_pct == Decimal("28.9")  # (19,000 − 13,500) ÷ 19,000
    assert simple_average_rate([(20_000, 14_000), (10_000, 9_000)]) == Decimal("20.0")
    assert simple_average_rate([]) is None


def test_nothing_billed_has_no_rate() -> None:
    assert disclosure(0, 0, 0, workers=0, clients=0).rate.rate_pct is None
    assert per_day(30_000, 720) == 20_000
