"""Background jobs: haken's ``@job`` / ``enqueue_job`` facade over taskiq.

* A job is an async function ``(ctx: JobContext, **arguments) -> dict | None``
  declared with :func:`job`. It runs the same services as the API, in its own
  session (``ctx.session``, committed by the runner) and its own request id.
* :func:`enqueue_job` writes the job into ``job_outbox`` in the caller's
  transaction (a transactional outbox): a rolled-back request enqueues nothing,
  and a committed job is never lost. Right after the commit the same process
  tries to hand it to the broker (the fast path) and marks it sent; a relay
  loop in every API and worker process (:func:`run_relay`) sends whatever is
  still unsent: the broker was down (Redis stopped: the job waits in the
  table), or the process died between commit and send. Delivery is at least
  once; the idempotency keys below make it effective once.
* Brokers: taskiq's ``InMemoryBroker`` on the embedded default (no Redis: the
  API process runs its jobs itself), ``taskiq_redis.RedisStreamBroker`` when
  Redis is configured (API processes only enqueue; ``haken worker`` consumes,
  acknowledging a message only after it ran; a worker that dies mid-job leaves
  it pending and another worker claims it after the lease).
* Every delivery carries an idempotency key. The runner claims the key in
  ``job_runs`` before running and marks it succeeded in the job's own
  transaction, so a redelivered or double-scheduled job runs its work once.
  Failures retry with exponential backoff up to ``max_attempts``; the last
  failure leaves a ``dead`` row: the dead-letter record.
* Schedules (cron expressions in the agency's time zone) are ticked by a small
  loop in every worker; each tick enqueues with the key ``name@<minute>``, so M
  workers ticking the same minute still run the job once, and no single
  scheduler process has to stay alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pycron  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession
from taskiq import AsyncBroker, InMemoryBroker
from taskiq.acks import AcknowledgeType
from taskiq.receiver import Receiver

from haken.config import Settings
from haken.platform import context, job_records, metrics
from haken.platform.db import Database, after_commit, session_scope
from haken.platform.logging import get_logger

log = get_logger(__name__)

MAX_BACKOFF_SECONDS = 300.0
# The outbox relay: a fresh row is left to the committing process's fast path this long.
OUTBOX_HOLD_SECONDS = 10.0
OUTBOX_LEASE_SECONDS = 30.0  # a relay's claim on rows while it talks to the broker
OUTBOX_BATCH = 100
OUTBOX_MAX_RETRY_SECONDS = 30.0
RELAY_INTERVAL_SECONDS = 1.0
# After a failed send the fast path stays off this long (the relay retries): a broker that
# is down must not add its connect timeout to every request that enqueues.
BROKER_COOLDOWN_SECONDS = 5.0
BacklogProbe = Callable[[], Awaitable[int]]


@dataclass
class JobContext:
    """What a job gets besides its arguments."""

    session: AsyncSession
    settings: Settings
    key: str
    attempt: int
    request_id: str


# ``async def job(ctx: JobContext, **arguments) -> dict | None``; the result is kept in job_runs.
JobFunction = Callable[..., Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunction
    max_attempts: int | None = None
    schedule: Callable[[Settings], str | None] | None = None


JOBS: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    max_attempts: int | None = None,
    schedule: Callable[[Settings], str | None] | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register a job under a stable ``name`` (messages in flight refer to it by name).

    ``schedule`` returns a cron expression (in ``settings.timezone``) from the
    settings, or ``None`` for jobs that only run when enqueued.
    """

    def register(func: JobFunction) -> JobFunction:
        existing = JOBS.get(name)
        # Re-importing the same module (tests, reloads) re-registers the same function.
        same = getattr(existing, "func", None) is func or (
            existing is not None
            and getattr(existing.func, "__qualname__", None) == getattr(func, "__qualname__", None)
        )
        if existing is not None and not same:
            raise RuntimeError(f"job {name} defined twice")
        JOBS[name] = JobSpec(name, func, max_attempts, schedule)
        func.__haken_job__ = name  # type: ignore[attr-defined]
        return func

    return register


