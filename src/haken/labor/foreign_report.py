"""外国人雇用状況の届出 (労働施策総合推進法28条): whether a report is due and by when.
Pure, stdlib only (JP_DISPATCH.md §2.4, case B20).

- No report for 特別永住者, 外交, 公用.
- Insured for employment insurance (the details ride on 資格取得届/喪失届): a hire by the 10th
  of the following month; a separation within 10 days counting from the day after.
- Not insured (様式第3号): hire and separation by the end of the following month.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

# The codes of labor.residence.ResidenceStatus.
EXEMPT_STATUSES = frozenset({"SPECIAL_PERMANENT_RESIDENT", "DIPLOMAT", "OFFICIAL"})


def _next_month(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def report_due(
    event: str, day: date, *, insured: bool, residence_status: str | None
) -> date | None:
    """The due date of the report of ``event`` ("hire" or "separation") on ``day``; None when
    no report is required (特別永住者, 外交, 公用, or no residence status: a Japanese national)."""
    if residence_status is None or residence_status in EXEMPT_STATUSES:
        return None
    if event not in {"hire", "separation"}:
        raise ValueError(f"unknown event {event!r}")
    year, month = _next_month(day)
    if not insured:
        return date(year, month, monthrange(year, month)[1])
    if event == "hire":
        return date(year, month, 10)
    return day + timedelta(days=10)  # 10 days counting from the day after
