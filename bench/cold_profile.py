"""In process, no HTTP: wall time of cold list reads (the cache cleared before each) against
``/api/health``, and a cProfile of them. Uses a database that ``bench/cold_lists.py`` (or
``bench/run.py``) seeded and its bench user, and a Redis of your own:

    HAKEN_DATABASE_URL=postgresql+asyncpg://…/haken_x_bench HAKEN_REDIS_URL=redis://…/N \\
      .venv/bin/python bench/cold_profile.py [N] [--profile employees|assignments|…]

Prints µs per request (wall mean and p95 of N, and this process's CPU time per request:
the figure the machine's load disturbs least) and the round trips per request to Redis
and PostgreSQL (socket writes: a command, a pipeline, a PostgreSQL message batch) and,
with ``--profile``, cProfile's top by own time over N cold reads of that list.
"""

from __future__ import annotations

import asyncio
import collections
import cProfile
import os
import pstats
import sys
import tempfile
import time
import traceback
from asyncio import selector_events
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edge_profile import call
from run import BENCH_EMAIL, BENCH_PASSWORD

from haken.app import create_app
from haken.config import Settings

LISTS = {
    "employees": "/api/employees?limit=50",
    "assignments": "/api/assignments?limit=50",
    "candidates": "/api/candidates?limit=50",
    "clients": "/api/clients?limit=50",
}


class RoundTrips:
    """Writes to the Redis and PostgreSQL sockets (one per round trip: a command, a
    pipeline, a protocol message batch), counted while ``active``."""

    def __init__(self) -> None:
        self.active = False
        self.counts: collections.Counter[str] = collections.Counter()
        original = selector_events._SelectorSocketTransport.write
        counter = self

        def write(transport: Any, data: Any) -> None:
            if counter.active:
                for frame in traceback.extract_stack(limit=40):
                    if "/redis/" in frame.filename or "/asyncpg/" in frame.filename:
                        counter.counts["redis" if "/redis/" in frame.filename else "pg"] += 1
                        break
            original(transport, data)

        selector_events._SelectorSocketTransport.write = write  # type: ignore[method-assign]


TRIPS = RoundTrips()


async def timed(app: Any, path: str, headers: dict[str, str], n: int) -> dict[str, float]:
    cache = app.state.cache
    for _ in range(5):
        await cache.clear()
        await call(app, path, headers)
    samples, cpu = [], 0.0
    TRIPS.counts.clear()
    for _ in range(n):
        await cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        TRIPS.active = True
        await call(app, path, headers)
        TRIPS.active = False
        cpu += time.process_time() - cpu_started
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    p95 = samples[max(0, int(n * 0.95) - 1)]
    return {
        "mean": sum(samples) / n,
        "p95": p95,
        "cpu": cpu / n * 1e6,
        "redis": TRIPS.counts["redis"] / n,
        "pg": TRIPS.counts["pg"] / n,
    }


async def main(n: int, profile: str | None) -> None:
    settings = Settings(
        database_url=os.environ["HAKEN_DATABASE_URL"],
        redis_url=os.environ["HAKEN_REDIS_URL"],
        data_dir=Path(tempfile.mkdtemp(prefix="haken-cold-profile-")),
        rate_limit_enabled=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            login = await http.post(
                "/api/auth/login", json={"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
            )
        auth = {"authorization": "Bearer " + login.json()["data"]["access_token"]}
        results = {"health": await timed(app, "/api/health", {}, n)}
        for name, path in LISTS.items():
            results[name] = await timed(app, path, auth, n)
        for name, figures in results.items():
            print(
                f"{name:12s} wall mean {figures['mean']:9.1f} µs  p95 {figures['p95']:9.1f} µs"
                f"  CPU of this process {figures['cpu']:9.1f} µs"
                f"  round trips: Redis {figures['redis']:.1f}, PostgreSQL {figures['pg']:.1f}"
            )
        if profile:
            cache = app.state.cache
            profiler = cProfile.Profile()
            for _ in range(n):
                await cache.clear()
                profiler.enable()
                await call(app, LISTS[profile], auth)
                profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 200
    chosen = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
    asyncio.run(main(count, chosen))
