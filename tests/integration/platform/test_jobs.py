"""The job facade: enqueue after commit, idempotency, retries, dead letters, the purge jobs,
and the Redis stream worker with its graceful drain."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

from haken.modules.audit.models import AuditEntry
from haken.modules.identity.models import AuthSession, RefreshToken
from haken.platform import job_records, metrics
from haken.platform.db import Database, session_scope, utcnow
from haken.platform.jobs import JobContext, JobQueue, due_jobs, enqueue_job, job
from haken.platform.worker import run_worker
from tests.conftest import REDIS_URL, make_settings, require_service

pytestmark = pytest.mark.integration

CALLS: list[dict[str, Any]] = []
STARTED: list[str] = []  # values whose job body has begun, before any pause
FLAKY: dict[str, int] = {}


@job("tests.record")
async def record_job(ctx: JobContext, *, value: str, pause: float = 0.0) -> dict[str, Any]:
    STARTED.append(value)
    if pause:
        await asyncio.sleep(pause)
    CALLS.append({"value": value, "key": ctx.key, "request_id": ctx.request_id})
    return {"value": value}


@job("tests.always_fails", max_attempts=3)
async def always_fails(ctx: JobContext) -> None:
    # The write must roll back with the failed attempt.
    ctx.session.add(
        AuditEntry(
            request_id=ctx.request_id,
            entity_type="t",
            entity_id="1",
            action="should-not-stay",
            changes={},
        )
    )
    await ctx.session.flush()
    raise RuntimeError("boom")


@job("tests.flaky", max_attempts=4)
async def flaky(ctx: JobContext, *, name: str) -> dict[str, int]:
    FLAKY[name] = FLAKY.get(name, 0) + 1
    if FLAKY[name] < 3:
        raise ConnectionError("transient")
    return {"calls": FLAKY[name]}


def _sample(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    value = REGISTRY.get_sample_value(name, labels)
    return float(value or 0.0)


async def _row(app: Any, key: str) -> job_records.JobRun | None:
    async with session_scope(app.state.database, write=True) as session:
        return await job_records.get(session, key)


async def _wait_for_status(app: Any, key: str, status: str, seconds: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        row = await _row(app, key)
        if row is not None and row.status == status:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} never reached {status}; last: {row and row.status}")


@pytest.fixture
def queue(app: Any, client: Any) -> JobQueue:
    CALLS.clear()
    STARTED.clear()
    q: JobQueue = app.state.jobs.queue
    return q


async def test_enqueued_job_runs_only_after_commit(app: Any, queue: JobQueue) -> None:
    async with session_scope(app.state.database, write=True) as session:
        key = enqueue_job(session, record_job, value="committed")
        await asyncio.sleep(0.05)
        assert CALLS == []  # nothing sent before the commit
    await _wait_for_status(app, key, "succeeded")
    assert [c["value"] for c in CALLS] == ["committed"]
    assert CALLS[0]["request_id"].startswith("job-")


async def test_rolled_back_transaction_enqueues_nothing(app: Any, queue: JobQueue) -> None:
    before = _sample("haken_jobs_enqueued_total", job="tests.record")
    keys: list[str] = []

    async def failing_request() -> None:
        async with session_scope(app.state.database, write=True) as session:
            keys.append(enqueue_job(session, "tests.record", value="rolled-back"))
            raise ValueError("abort")

    with pytest.raises(ValueError, match="abort"):
        await failing_request()
    [key] = keys
    await asyncio.sleep(0.1)
    assert CALLS == []
    assert await _row(app, key) is None
    assert _sample("haken_jobs_enqueued_total", job="tests.record") == before


async def test_unknown_job_and_non_json_arguments_fail_in_the_caller(
    app: Any, queue: JobQueue
) -> None:
    async with session_scope(app.state.database, write=True) as session:
        with pytest.raises(KeyError):
            enqueue_job(session, "tests.nope")
        with pytest.raises(TypeError):
            enqueue_job(session, record_job, value=object())


async def test_same_key_runs_once(app: Any, queue: JobQueue) -> None:
    key = f"tests.record:{uuid.uuid4().hex}"
    first = await queue.run("tests.record", key, {"value": "a"})
    second = await queue.run("tests.record", key, {"value": "a"})
    assert (first, second) == ("succeeded", "skipped")
    assert len(CALLS) == 1
    row = await _row(app, key)
    assert row is not None
    assert (row.status, row.attempts, row.result) == ("succeeded", 1, {"value": "a"})


async def test_running_key_with_live_lease_is_not_taken_twice(app: Any, queue: JobQueue) -> None:
    key = f"tests.record:{uuid.uuid4().hex}"
    async with session_scope(app.state.database, write=True) as session:
        claim = await job_records.claim(
            session, key=key, job="tests.record", arguments={}, request_id="r", lease_seconds=60
        )
    assert claim.claimed
    assert await queue.run("tests.record", key, {"value": "b"}) == "skipped"
    # An expired lease (the first worker died) is taken over.
    async with session_scope(app.state.database, write=True) as session:
        await session.execute(
            update(job_records.JobRun)
            .where(job_records.JobRun.key == key)
            .values(lease_until=utcnow() - dt.timedelta(seconds=1))
        )
    assert await queue.run("tests.record", key, {"value": "b"}) == "succeeded"
    assert [c["value"] for c in CALLS] == ["b"]


async def test_failing_job_retries_then_becomes_a_dead_letter(
    app: Any, queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(queue, "_sleep", no_sleep)
    dead_before = _sample("haken_jobs_dead_lettered_total", job="tests.always_fails")
    failures_before = _sample("haken_jobs_failures_total", job="tests.always_fails")
    key = f"tests.always_fails:{uuid.uuid4().hex}"
    assert await queue.run("tests.always_fails", key, {}) == "dead"
    row = await _row(app, key)
    assert row is not None
    assert (row.status, row.attempts) == ("dead", 3)
    assert row.last_error == "RuntimeError: boom"
    backoff = app.state.settings.job_retry_backoff_seconds
    assert sleeps == [backoff, backoff * 2]
    assert _sample("haken_jobs_dead_lettered_total", job="tests.always_fails") == dead_before + 1
    assert _sample("haken_jobs_failures_total", job="tests.always_fails") == failures_before + 3
    async with session_scope(app.state.database, write=True) as session:
        kept = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "should-not-stay")
        )
    assert kept == 0
    # A dead letter is not run again by a redelivery.
    assert await queue.run("tests.always_fails", key, {}) == "skipped"


async def test_transient_failures_recover_within_the_attempt_budget(
    app: Any, queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(queue, "_sleep", no_sleep)
    name = uuid.uuid4().hex
    key = f"tests.flaky:{name}"
    assert await queue.run("tests.flaky", key, {"name": name}) == "succeeded"
    row = await _row(app, key)
    assert row is not None
    assert (row.status, row.attempts, row.result) == ("succeeded", 3, {"calls": 3})


async def test_nightly_purge_jobs_delete_only_what_expired(
    app: Any, queue: JobQueue, make_user: Any, login: Any
) -> None:
    user = await make_user("employee")
    await login(user["email"])
    await login(user["email"])
    now = utcnow()
    retention = app.state.settings.audit_retention_days
    async with session_scope(app.state.database, write=True) as session:
        # One of the two sign-ins expired yesterday; the other stays valid.
        first_session = await session.scalar(
            select(AuthSession.id).order_by(AuthSession.created_at).limit(1)
        )
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == first_session)
            .values(expires_at=now - dt.timedelta(days=1))
        )
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.session_id == first_session)
            .values(expires_at=now - dt.timedelta(days=1))
        )
        session.add_all(
            [
                AuditEntry(
                    occurred_at=now - dt.timedelta(days=retention + 1),
                    request_id="old",
                    entity_type="t",
                    entity_id="1",
                    action="old",
                    changes={},
                ),
                AuditEntry(
                    occurred_at=now - dt.timedelta(days=retention - 1),
                    request_id="new",
                    entity_type="t",
                    entity_id="2",
                    action="recent",
                    changes={},
                ),
            ]
        )
    stamp = uuid.uuid4().hex
    assert await queue.run("identity.purge_expired", f"identity.purge_expired@{stamp}", {}) == (
        "succeeded"
    )
    assert await queue.run("audit.purge_retention", f"audit.purge_retention@{stamp}", {}) == (
        "succeeded"
    )
    identity_row = await _row(app, f"identity.purge_expired@{stamp}")
    audit_row = await _row(app, f"audit.purge_retention@{stamp}")
    assert identity_row is not None and audit_row is not None
    assert identity_row.result is not None
    assert identity_row.result["auth_sessions"] == 1
    assert identity_row.result["refresh_tokens"] >= 1
    assert identity_row.result["idempotency_keys"] == 0  # the nightly purge covers them
    assert audit_row.result == {"audit_log": 1, "retention_days": retention}
    async with session_scope(app.state.database, write=True) as session:
        sessions_left = await session.scalar(select(func.count()).select_from(AuthSession))
        actions = set((await session.scalars(select(AuditEntry.action))).all())
    assert sessions_left == 1
    assert "recent" in actions and "old" not in actions


def test_schedule_fires_the_purges_once_per_minute_in_the_agency_time_zone(app: Any) -> None:
    settings = app.state.settings  # purge_schedule "30 3 * * *" in Asia/Tokyo
    at = dt.datetime(2026, 4, 1, 18, 30, 20, tzinfo=dt.UTC)  # 03:30 JST on 2 April
    due = due_jobs(settings, at)
    names = sorted(spec.name for spec, _ in due)
    assert names == [
        "audit.purge_retention",
        "documents.expire_bulk_archives",
        "identity.purge_expired",
        "payroll.purge_pdf_exports",
        "platform.purge_job_records",
    ]
    assert {key.split("@")[1] for _, key in due} == {"2026-04-01T18:30Z"}
    assert due_jobs(settings, at + dt.timedelta(minutes=1)) == []
    assert due_jobs(settings, at.replace(hour=3)) == []  # 03:30 UTC is 12:30 in Tokyo


async def test_redis_worker_consumes_and_drains_on_stop(
    app: Any, client: Any, database_url: str, tmp_path: Any
) -> None:
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    CALLS.clear()
    STARTED.clear()
    queue_name = f"haken:test-jobs:{uuid.uuid4().hex}"
    settings = make_settings(
        database_url,
        tmp_path,
        redis_url=REDIS_URL,
        job_queue_name=queue_name,
        worker_metrics_port=0,
        job_scheduler_enabled=False,
        shutdown_timeout_seconds=10,
    )
    producer_db = Database(database_url, pool_size=2)
    producer = JobQueue(settings, producer_db, "redis")
    await producer.start()
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop))
    try:
        async with session_scope(producer_db, write=True) as session:
            quick = enqueue_job(session, record_job, value="via-redis")
        await _wait_for_status(app, quick, "succeeded")
        async with session_scope(producer_db, write=True) as session:
            slow = enqueue_job(session, record_job, value="slow", pause=1.0)
        # The job body signals its start itself: on SQLite the running job holds the
        # writer lock, so polling its row for "running" can only ever see it finished.
        deadline = asyncio.get_running_loop().time() + 10
        while "slow" not in STARTED:
            assert asyncio.get_running_loop().time() < deadline, "slow job never started"
            await asyncio.sleep(0.02)
        stop.set()  # SIGTERM: the running job finishes before the worker returns
        await asyncio.wait_for(worker, timeout=15)
        row = await _row(app, slow)
        assert row is not None and row.status == "succeeded"
        assert [c["value"] for c in CALLS] == ["via-redis", "slow"]
        assert await producer.backlog() == 0
    finally:
        stop.set()
        if not worker.done():
            worker.cancel()
        await producer.stop(0)
        await producer_db.dispose()
        import redis.asyncio as aioredis

        connection = aioredis.from_url(REDIS_URL)
        await connection.delete(queue_name)
        await connection.aclose()
    assert metrics.jobs_running.labels("tests.record")._value.get() == 0
