"""A PostgreSQL that is shutting down or starting up, or a full pool: 503, never 500.

During ``pg_ctl stop -m fast`` and again while it starts, PostgreSQL accepts the
connection and refuses it in the protocol with SQLSTATE 57P03 ("the database system
is shutting down" / "is starting up"). asyncpg raises ``CannotConnectNowError``,
which SQLAlchemy wraps twice (its dialect's ``Error``, then ``DBAPIError``), so the
connection-error test has to look down the chain. Found by ``bench/mixed_load.py``
(PostgreSQL restarted under load: 16 of 62 failed requests were 500s).

The server here is a few lines of the real wire protocol, not a mock of haken's code:
it answers every connection the way a stopping PostgreSQL does.

Under overload every worker's pool (``pool_size`` + overflow) is checked out and a
request waits ``pool_timeout`` for one; SQLAlchemy then raises its ``TimeoutError``,
which reached the client as an unhandled 500 (115 of them in the same benchmark
with the server saturated). A probe route raises that exception as the pool does: a
real exhaustion takes the pool's 10 s timeout.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from haken.app import create_app
from haken.platform.access import PublicAccess
from haken.platform.ratelimit import DefaultRateLimit
from tests.conftest import make_settings

probe = APIRouter(prefix="/api/_probe")


@probe.get("/pool-exhausted")
async def pool_exhausted(_a: PublicAccess, _l: DefaultRateLimit) -> None:
    raise PoolTimeoutError(
        "QueuePool limit of size 10 overflow 10 reached, connection timed out, timeout 10.00"
    )


SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104


def _error_response(sqlstate: str, message: str) -> bytes:
    fields = b"".join(
        kind + value.encode() + b"\0"
        for kind, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body


async def _refuse(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sqlstate: str, message: str
) -> None:
    try:
        while True:
            length, code = struct.unpack("!ii", await reader.readexactly(8))
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                writer.write(b"N")  # no encryption; the startup message follows
                await writer.drain()
                continue
            await reader.readexactly(length - 8)  # the rest of the startup message
            writer.write(_error_response(sqlstate, message))
            await writer.drain()
            return
    except (asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


@pytest.fixture
async def stopping_postgres() -> AsyncIterator[int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _refuse(reader, writer, "57P03", "the database system is shutting down")

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield port


async def test_a_postgres_shutting_down_gives_503_envelopes(
    stopping_postgres: int, tmp_path: Path
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{stopping_postgres}/haken"
    application = create_app(make_settings(url, tmp_path))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            login = await http.post(
                "/api/auth/login", json={"email": "a@b.example", "password": "x" * 12}
            )
            reset = await http.post(
                "/api/auth/password-reset/request", json={"email": "a@b.example"}
            )
    for response in (login, reset):
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "DATABASE_UNAVAILABLE"


async def test_an_exhausted_pool_gives_503_envelopes(database_url: str, tmp_path: Path) -> None:
    application = create_app(make_settings(database_url, tmp_path))
    application.include_router(probe)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/api/_probe/pool-exhausted")
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
