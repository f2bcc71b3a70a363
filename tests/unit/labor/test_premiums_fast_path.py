"""haken.labor.premiums' fast path for a plain day shift (one card on one date, no late-night
minute, within the scheduled minutes and the 8 h / 40 h, not a statutory rest day): on a grid
of shifts and weeks, the classification equals the general path's minute by minute; and the
fast path is taken where it should be, and only there.

Calendar: 2026-04-05 is a Sunday (the statutory rest day unless a test says otherwise).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from haken.labor import premiums
from haken.labor.premiums import (
    PremiumMinutes,
    PremiumResult,
    Timecard,
    WorkSettings,
    classify,
    rules_on,
)

RULES = rules_on(dt.date(2026, 4, 1))
SUNDAY_5TH = dt.date(2026, 4, 5)
STARTS = [dt.time(h, m) for h, m in ((4, 0), (5, 0), (6, 30), (8, 0), (9, 0), (13, 0),
                                     (14, 0), (16, 45), (21, 0), (22, 0))]  # fmt: skip
LENGTHS = [60, 239, 240, 241, 479, 480, 481, 540, 541, 600, 720]
BREAKS = [0, 45, 60]


def _card(day: dt.date, start: dt.time, minutes: int, break_minutes: int) -> Timecard | None:
    begin = dt.datetime.combine(day, start)
    span = minutes + break_minutes
    if span <= break_minutes:
        return None
    return Timecard(begin, begin + dt.timedelta(minutes=span), break_minutes=break_minutes)


def _general(monkeypatch: pytest.MonkeyPatch, *args: Any, **kwargs: Any) -> PremiumResult:
    with monkeypatch.context() as patched:
        patched.setattr(premiums, "_plain_day", lambda *_a, **_k: None)
        return classify(*args, **kwargs)


def _taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wrap the fast path: the worked minutes of every day it classified."""
    taken: list[int] = []
    original = premiums._plain_day

    def spy(*args: Any) -> int | None:
        found = original(*args)
        if found is not None:
            taken.append(found)
        return found

    monkeypatch.setattr(premiums, "_plain_day", spy)
    return taken


@pytest.mark.parametrize("scheduled", [480, 240, 0])
def test_one_card_a_day_equals_the_general_path(
    monkeypatch: pytest.MonkeyPatch, scheduled: int
) -> None:
    settings = WorkSettings(scheduled_minutes=scheduled)
    compared = 0
    for offset, start, length, pause in itertools.product(range(7), STARTS, LENGTHS, BREAKS):
        card = _card(SUNDAY_5TH + dt.timedelta(days=offset), start, length, pause)
        if card is None:
            continue
        fast = classify([card], settings, RULES)
        assert fast == _general(monkeypatch, [card], settings, RULES), (card, scheduled)
        compared += 1
    assert compared == 7 * len(STARTS) * len(LENGTHS) * len(BREAKS)


@pytest.mark.parametrize(
    ("length", "days", "week_start"),
    [(480, 6, 6), (480, 7, 0), (420, 6, 6), (600, 6, 6), (360, 7, 2)],
)
def test_weeks_of_day_shifts_equal_the_general_path(
    monkeypatch: pytest.MonkeyPatch, length: int, days: int, week_start: int
) -> None:
    """Weeks of day shifts (08:00 on): the 40 h reached within the week, the 60 h month,
    Saturdays and a rest date that is not a Sunday."""
    settings = WorkSettings(
        week_start=week_start, rest_dates=frozenset({dt.date(2026, 4, 15)}), month_start_day=1
    )
    days_worked = [
        dt.date(2026, 4, 1) + dt.timedelta(days=offset) for offset in range(35) if offset % 7 < days
    ]
    cards = [c for d in days_worked if (c := _card(d, dt.time(8), length, 60)) is not None]
    period = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    fast = classify(cards, settings, RULES, period=period)
    general = _general(monkeypatch, cards, settings, RULES, period=period)
    assert fast == general
    assert fast.minutes.total == sum(c.worked_minutes for c in cards if c.start.date() <= period[1])


