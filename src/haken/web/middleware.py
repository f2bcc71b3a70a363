"""Pure ASGI middlewares of the web UI (installed innermost by :func:`install_web`)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from haken.platform import context
from haken.platform.middleware import is_api_path
from haken.web.i18n import LOCALES

LANG_COOKIE = "haken_lang"


def is_page_path(path: str) -> bool:
    """Everything outside the JSON API (``/api`` and below)."""
    return not is_api_path(path)


class PageCompressionMiddleware:
    """gzip pages and static assets (the ≤100 KB first-load budget is compressed bytes).

    The JSON API is left as it is: its clients and streaming exports negotiate
    their own way. Pages are safe to compress because they carry no secret
    that repeats unmasked (the CSRF token is re-masked on every render).
    """

    def __init__(self, app: ASGIApp, *, minimum_size: int = 512) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_page_path(scope.get("path", "")):
            await self.gzip(scope, receive, send)
            return
        await self.app(scope, receive, send)


class PageLocaleMiddleware:
    """A visitor's explicit language choice (the ``haken_lang`` cookie) beats Accept-Language.

    A signed-in user's own setting still wins: the principal resolver sets it later.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_page_path(scope.get("path", "")):
            chosen = _cookie(Headers(scope=scope).get("cookie", ""), LANG_COOKIE)
            if chosen in LOCALES:
                context.set_locale(chosen)
        await self.app(scope, receive, send)


class EmptyQueryFieldsMiddleware:
    """A GET form sends its empty fields too (``?q=&role=``); on pages, empty means absent.

    Without this, every optional filter typed as a number, date or enum would
    answer an untouched form field with a validation error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string") and is_page_path(scope["path"]):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v != ""]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await self.app(scope, receive, send)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
