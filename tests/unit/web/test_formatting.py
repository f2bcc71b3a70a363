"""Dates and times on pages: Japanese style on Japanese pages, the agency's zone, no seconds."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest

from haken.platform import context
from haken.web.formatting import (
    format_clock,
    format_day,
    format_iso_text,
    format_moment,
    format_range,
    format_yearmonth,
    format_yen,
)
from haken.web.render import environment

T = TypeVar("T")
DAY = dt.date(2026, 12, 2)  # a Wednesday
# 06:04:59 UTC is 15:04:59 in Tokyo (UTC+9, no daylight saving).
INSTANT = dt.datetime(2026, 12, 2, 6, 4, 59, tzinfo=dt.UTC)


def in_locale(locale: str, call: Callable[[], T]) -> T:
    """Run ``call`` with the request's locale set, without leaking it to other tests."""

    def run() -> T:
        context.set_locale(locale)
        return call()

    return contextvars.copy_context().run(run)


def test_a_day_in_japanese_and_english() -> None:
    assert format_day(DAY, locale="ja") == "2026年12月2日"
    assert format_day(DAY, locale="ja", weekday=True) == "2026年12月2日(水)"
    assert format_day(DAY, locale="en") == "2 Dec 2026"
    assert format_day(DAY, locale="en", weekday=True) == "Wed 2 Dec 2026"
    assert format_day(dt.date(2026, 4, 1), locale="ja") == "2026年4月1日"  # no zero padding
    assert format_day(None) == ""


def test_the_language_comes_from_the_request() -> None:
    assert in_locale("ja", lambda: format_day(DAY)) == "2026年12月2日"
    assert in_locale("en", lambda: format_day(DAY)) == "2 Dec 2026"


def test_a_stored_utc_instant_is_shown_in_tokyo_without_seconds() -> None:
    assert format_moment(INSTANT, zone="Asia/Tokyo", locale="ja") == "2026年12月2日 15:04"
    assert format_moment(INSTANT, zone="Asia/Tokyo", locale="en") == "2 Dec 2026, 15:04"
    # 15:30 UTC on the 1st is already the 2nd in Tokyo.
    late = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)
    assert format_moment(late, zone="Asia/Tokyo", locale="ja") == "2026年12月2日 00:30"
    assert format_moment(late, zone="UTC", locale="ja") == "2026年12月1日 15:30"
    # a naive value is UTC (what the database stores)
    assert format_moment(INSTANT.replace(tzinfo=None), locale="ja") == "2026年12月2日 15:04"
    assert format_moment(None) == ""


def test_times_are_hours_and_minutes() -> None:
    assert format_clock(dt.time(8, 5, 30)) == "08:05"  # a wall-clock time as it is
    assert format_clock(INSTANT, zone="Asia/Tokyo") == "15:04"
    assert format_clock(None) == ""


def test_ranges_use_the_wave_dash_in_japanese_and_may_stay_open() -> None:
    start, end = dt.date(2026, 4, 1), dt.date(2027, 3, 31)
    assert format_range(start, end, locale="ja") == "2026年4月1日〜2027年3月31日"
    assert format_range(start, None, locale="ja") == "2026年4月1日〜"
    assert format_range(None, end, locale="ja") == "〜2027年3月31日"
    assert format_range(start, end, locale="en") == "1 Apr 2026 – 31 Mar 2027"
    assert format_range(start, None, locale="en") == "1 Apr 2026 –"
    assert format_range(None, None, locale="ja") == ""
    assert format_range(dt.time(8, 30), dt.time(17, 30), locale="ja") == "08:30〜17:30"


def test_year_month_and_money() -> None:
    assert format_yearmonth(DAY, locale="ja") == "2026年12月"
    assert format_yearmonth(DAY, locale="en") == "Dec 2026"
    assert format_yen(1234) == "¥1,234"
    assert format_yen(Decimal("1500.00")) == "¥1,500"
    assert format_yen(Decimal("1500.50")) == "¥1,500.50"
    assert format_yen(-6011874) == "-¥6,011,874"  # a margin below cost
    assert format_yen(Decimal("-12.50")) == "-¥12.50"


def test_iso_text_from_snapshots_is_shown_as_a_date() -> None:
    assert in_locale("ja", lambda: format_iso_text("2026-04-01")) == "2026年4月1日"
    shown = in_locale("ja", lambda: format_iso_text("2026-12-02T06:04:59+00:00"))
    assert shown == "2026年12月2日 15:04"
    assert format_iso_text("AB12345678CD") == "AB12345678CD"
    assert format_iso_text("2026-13-45") == "2026-13-45"  # not a date: left as it is


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("ja", "Asia/Tokyo", "2026年12月2日|2026年12月2日 15:04|15:04|2026年4月1日〜|2026年12月"),
        ("en", "Asia/Tokyo", "2 Dec 2026|2 Dec 2026, 15:04|15:04|1 Apr 2026 –|Dec 2026"),
        ("ja", "UTC", "2026年12月2日|2026年12月2日 06:04|06:04|2026年4月1日〜|2026年12月"),
    ],
)
def test_the_template_filters(locale: str, zone: str, expected: str) -> None:
    template = environment().from_string(
        "{{ day|date }}|{{ at|datetime }}|{{ at|time }}"
        "|{{ start|daterange(none) }}|{{ day|yearmonth }}"
    )
    values = {"day": DAY, "at": INSTANT, "start": dt.date(2026, 4, 1), "timezone": zone}
    assert in_locale(locale, lambda: template.render(**values)) == expected
