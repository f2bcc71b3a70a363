"""Idempotent creates: the ``Idempotency-Key`` header of the API and the forms' submission token.

A POST that carries a key (API: the ``Idempotency-Key`` header; pages: the hidden
``submission_token`` every create form renders) is *claimed* by the access policy,
once the caller is known: a row ``(user, key)`` is inserted in the request's own
transaction, before the endpoint runs. The endpoint's answer (``responses.ok()``'s
envelope, or ``web.render.redirect()``'s location) is stored on that row, and both
commit with the created record — or roll back with it.

* A replay after the commit finds the row and gets the first answer again
  (:class:`IdempotentReplay`, answered by the handlers: the stored envelope and
  status, or a redirect to the stored location), nothing is created twice.
* A concurrent duplicate blocks on the unique key until the first commits, then
  replays it (PostgreSQL; SQLite serialises writers anyway).
* The same key with another body or path is ``IDEMPOTENCY_KEY_REUSED`` (422).

Keys are kept a day (``purge``, run by the nightly purge job).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from starlette.requests import Request

from haken.platform import context
from haken.platform.db import Base, IdMixin, UTCDateTime, utcnow
from haken.platform.errors import HakenError

HEADER = "Idempotency-Key"
FORM_FIELD = "submission_token"
KEY_MAX_LENGTH = 200
RETENTION = dt.timedelta(hours=24)
_FORM_IGNORED = frozenset({"csrf_token", FORM_FIELD})


class IdempotencyKeyInvalidError(HakenError):
    code = "IDEMPOTENCY_KEY_INVALID"
    status_code = 400
    message_en = "The idempotency key must be 1 to 200 visible ASCII characters."
    message_ja = "冪等キーは1〜200文字の半角英数記号で指定してください。"


class IdempotencyKeyReusedError(HakenError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status_code = 422
    message_en = "This idempotency key was already used for a different request."
    message_ja = "この冪等キーは別の内容のリクエストで使用済みです。"


class IdempotencyInProgressError(HakenError):
    code = "IDEMPOTENCY_IN_PROGRESS"
    status_code = 409
    message_en = "The same request is still being processed; try again in a moment."
    message_ja = "同じリクエストを処理中です。しばらくしてから再度お試しください。"


# What a claiming access policy (``AccessPolicy.claims_idempotency``) adds to an operation:
# the methods it claims, the header, and the refusals. ``platform.openapi`` declares these,
# ``claim_request`` enforces them: one place, so the documentation cannot drift.
CLAIMED_METHODS = frozenset({"POST"})
REFUSALS: tuple[type[HakenError], ...] = (
    IdempotencyKeyInvalidError,
    IdempotencyKeyReusedError,
    IdempotencyInProgressError,
)
KEY_PATTERN = rf"^[!-~]{{1,{KEY_MAX_LENGTH}}}$"  # what _valid_key accepts (after trimming)


def openapi_parameter() -> dict[str, Any]:
    """The ``Idempotency-Key`` header as an OpenAPI parameter of a claimed operation."""
    return {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Optional. A retry with the same key and body returns the first response "
            "(header `Idempotent-Replayed: true`) instead of acting twice; the same key with "
            "another body or path is 422 IDEMPOTENCY_KEY_REUSED, one still being processed "
            "409 IDEMPOTENCY_IN_PROGRESS, a malformed key 400 IDEMPOTENCY_KEY_INVALID. "
            "Keys are kept for 24 hours, per user."
        ),
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": KEY_MAX_LENGTH,
            "pattern": KEY_PATTERN,
        },
    }


class IdempotencyKey(IdMixin, Base):
    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(Integer, nullable=False)
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), nullable=False)
    route: Mapped[str] = mapped_column(String(300), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, index=True
    )

    __table_args__ = (UniqueConstraint("user_id", "key"),)


class IdempotentReplay(Exception):
    """Raised by the claim when the key was already answered: the handlers send it again."""

    def __init__(self, status_code: int, response: dict[str, Any]) -> None:
        super().__init__("idempotent replay")
        self.status_code = status_code
        self.response = response

    @property
    def location(self) -> str | None:
        value = self.response.get("location")
        return value if isinstance(value, str) else None


@dataclass
class _Pending:
    row: IdempotencyKey
    request_id: str
    status_code: int


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "idempotency_pending", default=None
)


def _current() -> _Pending | None:
    pending = _pending.get()
    if pending is None or pending.request_id != context.request_id():
        return None  # another request's claim (tests share one task's context)
    return pending


def awaiting_response() -> bool:
    """Whether this request claimed a key whose answer is not recorded yet."""
    pending = _current()
    return pending is not None and pending.row.response is None


def record_response(body: dict[str, Any]) -> None:
    """The API's answer to a claimed request (``responses.ok()`` calls this)."""
    pending = _current()
    if pending is not None and pending.row.response is None:
        pending.row.status_code = pending.status_code
        pending.row.response = body


