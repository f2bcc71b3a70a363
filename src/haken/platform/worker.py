"""``haken worker``: consume the Redis job stream, relay the job outbox, tick the schedules,
serve worker metrics.

Graceful shutdown: SIGTERM (or SIGINT) stops taking new deliveries at once,
flips ``/health`` to 503, waits up to ``shutdown_timeout_seconds`` for the jobs
already running, then exits. A job cut off by a harder kill stays pending in
the stream and is claimed by another worker after ``job_lease_seconds``; its
idempotency key keeps it from running twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from haken.config import Settings
from haken.platform import jobs
from haken.platform.db import Database
from haken.platform.logging import get_logger
from haken.platform.metrics import instrument_pool, mark_process_dead
from haken.platform.observability import WorkerMetricsServer

log = get_logger(__name__)


class WorkerConfigError(RuntimeError):
    pass


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set or the process gets SIGTERM/SIGINT."""
    if jobs.broker_kind(settings) != "redis":
        raise WorkerConfigError(
            "haken worker needs HAKEN_REDIS_URL: without Redis, `haken serve` runs the jobs itself"
        )
    jobs.validate_schedules(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    database = Database(
        settings.resolved_database_url,
        pool_size=settings.database_pool_size,
        echo=settings.database_echo,
        parallel_workers=settings.database_parallel_workers,
    )
    instrument_pool(database.engine)
    queue = jobs.JobQueue(settings, database, "redis")
    await queue.start()
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    server: WorkerMetricsServer | None = None
    if settings.worker_metrics_port:
        server = WorkerMetricsServer(
            settings.worker_metrics_host, settings.worker_metrics_port, token
        )
        await server.start()
    helpers = [
        asyncio.create_task(jobs.report_backlog(queue, stop)),
        asyncio.create_task(jobs.run_relay(queue, stop)),
    ]
    if settings.job_scheduler_enabled:
        helpers.append(asyncio.create_task(jobs.run_schedules(queue, stop)))
    log.info("haken worker started", jobs=sorted(jobs.JOBS), queue=settings.job_queue_name)

    async def mark_stopping() -> None:
        await stop.wait()
        if server is not None:
            server.healthy = False
        log.info("haken worker stopping: draining running jobs")

    helpers.append(asyncio.create_task(mark_stopping()))
    try:
        await queue.consume(stop)
    finally:
        stop.set()
        await asyncio.gather(*helpers, return_exceptions=True)
        await queue.stop(float(settings.shutdown_timeout_seconds))
        await database.dispose()
        if server is not None:
            await server.stop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
        mark_process_dead()
        log.info("haken worker stopped")
