"""Prometheus instruments of haken and the pure ASGI middleware that feeds the HTTP ones.

Every metric haken exports is defined here, once, so the Grafana dashboard and
the alert rules can be checked against :func:`exported_metric_names` by a test.

Several API processes (``haken serve --workers N``) share one scrape through
prometheus-client's multiprocess mode: when ``PROMETHEUS_MULTIPROC_DIR`` is set
before this module is imported (``haken serve`` and ``haken worker`` set it),
every process writes its values to files there and :func:`render_latest`
merges them. Gauges therefore declare how processes combine (``livesum`` for
counts of things in flight, ``max`` for flags like "cache degraded").

HTTP requests are labelled by route *template* (``/api/users/{user_id}``),
never by the raw path: an unmatched request is labelled ``<unmatched>`` so a
scanner walking random URLs cannot blow up the series count.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess
from sqlalchemy import event
from starlette.types import Scope

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "<unmatched>"

# Buckets in seconds: API calls are expected in tens of milliseconds; jobs in seconds to minutes.
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

# --- HTTP ----------------------------------------------------------------------

http_requests_total = Counter(
    "haken_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ("method", "route", "status"),
)
http_request_duration_seconds = Histogram(
    "haken_http_request_duration_seconds",
    "Time from the request reaching haken to the last byte of the response.",
    ("method", "route"),
    buckets=HTTP_BUCKETS,
)
http_requests_in_progress = Gauge(
    "haken_http_requests_in_progress",
    "Requests being served right now (summed over the processes).",
    ("method",),
    multiprocess_mode="livesum",
)

errors_total = Counter(
    "haken_errors_total",
    "Error answers (JSON envelopes and error pages) by catalog code.",
    ("code",),
)

# --- database pool -------------------------------------------------------------

db_pool_size = Gauge(
    "haken_db_pool_size",
    "Connections the pool keeps open (configured size), per process, summed.",
    multiprocess_mode="livesum",
)
db_pool_checked_out = Gauge(
    "haken_db_pool_checked_out",
    "Connections lent to a request or job right now, summed over the processes.",
    multiprocess_mode="livesum",
)
db_pool_overflow = Gauge(
    "haken_db_pool_overflow",
    "Connections opened beyond the pool size right now, summed over the processes.",
    multiprocess_mode="livesum",
)
db_pool_capacity = Gauge(
    "haken_db_pool_capacity",
    "Most connections the pool may open (size + max overflow), summed over the processes.",
    multiprocess_mode="livesum",
)

# --- cache (fed by haken.platform.cache) ---------------------------------------

cache_hits_total = Counter(
    "haken_cache_hits_total",
    "Cache reads answered from the cache.",
    ("strategy", "namespace"),
)
cache_misses_total = Counter(
    "haken_cache_misses_total",
    "Cache reads that had to load from the source.",
    ("strategy", "namespace"),
)
cache_fallbacks_total = Counter(
    "haken_cache_fallbacks_total",
    "Cache operations served by the in-process memory backend because Redis failed.",
    ("operation",),
)
cache_degraded = Gauge(
    "haken_cache_degraded",
    "1 while the cache runs on process memory because Redis is unreachable (max over processes).",
    multiprocess_mode="max",
)
cache_errors_total = Counter(
    "haken_cache_errors_total",
    "Cache backend failures and undecodable entries, by operation (read, write, decode …).",
    ("operation",),
)
cache_lock_waits_total = Counter(
    "haken_cache_lock_waits_total",
    "Cache misses that waited for another load of the same key (in this process or another).",
    ("strategy", "namespace", "kind"),
)
cache_read_duration_seconds = Histogram(
    "haken_cache_read_duration_seconds",
    "Time of a cached read, including the load on a miss.",
    ("strategy", "namespace", "outcome"),
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
cache_transitions_total = Counter(
    "haken_cache_transitions_total",
    "Switches of the cache backend: to memory (Redis failed) and back to redis (recovered).",
    ("to",),
)
cache_invalidations_total = Counter(
    "haken_cache_invalidations_total",
    "Cache invalidations by kind (tags, patterns, clears, replayed after recovery).",
    ("kind",),
)

# --- rate limits (fed by haken.platform.ratelimit) -----------------------------

ratelimit_decisions_total = Counter(
    "haken_ratelimit_decisions_total",
    "Rate-limit decisions by policy and outcome (allowed, refused).",
    ("policy", "decision"),
)
ratelimit_fallbacks_total = Counter(
    "haken_ratelimit_fallbacks_total",
    "Rate-limit decisions taken on process memory (fail open) or refused (fail closed) "
    "because Redis failed.",
    ("policy", "mode"),
)

# --- background jobs (fed by haken.platform.jobs) ------------------------------

jobs_enqueued_total = Counter(
    "haken_jobs_enqueued_total",
    "Jobs handed to the broker (after the commit of the unit of work that asked for them).",
    ("job",),
)
jobs_enqueue_failures_total = Counter(
    "haken_jobs_enqueue_failures_total",
    "Jobs that could not be handed to the broker after their commit (broker unreachable).",
    ("job",),
)
jobs_queued = Gauge(
    "haken_jobs_queued",
    "Jobs waiting in the queue, not yet picked up by a worker (as last measured).",
    multiprocess_mode="max",
)
jobs_outbox_waiting = Gauge(
    "haken_jobs_outbox_waiting",
    "Committed jobs in the outbox due for the relay, not yet accepted by the broker "
    "(as last measured; grows while the broker is down).",
    multiprocess_mode="max",
)
jobs_running = Gauge(
    "haken_jobs_running",
    "Jobs executing right now, summed over the worker processes.",
    ("job",),
    multiprocess_mode="livesum",
)
job_duration_seconds = Histogram(
    "haken_job_duration_seconds",
    "Run time of one job attempt, by job and outcome (success, failure).",
    ("job", "outcome"),
    buckets=JOB_BUCKETS,
)
jobs_failures_total = Counter(
    "haken_jobs_failures_total",
    "Job attempts that raised an error (each retry counts).",
    ("job",),
)
jobs_dead_lettered_total = Counter(
    "haken_jobs_dead_lettered_total",
    "Jobs that failed every attempt and were recorded as dead letters.",
    ("job",),
)
jobs_skipped_total = Counter(
    "haken_jobs_skipped_total",
    "Job deliveries skipped because the same idempotency key already completed.",
    ("job",),
)
jobs_last_success_timestamp = Gauge(
    "haken_jobs_last_success_timestamp_seconds",
    "Unix time of the last successful run of a job (max over processes).",
    ("job",),
    multiprocess_mode="max",
)

_INSTRUMENTS: tuple[Counter | Gauge | Histogram, ...] = (
    http_requests_total,
    http_request_duration_seconds,
    http_requests_in_progress,
    errors_total,
    db_pool_size,
    db_pool_checked_out,
    db_pool_overflow,
    db_pool_capacity,
    cache_hits_total,
    cache_misses_total,
    cache_fallbacks_total,
    cache_degraded,
    cache_errors_total,
    cache_lock_waits_total,
    cache_read_duration_seconds,
    cache_transitions_total,
    cache_invalidations_total,
    ratelimit_decisions_total,
    ratelimit_fallbacks_total,
    jobs_enqueued_total,
    jobs_enqueue_failures_total,
    jobs_queued,
    jobs_outbox_waiting,
    jobs_running,
    job_duration_seconds,
    jobs_failures_total,
    jobs_dead_lettered_total,
    jobs_skipped_total,
    jobs_last_success_timestamp,
)


def _series_names(instrument: Counter | Gauge | Histogram) -> Iterator[str]:
    name: str = instrument._name  # the base name prometheus-client registered
    if isinstance(instrument, Counter):
        yield name + "_total"
        yield name + "_created"
    elif isinstance(instrument, Histogram):
        for suffix in ("_bucket", "_sum", "_count", "_created"):
            yield name + suffix
    else:
        yield name


def exported_metric_names() -> frozenset[str]:
    """Every series name a scrape of haken can contain (dashboards and alerts use only these)."""
    return frozenset(series for inst in _INSTRUMENTS for series in _series_names(inst))


# --- exposition ----------------------------------------------------------------


def counter_values(instrument: Counter) -> dict[tuple[str, ...], float]:
    """A counter's value per label tuple, read without SQL or HTTP: summed over every
    process in multiprocess mode (the files :func:`render_latest` merges), else this
    process's registry. For the admin dashboard; Prometheus remains the history."""
    name: str = instrument._name
    labels: tuple[str, ...] = tuple(instrument._labelnames)
    directory = multiprocess_dir()
    if directory:
        collector = _multiprocess.MultiProcessCollector(None, path=directory)  # type: ignore[no-untyped-call]
        families = collector.collect()  # type: ignore[no-untyped-call]
    else:
        families = instrument.collect()
    values: dict[tuple[str, ...], float] = {}
    for family in families:
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name != name + "_total":
                continue
            key = tuple(sample.labels.get(label, "") for label in labels)
            values[key] = values.get(key, 0.0) + sample.value
    return values


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def render_latest() -> tuple[bytes, str]:
    """The text exposition of every haken metric (merged over processes in multiprocess mode)."""
    directory = multiprocess_dir()
    if directory:
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir(directory: str) -> None:
    """Create (or empty) the shared directory before any worker starts.

    Files left by a previous run would otherwise be merged into the new one's
    values; the caller must run this before the worker processes import
    prometheus-client, and export the directory as ``PROMETHEUS_MULTIPROC_DIR``.
    """
    os.makedirs(directory, exist_ok=True)
    for entry in os.listdir(directory):
        if entry.endswith(".db"):
            os.unlink(os.path.join(directory, entry))
    os.environ[MULTIPROC_ENV] = directory


