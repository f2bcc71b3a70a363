"""派遣元/派遣先管理台帳 rules against JP_DISPATCH.md §6 cases A3 and A4 (and the Civil Code
day boundaries of the retention period)."""

from __future__ import annotations

from datetime import date

import pytest

from haken.labor.dispatch_ledgers import (
    client_ledger_need,
    conflict_dates_shown,
    retention_until,
)


def test_a4_ended_2026_03_31_kept_until_2029_03_31() -> None:
    assert retention_until(date(2026, 3, 31)) == date(2029, 3, 31)


@pytest.mark.parametrize(
    ("ended", "kept_until"),
    [
        (date(2026, 3, 30), date(2029, 3, 30)),  # the day boundary: one day earlier
        (date(2026, 4, 1), date(2029, 4, 1)),
        (date(2026, 12, 31), date(2029, 12, 31)),
        (date(2026, 1, 31), date(2029, 1, 31)),
        (date(2026, 2, 28), date(2029, 2, 28)),
        # Counting starts the next day (民法140条): 2025-03-01 → ends the day before
        # 2028-03-01, which is 29 February in a leap year.
        (date(2025, 2, 28), date(2028, 2, 29)),
        # Starts 2028-02-29: no 29 February in 2031 → the month's last day (143条2項).
        (date(2028, 2, 28), date(2031, 2, 28)),
        (date(2028, 2, 29), date(2031, 2, 28)),
    ],
)
def test_retention_counts_three_years_from_the_day_after(ended: date, kept_until: date) -> None:
    assert retention_until(ended) == kept_until


def test_a3_five_or_fewer_needs_no_client_ledger() -> None:
    five = client_ledger_need(3, 2)
    assert five.required is False and five.total == 5
    six = client_ledger_need(4, 2)
    assert six.required is True and six.total == 6
    assert client_ledger_need(5, 0).required is False
    assert client_ledger_need(0, 6).required is True
    assert client_ledger_need(1, 5).required is True


def test_unknown_own_headcount_is_treated_as_required_and_said() -> None:
    need = client_ledger_need(1, None)
    assert need.required is True and need.total is None
    assert "未登録" in need.words


def test_negative_headcount_is_refused() -> None:
    with pytest.raises(ValueError):
        client_ledger_need(-1, 2)
    with pytest.raises(ValueError):
        client_ledger_need(1, -2)


def test_exempt_dispatch_states_no_conflict_dates() -> None:
    assert conflict_dates_shown(False) is True
    assert conflict_dates_shown(True) is False