def record_redirect(location: str) -> None:
    """A page's answer to a claimed submission: where the browser was sent."""
    pending = _current()
    if pending is not None and pending.row.response is None:
        pending.row.status_code = 303
        pending.row.response = {"location": location}


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= KEY_MAX_LENGTH and all(33 <= ord(c) <= 126 for c in key)


async def _request_key(request: Request) -> tuple[str, str] | None:
    """The key and the hash of what it was sent with, or ``None`` (nothing to claim)."""
    header = request.headers.get(HEADER)
    if header is not None:
        key = header.strip()
        if not _valid_key(key):
            raise IdempotencyKeyInvalidError()
        body = await request.body()
        digest = hashlib.sha256(body).hexdigest()
        return key, digest
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()
    token = form.get(FORM_FIELD)
    if not isinstance(token, str) or not token:
        return None
    if not _valid_key(token):
        raise IdempotencyKeyInvalidError()
    items = sorted(
        (name, value if isinstance(value, str) else getattr(value, "filename", "") or "")
        for name, value in form.multi_items()
        if name not in _FORM_IGNORED
    )
    digest = hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()
    return token, digest


async def _find(session: AsyncSession, user_id: int, key: str) -> IdempotencyKey | None:
    result = await session.execute(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    return result.scalar_one_or_none()


def _replay(row: IdempotencyKey, route: str, request_hash: str) -> IdempotentReplay:
    if row.route != route or row.request_hash != request_hash:
        raise IdempotencyKeyReusedError()
    if row.status_code is None or row.response is None:
        raise IdempotencyInProgressError()
    return IdempotentReplay(row.status_code, dict(row.response))


async def claim_request(request: Request, session: AsyncSession, user_id: int) -> None:
    """Claim the POST's key for ``user_id`` in the request's transaction, or replay.

    Called by the access policies once the caller is known; a request without a key
    is untouched. Raises :class:`IdempotentReplay` when the key was already answered.
    """
    if request.method not in CLAIMED_METHODS:
        return
    found = await _request_key(request)
    if found is None:
        return
    key, request_hash = found
    route = request.url.path
    existing = await _find(session, user_id, key)
    if existing is not None:
        raise _replay(existing, route, request_hash)
    row = IdempotencyKey(user_id=user_id, key=key, route=route, request_hash=request_hash)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        # Another request holding the same key committed first: answer as it did.
        await session.rollback()
        existing = await _find(session, user_id, key)
        if existing is None:
            raise IdempotencyInProgressError() from None
        raise _replay(existing, route, request_hash) from None
    endpoint_route = request.scope.get("route")
    status = getattr(endpoint_route, "status_code", None) or 200
    _pending.set(_Pending(row=row, request_id=context.request_id(), status_code=status))


async def purge(session: AsyncSession, *, now: dt.datetime | None = None) -> int:
    """Delete keys older than :data:`RETENTION` (the nightly purge job)."""
    cutoff = (now or utcnow()) - RETENTION
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
