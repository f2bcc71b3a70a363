"""Cursor (keyset) pagination that repositories apply to their statements.

A cursor carries the sort-key values of the last row on the page, so page 100
costs what page 1 costs: an index range scan, no OFFSET. The last sort key must
be unique (the primary key) so that the order is total.

Format (``v1``): ``<payload>.<mac>``, both URL-safe base64 without padding.
``payload`` is the JSON list of the values (dates, times and decimals as ISO
strings); ``mac`` is the first 16 bytes of HMAC-SHA256 over the list's identity
(``table.column:direction`` of every sort key) and the payload, under a key
derived from the secret key (:func:`configure_cursor_key`, called once by
create_app). A cursor is opaque to clients: a forged or edited one, or one
taken from another list or sort, is ``INVALID_CURSOR`` (400). The values are
then checked against the sort columns' types before they reach SQL.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from haken.platform.errors import InvalidCursorError
from haken.platform.logging import get_logger
from haken.platform.responses import Pagination

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_CURSOR_LENGTH = 1024
Row = TypeVar("Row")

log = get_logger(__name__)

_MAC_BYTES = 16
_INT64 = (-(2**63), 2**63 - 1)
_KEY_CONTEXT = b"haken pagination cursor v1"
_CURSOR_KEY: bytes | None = None


def configure_cursor_key(secret: str) -> None:
    """Install the process-wide key that signs cursors (create_app calls this once).

    Derived from the secret key for this one use, so a cursor's MAC is never a
    valid signature of anything else signed with the secret key.
    """
    global _CURSOR_KEY
    _CURSOR_KEY = hmac.new(secret.encode("utf-8"), _KEY_CONTEXT, hashlib.sha256).digest()


def _cursor_key() -> bytes:
    if _CURSOR_KEY is None:
        raise RuntimeError("cursor key not configured: call configure_cursor_key() first")
    return _CURSOR_KEY


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    direction: Literal["asc", "desc"] = "asc"

    @property
    def name(self) -> str:
        return self.column.key

    @property
    def identity(self) -> str:
        """``table.column:direction``: what a cursor is bound to."""
        expression = self.column.expression
        table = getattr(getattr(expression, "table", None), "name", "")
        return f"{table}.{self.name}:{self.direction}"


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    count: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")


@dataclass
class PageResult(Generic[Row]):
    items: list[Row]
    next_cursor: str | None
    has_more: bool
    total: int | None = None

    def with_items(self, items: list[Any]) -> PageResult[Any]:
        """The same page (cursor, total) carrying other items, e.g. the DTOs of the rows."""
        return PageResult(
            items=items, next_cursor=self.next_cursor, has_more=self.has_more, total=self.total
        )

    def pagination(self, limit: int) -> Pagination:
        return Pagination(
            limit=limit, next_cursor=self.next_cursor, has_more=self.has_more, total=self.total
        )


def _list_identity(sort: Sequence[SortKey]) -> bytes:
    return "|".join(key.identity for key in sort).encode("utf-8")


def _mac(sort: Sequence[SortKey], payload: str) -> str:
    digest = hmac.new(
        _cursor_key(), _list_identity(sort) + b"\n" + payload.encode("ascii"), hashlib.sha256
    ).digest()
    return _b64encode(digest[:_MAC_BYTES])


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


def _encode_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def encode_cursor(sort: Sequence[SortKey], values: Sequence[Any]) -> str:
    """The signed cursor that positions the next page after ``values``."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    payload = _b64encode(raw.encode("utf-8"))
    return f"{payload}.{_mac(sort, payload)}"


class _Refused(ValueError):
    """One cursor value does not fit its sort column (the reason is logged, never echoed)."""


def _python_type(key: SortKey) -> Any:
    column_type = key.column.expression.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type
    except NotImplementedError:  # pragma: no cover - no such sort column today
        return object


def _text(value: Any, limit: int = 64) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _Refused("not a short string")
    return value


