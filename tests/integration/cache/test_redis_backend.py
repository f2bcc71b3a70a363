"""The cache on a real Redis: two workers sharing it, namespace-only clear, SCAN-based info."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import BaseModel
from redis.asyncio import Redis as AsyncRedis

from haken.platform.cache import PREFIX, HakenCache, cached
from tests.conftest import REDIS_URL, require_service


class Row(BaseModel):
    id: int
    name: str


LOADS = {"n": 0, "name": "first"}


@cached("entity", key="row:{row_id}", tags=["row:{row_id}"], namespace="redistest")
async def read_row(row_id: int) -> Row:
    LOADS["n"] += 1
    await asyncio.sleep(0.1)
    return Row(id=row_id, name=str(LOADS["name"]))


SPEC = read_row.__haken_cached__  # type: ignore[attr-defined]


@pytest.fixture
async def workers() -> AsyncIterator[tuple[HakenCache, HakenCache]]:
    """Two caches on one Redis: two API workers."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    first, second = HakenCache(REDIS_URL), HakenCache(REDIS_URL)
    await first.start()
    await second.start()
    assert not first.degraded and not second.degraded
    await first.clear()
    LOADS.update(n=0, name="first")
    try:
        yield first, second
    finally:
        await first.clear()
        await second.close()
        await first.close()


async def _load(cache: HakenCache, row_id: int) -> Row:
    key = SPEC.key({"row_id": row_id})
    tags = SPEC.tags({"row_id": row_id})
    return await cache.load(SPEC, key, tags, lambda: read_row.__wrapped__(row_id))  # type: ignore[attr-defined]


async def test_concurrent_misses_on_two_workers_load_once(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, second = workers
    calls = [_load(first, 1) for _ in range(50)] + [_load(second, 1) for _ in range(50)]
    rows = await asyncio.wait_for(asyncio.gather(*calls), timeout=15)
    assert LOADS["n"] == 1
    assert {r.name for r in rows} == {"first"}
    rows = [
        r
        for cache in workers
        for r in cache.stats.snapshot()["by_namespace_strategy"]
        if r["namespace"] == "redistest"
    ]
    # Every call but the two workers' leaders waited for a load or (arriving late) hit its
    # result; the second leader either waited on the lock or found the value once it got it.
    assert sum(r["lock_waits"] + r["hits"] for r in rows) >= 98


async def test_an_invalidation_on_one_worker_is_seen_by_the_other(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, second = workers
    await _load(first, 2)
    assert (await _load(second, 2)).name == "first" and LOADS["n"] == 1
    LOADS["name"] = "second"
    await first.invalidate_tags("row:2")
    assert (await _load(second, 2)).name == "second"


async def test_clear_and_info_touch_only_hakens_keys(
    workers: tuple[HakenCache, HakenCache],
) -> None:
    first, _ = workers
    await _load(first, 3)
    direct = AsyncRedis.from_url(REDIS_URL)
    try:
        await direct.set("other-app:key", b"keep")
        await direct.set("haken:jobs:not-cache", b"keep")  # haken's job queue lives beside
        info = await first.info()
        assert info["keys_by_namespace"].get("redistest") == 1
        assert info["memory_bytes_sampled"] > 0 and info["backend"] == "redis"
        assert await first.clear() == 1
        assert await direct.get("other-app:key") == b"keep"
        assert await direct.get("haken:jobs:not-cache") == b"keep"
        assert [k async for k in direct.scan_iter(match=PREFIX + "redistest:*")] == []
    finally:
        await direct.delete("other-app:key", "haken:jobs:not-cache")
        await direct.aclose()