def test_the_fast_path_takes_plain_days_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mon 6 April 08:00–17:00 (60 min break): 480 regular, by the fast path. Not taken: the
    Sunday (rest day), a card ending at 22:30 (30 late-night minutes), a 9-hour day (overtime),
    two cards on one day, a card across midnight."""
    taken = _taken(monkeypatch)
    settings = WorkSettings()
    monday = dt.datetime(2026, 4, 6, 8, 0)
    plain = Timecard(monday, monday + dt.timedelta(hours=9), break_minutes=60)
    result = classify([plain], settings, RULES)
    assert result.minutes == PremiumMinutes(regular=480)
    assert taken == [480]
    taken.clear()
    others = [
        [Timecard(dt.datetime(2026, 4, 5, 8), dt.datetime(2026, 4, 5, 17), break_minutes=60)],
        [Timecard(dt.datetime(2026, 4, 7, 14), dt.datetime(2026, 4, 7, 22, 30), break_minutes=30)],
        [Timecard(dt.datetime(2026, 4, 8, 8), dt.datetime(2026, 4, 8, 18), break_minutes=60)],
        [
            Timecard(dt.datetime(2026, 4, 9, 8), dt.datetime(2026, 4, 9, 12)),
            Timecard(dt.datetime(2026, 4, 9, 13), dt.datetime(2026, 4, 9, 17)),
        ],
        [Timecard(dt.datetime(2026, 4, 10, 20), dt.datetime(2026, 4, 11, 1))],
    ]
    for cards in others:
        classify(cards, settings, RULES)
    assert taken == []
    # The late-night card: 30 of its minutes are night, so it had to be the general path.
    night = classify(others[1], settings, RULES).minutes
    assert (night.regular, night.regular_night) == (450, 30)


def test_a_day_change_after_the_night_end_keeps_the_previous_working_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Day change 06:00: a card from 05:30 belongs to the day before (a Sunday here is the
    rest day of the working day, not of the card's date): both paths agree."""
    settings = WorkSettings(day_change=dt.time(6, 0))
    for day in range(5, 12):
        start = dt.datetime(2026, 4, day, 5, 30)
        card = Timecard(start, start + dt.timedelta(hours=6))
        assert classify([card], settings, RULES) == _general(monkeypatch, [card], settings, RULES)


def test_the_total_is_the_cell_wise_sum_of_the_days() -> None:
    """The result's total (summed once, not day by day) equals the days added one by one,
    and every cell of the sum is the sum of that cell."""
    settings = WorkSettings(scheduled_minutes=420)
    cards = [
        Timecard(dt.datetime(2026, 4, 6, 8), dt.datetime(2026, 4, 6, 17), break_minutes=60),
        Timecard(dt.datetime(2026, 4, 7, 14), dt.datetime(2026, 4, 8, 1), break_minutes=60),
        Timecard(dt.datetime(2026, 4, 12, 9), dt.datetime(2026, 4, 12, 20), break_minutes=60),
    ]
    result = classify(cards, settings, RULES)
    added = PremiumMinutes()
    for day in result.days:
        added = added + day.minutes
    assert result.minutes == added
    # 6th: 480 worked: 420 regular + 60 法内残業. 7th: 14:00–01:00 less the mid-span break
    # 19:00–20:00 = 600: 420 regular to 22:00, 60 法内 22:00–23:00, 120 overtime 23:00–01:00;
    # night 22:00–01:00 = 180. 12th (Sunday, the rest day): 600 rest-day minutes.
    assert result.minutes.rest_day == 600
    assert result.minutes.total == sum(c.worked_minutes for c in cards)
    assert result.minutes.night == 180
    assert (result.minutes.overtime, result.minutes.within_statutory_night) == (120, 60)