def _spec(job_ref: str | JobFunction) -> JobSpec:
    name = job_ref if isinstance(job_ref, str) else getattr(job_ref, "__haken_job__", "")
    spec = JOBS.get(name)
    if spec is None:
        raise KeyError(f"unknown job {job_ref!r}; declare it with @job")
    return spec


# --- queues by database ----------------------------------------------------------

_QUEUES: dict[int, JobQueue] = {}


def _queue_for(session: AsyncSession) -> JobQueue | None:
    """This process's queue for the session's database (None: no broker here, the
    relay of a serve or worker process sends the job)."""
    return _QUEUES.get(id(session.bind))


def enqueue_job(
    session: AsyncSession,
    job_ref: str | JobFunction,
    /,
    *,
    key: str | None = None,
    **arguments: Any,
) -> str:
    """Enqueue a job with ``session``'s transaction; returns its idempotency key.

    The job is a ``job_outbox`` row of the same transaction; once it commits, this
    process sends it to the broker (when it runs a queue for the database), else
    the relay of a serve or worker process does. Give ``key`` when the same
    logical job must not run twice (``"payroll:2025-04"``); by default every call
    gets a fresh one. Arguments must be JSON values.
    """
    spec = _spec(job_ref)
    json.dumps(arguments)  # fail in the request, not in the worker
    job_key = key or f"{spec.name}:{uuid.uuid4().hex}"
    row = job_records.add_to_outbox(
        session,
        job=spec.name,
        key=job_key,
        arguments=arguments,
        parent_request_id=context.request_id(),
        hold_seconds=OUTBOX_HOLD_SECONDS,
    )
    queue = _queue_for(session)
    if queue is not None:

        async def send() -> None:
            await queue.send_committed(row)

        after_commit(session, send)
    return job_key


BrokerKind = Literal["memory", "redis"]


def broker_kind(settings: Settings) -> BrokerKind:
    if settings.job_broker == "auto":
        return "redis" if settings.redis_url else "memory"
    if settings.job_broker == "redis" and not settings.redis_url:
        raise ValueError("HAKEN_JOB_BROKER=redis needs HAKEN_REDIS_URL")
    return settings.job_broker


def _make_broker(settings: Settings, kind: BrokerKind) -> AsyncBroker:
    if kind == "memory":
        return InMemoryBroker(max_async_tasks=settings.job_concurrency, propagate_exceptions=False)
    from taskiq_redis import RedisStreamBroker

    return RedisStreamBroker(
        settings.redis_url,
        queue_name=settings.job_queue_name,
        consumer_group_name=settings.job_queue_name + ":workers",
        consumer_id="0",  # a new group starts from the stream's beginning: nothing is skipped
        idle_timeout=settings.job_lease_seconds * 1000,
        unacknowledged_lock_timeout=30.0,
        socket_timeout=5.0,
        socket_connect_timeout=2.0,
    )


