"""The one response envelope of every JSON endpoint.

Success: ``{"success": true, "data": …, "meta": {"request_id", "timestamp"}}``
plus ``pagination`` on lists. Errors use the same ``meta`` (see errors.py and
handlers.py). Endpoints return ``ok(dto)`` or ``page(items, pagination)``; the
generic models give the OpenAPI an exact schema per endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from haken.platform import idempotency, metrics
from haken.platform.context import request_id

T = TypeVar("T")


class Meta(BaseModel):
    request_id: str
    timestamp: dt.datetime


class Pagination(BaseModel):
    limit: int
    next_cursor: str | None = None
    has_more: bool = False
    total: int | None = Field(default=None, description="Only when ?count=true")


class Envelope(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: T
    meta: Meta


class PageEnvelope(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: list[T]
    meta: Meta
    pagination: Pagination


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    error: ErrorBody
    meta: Meta


def make_meta() -> Meta:
    return Meta(request_id=request_id(), timestamp=dt.datetime.now(dt.UTC))


# Parametrising a generic model is not free (pydantic builds a class): do it once.
_AnyEnvelope = Envelope[Any]
_AnyPageEnvelope = PageEnvelope[Any]


def ok(data: T) -> Envelope[T]:
    envelope = _AnyEnvelope(data=data, meta=make_meta())
    if idempotency.awaiting_response():
        idempotency.record_response(envelope.model_dump(mode="json"))
    return envelope


def page(items: list[T], pagination: Pagination) -> PageEnvelope[T]:
    return _AnyPageEnvelope(data=items, meta=make_meta(), pagination=pagination)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope as a plain dict (handlers serialise it directly); every error
    answer passes here once, so it is counted here (``haken_errors_total{code}``)."""
    metrics.errors_total.labels(code).inc()
    return ErrorEnvelope(
        error=ErrorBody(code=code, message=message, details=details), meta=make_meta()
    ).model_dump(mode="json")
