"""Redis round trips of a cached read on a real Redis: counted, exactly (issue 21 item 2).

Every round trip of redis-py's asyncio client, a single command or a whole pipeline, goes
through one ``send_packed_command`` of a connection: the counter wraps it (the commands
still run against the real server). Before pipelining, a cold miss cost five round trips
(the read, the lock, the double check, the entry, the unlock); now three.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from redis.asyncio.connection import AbstractConnection

from haken.platform.cache import HakenCache, cached
from tests.conftest import REDIS_URL, require_service
from tests.integration.employees.factories import create_employee


class Row(BaseModel):
    id: int
    name: str


LOADS = {"n": 0}


@cached("entity", key="trip:{row_id}", tags=["trip:{row_id}", "trips:list"], namespace="trips")
async def read_row(row_id: int) -> Row:
    LOADS["n"] += 1
    return Row(id=row_id, name=f"row {row_id}")


SPEC = read_row.__haken_cached__  # type: ignore[attr-defined]


class RoundTrips:
    """Commands sent to Redis by the calling task, on connections already open. Background
    tasks (a cache's health ping, a client's reconnect) run in tasks of their own, and a pool
    opens a second connection when its first is busy with such a task: the new connection's
    handshake (CLIENT SETINFO, SELECT) is sent by the caller. Counting either made the
    figures depend on timing on a loaded machine."""

    def __init__(self) -> None:
        self.senders: list[asyncio.Task[Any] | None] = []

    def take(self) -> int:
        me = asyncio.current_task()
        count = sum(1 for sender in self.senders if sender is me)
        self.senders.clear()
        return count


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> RoundTrips:
    counter = RoundTrips()
    send = AbstractConnection.send_packed_command

    connect = AbstractConnection.on_connect_check_health

    async def counted(self: AbstractConnection, *args: Any, **kwargs: Any) -> None:
        if not getattr(self, "_haken_handshaking", False):
            counter.senders.append(asyncio.current_task())
        await send(self, *args, **kwargs)

    async def handshake(self: AbstractConnection, *args: Any, **kwargs: Any) -> None:
        self._haken_handshaking = True  # type: ignore[attr-defined]
        try:
            await connect(self, *args, **kwargs)
        finally:
            self._haken_handshaking = False  # type: ignore[attr-defined]

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    monkeypatch.setattr(AbstractConnection, "on_connect_check_health", handshake)
    return counter


@pytest.fixture
async def redis_cache() -> AsyncIterator[HakenCache]:
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    cache = HakenCache(REDIS_URL)
    await cache.start()
    assert not cache.degraded, "the test Redis is unreachable"
    await cache.clear()
    await cache.redis._client.delete(  # type: ignore[union-attr]
        *(f"haken:v1:_tag:{t}" for t in ("trip:1", "trip:2", "trips:list"))
    )
    LOADS["n"] = 0
    try:
        yield cache
    finally:
        await cache.clear()
        await cache.close()


async def _load(cache: HakenCache, row_id: int) -> Row:
    arguments = {"row_id": row_id}
    return await cache.load(  # type: ignore[no-any-return]
        SPEC,
        SPEC.key(arguments),
        SPEC.tags(arguments),
        lambda: read_row.__wrapped__(row_id),  # type: ignore[attr-defined]
    )


async def test_a_cold_miss_costs_three_round_trips_and_a_hit_one(
    redis_cache: HakenCache, round_trips: RoundTrips
) -> None:
    # Never-seen tags: the read, the tags pinned (SET NX + MGET in one pipeline), the
    # lock with the double check, the entry with the unlock.
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (4, 1)
    # A hit: one MGET of the entry and its tags.
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (1, 1)
    # Cold, as after a cache clear (the tags stay): three round trips, one load.
    await redis_cache.clear()
    round_trips.take()
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (3, 2)
    # Invalidated by a tag: the same three.
    await redis_cache.invalidate_tags("trips:list")
    round_trips.take()
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (3, 3)
    # The lock was released with the entry: no lock key is left behind.
    assert await redis_cache.redis._client.keys("haken:v1:_lock:*") == []  # type: ignore[union-attr]


async def test_a_value_stored_by_another_worker_before_the_lock_is_taken_as_is(
    redis_cache: HakenCache, round_trips: RoundTrips
) -> None:
    """The double check rides with the lock: a worker that missed, while another stored
    the entry, serves those bytes without loading (and releases its lock)."""
    other = HakenCache(REDIS_URL)
    await other.start()
    try:
        await _load(redis_cache, 2)  # pins the tags
        await redis_cache.clear()
        raw, tokens, epoch = await other._read(SPEC.key({"row_id": 2}), SPEC.tags({"row_id": 2}))
        assert raw is None and tokens is not None
        loads = LOADS["n"]
        await _load(redis_cache, 2)  # stores under the same tokens
        assert LOADS["n"] == loads + 1
        # An empty script cache (a Redis restart, SCRIPT FLUSH, a fresh CI server): the unlock
        # must still cost one round trip. cashews' EVALSHA cost three here (CI read 4 for 2).
        await redis_cache.redis._client.script_flush()  # type: ignore[union-attr]
        round_trips.take()
        payload, _ = await other._fill(
            SPEC, SPEC.key({"row_id": 2}), tokens, epoch, lambda: read_row.__wrapped__(2)
        )
        assert LOADS["n"] == loads + 1, "the other worker loaded again"
        assert Row.model_validate_json(payload) == Row(id=2, name="row 2")
        assert round_trips.take() == 2  # the lock with the double check, the unlock
        assert await redis_cache.redis._client.keys("haken:v1:_lock:*") == []  # type: ignore[union-attr]
    finally:
        await other.close()


async def test_a_cold_employee_list_on_redis_costs_seven_round_trips(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, round_trips: RoundTrips
) -> None:
    """Through the whole app: the principal's cold miss (three), the edge's tag check
    (one) and the list's cold miss (three). Five more before pipelining (eleven)."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    redis_cache = HakenCache(REDIS_URL)
    await redis_cache.start()
    previous = app.state.cache
    app.state.cache = redis_cache
    try:
        for _ in range(2):  # the second pass: every tag already exists
            await redis_cache.clear()
            round_trips.take()
            response = await client.get("/api/employees", headers=coordinator)
            assert response.status_code == 200, response.text
            trips = round_trips.take()
        assert trips == 7
        assert len(response.json()["data"]) == 1
    finally:
        app.state.cache = previous
        await redis_cache.clear()
        await redis_cache.close()
