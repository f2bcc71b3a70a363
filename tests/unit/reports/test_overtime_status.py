"""The overtime report's status against the 36協定's principle limits (45 h a month, 360 h a
year; 労基法36条4項: the limit itself is within) and the agency's 80 % warning share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.labor.overtime_agreement import WarningThresholds, caps_on
from haken.modules.reports.schemas import OvertimeStatus
from haken.modules.reports.service import overtime_status

CAPS = caps_on(dt.date(2026, 4, 1))
LIMITS = {
    "month_limit": CAPS.monthly_limit_minutes,
    "year_limit": CAPS.yearly_limit_minutes,
    "ratio": WarningThresholds().ratio,
}


def test_the_principle_limits_are_45_hours_and_360_hours() -> None:
    assert (CAPS.monthly_limit_minutes, CAPS.yearly_limit_minutes) == (45 * 60, 360 * 60)
    assert WarningThresholds().ratio == Decimal("0.8")


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [
        (0, 0, OvertimeStatus.OK),
        (36 * 60 - 1, 0, OvertimeStatus.OK),  # just under 80 % of 45 h
        (36 * 60, 36 * 60, OvertimeStatus.WARNING),  # 36 h: 80 % of 45 h
        (45 * 60, 45 * 60, OvertimeStatus.WARNING),  # 45 h itself is within the limit
        (45 * 60 + 1, 45 * 60 + 1, OvertimeStatus.OVER),
        (10 * 60, 288 * 60, OvertimeStatus.WARNING),  # 288 h: 80 % of 360 h in the year
        (10 * 60, 360 * 60 + 1, OvertimeStatus.OVER),  # the year over, the month not
    ],
)
def test_status(month: int, year: int, expected: OvertimeStatus) -> None:
    assert overtime_status(month, year, **LIMITS) is expected