@dataclass
class JobQueue:
    """The broker of one process plus the runner that executes deliveries."""

    settings: Settings
    database: Database
    kind: BrokerKind = "memory"
    broker: AsyncBroker = field(init=False)
    # Tasks running a job, with how many (a job may run another inline).
    _in_flight: Counter[asyncio.Task[Any]] = field(default_factory=Counter, init=False)
    _waiting: int = field(default=0, init=False)
    _sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, init=False)
    _broker_down_until: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.broker = _make_broker(self.settings, self.kind)
        for spec in JOBS.values():
            self._register(spec)

    def _register(self, spec: JobSpec) -> None:
        async def deliver(key: str, arguments: dict[str, Any], parent_request_id: str) -> str:
            return await self.run(spec.name, key, arguments, parent_request_id)

        self.broker.register_task(deliver, task_name=spec.name)

    # lifecycle

    async def start(self) -> None:
        for spec in JOBS.values():  # jobs declared after the queue was built
            if self.broker.find_task(spec.name) is None:
                self._register(spec)
        await self.broker.startup()
        for engine in self._engines():
            _QUEUES[id(engine)] = self

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Stop accepting work and wait up to ``grace_seconds`` for jobs of this process."""
        grace = self.settings.shutdown_timeout_seconds if grace_seconds is None else grace_seconds
        await self.drain(grace)
        for engine in self._engines():
            if _QUEUES.get(id(engine)) is self:
                del _QUEUES[id(engine)]
        await self.broker.shutdown()

    def _engines(self) -> set[Any]:
        # Sessions bind to the reader or the writer engine (SQLite: BEGIN IMMEDIATE).
        return {self.database.engine, self.database.write_engine}

    async def drain(self, grace_seconds: float) -> bool:
        """Wait for in-process jobs; True when none is left running."""
        pending = {t for t in self._running_tasks() if not t.done()}
        if not pending:
            return True
        log.info("waiting for running jobs", count=len(pending), grace_seconds=grace_seconds)
        _, still = await asyncio.wait(pending, timeout=grace_seconds)
        if still:
            log.warning("jobs still running at shutdown", count=len(still))
        return not still

    def _running_tasks(self) -> set[asyncio.Task[Any]]:
        tasks = set(self._in_flight)
        tasks.update(getattr(self.broker, "_running_tasks", set()))
        return tasks

    # sending

    async def kick(
        self, name: str, key: str, arguments: dict[str, Any], parent_request_id: str = "-"
    ) -> None:
        task = self.broker.find_task(name)
        if task is None:
            raise KeyError(f"job {name} is not registered on this broker")
        try:
            await task.kiq(key=key, arguments=arguments, parent_request_id=parent_request_id)
        except Exception:
            metrics.jobs_enqueue_failures_total.labels(name).inc()
            log.exception("job enqueue failed", job=name, key=key)
            raise
        metrics.jobs_enqueued_total.labels(name).inc()
        if self.kind == "memory":
            self._waiting += 1
            metrics.jobs_queued.set(self._waiting)
        log.info("job enqueued", job=name, key=key)

    # the outbox

    def _broker_cooling_down(self) -> bool:
        return time.monotonic() < self._broker_down_until

    async def send_committed(self, row: job_records.JobOutbox) -> bool:
        """The fast path, right after the commit: send the row's job and mark it sent.

        On failure the row stays unsent for the relay. A crash after the send and
        before the mark sends it again later: the job's key makes that a no-op.
        """
        if self._broker_cooling_down():
            return False
        try:
            await self.kick(row.job, row.key, dict(row.arguments), row.parent_request_id)
        except Exception:
            self._broker_down_until = time.monotonic() + BROKER_COOLDOWN_SECONDS
            log.warning("job left in the outbox for the relay", job=row.job, key=row.key)
            return False
        async with session_scope(self.database, write=True) as session:
            await job_records.mark_sent(session, [row.id])
        return True

    async def relay_outbox(
        self, *, limit: int = OUTBOX_BATCH, lease_seconds: float = OUTBOX_LEASE_SECONDS
    ) -> int:
        """Send the due unsent outbox rows (one batch); returns how many were sent.

        A failed send gives the rest of the batch back with a backoff: the broker is
        down, and the rows wait in the table until it is back.
        """
        async with session_scope(self.database, write=False) as session:
            due = await job_records.count_due(session)
        metrics.jobs_outbox_waiting.set(due)
        if not due:
            return 0
        async with session_scope(self.database, write=True) as session:
            entries = await job_records.claim_outbox(
                session, limit=limit, lease_seconds=lease_seconds
            )
        sent: list[int] = []
        failed: OutboxFailure | None = None
        for entry in entries:
            try:
                await self.kick(entry.job, entry.key, entry.arguments, entry.parent_request_id)
            except Exception as error:
                failed = OutboxFailure(entry.id, f"{type(error).__name__}: {error}")
                break
            sent.append(entry.id)
        rest = [entry.id for entry in entries[len(sent) :]]
        async with session_scope(self.database, write=True) as session:
            await job_records.mark_sent(session, sent)
            if failed is not None:
                self._broker_down_until = time.monotonic() + BROKER_COOLDOWN_SECONDS
                retry = min(OUTBOX_MAX_RETRY_SECONDS, self.settings.job_retry_backoff_seconds)
                await job_records.mark_not_sent(
                    session, [failed.id], error=failed.error, retry_in=retry
                )
                await job_records.mark_not_sent(session, rest[1:], error=None, retry_in=retry)
        if failed is not None:
            log.warning("job outbox relay: broker unavailable", waiting=len(rest))
        if sent:
            log.info("job outbox relayed", sent=len(sent))
        return len(sent)

    # running

    async def run(
        self, name: str, key: str, arguments: dict[str, Any], parent_request_id: str = "-"
    ) -> str:
        """Run one delivery: claim the key, run with retries, record the outcome.

        The running task counts as in flight (``drain``) for as long as the job runs, not
        for the task's life: a caller that runs a job inline and then drains the queue
        (a test, a command) must not wait on itself."""
        if self.kind == "memory":
            self._waiting = max(0, self._waiting - 1)
            metrics.jobs_queued.set(self._waiting)
        current = asyncio.current_task()
        assert current is not None  # asyncio runs every coroutine in a task
        self._in_flight[current] += 1
        try:
            return await self._run(name, key, arguments, parent_request_id)
        finally:
            self._in_flight[current] -= 1
            if not self._in_flight[current]:
                del self._in_flight[current]

    async def _run(
        self, name: str, key: str, arguments: dict[str, Any], parent_request_id: str
    ) -> str:
        spec = _spec(name)
        request_id = "job-" + context.new_request_id()
        context.set_request_id(request_id)
        settings = self.settings
        async with session_scope(self.database, write=True) as session:
            claim = await job_records.claim(
                session,
                key=key,
                job=name,
                arguments=arguments,
                request_id=request_id,
                lease_seconds=settings.job_lease_seconds,
            )
        if not claim.claimed:
            metrics.jobs_skipped_total.labels(name).inc()
            log.info("job skipped", job=name, key=key, status=claim.status)
            return "skipped"
        log.info("job started", job=name, key=key, parent_request_id=parent_request_id)
        max_attempts = spec.max_attempts or settings.job_max_attempts
        attempts = claim.attempts
        running = metrics.jobs_running.labels(name)
        running.inc()
        try:
            while True:
                attempts += 1
                started = time.perf_counter()
                try:
                    async with session_scope(self.database, write=True) as session:
                        ctx = JobContext(session, settings, key, attempts, request_id)
                        result = await spec.func(ctx, **arguments)
                        await job_records.mark_succeeded(
                            session, key=key, attempts=attempts, result=result
                        )
                except Exception as error:
                    elapsed = time.perf_counter() - started
                    metrics.job_duration_seconds.labels(name, "failure").observe(elapsed)
                    metrics.jobs_failures_total.labels(name).inc()
                    dead = attempts >= max_attempts
                    async with session_scope(self.database, write=True) as session:
                        await job_records.mark_failed(
                            session,
                            key=key,
                            attempts=attempts,
                            error=f"{type(error).__name__}: {error}",
                            dead=dead,
                            lease_seconds=settings.job_lease_seconds,
                        )
                    if dead:
                        metrics.jobs_dead_lettered_total.labels(name).inc()
                        log.exception("job dead-lettered", job=name, key=key, attempts=attempts)
                        return "dead"
                    log.warning(
                        "job attempt failed",
                        job=name,
                        key=key,
                        attempt=attempts,
                        error=type(error).__name__,
                    )
                    await self._sleep(self.backoff(attempts))
                    continue
                elapsed = time.perf_counter() - started
                metrics.job_duration_seconds.labels(name, "success").observe(elapsed)
                metrics.jobs_last_success_timestamp.labels(name).set(time.time())
                log.info("job succeeded", job=name, key=key, attempt=attempts, result=result)
                return "succeeded"
        finally:
            running.dec()

    def backoff(self, attempts: int) -> float:
        base = self.settings.job_retry_backoff_seconds
        return float(min(MAX_BACKOFF_SECONDS, base * (2 ** (attempts - 1))))

    # backlog

    async def backlog(self) -> int:
        """Jobs waiting to be picked up (Redis: consumer-group lag plus pending)."""
        if self.kind == "memory":
            return self._waiting
        from redis.asyncio import Redis

        pool = getattr(self.broker, "connection_pool", None)
        async with Redis(connection_pool=pool) as redis:
            groups = await redis.xinfo_groups(self.settings.job_queue_name)
        group_name = self.settings.job_queue_name + ":workers"
        for group in groups:
            name = group.get("name")
            if isinstance(name, bytes):
                name = name.decode()
            if name == group_name:
                lag = group.get("lag") or 0
                return int(lag) + int(group.get("pending") or 0)
        return 0

    # worker side

    async def consume(self, stop: asyncio.Event) -> None:
        """Receive deliveries until ``stop`` is set, then let running jobs finish.

        Redis going away ends taskiq's listener with a connection error, and a Redis
        restarted empty has lost the consumer group (NOGROUP): listen again, once a
        second, re-declaring the group, instead of ending the worker.
        """
        while True:
            try:
                await self._consume(stop)
                return
            except Exception as error:
                if stop.is_set():
                    return
                log.warning("job stream unavailable; listening again", error=type(error).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=1.0)
                return
            except TimeoutError:
                pass
            declare = getattr(self.broker, "_declare_consumer_group", None)
            if declare is not None:
                with contextlib.suppress(Exception):
                    await declare()

    async def _consume(self, stop: asyncio.Event) -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            self.broker.is_worker_process = True
            receiver = Receiver(
                broker=self.broker,
                executor=executor,
                max_async_tasks=self.settings.job_concurrency,
                run_startup=False,
                ack_type=AcknowledgeType.WHEN_EXECUTED,
                wait_tasks_timeout=float(self.settings.shutdown_timeout_seconds),
                propagate_exceptions=False,
            )
            await receiver.listen(stop)


@dataclass(frozen=True)
class OutboxFailure:
    id: int
    error: str


async def run_relay(
    queue: JobQueue, stop: asyncio.Event, every: float = RELAY_INTERVAL_SECONDS
) -> None:
    """Relay committed outbox rows to the broker until ``stop`` is set."""
    while not stop.is_set():
        sent = 0
        try:
            sent = await queue.relay_outbox()
        except Exception as error:  # the database is down too: try again next round
            log.warning("job outbox not relayed", error=type(error).__name__)
        if sent >= OUTBOX_BATCH:
            continue  # more are waiting
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            continue


# --- the schedule loop -------------------------------------------------------------


def due_jobs(settings: Settings, moment: dt.datetime) -> list[tuple[JobSpec, str]]:
    """Scheduled jobs due at ``moment`` (a minute, aware) with their idempotency keys."""
    local = moment.astimezone(ZoneInfo(settings.timezone)).replace(second=0, microsecond=0)
    stamp = local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
    due: list[tuple[JobSpec, str]] = []
    for spec in JOBS.values():
        expression = spec.schedule(settings) if spec.schedule is not None else None
        if expression and pycron.is_now(expression, local.replace(tzinfo=None)):
            due.append((spec, f"{spec.name}@{stamp}"))
    return due


async def run_schedules(queue: JobQueue, stop: asyncio.Event) -> None:
    """Tick once a minute; enqueue each due job with its per-minute key."""
    last: dt.datetime | None = None
    while not stop.is_set():
        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        if now != last:
            last = now
            for spec, key in due_jobs(queue.settings, now):
                try:
                    await queue.kick(spec.name, key, {}, "schedule")
                except Exception:
                    log.warning("scheduled job not enqueued", job=spec.name, key=key)
        seconds = 60.0 - (time.time() % 60.0) + 0.05
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            continue


async def report_backlog(queue: JobQueue, stop: asyncio.Event, every: float = 15.0) -> None:
    """Keep ``haken_jobs_queued`` current for the queue-backlog alert."""
    while not stop.is_set():
        try:
            metrics.jobs_queued.set(await queue.backlog())
        except Exception as error:
            log.warning("job backlog not measured", error=type(error).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            continue


def validate_schedules(settings: Settings) -> None:
    """Fail at start-up on a cron expression pycron cannot read (not at 03:30 at night)."""
    probe = dt.datetime(2024, 1, 1)
    for spec in JOBS.values():
        expression = spec.schedule(settings) if spec.schedule is not None else None
        if not expression:
            continue
        if len(expression.split()) != 5:
            raise ValueError(f"schedule of {spec.name} must have 5 cron fields: {expression!r}")
        try:
            pycron.is_now(expression, probe)
        except Exception as error:
            raise ValueError(f"schedule of {spec.name} is invalid: {expression!r}") from error


@job("platform.purge_job_records", schedule=lambda settings: settings.purge_schedule)
async def purge_job_records(ctx: JobContext) -> dict[str, Any]:
    """Forget succeeded job runs and sent outbox rows after ``job_record_retention_days``;
    dead letters and unsent rows stay."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=ctx.settings.job_record_retention_days)
    return {
        "job_runs": await job_records.purge_finished_before(ctx.session, cutoff),
        "job_outbox": await job_records.purge_sent_before(ctx.session, cutoff),
    }


