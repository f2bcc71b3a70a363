from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import BigInteger, Boolean, Date, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from haken.modules.audit.models import AuditEntry
from haken.modules.identity.models import AuthSession, OutboxEmail
from haken.platform import pagination
from haken.platform.db import UTCDateTime
from haken.platform.errors import InvalidCursorError
from haken.platform.pagination import (
    PageRequest,
    SortKey,
    configure_cursor_key,
    decode_cursor,
    encode_cursor,
)

SORT = (SortKey(AuditEntry.occurred_at, "desc"), SortKey(AuditEntry.id, "desc"))


class _Base(DeclarativeBase):
    """A table of every sort-column type, outside haken's metadata."""


class Row(_Base):
    __tablename__ = "cursor_types"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    day: Mapped[dt.date] = mapped_column(Date)
    moment: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    flag: Mapped[bool] = mapped_column(Boolean)


EVERY_TYPE = tuple(
    SortKey(column)
    for column in (Row.name, Row.day, Row.moment, Row.rate, Row.flag, Row.id)  # type: ignore[arg-type]
)
GOOD = ["山田", dt.date(2026, 1, 31), dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)]
GOOD += [Decimal("1200.50"), True, 42]


@pytest.fixture(autouse=True)
def cursor_key() -> Iterator[None]:
    """A key of its own; the app's key (process-wide, as in production) comes back after."""
    previous = pagination._CURSOR_KEY
    configure_cursor_key("unit-test-secret")
    yield
    pagination._CURSOR_KEY = previous


def test_cursor_round_trip_keeps_types() -> None:
    moment = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)
    assert decode_cursor(SORT, encode_cursor(SORT, [moment, 42])) == [moment, 42]
    assert decode_cursor(EVERY_TYPE, encode_cursor(EVERY_TYPE, GOOD)) == GOOD


def test_an_aware_time_in_another_zone_comes_back_as_utc() -> None:
    tokyo = dt.datetime(2026, 4, 1, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    (moment, _) = decode_cursor(SORT, encode_cursor(SORT, [tokyo, 1]))
    assert moment == tokyo and moment.tzinfo is dt.UTC


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "eyJrIjpbXX0", "a.b", "é.é", "..."])
def test_garbage_cursor_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, garbage)


def _unsigned(values: list[Any]) -> str:
    """The old format: base64 JSON anyone can write."""
    raw = json.dumps({"k": ["occurred_at", "id"], "v": values}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_unsigned_or_edited_cursor_is_refused() -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, _unsigned([{"dt": "2026-04-01T09:30:00+00:00"}, 42]))
    cursor = encode_cursor(SORT, [dt.datetime(2026, 4, 1, tzinfo=dt.UTC), 42])
    payload, mac = cursor.split(".")
    forged = base64.urlsafe_b64encode(b'["2026-04-01T00:00:00+00:00",43]').decode().rstrip("=")
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, f"{forged}.{mac}")
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, f"{payload}.{mac[:-1]}")


def test_cursor_for_another_list_or_sort_is_refused() -> None:
    values = [dt.datetime(2026, 4, 1, tzinfo=dt.UTC), 5]
    outbox = (SortKey(OutboxEmail.created_at, "desc"), SortKey(OutboxEmail.id, "desc"))
    sessions = (SortKey(AuthSession.created_at, "desc"), SortKey(AuthSession.id, "desc"))
    ascending = (SortKey(OutboxEmail.created_at, "asc"), SortKey(OutboxEmail.id, "asc"))
    cursor = encode_cursor(outbox, values)
    assert decode_cursor(outbox, cursor) == values
    for other in (SORT, sessions, ascending, (SortKey(OutboxEmail.id, "desc"),)):
        with pytest.raises(InvalidCursorError):
            decode_cursor(other, cursor)


def test_cursor_signed_with_another_secret_is_refused() -> None:
    cursor = encode_cursor(SORT, [dt.datetime(2026, 4, 1, tzinfo=dt.UTC), 5])
    configure_cursor_key("another-secret")
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, cursor)


@pytest.mark.parametrize(
    ("position", "value"),
    [
        (5, True),  # a bool for an int column
        (5, 2**63),  # beyond int64
        (5, -(2**63) - 1),
        (5, 1.5),
        (5, "42"),
        (5, [1]),
        (5, {"n": 1}),
        (5, None),
        (0, 7),  # an int for a string column
        (0, ["山田"]),
        (0, "a\x00b"),
        (0, "\ud800"),  # a lone surrogate: no UTF-8 for the database
        (1, "0000-01-01"),  # year 0
        (1, "2026-02-30"),
        (1, "2026-01-31T00:00:00+00:00"),
        (1, 20260131),
        (2, "2026-04-01T09:30:00"),  # naive
        (2, "0001-01-01T00:00:00+05:00"),  # before year 1 in UTC
        (2, "9999-12-31T23:00:00-05:00"),  # after year 9999 in UTC
        (2, "x" * 500),
        (3, "NaN"),
        (3, "Infinity"),
        (3, "1e999999"),
        (3, 12),
        (3, "twelve"),
        (4, 1),  # an int for a bool column
        (4, "true"),
    ],
)
def test_signed_cursor_with_values_the_column_cannot_hold_is_refused(
    position: int, value: Any
) -> None:
    values: list[Any] = [pagination._encode_value(v) for v in GOOD]
    values[position] = value
    # Signed (only the values are wrong); JSON escapes keep a lone surrogate writable.
    payload = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    cursor = f"{payload}.{pagination._mac(EVERY_TYPE, payload)}"
    with pytest.raises(InvalidCursorError):
        decode_cursor(EVERY_TYPE, cursor)


def test_wrong_number_of_values_is_refused() -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(SORT, encode_cursor(SORT, [dt.datetime(2026, 4, 1, tzinfo=dt.UTC)]))


class _Log:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def __getattr__(self, level: str) -> Any:
        return lambda event, **fields: self.calls.append((level, event, fields))


def test_refused_cursor_logs_one_short_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning with the reason: no traceback (``exception``), no cursor text."""
    forged = encode_cursor(SORT, [True, [[1]]])
    for cursor in (_unsigned([True, [[1]]]) + ".AAAA", forged):
        log = _Log()
        monkeypatch.setattr(pagination, "log", log)
        with pytest.raises(InvalidCursorError):
            decode_cursor(SORT, cursor)
        assert [(level, event) for level, event, _ in log.calls] == [("warning", "cursor refused")]
        assert len(str(log.calls[0][2])) < 100 and cursor not in str(log.calls[0][2])


def test_limit_bounds() -> None:
    with pytest.raises(ValueError):
        PageRequest(limit=0)
    with pytest.raises(ValueError):
        PageRequest(limit=201)
    assert PageRequest(limit=200).limit == 200
