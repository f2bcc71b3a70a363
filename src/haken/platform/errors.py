"""One exception hierarchy and the error catalog.

Every error a client can see is a subclass of :class:`HakenError` with a stable
UPPER_SNAKE ``code``, one HTTP status and a message in Japanese and English.
Defining the subclass registers it in :data:`CATALOG`; ``docs/errors.md`` is
generated from the catalog (``haken docs errors``) and a test keeps them in sync.
Messages are ``str.format`` templates filled from the error's ``params``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

CATALOG: dict[str, type[HakenError]] = {}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field (``loc`` is the path, as Pydantic gives it)."""

    loc: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"loc": self.loc, "code": self.code, "message": self.message}


class HakenError(Exception):
    """Base of every error that reaches a client as the error envelope."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    status_code: ClassVar[int] = 500
    message_en: ClassVar[str] = "An unexpected error occurred."
    message_ja: ClassVar[str] = "予期しないエラーが発生しました。"
    headers: Mapping[str, str] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            return  # an intermediate base class, not a catalog entry
        existing = CATALOG.get(cls.code)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise RuntimeError(f"error code {cls.code} defined twice")
        CATALOG[cls.code] = cls

    def __init__(
        self,
        *,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> None:
        self.params = params
        self.details = details
        if headers is not None:
            self.headers = headers
        super().__init__(self.message("en"))

    def message(self, locale: str) -> str:
        template = self.message_ja if locale == "ja" else self.message_en
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template


CATALOG[HakenError.code] = HakenError


class NotFoundError(HakenError):
    """Also what a caller gets for a row outside their scope: never a leak."""

    code = "NOT_FOUND"
    status_code = 404
    message_en = "The resource was not found."
    message_ja = "対象が見つかりません。"


class RouteNotFoundError(HakenError):
    code = "ROUTE_NOT_FOUND"
    status_code = 404
    message_en = "No such endpoint."
    message_ja = "そのエンドポイントは存在しません。"


class MethodNotAllowedError(HakenError):
    code = "METHOD_NOT_ALLOWED"
    status_code = 405
    message_en = "This method is not allowed on this endpoint."
    message_ja = "このエンドポイントではそのメソッドは使えません。"


class ValidationFailedError(HakenError):
    code = "VALIDATION_FAILED"
    status_code = 422
    message_en = "The request has invalid fields."
    message_ja = "入力内容に誤りがあります。"


class MalformedRequestError(HakenError):
    code = "MALFORMED_REQUEST"
    status_code = 400
    message_en = "The request could not be read."
    message_ja = "リクエストを読み取れませんでした。"


class DuplicateJsonKeyError(HakenError):
    """A JSON object naming one key twice: parsers disagree on which wins, so none is chosen."""

    code = "DUPLICATE_JSON_KEY"
    status_code = 422
    message_en = 'The JSON body names the key "{key}" more than once.'
    message_ja = "JSON 本文でキー「{key}」が重複しています。"


class VersionConflictError(HakenError):
    """Optimistic locking: the edit was based on a stale ``version``."""

    code = "VERSION_CONFLICT"
    status_code = 409
    message_en = "The record was changed by someone else; reload and try again."
    message_ja = "他の人が先に更新しました。再読み込みしてからやり直してください。"


class InvalidCursorError(HakenError):
    code = "INVALID_CURSOR"
    status_code = 400
    message_en = "The pagination cursor is invalid."
    message_ja = "ページ送りのカーソルが不正です。"


class PayloadTooLargeError(HakenError):
    code = "PAYLOAD_TOO_LARGE"
    status_code = 413
    message_en = "The request body is too large (limit {limit} bytes)."
    message_ja = "リクエストが大きすぎます（上限 {limit} バイト）。"


class ServiceUnavailableError(HakenError):
    code = "SERVICE_UNAVAILABLE"
    status_code = 503
    message_en = "The service is temporarily unavailable; try again shortly."
    message_ja = "一時的に利用できません。しばらくしてから再度お試しください。"


class DatabaseUnavailableError(ServiceUnavailableError):
    code = "DATABASE_UNAVAILABLE"
    message_en = "The database is temporarily unavailable; try again shortly."
    message_ja = "データベースに一時的に接続できません。しばらくしてから再度お試しください。"


def catalog_entries() -> list[type[HakenError]]:
    """Every registered error, sorted by code (for the docs and the OpenAPI)."""
    return [CATALOG[code] for code in sorted(CATALOG)]


def render_catalog_markdown() -> str:
    """The text of ``docs/errors.md``."""
    lines = [
        "# Error catalog",
        "",
        "Generated from `haken.platform.errors.CATALOG` by `haken docs errors`;",
        "do not edit by hand (a test fails when this file is out of date).",
        "",
        "Every error reaches the client in the envelope",
        '`{"success": false, "error": {"code", "message", "details"}, "meta": {…}}`.',
        "The message follows the caller's locale (user setting, then Accept-Language).",
        "",
        "| code | HTTP | message (en) | message (ja) |",
        "|---|---|---|---|",
    ]
    for entry in catalog_entries():
        lines.append(
            f"| `{entry.code}` | {entry.status_code} | {entry.message_en} | {entry.message_ja} |"
        )
    return "\n".join(lines) + "\n"
