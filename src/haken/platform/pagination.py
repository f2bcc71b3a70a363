"""Cursor (keyset) pagination that repositories apply to their statements.

A cursor is the URL-safe base64 of the sort-key values of the last row on the
page, so page 100 costs what page 1 costs: an index range scan, no OFFSET.
The last sort key must be unique (the primary key) so that the order is total.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from haken.platform.errors import InvalidCursorError
from haken.platform.responses import Pagination

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
Row = TypeVar("Row")


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    direction: Literal["asc", "desc"] = "asc"

    @property
    def name(self) -> str:
        return self.column.key


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


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "dec" in value:
            return Decimal(value["dec"])
        raise InvalidCursorError()
    return value


def encode_cursor(sort: Sequence[SortKey], values: Sequence[Any]) -> str:
    payload = {"k": [key.name for key in sort], "v": [_encode_value(v) for v in values]}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(sort: Sequence[SortKey], cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        names, values = payload["k"], payload["v"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as error:
        raise InvalidCursorError() from error
    if names != [key.name for key in sort] or len(values) != len(sort):
        raise InvalidCursorError()
    return [_decode_value(v) for v in values]


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
        str | None, Query(max_length=1024, description="next_cursor of the previous page")
    ] = None,
    count: Annotated[bool, Query(description="Also return the total (one more query)")] = False,
) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor, count=count)


PageQuery = Annotated[PageRequest, Depends(page_query)]
