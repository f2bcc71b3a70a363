"""The in-process mirror of tag tokens and principals on a real Redis (issue 21 item 1).

What the edge cache checks on every request (its tags' tokens, the caller's principal
entry) is kept in each process and dropped when Redis pushes an invalidation: the tests
count the round trips a warm read saves, and show every way a mirrored key stops being
served: another worker's write, a read racing with a write, the tracking connection lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from haken.modules.identity.service import PRINCIPAL_TAG
from haken.platform.cache import TAG_PREFIX, HakenCache
from haken.platform.ratelimit import RateLimiterService
from tests.conftest import REDIS_URL, require_service
from tests.integration.cache.test_round_trips import RoundTrips, round_trips  # noqa: F401
from tests.integration.employees.factories import create_employee
from tests.waiting import eventually

TAGS = ("mirror:one", "mirror:two")


async def _started(cache: HakenCache) -> HakenCache:
    await cache.start()
    assert not cache.degraded, "the test Redis is unreachable"
    assert cache.mirror is not None and await cache.mirror.wait_ready(5)
    return cache


@pytest.fixture
async def workers() -> AsyncIterator[tuple[HakenCache, HakenCache]]:
    """Two caches on one Redis, each with its mirror: two API workers."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    first = await _started(HakenCache(REDIS_URL))
    second = await _started(HakenCache(REDIS_URL))
    await first.invalidate_tags(*TAGS)
    try:
        yield first, second
    finally:
        await second.close()
        await first.close()


async def _stored_tokens(cache: HakenCache) -> tuple[bytes, ...]:
    """The tokens as Redis holds them now (read through the backend: it unframes them)."""
    assert cache.redis is not None
    return tuple(await cache.redis.get_many(*(TAG_PREFIX + t for t in TAGS)))


async def test_tokens_once_read_are_answered_in_process(
    workers: tuple[HakenCache, HakenCache],
    round_trips: RoundTrips,  # noqa: F811
) -> None:
    first, _ = workers
    round_trips.take()
    tokens = await first.tag_tokens(TAGS)
    assert round_trips.take() == 1
    assert tokens == await _stored_tokens(first)
    round_trips.take()
    assert await first.tag_tokens(TAGS) == tokens
    assert round_trips.take() == 0


