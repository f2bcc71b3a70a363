"""The transactional job outbox: a committed job is never lost and runs once in effect.

* Redis down: 100 committed writes that enqueue jobs wait in ``job_outbox``; once
  Redis is back, the relay of a ``haken worker`` sends them and every job runs
  exactly once (a throwaway redis-server of the test's own, never the shared one).
* A crash between commit and send (no fast path ran): a relay in another process
  (another Database and queue here) picks the rows up; a job sent before the
  crash and sent again by the relay runs once (its idempotency key).
* Relays never take the same rows at once (SKIP LOCKED / SQLite's write lock).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

from haken.modules.audit.models import AuditEntry
from haken.platform import job_records
from haken.platform.db import Database, session_scope, utcnow
from haken.platform.jobs import JobContext, JobQueue, enqueue_job, job
from haken.platform.worker import run_worker
from tests.conftest import make_settings
from tests.integration.cache.test_failover import RedisServer, free_port, require_redis_server

pytestmark = pytest.mark.integration

RUNS: collections.Counter[str] = collections.Counter()


@job("tests.outbox_effect")
async def outbox_effect(ctx: JobContext, *, marker: str) -> dict[str, Any]:
    """The effect of the job: one audit row per run (rolled back with a failed attempt)."""
    RUNS[ctx.key] += 1
    ctx.session.add(
        AuditEntry(
            request_id=ctx.request_id,
            entity_type="outbox-test",
            entity_id=marker,
            action="job-effect",
            changes={},
        )
    )
    return {"marker": marker}


async def _commit_writes(database: Database, marker: str, count: int) -> list[str]:
    """``count`` transactions, each writing a row and enqueuing a job in the same commit."""
    keys: list[str] = []
    for index in range(count):
        async with session_scope(database, write=True) as session:
            session.add(
                AuditEntry(
                    request_id=f"{marker}-{index}",
                    entity_type="outbox-test",
                    entity_id=marker,
                    action="write",
                    changes={},
                )
            )
            keys.append(enqueue_job(session, outbox_effect, marker=marker))
    return keys


async def _outbox(database: Database, keys: list[str]) -> list[job_records.JobOutbox]:
    async with session_scope(database, write=False) as session:
        rows = await session.scalars(
            select(job_records.JobOutbox).where(job_records.JobOutbox.key.in_(keys))
        )
        return list(rows)


async def _make_due(database: Database, keys: list[str]) -> None:
    """Skip the hold/backoff: the rows are due for a relay now."""
    async with session_scope(database, write=True) as session:
        await session.execute(
            update(job_records.JobOutbox)
            .where(job_records.JobOutbox.key.in_(keys))
            .values(available_at=utcnow() - dt.timedelta(seconds=1))
        )


async def _succeeded(database: Database, keys: list[str]) -> int:
    async with session_scope(database, write=False) as session:
        found = await session.scalar(
            select(func.count())
            .select_from(job_records.JobRun)
            .where(job_records.JobRun.key.in_(keys), job_records.JobRun.status == "succeeded")
        )
        return int(found or 0)


async def _effects(database: Database, marker: str) -> int:
    async with session_scope(database, write=False) as session:
        found = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity_id == marker, AuditEntry.action == "job-effect")
        )
        return int(found or 0)


@pytest.fixture
def paused_app_relay(app: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test app's own relay (same database) must not take this test's rows."""

    async def idle(**_kwargs: Any) -> int:
        return 0

    monkeypatch.setattr(app.state.jobs.queue, "relay_outbox", idle)


async def test_jobs_committed_while_redis_is_down_run_once_after_it_returns(
    database_url: str, tmp_path: Any, paused_app_relay: None
) -> None:
    require_redis_server()
    RUNS.clear()
    redis = RedisServer(free_port())
    redis.start()
    settings = make_settings(
        database_url,
        tmp_path,
        redis_url=f"redis://127.0.0.1:{redis.port}/0",
        job_queue_name=f"haken:test-outbox:{uuid.uuid4().hex}",
        worker_metrics_port=0,  # no metrics server: the fixed 9100 clashes between xdist workers
        job_scheduler_enabled=False,
        shutdown_timeout_seconds=10,
    )
    database = Database(database_url, pool_size=2)
    producer = JobQueue(settings, database, "redis")
    await producer.start()
    marker = uuid.uuid4().hex[:12]
    stop = asyncio.Event()
    worker: asyncio.Task[None] | None = None
    try:
        worker = asyncio.create_task(run_worker(settings, stop))  # runs throughout
        await asyncio.sleep(0.5)
        redis.stop()
        keys = await _commit_writes(database, marker, 100)
        # Every write committed; every job waits in the table, none reached a broker.
        rows = await _outbox(database, keys)
        assert len(rows) == 100
        assert all(row.sent_at is None for row in rows)
        await _make_due(database, keys)
        assert await producer.relay_outbox() == 0  # Redis still down: nothing lost either
        rows = await _outbox(database, keys)
        assert all(row.sent_at is None for row in rows)
        assert any(row.last_error for row in rows)  # sends were tried, and failed

        assert not worker.done()  # the worker waits for Redis, it does not exit
        redis.start()  # a fresh, empty Redis on the same port (stream and group gone)
        await _make_due(database, keys)
        deadline = asyncio.get_running_loop().time() + 60
        while await _succeeded(database, keys) < 100:
            assert asyncio.get_running_loop().time() < deadline, "jobs did not all run"
            assert not worker.done(), worker
            await asyncio.sleep(0.2)
        rows = await _outbox(database, keys)
        assert all(row.sent_at is not None for row in rows)
        assert await _effects(database, marker) == 100
        assert set(RUNS) == set(keys)
        assert set(RUNS.values()) == {1}
    finally:
        stop.set()
        if worker is not None:
            await asyncio.wait_for(worker, timeout=30)
        await producer.stop(0)
        await database.dispose()
        redis.stop()


