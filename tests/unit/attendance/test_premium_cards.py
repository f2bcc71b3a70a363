"""``attendance.service._premium_cards``: stored cards → premium cards in local time, the
rows of one span sharing one immutable card over a batch (the billing days' hot path)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from haken.labor.premiums import Timecard as PremiumCard
from haken.modules.attendance.service import CardCache, _premium_cards

UTC = dt.UTC


def _row(
    start: dt.datetime | None, end: dt.datetime | None, tz: str = "Asia/Tokyo", breaks: int = 60
) -> SimpleNamespace:
    return SimpleNamespace(start_at=start, end_at=end, timezone=tz, break_minutes=breaks)


def test_cards_are_local_times_and_rows_without_times_are_left_out() -> None:
    rows = [
        _row(dt.datetime(2026, 4, 5, 23, 0, tzinfo=UTC), dt.datetime(2026, 4, 6, 8, 0, tzinfo=UTC)),
        _row(None, None),  # a day of leave
    ]
    assert _premium_cards(rows) == [
        PremiumCard(
            start=dt.datetime(2026, 4, 6, 8, 0),
            end=dt.datetime(2026, 4, 6, 17, 0),
            break_minutes=60,
        )
    ]


def test_the_same_span_shares_one_card_over_a_batch_and_only_the_same() -> None:
    start = dt.datetime(2026, 4, 5, 23, 0, tzinfo=UTC)
    end = dt.datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
    shared: CardCache = {}
    first = _premium_cards([_row(start, end)], shared)
    second = _premium_cards([_row(start, end)], shared)
    assert first[0] is second[0]
    others = _premium_cards([_row(start, end, breaks=45), _row(start, end, tz="UTC")], shared)
    assert [c.break_minutes for c in others] == [45, 60]
    assert others[1].start == dt.datetime(2026, 4, 5, 23, 0)  # UTC wall clock, not Tokyo's
    assert all(c is not first[0] for c in others)
    assert len(shared) == 3
