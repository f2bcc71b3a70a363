"""CSRF protection of the web UI: a token bound to the browser and the sign-in session.

* A random nonce lives in the ``haken_csrf`` cookie (HttpOnly, SameSite=Lax),
  created on the first page and replaced at sign-in and sign-out.
* The token is ``HMAC(secret, nonce | auth-session id)``: a cookie an attacker
  plants (say from a sibling sub-domain) is useless without the server secret,
  and a token never outlives the sign-in it was issued for.
* Pages embed the token masked with a fresh one-time pad on every render, so a
  compressed page never repeats the secret bytes (BREACH).
* Every state-changing page route declares :data:`CsrfProtected` *after* its
  access dependency (the principal, and thus the session id, is known by then);
  the token comes in the ``csrf_token`` form field or the ``X-CSRF-Token``
  header (htmx requests). Missing or wrong → 403 ``WEB_CSRF_INVALID``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request

from haken.web.cookies import queue_cookie
from haken.web.errors import CsrfError

CSRF_COOKIE = "haken_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_TOKEN_BYTES = 32
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _nonce(request: Request) -> str:
    """This browser's nonce, creating (and queueing the cookie of) a new one when absent."""
    cached: str | None = getattr(request.state, "csrf_nonce", None)
    if cached:
        return cached
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if len(nonce) < 32 or len(nonce) > 64:
        nonce = rotate_nonce(request)
    request.state.csrf_nonce = nonce
    return nonce


def rotate_nonce(request: Request) -> str:
    """A new nonce (at sign-in and sign-out): tokens issued before stop working."""
    nonce = secrets.token_urlsafe(32)
    request.state.csrf_nonce = nonce
    queue_cookie(request, CSRF_COOKIE, nonce)
    return nonce


def _session_id(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return (getattr(principal, "session_id", None) or "") if principal is not None else ""


def _expected(request: Request, session_id: str | None = None) -> bytes:
    secret = request.app.state.settings.resolved_secret_key.encode()
    sid = _session_id(request) if session_id is None else session_id
    message = f"csrf|{_nonce(request)}|{sid}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()


def issue_token(request: Request, *, session_id: str | None = None) -> str:
    """The token to embed in this response, masked with a fresh pad."""
    raw = _expected(request, session_id)
    pad = secrets.token_bytes(_TOKEN_BYTES)
    masked = bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(pad + masked).decode("ascii").rstrip("=")


def _unmask(token: str) -> bytes | None:
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(data) != 2 * _TOKEN_BYTES:
        return None
    pad, masked = data[:_TOKEN_BYTES], data[_TOKEN_BYTES:]
    return bytes(a ^ b for a, b in zip(pad, masked, strict=True))


async def submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def header_token_is_valid(request: Request, *, session_id: str) -> bool:
    """Whether the ``X-CSRF-Token`` header carries this browser's token for ``session_id``.

    For the JSON API: a write authenticated by the session cookie (not a bearer
    token) must prove it came from one of haken's pages, as page POSTs do.
    """
    if CSRF_COOKIE not in request.cookies:
        return False
    raw = _unmask(request.headers.get(CSRF_HEADER, ""))
    return raw is not None and hmac.compare_digest(raw, _expected(request, session_id))


class CsrfCheck:
    """The dependency; ``describe()`` lets the route walk see it."""

    name = "csrf"

    def describe(self) -> str:
        return self.name

    async def __call__(self, request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        if CSRF_COOKIE not in request.cookies:
            raise CsrfError()
        raw = _unmask(await submitted_token(request))
        if raw is None or not hmac.compare_digest(raw, _expected(request)):
            raise CsrfError()


csrf_check = CsrfCheck()
CsrfProtected = Annotated[None, Depends(csrf_check)]