def mark_process_dead(pid: int | None = None) -> None:
    """Drop this process's live gauges from the shared directory when it exits."""
    if multiprocess_dir():
        pid = pid if pid is not None else os.getpid()
        _multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


# --- database pool -------------------------------------------------------------


def observe_pool(pool: Any) -> None:
    """Record the size and usage of a SQLAlchemy QueuePool (no-op for pools without them)."""
    size = getattr(pool, "size", None)
    checked_out = getattr(pool, "checkedout", None)
    overflow = getattr(pool, "overflow", None)
    if not (callable(size) and callable(checked_out) and callable(overflow)):
        return
    db_pool_size.set(size())
    db_pool_capacity.set(size() + max(0, int(getattr(pool, "_max_overflow", 0))))
    db_pool_checked_out.set(checked_out())
    db_pool_overflow.set(max(0, overflow()))


def instrument_pool(engine: Any) -> None:
    """Keep the pool gauges current on every checkout and checkin of ``engine``'s pool."""
    sync_engine = getattr(engine, "sync_engine", engine)
    pool = sync_engine.pool

    def on_change(*_args: Any) -> None:
        observe_pool(pool)

    for name in ("checkout", "checkin", "connect", "close"):
        event.listen(pool, name, on_change)
    observe_pool(pool)


# --- HTTP middleware -----------------------------------------------------------


def route_label(scope: Scope) -> str:
    """The matched route's template, or a fixed label: never the raw path."""
    route = scope.get("route")
    # path_format drops convertors: ``{employee_id:int}`` is labelled ``{employee_id}``.
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return UNMATCHED_ROUTE


_children: dict[tuple[int, tuple[str, ...]], Any] = {}


def child(metric: Any, *labels: str) -> Any:
    """``metric.labels(*labels)``, kept: ``labels()`` takes a lock and builds its key on
    every call, and the hot path (every request, every cache read) calls it several times.
    Label sets are bounded (route templates, statuses, strategies), and so is this."""
    key = (id(metric), labels)
    found = _children.get(key)
    if found is None:
        found = _children[key] = metric.labels(*labels)
    return found


def requests_in_flight(method: str) -> Any:
    """The in-flight gauge of ``method``."""
    return child(http_requests_in_progress, method)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration (``platform/front.py`` calls it)."""
    child(http_requests_total, method, route, str(status)).inc()
    child(http_request_duration_seconds, method, route).observe(seconds)
