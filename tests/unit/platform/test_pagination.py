from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.modules.audit.models import AuditEntry
from haken.platform.errors import InvalidCursorError
from haken.platform.pagination import PageRequest, SortKey, decode_cursor, encode_cursor

SORT = (SortKey(AuditEntry.occurred_at, "desc"), SortKey(AuditEntry.id, "desc"))


def test_cursor_round_trip_keeps_types() -> None:
    moment = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)
    cursor = encode_cursor(SORT, [moment, 42])
    assert decode_cursor(SORT, cursor) == [moment, 42]
    other = (SortKey(AuditEntry.entity_id), SortKey(AuditEntry.id))
    for value in ("山田", Decimal("1200.50"), dt.date(2026, 1, 31)):
        assert decode_cursor(other, encode_cursor(other, [value, 1])) == [value, 1]


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "eyJrIjpbXX0"])
def test_garbage_cursor_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, garbage)


def test_cursor_for_another_sort_is_refused() -> None:
    cursor = encode_cursor((SortKey(AuditEntry.id),), [5])
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, cursor)


def test_limit_bounds() -> None:
    with pytest.raises(ValueError):
        PageRequest(limit=0)
    with pytest.raises(ValueError):
        PageRequest(limit=201)
    assert PageRequest(limit=200).limit == 200