def _typed(key: SortKey, value: Any) -> Any:
    """``value`` as the sort column's Python type, or :class:`_Refused`."""
    if value is None:  # keyset positions never sit on NULL (nullable sorts filter them out)
        raise _Refused("null")
    kind = _python_type(key)
    if kind is bool:
        if not isinstance(value, bool):
            raise _Refused("not a bool")
        return value
    if kind is int:
        if type(value) is not int or not _INT64[0] <= value <= _INT64[1]:
            raise _Refused("not an int64")
        return value
    if kind is dt.datetime:
        moment = dt.datetime.fromisoformat(_text(value))
        if moment.tzinfo is None:
            raise _Refused("naive datetime")
        return moment.astimezone(dt.UTC)  # OverflowError at the edges of the calendar
    if kind is dt.date:
        return dt.date.fromisoformat(_text(value))
    if kind is Decimal:
        number = Decimal(_text(value))
        if not number.is_finite() or abs(number.adjusted()) > 30:
            raise _Refused("decimal out of range")
        return number
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is str:
        if not isinstance(value, str) or "\x00" in value:
            raise _Refused("not a string")
        value.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
        return value
    raise _Refused(f"unsupported sort type {kind!r}")


def _refuse(reason: str) -> InvalidCursorError:
    """One short log line (no traceback, no cursor text) and the 400 to raise."""
    log.warning("cursor refused", reason=reason)
    return InvalidCursorError()


def decode_cursor(sort: Sequence[SortKey], cursor: str) -> list[Any]:
    """The values of a cursor made by :func:`encode_cursor` for this same sort.

    Anything else (garbage, an edited payload, another list's cursor, values the
    sort columns cannot hold) raises :class:`InvalidCursorError`.
    """
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise _refuse("format")
    payload, mac = cursor.split(".")
    expected = _mac(sort, payload).encode("ascii") if payload.isascii() else b""
    if not expected or not hmac.compare_digest(mac.encode("utf-8"), expected):
        raise _refuse("signature")
    try:
        values = json.loads(_b64decode(payload))
    except (ValueError, binascii.Error, UnicodeError):
        raise _refuse("payload") from None
    if not isinstance(values, list) or len(values) != len(sort):
        raise _refuse("shape")
    try:
        return [_typed(key, value) for key, value in zip(sort, values, strict=True)]
    except (ValueError, TypeError, ArithmeticError) as error:  # incl. Overflow, InvalidOperation
        reason = str(error) if isinstance(error, _Refused) else type(error).__name__
        raise _refuse(f"value: {reason}") from None


def keyset_condition(sort: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``sort``.

    Expanded OR form ``(a > x) OR (a = x AND b > y) …`` works on both databases
    and with mixed directions.
    """
    clauses = []
    for index, key in enumerate(sort):
        equal_prefix = [sort[i].column == values[i] for i in range(index)]
        value = values[index]
        if value is None:
            raise InvalidCursorError()
        step = key.column > value if key.direction == "asc" else key.column < value
        clauses.append(and_(*equal_prefix, step))
    return or_(*clauses)


def order_by(sort: Sequence[SortKey]) -> list[Any]:
    return [key.column.asc() if key.direction == "asc" else key.column.desc() for key in sort]


def apply_keyset(
    statement: Select[Any], sort: Sequence[SortKey], request: PageRequest
) -> Select[Any]:
    """Order, position after the cursor and fetch one extra row to learn ``has_more``."""
    if request.cursor:
        statement = statement.where(keyset_condition(sort, decode_cursor(sort, request.cursor)))
    return statement.order_by(*order_by(sort)).limit(request.limit + 1)


def build_page(
    rows: Sequence[Row], sort: Sequence[SortKey], request: PageRequest, total: int | None = None
) -> PageResult[Row]:
    """Cut the extra row and compute the next cursor from the last row kept."""
    has_more = len(rows) > request.limit
    items = list(rows[: request.limit])
    next_cursor = None
    if has_more and items:
        last = items[-1]
        next_cursor = encode_cursor(sort, [getattr(last, key.name) for key in sort])
    return PageResult(items=items, next_cursor=next_cursor, has_more=has_more, total=total)


async def page_query(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR_LENGTH, description="next_cursor of the previous page"),
    ] = None,
    count: Annotated[bool, Query(description="Also return the total (one more query)")] = False,
) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor, count=count)


PageQuery = Annotated[PageRequest, Depends(page_query)]
