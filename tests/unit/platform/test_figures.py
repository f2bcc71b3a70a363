"""The dashboard figures' month helpers (haken.platform.figures)."""

from __future__ import annotations

import datetime as dt

from haken.platform.figures import FigureScope, months_back, next_month


def test_next_month_rolls_over_the_year_from_any_day() -> None:
    assert next_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 1)
    assert next_month(dt.date(2026, 12, 3)) == dt.date(2027, 1, 1)
    assert next_month(dt.date(2028, 2, 29)) == dt.date(2028, 3, 1)


def test_months_back_ends_with_the_current_month_oldest_first() -> None:
    months = months_back(dt.date(2026, 3, 15), 12)
    assert len(months) == 12
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1)
    assert months == sorted(set(months))


def test_a_scope_knows_its_calendar_month() -> None:
    scope = FigureScope(today=dt.date(2026, 2, 10))
    assert (scope.month_start, scope.month_end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
