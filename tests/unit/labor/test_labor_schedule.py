"""Scheduled weekly hours of a contract and the 28-hour check at placement."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from haken.labor.residence import PlacementQuestion, ResidenceStatus, placement_questions
from haken.labor.schedule import (
    HoursCheck,
    check_weekly_hours,
    daily_hours,
    days_per_week,
    scheduled_weekly_hours,
)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("月〜金", 5),
        ("月〜金（会社カレンダーによる）", 5),
        ("月曜日から金曜日", 5),
        ("月～土", 6),
        ("月・水・金", 3),
        ("月水金", 3),
        ("土日", 2),
        ("月〜金、土", 6),
        ("金〜月", 4),  # over the weekend
        ("週3日", 3),
        ("週４日", 4),  # full-width digit
        ("Mon-Fri", 5),
        ("Mon, Wed, Fri", 3),
        ("3 days a week", 3),
        ("毎日", 7),
        ("", None),
        ("シフト制", None),
        ("会社カレンダーによる", None),
    ],
)
def test_days_per_week_reads_the_usual_forms(text: str, days: int | None) -> None:
    assert days_per_week(text) == days


def test_daily_hours_less_the_break_and_past_midnight() -> None:
    assert daily_hours(time(8, 0), time(17, 0), 60) == Decimal("8.00")
    assert daily_hours(time(9, 0), time(16, 0), 30) == Decimal("6.50")
    assert daily_hours(time(22, 0), time(6, 0), 60) == Decimal("7.00")


def test_scheduled_weekly_hours_needs_days_and_times() -> None:
    assert scheduled_weekly_hours("月〜金", time(8), time(17), 60) == Decimal("40.00")
    assert scheduled_weekly_hours("月〜木", time(9), time(16), 30) == Decimal("26.00")
    assert scheduled_weekly_hours("シフト制", time(9), time(16), 30) is None
    assert scheduled_weekly_hours("月〜金", None, time(16), 30) is None


@pytest.mark.parametrize(
    ("hours", "check"),
    [
        (Decimal("40"), HoursCheck.OVER),
        (Decimal("28.5"), HoursCheck.OVER),
        (Decimal("28"), HoursCheck.CLOSE),  # the limit itself is allowed, barely
        (Decimal("24.5"), HoursCheck.CLOSE),
        (Decimal("24"), HoursCheck.WITHIN),
        (Decimal("15"), HoursCheck.WITHIN),
        (None, HoursCheck.UNKNOWN),
    ],
)
def test_weekly_hours_against_the_28_hour_limit(hours: Decimal | None, check: HoursCheck) -> None:
    assert check_weekly_hours(hours, 28).check is check


def test_placement_questions_follow_the_status() -> None:
    q = PlacementQuestion
    assert placement_questions(None) == ()
    assert placement_questions(ResidenceStatus.PERMANENT_RESIDENT) == ()
    assert placement_questions(ResidenceStatus.TEMPORARY_VISITOR) == ()
    assert placement_questions(ResidenceStatus.STUDENT) == (
        q.STUDENT_ENROLLED,
        q.ADULT_ENTERTAINMENT,
    )
    assert placement_questions(ResidenceStatus.DEPENDENT) == (q.ADULT_ENTERTAINMENT,)
    assert placement_questions(ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL) == (
        q.WORK_MATCHES_STATUS,
    )
    assert placement_questions(ResidenceStatus.SPECIFIED_SKILLED_WORKER_1) == (
        q.SPECIFIED_SKILLED_FIELD,
        q.AGENCY_QUALIFIED_FOR_FIELD,
    )
    assert placement_questions(ResidenceStatus.DESIGNATED_ACTIVITIES) == (
        q.DESIGNATION_PERMITS_WORK,
    )
    assert placement_questions(ResidenceStatus.EMPLOYMENT_FOR_SKILL_DEVELOPMENT) == (
        q.SUPERVISED_DISPATCH_TYPE,
    )
