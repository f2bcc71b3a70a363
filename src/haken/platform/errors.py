"""One exception hierarchy and the error catalog.

Every error a client can see is a subclass of :class:`HakenError` with a stable
UPPER_SNAKE ``code``, one HTTP status and a message in Japanese and English.
Defining the subclass registers it in :data:`CATALOG`; ``docs/errors.md`` is
generated from the catalog (``haken docs errors``) and a test keeps them in sync.
Messages are ``str.format`` templates filled from the error's ``params``; a date or
datetime parameter reads as the pages print it, in the message's language (2026年3月31日 /
31 Mar 2026, ``platform.formatting``). Pass date objects, never ``isoformat()`` strings;
``details`` stay machine-readable (ISO 8601).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from haken.platform.formatting import format_day, format_moment

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
    # The input fields the refusal concerns (form field names = API body keys). One field:
    # a form shows the message on it; several (a range): above the form, each field marked.
    fields: tuple[str, ...] = ()
    # An overridable refusal: the body flag that accepts it (never named in a message) and
    # whether a reason must come with it (``override_reason``, recorded in the audit row).
    override: ClassVar[str | None] = None
    reason_required: ClassVar[bool] = False
    # The override's label on a form ("Save anyway: the pay is above the bill rate").
    override_en: ClassVar[str] = "Save anyway."
    override_ja: ClassVar[str] = "このまま保存する。"

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
        fields: tuple[str, ...] | list[str] | None = None,
        **params: Any,
    ) -> None:
        self.params = params
        self.details = details
        if headers is not None:
            self.headers = headers
        if fields is not None:
            self.fields = tuple(fields)
        super().__init__(self.message("en"))

    def override_label(self, locale: str) -> str:
        return self.override_ja if locale == "ja" else self.override_en

    def public_details(self) -> Any:
        """``details`` as the envelope carries them, with the fields and the override.

        The fields become ``[{"loc", "code"}]`` entries (appended to a list of details,
        or under ``"fields"`` next to a mapping); an overridable refusal's details are a
        mapping with ``"override"`` and ``"reason_required"``.
        """
        details = self.details
        if self.override is not None:
            merged: dict[str, Any] = (
                dict(details)
                if isinstance(details, Mapping)
                else ({} if details is None else {"items": details})
            )
            merged["override"] = self.override
            merged["reason_required"] = self.reason_required
            if self.fields:
                merged.setdefault("fields", list(self.fields))
            return merged
        if not self.fields:
            return details
        located = [{"loc": name, "code": self.code} for name in self.fields]
        if details is None:
            return located
        if isinstance(details, list):
            named = {str(d.get("loc")) for d in details if isinstance(d, Mapping)}
            return [*details, *(d for d in located if d["loc"] not in named)]
        if isinstance(details, Mapping):
            return {**details, "fields": list(self.fields)}
        return details

    def message(self, locale: str) -> str:
        template = self.message_ja if locale == "ja" else self.message_en
        lang = "ja" if locale == "ja" else "en"
        try:
            return template.format(**{k: _readable(v, lang) for k, v in self.params.items()})
        except (KeyError, IndexError):
            return template


def _readable(value: Any, locale: str) -> Any:
    """A message parameter as a person reads it: dates and instants like the pages."""
    if isinstance(value, dt.datetime):
        return format_moment(value, locale=locale)
    if isinstance(value, dt.date):
        return format_day(value, locale=locale)
    return value


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


class OverrideReasonRequiredError(HakenError):
    """An overridable refusal was overridden without saying why (the audit row keeps it)."""

    code = "OVERRIDE_REASON_REQUIRED"
    status_code = 422
    fields = ("override_reason",)
    message_en = "Give the reason for saving despite the warning."
    message_ja = "警告を承知で保存する理由を入力してください。"
    # The refusal being overridden (a form shows it again, with its tick box).
    overridden: HakenError | None = None


def check_override(error: type[HakenError], *, allowed: bool, reason: str, **kwargs: Any) -> None:
    """Refuse unless the caller overrode ``error`` (and gave a reason when it needs one)."""
    refusal = error(**kwargs)
    if not allowed:
        raise refusal
    if error.reason_required and not reason.strip():
        missing = OverrideReasonRequiredError()
        missing.overridden = refusal
        raise missing


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
