"""Company-housing charges prorated by days (PRODUCT.md flow 3, PRIOR_ART.md §3.5).

The brief has no worked yen amounts for housing; the expected values are worked by hand
from the rule: monthly × days occupied ÷ days in the month, rounded down to the yen.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haken.labor.civil_periods import days_in_month
from haken.labor.housing import occupied_days, prorate_monthly_amount, prorated_rent, split_by_days


def test_half_of_april() -> None:
    # 60,000 × 15 / 30 = 30,000.
    assert prorated_rent(60_000, 2026, 4, move_in=date(2026, 4, 16)) == 30_000


def test_move_in_in_a_31_day_month_rounds_down() -> None:
    # 10 May - 31 May = 22 days; 60,000 × 22 / 31 = 42,580.64… → 42,580.
    assert prorated_rent(60_000, 2026, 5, move_in=date(2026, 5, 10)) == 42_580


def test_full_month_is_the_monthly_rent() -> None:
    assert prorated_rent(60_000, 2026, 5) == 60_000
    assert prorated_rent(60_000, 2026, 5, move_in=date(2026, 1, 1)) == 60_000
    full = {"move_in": date(2026, 5, 1), "move_out": date(2026, 5, 31)}
    assert prorated_rent(60_000, 2026, 5, **full) == 60_000


def test_stay_over_month_ends_is_prorated_in_the_last_month() -> None:
    # PRIOR_ART §3.5: the old code charged the final month in full. 20 March - 10 May:
    # March 12 days → 60,000 × 12 / 31 = 23,225.8 → 23,225; April in full; May 10 days
    # → 60,000 × 10 / 31 = 19,354.8 → 19,354.
    stay = {"move_in": date(2026, 3, 20), "move_out": date(2026, 5, 10)}
    assert prorated_rent(60_000, 2026, 3, **stay) == 23_225
    assert prorated_rent(60_000, 2026, 4, **stay) == 60_000
    assert prorated_rent(60_000, 2026, 5, **stay) == 19_354


def test_february_lengths() -> None:
    # 2027 has 28 days in February: move-out on the 14th → 14 days → half.
    assert prorated_rent(50_000, 2027, 2, move_out=date(2027, 2, 14)) == 25_000
    # 2028 has 29: a single day (move in and out the same day) is 58,000 / 29 = 2,000.
    one_day = date(2028, 2, 10)
    assert prorated_rent(58_000, 2028, 2, move_in=one_day, move_out=one_day) == 2_000


def test_rounds_down_not_half_up() -> None:
    # 1,000 × 2 / 30 = 66.67 → 66 (round-half-up would say 67).
    assert prorated_rent(1_000, 2026, 4, move_out=date(2026, 4, 2)) == 66


def test_outside_the_month_is_zero() -> None:
    assert prorated_rent(60_000, 2026, 4, move_in=date(2026, 5, 1)) == 0
    assert prorated_rent(60_000, 2026, 4, move_out=date(2026, 3, 31)) == 0


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="before move-in"):
        prorated_rent(60_000, 2026, 4, move_in=date(2026, 4, 10), move_out=date(2026, 4, 9))
    with pytest.raises(ValueError, match="negative"):
        prorated_rent(-1, 2026, 4)


def test_utilities_split_by_days() -> None:
    # 10,000 × 30/45 = 6,666.67 → 6,666; 10,000 × 15/45 = 3,333.33 → 3,333.
    assert split_by_days(10_000, {"a": 30, "b": 15}) == {"a": 6_666, "b": 3_333}
    assert split_by_days(10_000, {"a": 0, "b": 0}) == {"a": 0, "b": 0}
    with pytest.raises(ValueError, match="negative"):
        split_by_days(10_000, {"a": -1})


def test_flat_utilities_prorate_like_rent() -> None:
    assert prorate_monthly_amount(3_000, 2026, 4, move_in=date(2026, 4, 21)) == 1_000


MONTHS = st.tuples(st.integers(min_value=2020, max_value=2040), st.integers(1, 12))
RENTS = st.integers(min_value=0, max_value=500_000)


@given(RENTS, MONTHS, st.integers(min_value=1, max_value=31))
def test_prorated_is_between_zero_and_rent_and_monotone(
    rent: int, month: tuple[int, int], day: int
) -> None:
    year, mon = month
    day = min(day, days_in_month(year, mon))
    move_in = date(year, mon, day)
    charged = prorated_rent(rent, year, mon, move_in=move_in)
    assert 0 <= charged <= rent
    assert occupied_days(year, mon, move_in=move_in, move_out=None) == (
        days_in_month(year, mon) - day + 1
    )
    if day > 1:
        earlier = prorated_rent(rent, year, mon, move_in=move_in - timedelta(days=1))
        assert earlier >= charged


@given(RENTS, MONTHS, st.integers(min_value=1, max_value=30))
def test_parts_of_a_month_never_sum_above_the_rent(
    rent: int, month: tuple[int, int], split: int
) -> None:
    year, mon = month
    split = min(split, days_in_month(year, mon) - 1)
    out = date(year, mon, split)
    first = prorated_rent(rent, year, mon, move_out=out)
    second = prorated_rent(rent, year, mon, move_in=out + timedelta(days=1))
    assert first + second <= rent
    assert rent - (first + second) <= 1  # two round-downs lose at most a yen


@given(
    st.integers(min_value=0, max_value=200_000),
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 31), min_size=1),
)
def test_split_never_charges_more_than_the_bill(bill: int, days: dict[str, int]) -> None:
    shares = split_by_days(bill, days)
    assert set(shares) == set(days)
    assert sum(shares.values()) <= bill
    if sum(days.values()):
        assert bill - sum(shares.values()) < len(days)
