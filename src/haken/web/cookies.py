"""Cookies queued during a request and written on whatever response goes out.

Dependencies (the session refresh, the CSRF nonce) decide on cookies long
before the response exists, and a page may answer through an error handler.
They queue ``Set-Cookie`` headers in the request scope;
:class:`CookieWriterMiddleware` adds them to the response start, so no route
or handler can forget them.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Literal

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_QUEUE = "haken_set_cookies"


def is_https(request: HTTPConnection) -> bool:
    return request.url.scheme == "https"


def queue_cookie(
    request: HTTPConnection,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    path: str = "/",
    httponly: bool = True,
    samesite: Literal["lax", "strict"] = "lax",
) -> None:
    """Set ``name`` on the response (replacing an earlier queued value of the same name)."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = path
    morsel["samesite"] = samesite
    if max_age is not None:
        morsel["max-age"] = max_age
    if httponly:
        morsel["httponly"] = True
    if is_https(request):
        morsel["secure"] = True
    queue = request.scope.setdefault("state", {}).setdefault(_QUEUE, {})
    queue[(name, path)] = morsel.OutputString()


def queue_delete(request: HTTPConnection, name: str, *, path: str = "/") -> None:
    queue_cookie(request, name, "", max_age=0, path=path)


def queued(scope: Scope) -> list[str]:
    return list(scope.get("state", {}).get(_QUEUE, {}).values())


class CookieWriterMiddleware:
    """Append the queued ``Set-Cookie`` headers to the response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"set-cookie", value.encode("latin-1")) for value in queued(scope)]
                if extra:
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cookies)
