"""地域別最低賃金: the shipped tables against the reference data, and the rule's boundaries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from haken.labor.minimum_wage import (
    PREFECTURE_CODES,
    MinimumWage,
    MinimumWageTable,
    RatePeriod,
    fiscal_year_of,
    is_below,
    shipped_amounts,
    shortfalls,
)
from haken.platform.jptext import PREFECTURES

REFERENCE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "reference"
    / "minimum_wage_fy2024_fy2025.json"
)
D = dt.date
TABLE = MinimumWageTable(shipped_amounts())


def _short(name: str) -> str:
    """The reference names prefectures without 都/府/県 (北海道 stays whole)."""
    return name if name == "北海道" else name[:-1]


@pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/data/reference not beside the clone")
def test_shipped_tables_match_the_reference_file() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    rows = {row["prefecture"]: row for row in reference["rows"]}
    assert len(rows) == 47
    for code in PREFECTURE_CODES:
        row = rows[_short(PREFECTURES[code])]
        fy2024 = [a for a in TABLE.amounts(code) if a.fiscal_year == 2024]
        fy2025 = [a for a in TABLE.amounts(code) if a.fiscal_year == 2025]
        assert [a.hourly_yen for a in fy2024] == [row["fy2024_yen"]], code
        assert [(a.hourly_yen, a.effective_from) for a in fy2025] == [
            (row["fy2025_yen"], D.fromisoformat(row["fy2025_effective"]))
        ], code


def test_every_prefecture_has_both_shipped_years() -> None:
    assert TABLE.prefectures_missing(2024) == []
    assert TABLE.prefectures_missing(2025) == []
    assert TABLE.fiscal_years() == {2024, 2025}


def test_published_values_by_hand() -> None:
    # MHLW 令和7年度 全国一覧: 東京 1,163 → 1,226 from 2025-10-03; 愛知 1,077 → 1,140 from
    # 2025-10-18; 秋田 951 → 1,031 only from 2026-03-31; highest 東京, lowest 高知・宮崎・沖縄.
    tokyo, aichi, akita = "13", "23", "05"
    assert TABLE.in_force(tokyo, D(2025, 10, 2)).hourly_yen == 1163  # type: ignore[union-attr]
    assert TABLE.in_force(tokyo, D(2025, 10, 3)).hourly_yen == 1226  # type: ignore[union-attr]
    assert TABLE.in_force(aichi, D(2025, 10, 17)).hourly_yen == 1077  # type: ignore[union-attr]
    assert TABLE.in_force(aichi, D(2025, 10, 18)).hourly_yen == 1140  # type: ignore[union-attr]
    assert TABLE.in_force(akita, D(2026, 3, 30)).hourly_yen == 951  # type: ignore[union-attr]
    assert TABLE.in_force(akita, D(2026, 3, 31)).hourly_yen == 1031  # type: ignore[union-attr]
    fy2025 = {a.prefecture: a.hourly_yen for a in shipped_amounts() if a.fiscal_year == 2025}
    assert max(fy2025.values()) == fy2025[tokyo] == 1226
    assert min(fy2025.values()) == 1023
    assert {c for c, v in fy2025.items() if v == 1023} == {"39", "45", "47"}


def test_a_fy2024_amount_applies_to_every_earlier_day() -> None:
    # The source gives no FY2024 effective dates: the amount covers everything before FY2025's.
    amount = TABLE.in_force("23", D(2020, 1, 1))
    assert amount is not None and (amount.fiscal_year, amount.effective_from) == (2024, None)


def test_fiscal_year_runs_april_to_march() -> None:
    assert fiscal_year_of(D(2026, 3, 31)) == 2025
    assert fiscal_year_of(D(2026, 4, 1)) == 2026


def test_the_current_years_amounts_are_missing_only_from_october() -> None:
    assert TABLE.missing_current_year(D(2026, 9, 30)) is None
    assert TABLE.missing_current_year(D(2026, 10, 1)) == 2026
    assert TABLE.missing_current_year(D(2027, 3, 31)) == 2026
    assert TABLE.missing_current_year(D(2025, 10, 1)) is None  # FY2025 is shipped
    with_2026 = MinimumWageTable(
        [*shipped_amounts()]
        + [MinimumWage(c, 2026, 1300, D(2026, 10, 1), shipped=False) for c in PREFECTURE_CODES]
    )
    assert with_2026.missing_current_year(D(2026, 12, 1)) is None


def test_below_is_strict_and_in_yen() -> None:
    amount = MinimumWage("23", 2025, 1140, D(2025, 10, 18))
    assert is_below(Decimal("1139.99"), amount)
    assert not is_below(Decimal("1140.00"), amount)


def _entered(yen: int, day: dt.date) -> MinimumWageTable:
    return MinimumWageTable([*shipped_amounts(), MinimumWage("23", 2026, yen, day, shipped=False)])


def test_shortfall_ahead_the_day_before_and_on_the_day() -> None:
    table = _entered(1200, D(2026, 10, 15))
    rates = [RatePeriod(D(2026, 4, 1), Decimal("1150"))]
    common = {"start": D(2026, 4, 1), "end": D(2027, 3, 31), "within_days": 60}
    # 60 days before the new amount: warned ahead; 61 days before: not yet.
    ahead = shortfalls(table, "23", rates, today=D(2026, 8, 16), **common)
    assert [(s.amount.hourly_yen, s.day, s.in_force_now) for s in ahead] == [
        (1200, D(2026, 10, 15), False)
    ]
    assert shortfalls(table, "23", rates, today=D(2026, 8, 15), **common) == []
    # The day before it takes effect still ahead; on the day it is in force (already below).
    before = shortfalls(table, "23", rates, today=D(2026, 10, 14), **common)
    assert [s.in_force_now for s in before] == [False]
    on_the_day = shortfalls(table, "23", rates, today=D(2026, 10, 15), **common)
    assert [(s.amount.hourly_yen, s.in_force_now) for s in on_the_day] == [(1200, True)]


def test_a_scheduled_raise_or_an_earlier_end_clears_the_warning() -> None:
    table = _entered(1200, D(2026, 10, 15))
    raised = [
        RatePeriod(D(2026, 4, 1), Decimal("1150")),
        RatePeriod(D(2026, 10, 15), Decimal("1200")),
    ]
    today = D(2026, 9, 1)
    assert (
        shortfalls(table, "23", raised, start=D(2026, 4, 1), end=D(2027, 3, 31), today=today,
                   within_days=60)
        == []
    )  # fmt: skip
    flat = [RatePeriod(D(2026, 4, 1), Decimal("1150"))]
    assert (
        shortfalls(table, "23", flat, start=D(2026, 4, 1), end=D(2026, 10, 14), today=today,
                   within_days=60)
        == []
    )  # fmt: skip