async def test_another_workers_invalidation_reaches_this_workers_mirror(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, second = workers
    before = await first.tag_tokens(TAGS)
    assert first.mirror is not None and first.mirror.get(TAG_PREFIX + TAGS[0]) is not None
    await second.invalidate_tags(TAGS[0])
    # The push is written before the writer's reply: it is read while the writer awaits.
    await eventually(
        lambda: first.mirror is not None and first.mirror.get(TAG_PREFIX + TAGS[0]) is None,
        "the invalidation pushed to the other worker",
        seconds=5,
    )
    after = await first.tag_tokens(TAGS)
    assert after == await _stored_tokens(first)
    assert after[0] != before[0] and after[1] == before[1]


async def test_this_workers_own_invalidation_is_seen_at_once(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, _ = workers
    before = await first.tag_tokens(TAGS)
    await first.invalidate_tags(TAGS[1])
    after = await first.tag_tokens(TAGS)  # no wait for the push
    assert after[1] != before[1] and after == await _stored_tokens(first)


async def test_a_read_that_raced_with_an_invalidation_is_not_kept(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, _ = workers
    mirror = first.mirror
    assert mirror is not None
    generation = mirror.generation  # a read begins
    mirror.drop([TAG_PREFIX + TAGS[0]])  # a change is pushed before its answer is kept
    mirror.keep(generation, [(TAG_PREFIX + TAGS[0], b"old token")])
    assert mirror.get(TAG_PREFIX + TAGS[0]) is None
    mirror.keep(mirror.generation, [(TAG_PREFIX + TAGS[0], b"new token")])
    assert mirror.get(TAG_PREFIX + TAGS[0]) == b"new token"
    # Only tracked prefixes are kept: nothing else would ever be invalidated.
    mirror.keep(mirror.generation, [("haken:v1:employees:whatever", b"x")])
    assert mirror.get("haken:v1:employees:whatever") is None


async def test_a_lost_tracking_connection_empties_the_mirror_until_tracking_is_back(
    workers: tuple[HakenCache, HakenCache],
    round_trips: RoundTrips,  # noqa: F811
) -> None:
    first, second = workers
    mirror = first.mirror
    assert mirror is not None and mirror._connection is not None
    await first.tag_tokens(TAGS)
    assert mirror.get(TAG_PREFIX + TAGS[0]) is not None
    client: Any = second.redis._client  # type: ignore[union-attr]
    await client.execute_command("CLIENT", "KILL", "ID", mirror._connection_id)
    await eventually(lambda: not mirror.ready, "the mirror to notice", seconds=10)
    assert mirror.values == {}
    # Meanwhile every read goes to Redis (a change made now could not be pushed to it).
    await second.invalidate_tags(TAGS[0])
    round_trips.take()
    assert await first.tag_tokens(TAGS) == await _stored_tokens(first)
    assert round_trips.take() == 2  # the read, and the test's own MGET
    await eventually(lambda: mirror.ready, "tracking to be set up again", seconds=10)
    assert await first.tag_tokens(TAGS) == await _stored_tokens(first)


@pytest.fixture
async def on_redis(app: Any) -> AsyncIterator[HakenCache]:
    """The app's cache on the test Redis with its mirror; rate limits counted in memory."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    cache = await _started(HakenCache(REDIS_URL))
    limiter = RateLimiterService("")
    previous = app.state.cache, app.state.rate_limiter
    app.state.cache, app.state.rate_limiter = cache, limiter
    try:
        yield cache
    finally:
        app.state.cache, app.state.rate_limiter = previous
        await cache.clear()
        await cache.close()


async def test_a_warm_edge_read_makes_no_round_trip_and_a_write_is_seen_at_once(
    client: httpx.AsyncClient,
    auth_headers: Any,
    round_trips: RoundTrips,  # noqa: F811
    on_redis: HakenCache,
) -> None:
    """The headline read of the bench (rate limits not on Redis): before the mirror every
    warm edge hit cost one round trip (the principal's entry and the tags' tokens)."""
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    await on_redis.clear()
    first = await client.get("/api/employees", headers=coordinator)  # fills the entries
    assert first.status_code == 200, first.text
    second = await client.get("/api/employees", headers=coordinator)  # keeps what it read
    assert second.status_code == 200, second.text
    round_trips.take()
    warm = await client.get("/api/employees", headers=coordinator)
    assert warm.status_code == 200, warm.text
    assert round_trips.take() == 0
    assert warm.json()["data"] == first.json()["data"]
    await create_employee(client, coordinator, name_romaji="Tran Thi Mai", birth_date="1998-02-03")
    fresh = await client.get("/api/employees", headers=coordinator)
    assert len(fresh.json()["data"]) == len(first.json()["data"]) + 1


async def test_a_signed_out_session_is_refused_at_once_by_the_edge(
    client: httpx.AsyncClient,
    auth_headers: Any,
    round_trips: RoundTrips,  # noqa: F811
    on_redis: HakenCache,
) -> None:
    """The edge takes the caller from the mirror (no read ahead, no load): a sign-out on
    this worker drops it at once."""
    coordinator = await auth_headers("coordinator")
    for _ in range(2):  # filled, then kept
        assert (await client.get("/api/employees", headers=coordinator)).status_code == 200
    loads: list[str] = []
    load = on_redis.load

    async def counted(spec: Any, key: str, *args: Any) -> Any:
        loads.append(key)
        return await load(spec, key, *args)

    on_redis.load = counted  # type: ignore[method-assign]
    warm = await client.get("/api/employees", headers=coordinator)
    assert warm.status_code == 200, warm.text
    assert loads == []  # neither the principal nor the list went through load()
    signed_out = await client.post("/api/auth/logout", headers=coordinator)
    assert signed_out.status_code == 200, signed_out.text
    refused = await client.get("/api/employees", headers=coordinator)
    assert refused.status_code == 401, refused.text


async def test_a_session_revoked_on_another_worker_is_refused_once_its_push_is_read(
    client: httpx.AsyncClient,
    auth_headers: Any,
    on_redis: HakenCache,
    app: Any,
) -> None:
    coordinator = await auth_headers("coordinator")
    for _ in range(3):
        assert (await client.get("/api/employees", headers=coordinator)).status_code == 200
    other = await _started(HakenCache(REDIS_URL))  # another API worker on the same Redis
    try:
        # What the other worker's revocation commits: the sessions, then the principals' tag.
        user_id = (await client.get("/api/auth/me", headers=coordinator)).json()["data"]["id"]
        async with app.state.database.write_sessionmaker() as session, session.begin():
            await session.execute(
                text("UPDATE auth_sessions SET revoked_at = CURRENT_TIMESTAMP WHERE user_id = :u"),
                {"u": user_id},
            )
        await other.invalidate_tags(PRINCIPAL_TAG)
        refused = await client.get("/api/employees", headers=coordinator)
        assert refused.status_code == 401, refused.text
    finally:
        await other.close()