__all__ = [
    "JOBS",
    "AppJobs",
    "JobContext",
    "JobQueue",
    "JobSpec",
    "broker_kind",
    "due_jobs",
    "enqueue_job",
    "job",
    "run_relay",
    "run_schedules",
]


@dataclass
class AppJobs:
    """The jobs side of an API process: the broker, the outbox relay, and on the
    embedded default the schedule loop (no separate worker then: the API process
    runs its own jobs)."""

    queue: JobQueue
    stop_event: asyncio.Event
    tasks: list[asyncio.Task[None]]

    @classmethod
    async def start(cls, settings: Settings, database: Database) -> AppJobs:
        kind = broker_kind(settings)
        queue = JobQueue(settings, database, kind)
        await queue.start()
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = [asyncio.create_task(run_relay(queue, stop))]
        if kind == "memory" and settings.job_scheduler_enabled:
            validate_schedules(settings)
            tasks.append(asyncio.create_task(run_schedules(queue, stop)))
        return cls(queue, stop, tasks)

    async def stop(self) -> None:
        """Stop ticking, then wait (bounded) for jobs running in this process."""
        self.stop_event.set()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.queue.stop()


async def list_dead_letters(settings: Settings, limit: int = 100) -> list[dict[str, Any]]:
    """The dead-letter records, newest first (``haken jobs dead``)."""
    database = Database(settings.resolved_database_url, pool_size=1)
    try:
        async with session_scope(database) as session:
            rows = await job_records.list_dead(session, limit=limit)
            return [
                {
                    "key": row.key,
                    "job": row.job,
                    "attempts": row.attempts,
                    "last_error": row.last_error,
                    "finished_at": row.finished_at.isoformat() if row.finished_at else None,
                }
                for row in rows
            ]
    finally:
        await database.dispose()


async def retry_dead_letter(settings: Settings, key: str) -> str:
    """Give a dead letter a fresh attempt budget and enqueue it again (``haken jobs retry``).

    On the embedded default this process runs the job itself and returns its outcome.
    """
    database = Database(settings.resolved_database_url, pool_size=1)
    queue = JobQueue(settings, database, broker_kind(settings))
    await queue.start()
    try:
        async with session_scope(database, write=True) as session:
            row = await job_records.release_for_retry(session, key)
            if row is None:
                return "not-dead"
            name, arguments = row.job, dict(row.arguments)
        await queue.kick(name, key, arguments, "cli")
        if queue.kind == "memory":
            await asyncio.sleep(0)
            await queue.drain(float(settings.shutdown_timeout_seconds))
            async with session_scope(database) as session:
                done = await job_records.get(session, key)
                return done.status if done is not None else "unknown"
        return "enqueued"
    finally:
        await queue.stop(0)
        await database.dispose()
