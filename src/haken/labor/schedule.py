"""Scheduled working time of a dispatch contract (個別契約 items 5 and 6), and the 28-hour check.

A contract states its working days as text (派遣就業をする日: "月〜金", "Mon-Fri",
"月・水・金", "週3日") and its hours as a start, an end and a break. ``days_per_week``
reads the usual forms and answers None for anything else; ``scheduled_weekly_hours``
multiplies the day's hours by it.

``check_weekly_hours`` is the placement-time check for a worker under a 資格外活動許可
(留学, 家族滞在 …; 入管法19条2項, 施行規則19条5項): the limit (28 hours a week under a
blanket permission) is for all employers together, and the agency cannot see the worker's
other jobs, so

* scheduled hours above the limit are a certain violation: the placement is refused;
* scheduled hours within ``CLOSE_MARGIN_HOURS`` of it leave almost no room for any other
  job or for overtime: the placement is made with a warning;
* hours that cannot be computed (days or times not stated in a readable form) are warned of.

The 8-hours-a-day long-vacation exception of 留学 (a contract only within the school's
declared vacations) is not modelled here: such a contract is checked like any other, and the
attendance checks (``residence.find_hours_violations``) apply the vacation rule to hours
actually worked.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

CLOSE_MARGIN_HOURS = 4
"""Scheduled hours more than the limit minus this (24 of 28) are warned of."""

_JA_DAYS = "月火水木金土日"
_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = r"\s*(?:〜|～|~|-|–|—|から|to)\s*"
_DAY_NAME = r"(?:[月火水木金土日](?:曜日?)?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)"


def _day_index(token: str) -> int | None:
    token = token.strip().lower()
    if not token:
        return None
    if token[0] in _JA_DAYS:
        return _JA_DAYS.index(token[0])
    for index, name in enumerate(_EN_DAYS):
        if token.startswith(name):
            return index
    return None


def days_per_week(text: str) -> int | None:
    """How many days a week the text names, or None when it is not a form read here.

    Read: "週N日" / "N days a week"; a range of weekdays ("月〜金", "Mon-Fri", "月曜日から
    金曜日"); a list ("月・水・金", "Mon, Wed, Fri"); a range plus days ("月〜金・土").
    A note in brackets ("（会社カレンダーによる）") is ignored.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[（(\[【].*?[）)\]】]", " ", text).strip()
    if not text:
        return None
    if text in ("毎日", "every day", "daily"):
        return 7
    count = re.search(r"週\s*(\d)\s*日|(\d)\s*days?\s*(?:a|per)\s*week", text)
    if count:
        value = int(count.group(1) or count.group(2))
        return value if 1 <= value <= 7 else None
    days: set[int] = set()
    rest = text
    for match in re.finditer(f"({_DAY_NAME}){_RANGE}({_DAY_NAME})", text):
        first, last = _day_index(match.group(1)), _day_index(match.group(2))
        if first is None or last is None:
            return None
        span = (last - first) % 7
        days.update((first + i) % 7 for i in range(span + 1))
        rest = rest.replace(match.group(0), " ", 1)
    for token in re.split(r"[・、,/\s]+|及び|および|and", rest):
        token = token.strip()
        if not token:
            continue
        if re.fullmatch(f"[{_JA_DAYS}]+", token):  # "土日", "月水金"
            days.update(_JA_DAYS.index(char) for char in token)
            continue
        if not re.fullmatch(_DAY_NAME, token):
            return None
        index = _day_index(token)
        if index is None:
            return None
        days.add(index)
    return len(days) or None


def daily_hours(start: time, end: time, break_minutes: int) -> Decimal:
    """Hours worked in a day from start to end (past midnight when the end is earlier)
    less the break."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        minutes += 24 * 60
    worked = max(minutes - break_minutes, 0)
    return (Decimal(worked) / Decimal(60)).quantize(Decimal("0.01"))


def scheduled_weekly_hours(
    working_days: str, start: time | None, end: time | None, break_minutes: int
) -> Decimal | None:
    """The contract's scheduled hours a week, or None when the days or times are unknown."""
    days = days_per_week(working_days)
    if days is None or start is None or end is None:
        return None
    return daily_hours(start, end, break_minutes) * days


class HoursCheck(enum.StrEnum):
    """The answer of ``check_weekly_hours``."""

    WITHIN = "WITHIN"
    CLOSE = "CLOSE"
    """Within the limit but less than ``CLOSE_MARGIN_HOURS`` below it: warned of."""
    OVER = "OVER"
    """Above the limit on the schedule alone: refused."""
    UNKNOWN = "UNKNOWN"
    """The contract's hours cannot be computed: warned of."""


@dataclass(frozen=True)
class WeeklyHours:
    check: HoursCheck
    scheduled: Decimal | None
    limit: int


def check_weekly_hours(scheduled: Decimal | None, limit: int) -> WeeklyHours:
    """Scheduled weekly hours against a 資格外活動 limit (see the module docstring)."""
    if scheduled is None:
        return WeeklyHours(HoursCheck.UNKNOWN, None, limit)
    if scheduled > limit:
        return WeeklyHours(HoursCheck.OVER, scheduled, limit)
    if scheduled > limit - CLOSE_MARGIN_HOURS:
        return WeeklyHours(HoursCheck.CLOSE, scheduled, limit)
    return WeeklyHours(HoursCheck.WITHIN, scheduled, limit)
