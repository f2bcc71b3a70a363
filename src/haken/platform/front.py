"""The one pure-ASGI pass in front of every request (issue 21 item 1: "compose the
remaining pure-ASGI middlewares into one pass").

It was four middlewares, each wrapping ``send`` again and rebuilding the header list
through Starlette's ``MutableHeaders``: request context, metrics, security headers,
rate-limit headers. On a request answered from the edge cache (``platform/edge.py``)
those wrappers were most of the work. One wrapper now does all of it on the raw header
list, with the fixed headers encoded once:

* **request context**: the request id (accepted when well formed, else fresh) and the
  locale, set for the request's context and echoed in ``X-Request-ID``; the SQL
  statements counted (``X-Query-Count`` when ``expose_query_count``);
* **security headers** on every response (each only when the app set none of its own;
  HSTS only over HTTPS);
* **rate-limit headers** from the request's tightest decision (``platform/ratelimit.py``);
* **metrics**: requests by method, route template and status, their duration, and the
  requests in flight (``platform/metrics.py``);
* **the access log**: one line per request;
* **the last resort**: an exception that escaped every handler becomes a 500 envelope (or
  page) carrying the request id and nothing of the exception; the traceback goes to the log.
"""

from __future__ import annotations

import functools
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haken.platform import context, metrics
from haken.platform.db import count_queries
from haken.platform.errors import HakenError
from haken.platform.logging import access_line, get_logger
from haken.platform.middleware import REQUEST_ID_HEADER, is_api_path, send_error
from haken.platform.ratelimit import Decision, decision_headers

log = get_logger("haken.request")

_REQUEST_ID = REQUEST_ID_HEADER.encode()
_QUERY_COUNT = b"x-query-count"
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def security_headers(content_security_policy: str) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every response carries unless the app set its own."""
    return (
        (b"content-security-policy", content_security_policy.encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    )


@functools.lru_cache(maxsize=256)
def _locale_of(accept_language: str | None, default: str) -> str:
    """Accept-Language values repeat (one per browser): negotiate each once."""
    return context.negotiate_locale(accept_language, default)


class FrontMiddleware:
    """Request context, security and rate-limit headers, metrics and the access log."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        content_security_policy: str,
        default_locale: str = "ja",
        expose_query_count: bool = False,
    ) -> None:
        self.app = app
        self.default_locale = default_locale
        # X-Query-Count on responses: for benchmarks and development, off in production.
        self.expose_query_count = expose_query_count
        self.security = security_headers(content_security_policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming_id: str | None = None
        accept_language: str | None = None
        for name, value in scope["headers"]:
            if name == _REQUEST_ID:
                incoming_id = value.decode("latin-1")
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
        request_id = context.accept_request_id(incoming_id)
        context.set_request_id(request_id)
        context.set_locale(_locale_of(accept_language, self.default_locale))
        scope.setdefault("state", {})["request_id"] = request_id
        method = scope.get("method", "GET")
        https = scope.get("scheme") == "https"
        started = time.perf_counter()
        status = 500
        response_started = False
        in_flight = metrics.requests_in_flight(method)
        in_flight.inc()

        with count_queries(keep_statements=False) as queries:

            async def send_with_headers(message: Message) -> None:
                nonlocal status, response_started
                if message["type"] == "http.response.start":
                    status = message["status"]
                    response_started = True
                    message["headers"] = self._headers(
                        list(message.get("headers", ())), scope, request_id, https, queries.count
                    )
                await send(message)

            try:
                await self.app(scope, receive, send_with_headers)
            except Exception:
                log.exception("unhandled error", path=scope.get("path"), method=method)
                if not response_started:
                    path = str(scope.get("path", ""))
                    await send_error(send_with_headers, HakenError(), as_page=not is_api_path(path))
                status = 500
            finally:
                in_flight.dec()
                seconds = time.perf_counter() - started
                route = metrics.route_label(scope)
                metrics.observe_request(method, route, status, seconds)
                access_line(
                    method=method,
                    path=scope.get("path"),
                    route=None if route == metrics.UNMATCHED_ROUTE else route,
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                    queries=queries.count,
                )

    def _headers(
        self,
        headers: list[tuple[bytes, bytes]],
        scope: Scope,
        request_id: str,
        https: bool,
        query_count: int,
    ) -> list[tuple[bytes, bytes]]:
        """The response's headers with haken's own added on the raw list (no re-parsing)."""
        present = {name.lower() for name, _ in headers}
        # The request id and query count are this layer's: whatever was set is replaced.
        if _REQUEST_ID in present or _QUERY_COUNT in present:
            headers = [(n, v) for n, v in headers if n.lower() not in (_REQUEST_ID, _QUERY_COUNT)]
        headers.append((_REQUEST_ID, request_id.encode("latin-1")))
        if self.expose_query_count:
            headers.append((_QUERY_COUNT, str(query_count).encode()))
        headers.extend(pair for pair in self.security if pair[0] not in present)
        if https and _HSTS[0] not in present:
            headers.append(_HSTS)
        decision: Decision | None = scope.get("state", {}).get("ratelimit")
        if decision is not None:
            if not present.isdisjoint(_RATE_LIMIT_NAMES):
                headers = [(n, v) for n, v in headers if n.lower() not in _RATE_LIMIT_NAMES]
            headers.extend(decision_headers(decision))
        return headers


_RATE_LIMIT_NAMES = frozenset({b"ratelimit-limit", b"ratelimit-remaining", b"ratelimit-reset"})


__all__ = ["FrontMiddleware", "security_headers"]
