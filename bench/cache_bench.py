"""Cached read vs the same read uncached, whole processes on 127.0.0.1, one run.

Two uvicorn processes serve the same database: haken as shipped, and its twin
from bench/cache_app.py that bypasses the cache. The same GET is timed against
each, sequentially (one connection, so the figure is the latency of one read,
not the machine's parallelism), in alternating rounds; every round reports the
median latency per server, and the ratio uncached/cached is the median over the
rounds. Bounded: a fixed number of requests, a timeout on each.

    .venv/bin/python bench/cache_bench.py            # SQLite + memory cache (embedded)
    HAKEN_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/bench \
    HAKEN_BENCH_REDIS_URL=redis://127.0.0.1:56379/1 .venv/bin/python bench/cache_bench.py

Writes bench/results/cache.json.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    RESULTS,
    VENV_BIN,
    free_port,
    machine,
    start_server,
    write_results,
)

ROUNDS = 5
REQUESTS_PER_ROUND = 200
WARMUP = 50
USERS = 200
PASSWORD = "bench-password-long-enough"  # noqa: S105 (a throwaway bench database)


def _loopback_only(url: str, what: str) -> None:
    host = urlparse(url.replace("+asyncpg", "")).hostname
    if url and host not in {"127.0.0.1", "localhost", None}:
        raise SystemExit(f"{what} must point at 127.0.0.1, not {host}")


async def _seed(database_url: str) -> int:
    from haken.modules.identity.schemas import UserCreate
    from haken.modules.identity.service import identity_service
    from haken.platform.access import Role
    from haken.platform.db import Database, session_scope

    database = Database(database_url)
    try:
        async with session_scope(database) as session:
            admin = await identity_service.create_user(
                session,
                None,
                UserCreate(email="root@bench.example", password=PASSWORD, role=Role.SUPER_ADMIN),
            )
        for start in range(0, USERS, 50):
            async with session_scope(database) as session:
                for n in range(start, start + 50):
                    await identity_service.create_user(
                        session,
                        None,
                        UserCreate(
                            email=f"worker{n}@bench.example",
                            display_name=f"作業員 {n}",
                            password=PASSWORD,
                            role=Role.EMPLOYEE,
                        ),
                    )
        return admin.id
    finally:
        await database.dispose()


def _time_requests(
    client: httpx.Client, url: str, headers: dict[str, str], count: int
) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:200]}")
    return timings


def _compare(servers: dict[str, str], path: str, headers: dict[str, str]) -> dict[str, Any]:
    rounds = []
    with httpx.Client(timeout=10) as client:
        for base in servers.values():
            _time_requests(client, base + path, headers, WARMUP)
        for index in range(ROUNDS):
            order = list(servers.items()) if index % 2 == 0 else list(reversed(servers.items()))
            medians = {}
            for name, base in order:
                timings = _time_requests(client, base + path, headers, REQUESTS_PER_ROUND)
                medians[name] = round(statistics.median(timings), 3)
            medians["ratio"] = round(medians["uncached"] / medians["cached"], 2)
            rounds.append(medians)
    return {
        "path": path,
        "rounds": rounds,
        "median_ms": {
            name: round(statistics.median(r[name] for r in rounds), 3) for name in servers
        },
        "ratio_uncached_over_cached": round(statistics.median(r["ratio"] for r in rounds), 2),
    }


def main() -> None:
    database_url = os.environ.get("HAKEN_BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("HAKEN_BENCH_REDIS_URL", "")
    _loopback_only(database_url, "HAKEN_BENCH_DATABASE_URL")
    _loopback_only(redis_url, "HAKEN_BENCH_REDIS_URL")
    with tempfile.TemporaryDirectory(prefix="haken-cache-bench-") as tmp:
        tmp_dir = Path(tmp)
        if not database_url:
            database_url = f"sqlite+aiosqlite:///{tmp_dir / 'bench.db'}"
        elif "postgresql" in database_url:
            asyncio.run(_reset_postgres(database_url))
        from haken.platform import migrations

        migrations.upgrade(database_url)
        asyncio.run(_seed(database_url))
        if redis_url:
            asyncio.run(_clear_redis(redis_url))
        env = {
            "HAKEN_DATABASE_URL": database_url,
            "HAKEN_REDIS_URL": redis_url,
            "HAKEN_DATA_DIR": str(tmp_dir),
            "HAKEN_SECRET_KEY": secrets.token_urlsafe(32),
            "HAKEN_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "HAKEN_RATE_LIMIT_ENABLED": "false",
            "HAKEN_JOB_BROKER": "memory",
            "HAKEN_JOB_SCHEDULER_ENABLED": "false",
            "HAKEN_LOG_LEVEL": "WARNING",
        }
        uvicorn = str(VENV_BIN / "uvicorn")
        servers = {}
        started = []
        try:
            for name, factory in (
                ("cached", "haken.app:create_app"),
                ("uncached", "bench.cache_app:create_app"),
            ):
                port = free_port()
                argv = [
                    uvicorn,
                    factory,
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ]
                server = start_server(name, argv, env, port, "/api/health", tmp_dir)
                started.append(server)
                servers[name] = server.url
            login = httpx.post(
                servers["cached"] + "/api/auth/login",
                json={"email": "root@bench.example", "password": PASSWORD},
                timeout=10,
            )
            login.raise_for_status()
            headers = {"Authorization": "Bearer " + login.json()["data"]["access_token"]}
            results = [
                _compare(servers, "/api/users/2", headers),
                _compare(servers, "/api/users?limit=50", headers),
            ]
        finally:
            for server in started:
                server.stop()
    database = urlparse(database_url.replace("+aiosqlite", "").replace("+asyncpg", "")).scheme
    backend = "redis" if redis_url else "memory"
    figures = {
        "database": database,
        "cache_backend": backend,
        "rounds": ROUNDS,
        "requests_per_round": REQUESTS_PER_ROUND,
        "method": "sequential GETs over one keep-alive connection; per-round medians; "
        "ratio = median over rounds of uncached/cached",
        "machine": machine(),
        "reads": results,
    }
    # One file, one entry per configuration (embedded; PostgreSQL + Redis), each from one run.
    previous = RESULTS / "cache.json"
    payload: dict[str, Any] = {"configurations": {}}
    if previous.exists():
        payload = json.loads(previous.read_text(encoding="utf-8"))
        payload.setdefault("configurations", {})
    payload["benchmark"] = "cache: the same read cached vs bypassing the cache (same run)"
    payload["configurations"][f"{database}+{backend}"] = figures
    path = write_results("cache.json", payload)
    for read in results:
        print(
            f"{read['path']}: cached {read['median_ms']['cached']} ms, "
            f"uncached {read['median_ms']['uncached']} ms, "
            f"ratio {read['ratio_uncached_over_cached']}x"
        )
    print(f"wrote {path}")


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _clear_redis(url: str) -> None:
    from haken.platform.cache import HakenCache

    cache = HakenCache(url)
    await cache.start()
    await cache.clear()
    await cache.close()


if __name__ == "__main__":
    main()
