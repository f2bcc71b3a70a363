"""Pure ASGI middlewares (no BaseHTTPMiddleware: it breaks contextvars and streaming).

The one pass in front of everything (request context, security and rate-limit headers,
metrics, the access log) is ``platform/front.py``; here the error sending they share and the
request-body checks: body-size limit → duplicate JSON keys → the app.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, MutableMapping
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haken.platform import context
from haken.platform.errors import DuplicateJsonKeyError, HakenError, PayloadTooLargeError
from haken.platform.logging import get_logger
from haken.platform.responses import error_body

log = get_logger("haken.request")
REQUEST_ID_HEADER = "x-request-id"


def is_api_path(path: str) -> bool:
    """The JSON API (``/api`` and below) answers envelopes; every other path is a page."""
    return path == "/api" or path.startswith("/api/")


def _error_page_bytes(error: HakenError) -> bytes:
    """A self-contained page for an error no handler could render (no template, no
    asset: whatever failed may be the template engine itself)."""
    locale = context.locale()
    message = html.escape(error.message(locale))
    title = "エラー" if locale == "ja" else "Error"
    reference = html.escape(context.request_id())
    return (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        f"<title>{error.status_code} {title}</title></head><body>"
        f"<h1>{error.status_code} {title}</h1><p>{message}</p>"
        f"<p><code>{html.escape(error.code)}</code> · <code>{reference}</code></p>"
        '<p><a href="/">haken</a></p></body></html>'
    ).encode()


async def send_error(
    send: Send,
    error: HakenError,
    extra_headers: Iterable[tuple[str, str]] = (),
    *,
    as_page: bool = False,
) -> None:
    if as_page:
        body = _error_page_bytes(error)
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps(
            error_body(error.code, error.message(context.locale()), error.public_details()),
            ensure_ascii=False,
        ).encode("utf-8")
        content_type = b"application/json"
    headers = [
        (b"content-type", content_type),
        (b"x-error-code", error.code.encode()),
        (b"content-length", str(len(body)).encode()),
        (REQUEST_ID_HEADER.encode(), context.request_id().encode()),
    ]
    headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in extra_headers)
    if error.headers:
        headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in error.headers.items())
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimitMiddleware:
    """Refuse bodies over ``max_bytes`` (413 envelope), by header and while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_error(
                send,
                PayloadTooLargeError(limit=self.max_bytes),
                as_page=not is_api_path(str(scope.get("path", ""))),
            )
            return
        received = 0
        response_started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not refused:
                    refused = True
                    if not response_started:
                        await send_error(
                            send,
                            PayloadTooLargeError(limit=self.max_bytes),
                            as_page=not is_api_path(str(scope.get("path", ""))),
                        )
                    # The app sees a disconnected client and stops reading.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return  # our 413 already answered; drop whatever the app says
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise


class DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return found


def strict_json_loads(body: bytes | str) -> Any:
    """``json.loads`` that refuses an object naming a key twice, at any depth.

    Python keeps the last value, other parsers the first: a body that two
    layers read differently (a proxy's check, the endpoint) is refused instead.
    Raises :class:`DuplicateKeyError` (a ``ValueError``) or ``json.JSONDecodeError``.
    """
    return json.loads(body, object_pairs_hook=_refuse_duplicates)


def is_json_content_type(value: str | None) -> bool:
    """``application/json`` or ``application/*+json`` (what FastAPI parses as JSON)."""
    if not value:
        return False
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class DuplicateJsonKeyMiddleware:
    """Refuse a JSON body with a duplicate key (422 ``DUPLICATE_JSON_KEY``) on every route.

    Only requests declaring a JSON content type are read here; the body (bounded
    by the body-size limit outside) is buffered, checked and replayed to the
    app unchanged. Malformed JSON passes through: the endpoint's parser says so.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_json_content_type(
            Headers(scope=scope).get("content-type")
        ):
            await self.app(scope, receive, send)
            return
        buffered: list[Message] = []
        chunks: list[bytes] = []
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break  # the client left (or the size limit refused): let the app see it
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and b'"' in body:
            try:
                strict_json_loads(body)
            except DuplicateKeyError as error:
                key = error.key[:100]
                detail = {"loc": key, "code": "duplicate_key", "message": "duplicate key"}
                await send_error(send, DuplicateJsonKeyError(key=key, details=[detail]))
                return
            except ValueError:
                pass  # not JSON at all: the endpoint answers MALFORMED_REQUEST
        if buffered and buffered[-1]["type"] == "http.request":
            buffered = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)


def client_address(scope: MutableMapping[str, Any], trusted_proxies: Iterable[str] = ()) -> str:
    """The caller's address; ``X-Forwarded-For`` is believed only from a trusted proxy."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    trusted = set(trusted_proxies)
    if peer in trusted:
        forwarded = Headers(scope=scope).get("x-forwarded-for")
        if forwarded:
            # Walk from the right: the first hop that is not a trusted proxy is the client.
            for hop in reversed([part.strip() for part in forwarded.split(",")]):
                if hop and hop not in trusted:
                    return hop
    return str(peer)
