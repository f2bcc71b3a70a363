"""haken.labor.invoicing.billed_minutes (the batch's one pass over a worker's days) against
round_daily of each band over bands_from_ledger, the definition it replaces in the billing
batch: the same minutes for every band, in BAND_ORDER, and the same refusal of a negative
count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haken.labor.invoicing import (
    BAND_ORDER,
    MinuteRounding,
    bands_from_ledger,
    billed_minutes,
    round_daily,
)

SUMMARY_KEYS = ("regular", "within_statutory_overtime", "overtime", "night", "rest_day")


@st.composite
def day(draw: st.DrawFn) -> dict[str, int]:
    found = {key: draw(st.integers(0, 900)) for key in SUMMARY_KEYS}
    found["overtime_over_60h"] = draw(st.integers(0, found["overtime"]))
    return found


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    days=st.lists(day(), max_size=31),
    unit=st.sampled_from([1, 15, 30]),
    mode=st.sampled_from(list(MinuteRounding)),
)
def test_billed_minutes_equal_each_bands_daily_rounding(
    days: list[dict[str, int]], unit: int, mode: MinuteRounding
) -> None:
    per_day = [bands_from_ledger(d) for d in days]
    expected = {band: round_daily((d[band] for d in per_day), unit, mode) for band in BAND_ORDER}
    found = billed_minutes(days, unit, mode)
    assert found == expected
    assert list(found) == list(BAND_ORDER)


def test_a_day_of_15_minute_rounding() -> None:
    """8 h 14 min regular and 23 minutes of overtime, down to the quarter hour: 480 + 15;
    to the nearest: 495 + 30 (14 and 8 minutes past a quarter: up)."""
    one = {"regular": 494, "overtime": 23}
    assert billed_minutes([one], 15, MinuteRounding.DOWN)[BAND_ORDER[0]] == 480
    down = billed_minutes([one, one], 15, MinuteRounding.DOWN)
    nearest = billed_minutes([one, one], 15, MinuteRounding.NEAREST)
    assert (down[BAND_ORDER[0]], down[BAND_ORDER[1]]) == (960, 30)
    assert (nearest[BAND_ORDER[0]], nearest[BAND_ORDER[1]]) == (990, 60)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        billed_minutes([{"overtime": 10, "overtime_over_60h": 20}], 15, MinuteRounding.DOWN)