async def test_a_crash_between_commit_and_send_is_relayed_by_another_process(
    database_url: str, tmp_path: Any, paused_app_relay: None
) -> None:
    RUNS.clear()
    settings = make_settings(database_url, tmp_path, job_scheduler_enabled=False)
    marker = uuid.uuid4().hex[:12]
    # The "crashed" process: committed, but no queue here, so nothing was sent.
    crashed = Database(database_url, pool_size=1)
    try:
        keys = await _commit_writes(crashed, marker, 5)
    finally:
        await crashed.dispose()
    # One of them did reach a broker before the crash (sent, not marked): it runs now.
    database = Database(database_url, pool_size=2)
    relay = JobQueue(settings, database, "memory")
    await relay.start()
    try:
        assert await relay.run("tests.outbox_effect", keys[0], {"marker": marker}) == "succeeded"
        rows = await _outbox(database, keys)
        assert [row.sent_at for row in rows] == [None] * 5
        await _make_due(database, keys)
        assert await relay.relay_outbox() == 5
        # The jobs run on the broker's tasks; this task ran one inline above and is done
        # with it, so the queue drains without waiting on this very task.
        assert await relay.drain(10) is True
        deadline = asyncio.get_running_loop().time() + 10
        while await _succeeded(database, keys) < 5:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
        assert all(row.sent_at is not None for row in await _outbox(database, keys))
        assert await relay.relay_outbox() == 0  # sent rows are not sent again
        assert await _effects(database, marker) == 5
        assert dict(RUNS) == dict.fromkeys(keys, 1)
    finally:
        await relay.stop(0)
        await database.dispose()


async def test_concurrent_relays_claim_disjoint_rows(
    database_url: str, tmp_path: Any, paused_app_relay: None
) -> None:
    marker = uuid.uuid4().hex[:12]
    database = Database(database_url, pool_size=4)
    try:
        async with session_scope(database, write=True) as session:
            for index in range(20):
                job_records.add_to_outbox(
                    session,
                    job="tests.outbox_effect",
                    key=f"{marker}:{index}",
                    arguments={"marker": marker},
                    parent_request_id="test",
                    hold_seconds=-1,
                )
        keys = [f"{marker}:{index}" for index in range(20)]
        started = asyncio.Event()

        async def claim(pause: float) -> list[str]:
            async with session_scope(database, write=True) as session:  # as the relay does
                entries = await job_records.claim_outbox(session, limit=15, lease_seconds=30)
                started.set()
                await asyncio.sleep(pause)  # hold the claim open while the other relay runs
                return [entry.key for entry in entries]

        async def second() -> list[str]:
            await started.wait()
            return await claim(0)

        first_keys, second_keys = await asyncio.gather(claim(0.3), second())
        assert len(first_keys) == 15
        assert set(first_keys).isdisjoint(second_keys)
        assert set(first_keys) | set(second_keys) == set(keys)
    finally:
        await database.dispose()


async def test_the_purge_forgets_sent_rows_after_the_retention(app: Any, client: Any) -> None:
    retention = app.state.settings.job_record_retention_days
    old = utcnow() - dt.timedelta(days=retention + 1)
    marker = uuid.uuid4().hex[:12]
    async with session_scope(app.state.database, write=True) as session:
        for name, sent in (("old-sent", old), ("recent-sent", utcnow()), ("old-unsent", None)):
            row = job_records.add_to_outbox(
                session,
                job="tests.outbox_effect",
                key=f"{marker}:{name}",
                arguments={},
                parent_request_id="test",
                hold_seconds=3600,
            )
            row.created_at = old
            row.sent_at = sent
    queue: JobQueue = app.state.jobs.queue
    key = f"platform.purge_job_records@{marker}"
    assert await queue.run("platform.purge_job_records", key, {}) == "succeeded"
    async with session_scope(app.state.database, write=True) as session:
        run = await job_records.get(session, key)
        left = set(
            await session.scalars(
                select(job_records.JobOutbox.key).where(
                    job_records.JobOutbox.key.like(f"{marker}:%")
                )
            )
        )
    assert run is not None and run.result is not None
    assert run.result["job_outbox"] == 1
    assert left == {f"{marker}:recent-sent", f"{marker}:old-unsent"}
