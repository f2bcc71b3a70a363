"""The cache facade on the memory backend: keys, strategies, tags, races, stampedes, stats."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from haken.platform import cache as cache_module
from haken.platform.access import Principal, Role
from haken.platform.cache import (
    PREFIX,
    STRATEGIES,
    TAG_PREFIX,
    HakenCache,
    Journal,
    cache_bypass,
    cache_tags,
    cached,
    principal_scope,
    scope_by_role,
)
from haken.platform.db import Database, session_scope

DOCS = Path(__file__).resolve().parents[3] / "docs" / "caching.md"


class Item(BaseModel):
    id: int
    name: str


class Calls:
    """Counts loads and lets a test change what the 'database' answers."""

    def __init__(self) -> None:
        self.count = 0
        self.names: dict[int, str] = {}

    async def load(self, item_id: int, delay: float = 0.0) -> Item:
        self.count += 1
        if delay:
            await asyncio.sleep(delay)
        return Item(id=item_id, name=self.names.get(item_id, f"item-{item_id}"))


@pytest.fixture
async def cache() -> AsyncIterator[HakenCache]:
    instance = HakenCache()
    await instance.start()
    try:
        yield instance
    finally:
        await instance.close()


def make_reader(calls: Calls, *, strategy: str = "entity") -> Any:
    @cached(strategy, key="item:{item_id}", tags=["item:{item_id}", "items:list"], namespace="t")
    async def read_item(item_id: int, delay: float = 0.0) -> Item:
        return await calls.load(item_id, delay)

    return read_item


# --- strategies and docs ------------------------------------------------------------


def test_every_strategy_has_a_ttl_and_a_purpose_and_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert {
        "realtime",
        "short",
        "list",
        "entity",
        "dashboard",
        "report",
        "reference",
        "static",
    } <= set(STRATEGIES)
    for strategy in STRATEGIES.values():
        assert strategy.ttl_seconds > 0 and strategy.purpose
        row = re.search(rf"^\| `{strategy.name}` \| (\d+) s \|", text, re.MULTILINE)
        assert row is not None, f"docs/caching.md lacks a row for {strategy.name}"
        assert int(row.group(1)) == strategy.ttl_seconds, strategy.name


def test_unknown_strategy_is_refused() -> None:
    with pytest.raises(KeyError):
        cached("forever")


# --- the decorator refuses what it cannot cache as JSON ------------------------------


class _Base(DeclarativeBase):
    pass


class OrmThing(_Base):
    __tablename__ = "cache_test_thing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def test_orm_return_type_is_refused_at_decoration() -> None:
    with pytest.raises(TypeError, match="never ORM"):

        @cached("entity", namespace="t")
        async def read_orm(thing_id: int) -> OrmThing:
            raise AssertionError("never called")


def test_untyped_or_any_return_is_refused() -> None:
    with pytest.raises(TypeError, match="DTO return type"):

        @cached("entity", namespace="t")
        async def read_any(thing_id: int) -> Any:
            return None


def test_a_principal_argument_needs_a_scope() -> None:
    with pytest.raises(TypeError, match="needs a scope"):

        @cached("entity", namespace="t", scope=None)
        async def read(principal: Principal, thing_id: int) -> Item:
            raise AssertionError("never called")


def test_two_reads_cannot_share_a_key_template() -> None:
    @cached("entity", key="clash:{x}", namespace="t")
    async def first(x: int) -> Item:
        raise AssertionError

    with pytest.raises(ValueError, match="already used"):

        @cached("entity", key="clash:{x}", namespace="t")
        async def second(x: int) -> Item:
            raise AssertionError


async def test_a_value_that_does_not_match_the_annotation_is_an_error(cache: HakenCache) -> None:
    @cached("entity", key="liar:{x}", namespace="t")
    async def liar(x: int) -> Item:
        return {"not": "an item"}  # type: ignore[return-value]

    with pytest.raises(TypeError, match="annotation"):
        await liar(1)


# --- keys and scope ---------------------------------------------------------------


def _principal(user_id: int, role: Role, sites: frozenset[int] = frozenset()) -> Principal:
    return Principal(user_id=user_id, role=role, email=f"u{user_id}@x.example", site_ids=sites)


def test_keys_are_namespaced_versioned_and_sanitised() -> None:
    @cached("list", key="search:{q}:{limit}", namespace="t", scope=None)
    async def search(q: str | None, limit: int) -> list[Item]:
        return []

    spec = search.__haken_cached__
    assert spec.key({"q": "tanaka", "limit": 50}) == f"{PREFIX}t:search:tanaka:50"
    hostile = spec.key({"q": "a:b*c" + "x" * 100, "limit": 50})
    assert hostile.startswith(f"{PREFIX}t:search:h") and "*" not in hostile
    assert hostile.count(":") == spec.key({"q": "safe", "limit": 50}).count(":")
    assert spec.key({"q": None, "limit": 50}) == f"{PREFIX}t:search:-:50"


def test_default_scope_separates_every_principal_and_role_scope_shares_admins() -> None:
    manager_a = _principal(1, Role.SITE_MANAGER, frozenset({1}))
    manager_b = _principal(1, Role.SITE_MANAGER, frozenset({2}))
    assert principal_scope(manager_a) != principal_scope(manager_b)
    assert principal_scope(_principal(1, Role.ADMIN)) != principal_scope(_principal(2, Role.ADMIN))
    shared = scope_by_role(Role.ADMIN)
    assert shared(_principal(1, Role.ADMIN)) == shared(_principal(2, Role.SUPER_ADMIN)) == "all"
    assert shared(manager_a) == principal_scope(manager_a)
    tiered = scope_by_role(Role.ADMIN, Role.COORDINATOR)
    assert tiered(_principal(1, Role.SUPER_ADMIN)) == tiered(_principal(2, Role.ADMIN)) == "all"
    assert tiered(_principal(3, Role.COORDINATOR)) == tiered(_principal(4, Role.COORDINATOR))
    assert tiered(_principal(3, Role.COORDINATOR)) not in ("all", principal_scope(manager_a))
    assert tiered(manager_a) == principal_scope(manager_a) != tiered(manager_b)


# --- read through and invalidation --------------------------------------------------


async def test_miss_then_hit_returns_equal_but_separate_objects(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    first = await read(1)
    second = await read(1)
    assert calls.count == 1
    assert first == second and first is not second
    second.name = "mutated by a caller"
    assert (await read(1)).name == "item-1"  # nobody can corrupt the cached copy


async def test_tag_invalidation_reloads_only_the_tagged_entries(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(1)
    await read(2)
    calls.names[1] = "renamed"
    await cache.invalidate_tags("item:1")
    assert (await read(1)).name == "renamed"
    assert (await read(2)).name == "item-2"
    assert calls.count == 3
    await cache.invalidate_tags("items:list")  # a shared tag drops both
    await read(1)
    await read(2)
    assert calls.count == 5


async def test_a_read_racing_a_write_never_stores_stale_data(cache: HakenCache) -> None:
    """The load started before the write committed; its entry must be stale at once."""
    calls = Calls()

    @cached("entity", key="race:{item_id}", tags=["race:{item_id}"], namespace="t")
    async def read(item_id: int) -> Item:
        value = await calls.load(item_id)  # the old row was read...
        calls.names[item_id] = "new"  # ...then a writer commits
        await cache.invalidate_tags(f"race:{item_id}")  # ...and invalidates
        return value

    assert (await read(7)).name == "item-7"
    calls.names.clear()
    assert calls.count == 1
    await read(7)
    assert calls.count == 2, "the entry computed before the invalidation was served"


async def test_evicted_tag_versions_cause_misses_not_stale_hits(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(3)
    await cache.memory.delete(TAG_PREFIX + "item:3")  # LRU eviction of the version key
    calls.names[3] = "changed"
    assert (await read(3)).name == "changed"


async def test_errors_are_not_cached(cache: HakenCache) -> None:
    attempts = {"n": 0}

    @cached("entity", key="flaky:{x}", namespace="t")
    async def flaky(x: int) -> Item:
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise LookupError("not found")
        return Item(id=x, name="ok")

    with pytest.raises(LookupError):
        await flaky(1)
    assert (await flaky(1)).name == "ok"
    assert attempts["n"] == 2


async def test_bypass_reads_the_source(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(1)
    with cache_bypass():
        await read(1)
        await read(1)
    assert calls.count == 3


# --- stampede -------------------------------------------------------------------------


async def test_hundred_concurrent_misses_load_once(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    results = await asyncio.wait_for(
        asyncio.gather(*(read(5, delay=0.05) for _ in range(100))), timeout=10
    )
    assert calls.count == 1
    assert all(r == Item(id=5, name="item-5") for r in results)
    assert len({id(r) for r in results}) == 100  # each caller got its own object
    row = next(r for r in cache.stats.snapshot()["by_namespace_strategy"] if r["namespace"] == "t")
    assert row["lock_waits"] >= 99


async def test_a_failing_leader_does_not_fail_or_block_its_followers(cache: HakenCache) -> None:
    attempts = {"n": 0}

    @cached("entity", key="leader:{x}", namespace="t")
    async def read(x: int) -> Item:
        attempts["n"] += 1
        first = attempts["n"] == 1
        await asyncio.sleep(0.05)
        if first:
            raise LookupError("the leader's database call failed")
        return Item(id=x, name="ok")

    outcomes = await asyncio.wait_for(
        asyncio.gather(*(read(1) for _ in range(10)), return_exceptions=True), timeout=10
    )
    assert sum(isinstance(o, LookupError) for o in outcomes) == 1
    assert sum(o == Item(id=1, name="ok") for o in outcomes) == 9


# --- invalidation after the commit ------------------------------------------------------


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}")
    async with db.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


async def test_invalidation_runs_after_the_commit_not_before(
    cache: HakenCache, database: Database
) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(1)
    calls.names[1] = "after"
    async with session_scope(database, write=True) as session:
        cache_tags.invalidate_after_commit(session, "item:1")
        assert cache_tags.pending(session) == {"item:1"}
        # Another request (no pending writes) still sees the committed state.
        assert (await read(1)).name == "item-1"
    assert (await read(1)).name == "after"


async def test_invalidation_is_dropped_on_rollback(cache: HakenCache, database: Database) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(1)
    calls.names[1] = "never committed"

    async def failing_unit_of_work() -> None:
        async with session_scope(database, write=True) as session:
            cache_tags.invalidate_after_commit(session, "item:1")
            raise RuntimeError("the use case failed")

    with pytest.raises(RuntimeError):
        await failing_unit_of_work()
    assert (await read(1)).name == "item-1"
    assert calls.count == 1


async def test_reads_inside_a_writing_transaction_bypass_the_cache(
    cache: HakenCache, database: Database
) -> None:
    @cached("entity", key="thing:{thing_id}", namespace="t", scope=None)
    async def read_thing(session: Any, thing_id: int) -> Item:
        calls.count += 1
        return Item(id=thing_id, name="x")

    calls = Calls()
    async with session_scope(database, write=True) as session:
        await read_thing(session, 1)
        await read_thing(session, 1)
        assert calls.count == 1  # read-only so far: cached
        session.add(OrmThing(id=1, name="new"))
        await session.flush()
        await read_thing(session, 1)
        await read_thing(session, 1)
        assert calls.count == 3  # uncommitted data is never cached nor served from cache
    async with session_scope(database, write=True) as session:
        await read_thing(session, 1)
    assert calls.count == 3  # a fresh unit of work uses the cache again


def test_malformed_tags_are_refused() -> None:
    with pytest.raises(ValueError, match="malformed"):
        cache_tags.invalidate_after_commit(None, "Employee 42")  # type: ignore[arg-type]


# --- patterns, clear, journal, stats ------------------------------------------------


async def test_pattern_invalidation_and_clear_touch_only_haken_values(cache: HakenCache) -> None:
    calls = Calls()
    read = make_reader(calls)
    await read(1)
    await read(2)
    await cache.memory.set("someone-else:key", b"keep")
    assert await cache.invalidate_pattern("t:item:1*") == 1
    assert await cache.memory.exists(TAG_PREFIX + "item:1")  # versions stay
    await read(1)
    await read(2)
    assert calls.count == 3
    with pytest.raises(ValueError):
        await cache.invalidate_pattern("_tag:*")
    assert await cache.clear() == 2
    assert await cache.memory.get("someone-else:key") == b"keep"


def test_the_journal_collapses_into_a_clear_when_too_long() -> None:
    journal = Journal(limit=3)
    journal.add_tags(["a:1", "a:2"])
    journal.add_pattern("x:*")
    assert not journal.clear and journal.size == 3
    journal.add_tags(["a:3"])
    assert journal.clear and not journal.tags and journal.size == 1


async def test_stats_count_hits_misses_and_latency_per_namespace_and_strategy(
    cache: HakenCache,
) -> None:
    calls = Calls()
    read = make_reader(calls, strategy="reference")
    await read(1)
    await read(1)
    await read(1)
    rows = cache.stats.snapshot()["by_namespace_strategy"]
    row = next(r for r in rows if (r["namespace"], r["strategy"]) == ("t", "reference"))
    assert (row["hits"], row["misses"], row["latency_ms"]["count"]) == (2, 1, 3)
    assert row["hit_ratio"] == pytest.approx(2 / 3, abs=1e-3)
    assert row["latency_ms"]["max"] >= row["latency_ms"]["p50"] > 0


async def test_memory_mode_reports_its_state(cache: HakenCache) -> None:
    state = cache.state()
    assert state["backend"] == "memory" and state["degraded"] is False
    assert cache_module.active_cache() is cache


class SlowRedis:
    """Stands in for a Redis whose every call times out (a burst, a stalled moment)."""

    async def _timeout(self, *_args: Any, **_kwargs: Any) -> Any:
        from cashews.exceptions import CacheBackendInteractionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        raise CacheBackendInteractionError() from RedisTimeoutError("Timeout reading from socket")

    get_many = set = set_lock = get = is_locked = unlock = set_many = _timeout


async def test_a_slow_redis_read_is_served_uncached_and_only_repeated_timeouts_degrade(
    cache: HakenCache,
) -> None:
    calls = Calls()
    read = make_reader(calls)
    cache.redis = SlowRedis()  # type: ignore[assignment]
    cache.timeouts_to_degrade, cache.timeout_window = 3, 60.0
    try:
        assert (await read(1)).name == "item-1"
        assert (await read(1)).name == "item-1"
        assert not cache.degraded and calls.count == 2  # answered from the source, no error
        await read(1)
        assert cache.degraded  # the third timeout in the window: Redis is unwell
        await read(1)
        assert calls.count == 3  # now served from memory
    finally:
        cache.degraded = False  # let close() end cleanly without the fake
        cache.redis = None
        if cache._probe_task is not None:
            cache._probe_task.cancel()


async def test_a_disabled_cache_reads_the_source_every_time() -> None:
    """Several workers without Redis: no worker may serve what another invalidated."""
    instance = HakenCache(enabled=False)
    await instance.start()
    try:
        calls = Calls()
        read = make_reader(calls)
        await read(1)
        await read(1)
        assert calls.count == 2
        assert instance.stats.snapshot()["totals"]["hits"] == 0
    finally:
        await instance.close()
