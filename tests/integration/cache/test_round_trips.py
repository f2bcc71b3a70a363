"""Redis round trips of a cached read on a real Redis: counted, exactly (issue 21 item 2).

Every round trip of redis-py's asyncio client, a single command or a whole pipeline, goes
through one ``send_packed_command`` of a connection: the counter wraps it (the commands
still run against the real server). Before pipelining, a cold miss cost five round trips
(the read, the lock, the double check, the entry, the unlock); then three (the lock with the
double check, the entry with the unlock); now two: one script reads the entry, pins its tags
and takes the lock when the entry is not valid, atomically (so no double check), then the
entry goes with the unlock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from redis.asyncio.connection import AbstractConnection

from haken.platform import context
from haken.platform.cache import HakenCache, cached
from haken.platform.ratelimit import RateLimiterService
from tests.conftest import REDIS_URL, require_service
from tests.integration.employees.factories import create_employee, employee_body


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


async def test_a_cold_miss_costs_two_round_trips_and_a_hit_one(
    redis_cache: HakenCache, round_trips: RoundTrips
) -> None:
    # Never-seen tags: the read script (entry, tags pinned, lock), the entry with the unlock.
    # Before the script: four (the read, the pins, the lock with the double check, the entry).
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (2, 1)
    # A hit: the one read script.
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (1, 1)
    # Cold, as after a cache clear (the tags stay): two round trips, one load (three before).
    await redis_cache.clear()
    round_trips.take()
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (2, 2)
    # Invalidated by a tag: the same two.
    await redis_cache.invalidate_tags("trips:list")
    round_trips.take()
    assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
    assert (round_trips.take(), LOADS["n"]) == (2, 3)
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


async def test_a_cold_employee_list_on_redis_costs_four_round_trips(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, round_trips: RoundTrips
) -> None:
    """Through the whole app, the rate limit in memory: the principal's entry and the edge's
    tag tokens in one pipeline, the principal stored (no cross-worker lock: one row), the
    list's cold miss (two). Eleven before pipelining, seven before the read script and the
    pipeline."""
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
        assert trips == 4
        assert len(response.json()["data"]) == 1
    finally:
        app.state.cache = previous
        await redis_cache.clear()
        await redis_cache.close()


@pytest.fixture
async def on_redis(app: Any) -> AsyncIterator[tuple[HakenCache, RateLimiterService]]:
    """The app with its cache *and* its rate limiter on the test Redis, as in production."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    cache = HakenCache(REDIS_URL)
    await cache.start()
    limiter = RateLimiterService(REDIS_URL)
    await limiter.reset()
    previous = app.state.cache, app.state.rate_limiter
    app.state.cache, app.state.rate_limiter = cache, limiter
    try:
        yield cache, limiter
    finally:
        app.state.cache, app.state.rate_limiter = previous
        await limiter.reset()
        await limiter.close()
        await cache.clear()
        await cache.close()


def _remaining(response: httpx.Response) -> int:
    return int(response.headers["ratelimit-remaining"])


async def test_round_trips_of_a_cold_list_a_warm_list_and_a_write_with_the_rate_limit_on_redis(
    client: httpx.AsyncClient,
    auth_headers: Any,
    round_trips: RoundTrips,
    on_redis: tuple[HakenCache, RateLimiterService],
) -> None:
    """Every Redis round trip of a request, the rate limit's included (issue 21 item 2).

    Before: a cold list cost 9 (the rate limit 2: its hit and its window; the principal 3;
    the edge's tag check 1; the list 3), a warm list 4 (the rate limit 2, the principal 1,
    the tag check 1) and a write 4 (the rate limit 2, the principal 1, the invalidation 1).
    Now the rate limit, the principal's entry and the edge's tag tokens ride in one
    pipeline, the rate limit's hit and window are one script, a miss reads, pins its tags
    and takes the lock in one script, and the principal (one indexed row) is stored
    without a cross-worker lock."""
    cache, _ = on_redis
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    for _ in range(2):  # the second pass: every tag and script already known to Redis
        await cache.clear()
        round_trips.take()
        cold = await client.get("/api/employees", headers=coordinator)
        assert cold.status_code == 200, cold.text
        cold_trips = round_trips.take()
    warm = await client.get("/api/employees", headers=coordinator)
    assert warm.status_code == 200, warm.text
    warm_trips = round_trips.take()
    assert warm.json()["data"] == cold.json()["data"]
    created = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(name_romaji="Tran Thi Mai", birth_date="1998-02-03"),
    )
    assert created.status_code == 201, created.text
    write_trips = round_trips.take()
    assert (cold_trips, warm_trips, write_trips) == (4, 1, 2)
    # Each request counted exactly once against the limit, wherever it was counted.
    assert _remaining(warm) == _remaining(cold) - 1
    assert _remaining(created) == _remaining(warm) - 1
    # The write invalidated at once: the next read shows it.
    fresh = await client.get("/api/employees", headers=coordinator)
    assert len(fresh.json()["data"]) == 2
    assert _remaining(fresh) == _remaining(created) - 1


async def test_a_read_ahead_serves_only_its_own_request_and_never_past_an_invalidation(
    redis_cache: HakenCache, round_trips: RoundTrips
) -> None:
    """What the edge's pipeline read ahead is taken once, by the same request, and only
    while no write of this process has invalidated its tags since."""
    key, tags = SPEC.key({"row_id": 1}), SPEC.tags({"row_id": 1})
    await _load(redis_cache, 1)  # stored
    try:
        context.set_request_id("ahead-1")
        assert await redis_cache.batch([(key, tags)]) is not None
        round_trips.take()
        assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
        assert round_trips.take() == 0  # taken from the read ahead
        assert await _load(redis_cache, 1) == Row(id=1, name="row 1")
        assert round_trips.take() == 1  # taken once: read again
        # Another request (a test client's requests share one task): never taken.
        assert await redis_cache.batch([(key, tags)]) is not None
        context.set_request_id("ahead-2")
        round_trips.take()
        await _load(redis_cache, 1)
        assert round_trips.take() == 1
        # A write between the read ahead and the load: the load reads the new tokens.
        assert await redis_cache.batch([(key, tags)]) is not None
        loads = LOADS["n"]
        await redis_cache.invalidate_tags("trip:1")
        round_trips.take()
        await _load(redis_cache, 1)
        assert (round_trips.take(), LOADS["n"]) == (2, loads + 1)
    finally:
        context.set_request_id("-")


async def test_the_pipeline_stands_aside_when_redis_is_down(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """Redis unreachable: reads are answered from memory (the cache degrades, ordinary limits
    count in memory) and sign-in still fails closed (503), as without the pipeline."""
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    down = "redis://127.0.0.1:1/0"
    cache, limiter = HakenCache(down), RateLimiterService(down)
    await cache.start()
    previous = app.state.cache, app.state.rate_limiter
    app.state.cache, app.state.rate_limiter = cache, limiter
    try:
        listed = await client.get("/api/employees", headers=coordinator)
        assert listed.status_code == 200, listed.text
        assert len(listed.json()["data"]) == 1
        assert cache.degraded and limiter.degraded
        login = await client.post(
            "/api/auth/login", json={"email": "nobody@test.example", "password": "x" * 12}
        )
        assert login.status_code == 503
        assert login.json()["error"]["code"] == "RATE_LIMIT_UNAVAILABLE"
    finally:
        app.state.cache, app.state.rate_limiter = previous
        await limiter.close()
        await cache.close()
