"""PostgreSQL round trips of a cold read, counted exactly (issue 21 item 2).

asyncpg sends each round trip (a simple query such as ``BEGIN``, a Parse/Describe, a
Bind/Execute/Sync) as one ``write`` on its connection's transport: the counter wraps the
transport class's ``write`` and counts the calls whose protocol is asyncpg's, made by the
calling task (the Redis counter of ``tests/integration/cache/test_round_trips.py`` does the
same for Redis). The statements still run against the real server.
"""

from __future__ import annotations

import asyncio
from asyncio import selector_events
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from haken.platform.db import session_scope
from haken.platform.errors import DatabaseUnavailableError
from tests.integration.employees.factories import create_employee


class PgRoundTrips:
    """Writes to asyncpg connections' sockets by the calling task."""

    def __init__(self) -> None:
        self.senders: list[asyncio.Task[Any] | None] = []

    def take(self) -> int:
        me = asyncio.current_task()
        count = sum(1 for sender in self.senders if sender is me)
        self.senders.clear()
        return count


@pytest.fixture
def pg_round_trips(monkeypatch: pytest.MonkeyPatch) -> PgRoundTrips:
    counter = PgRoundTrips()
    transport_class: Any = selector_events._SelectorSocketTransport  # type: ignore[attr-defined]
    write = transport_class.write

    def counted(transport: Any, data: Any) -> None:
        if type(transport._protocol).__module__.startswith("asyncpg"):
            counter.senders.append(asyncio.current_task())
        write(transport, data)

    monkeypatch.setattr(transport_class, "write", counted)
    return counter


# PostgreSQL's round trips only: the tests run on its backend alone (no SQLite variant to skip).
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _postgres_only(app: Any) -> None:
    assert app.state.database.dialect == "postgresql"


async def test_a_cold_employee_list_costs_two_postgresql_round_trips(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, pg_round_trips: PgRoundTrips
) -> None:
    """The principal and the list's two statements, on one connection, without a pre-ping,
    BEGIN or ROLLBACK (before: a pre-ping, BEGIN and ROLLBACK on each of two sessions)."""
    _postgres_only(app)
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    trips = []
    for _ in range(3):  # the first passes Parse statements a pooled connection has not seen
        await app.state.cache.clear()  # cold: the principal's entry too
        pg_round_trips.take()
        response = await client.get("/api/employees", headers=coordinator)
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]) == 1
        trips.append(pg_round_trips.take())
    # Before: 12 (a pre-ping of BEGIN, ";" and ROLLBACK, then BEGIN, the statement and
    # ROLLBACK or COMMIT, on each of the edge's and the endpoint's sessions).
    assert trips[1:] == [2, 2], trips


async def _txids(session: Any) -> tuple[int, int]:
    first = await session.scalar(text("SELECT txid_current()"))
    second = await session.scalar(text("SELECT txid_current()"))
    return first, second


async def _create_table_then_fail(database: Any) -> None:
    async with session_scope(database) as session:
        await session.execute(text("CREATE TEMP TABLE read_unit_probe (x int)"))
        raise RuntimeError("the unit fails")


async def test_a_read_unit_sends_no_begin_until_it_writes(
    app: Any, pg_round_trips: PgRoundTrips
) -> None:
    """Each statement of a read unit is its own transaction (no BEGIN/ROLLBACK sent) until
    it writes; from its first write on it is one transaction, ended by the unit. A write
    unit on the same pooled connection afterwards begins as usual."""
    _postgres_only(app)
    database = app.state.database
    async with session_scope(database) as session:
        await _txids(session)  # the statement prepared on this connection (a Parse)
        pg_round_trips.take()
        first, second = await _txids(session)
        assert second != first  # autocommit: two transactions
        assert pg_round_trips.take() == 2  # the two statements, nothing else
        # A write (here DDL: a table dropped at the transaction's end) begins the transaction.
        await session.execute(text("CREATE TEMP TABLE read_unit_probe (x int) ON COMMIT DROP"))
        await session.execute(text("INSERT INTO read_unit_probe VALUES (1)"))
        assert await session.scalar(text("SELECT count(*) FROM read_unit_probe")) == 1
        first, second = await _txids(session)
        assert second == first
    async with session_scope(database, write=True) as session:
        first, second = await _txids(session)
        assert second == first  # the same (LIFO) connection, transactional again
    with pytest.raises(RuntimeError):
        await _create_table_then_fail(database)
    async with session_scope(database) as session:  # rolled back: the table never existed
        assert await session.scalar(text("SELECT to_regclass('pg_temp.read_unit_probe')")) is None


async def _terminate_backends(app: Any) -> list[int]:
    """``pg_terminate_backend`` of every other connection to the app's database, from an
    engine of its own; returns once PostgreSQL lists none of them (bounded)."""
    engine = create_async_engine(
        app.state.database.url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            pids = list(
                await connection.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            )
            for pid in pids:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(200):  # ≤ 10 s
                left = await connection.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                    {"pids": pids},
                )
                if left == 0:
                    return pids
                await asyncio.sleep(0.05)
            raise AssertionError(f"backends {pids} still listed after 10 s")
    finally:
        await engine.dispose()


async def test_killed_backends_are_survived_by_the_next_requests(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """Without a pre-ping: after every pooled connection's backend was terminated (what a
    PostgreSQL restart does to them), the next read and the next write answer as usual."""
    _postgres_only(app)
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    for _ in range(2):
        pids = await _terminate_backends(app)
        assert pids, "the app's pool held no connection"
        await app.state.cache.clear()  # cold: the principal is read from the database too
        response = await client.get("/api/employees", headers=coordinator)
        assert response.status_code == 200, response.text
        assert [row["id"] for row in response.json()["data"]] == [employee["id"]]
        await _terminate_backends(app)
        response = await client.patch(
            f"/api/employees/{employee['id']}",
            headers=coordinator,
            json={"phone": "090-0000-0001", "version": employee["version"]},
        )
        assert response.status_code == 200, response.text
        employee = response.json()["data"]


async def _lose_the_connection_after_a_statement(app: Any) -> None:
    async with session_scope(app.state.database) as session:
        await session.scalar(text("SELECT 1"))
        await _terminate_backends(app)
        await session.scalar(text("SELECT 1"))


async def test_a_connection_lost_before_the_first_statement_is_replaced_once(app: Any) -> None:
    """The optimistic half: a connection checked out alive whose backend dies before the
    unit's first statement. The statement runs again on a fresh connection."""
    _postgres_only(app)
    async with session_scope(app.state.database) as session:
        before = await session.scalar(text("SELECT pg_backend_pid()"))
    async with session_scope(app.state.database) as session:
        await session.connection()  # the checkout's check passed: the backend was alive
        assert before in await _terminate_backends(app)
        after = await session.scalar(text("SELECT pg_backend_pid()"))
    assert after is not None and after != before
    # Only before the first statement: a later loss is the unit's (503).
    with pytest.raises(DatabaseUnavailableError):
        await _lose_the_connection_after_a_statement(app)
    async with session_scope(app.state.database) as session:  # and the next unit is served
        assert await session.scalar(text("SELECT 1")) == 1
