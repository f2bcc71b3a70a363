"""``/metrics`` for Prometheus: on the API port behind a bearer token, and a tiny
listener for ``haken worker`` (which has no HTTP app of its own).

Without ``HAKEN_METRICS_TOKEN`` the endpoint does not exist (404): metrics name
routes, job names and error rates, which is reconnaissance an outsider should
not get for free. Prometheus sends the token with ``authorization: credentials``.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from haken.platform.access import AccessPolicy, NotAuthenticatedError
from haken.platform.errors import HakenError, RouteNotFoundError
from haken.platform.handlers import error_response
from haken.platform.logging import get_logger
from haken.platform.metrics import render_latest
from haken.platform.ratelimit import RateLimitExempt

log = get_logger(__name__)


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Constant-time check of ``Authorization: Bearer <token>``."""
    if not expected or not authorization:
        return False
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return False
    return hmac.compare_digest(presented.strip().encode(), expected.encode())


def _configured_token(request: Request) -> str | None:
    secret = request.app.state.settings.metrics_token
    return secret.get_secret_value() if secret is not None else None


class MetricsTokenPolicy(AccessPolicy):
    """Only the scraper holding ``HAKEN_METRICS_TOKEN``; absent when no token is set.

    Returns the refusal instead of raising it: ``/metrics`` lives outside ``/api``,
    where the web UI's handlers would turn a 401 into a sign-in redirect, and a
    scraper needs the plain status.
    """

    name = "metrics-token"

    async def __call__(self, request: Request) -> HakenError | None:
        expected = _configured_token(request)
        if not expected:
            return RouteNotFoundError()
        if not token_matches(expected, request.headers.get("authorization")):
            return NotAuthenticatedError()
        return None


metrics_token = MetricsTokenPolicy()
MetricsAccess = Annotated[HakenError | None, Depends(metrics_token)]

router = APIRouter(tags=["system"], include_in_schema=False)


@router.get("/metrics")
async def metrics_endpoint(refusal: MetricsAccess, _limit: RateLimitExempt) -> Response:
    """Prometheus text exposition, merged over processes in multiprocess mode."""
    if refusal is not None:
        return error_response(refusal)
    body, content_type = render_latest()
    return Response(content=body, media_type=content_type)


# --- the worker's listener ----------------------------------------------------------

_MAX_HEADER_BYTES = 16 * 1024


class WorkerMetricsServer:
    """``GET /metrics`` (token as on the API) and ``GET /health`` for ``haken worker``.

    A plain asyncio listener: the worker has no ASGI app, and running uvicorn
    inside it would take over the worker's signal handling (graceful drain).
    """

    def __init__(self, host: str, port: int, token: str | None) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.healthy = True
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        bound = self._server.sockets[0].getsockname()[1]
        log.info("worker metrics listening", host=self.host, port=bound)
        return int(bound)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5.0)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        status, content_type, body = self.answer(head[:_MAX_HEADER_BYTES])
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
            + body
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    def answer(self, head: bytes) -> tuple[str, str, bytes]:
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[0] != "GET":
            return "405 Method Not Allowed", "text/plain", b"method not allowed\n"
        path = parts[1].split("?", 1)[0]
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        if path == "/health":
            if self.healthy:
                return "200 OK", "text/plain", b"ok\n"
            return "503 Service Unavailable", "text/plain", b"stopping\n"
        if path == "/metrics" and self.token:
            if not token_matches(self.token, headers.get("authorization")):
                return "401 Unauthorized", "text/plain", b"bearer token required\n"
            body, content_type = render_latest()
            return "200 OK", content_type, body
        return "404 Not Found", "text/plain", b"not found\n"
