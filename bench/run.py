"""`make bench [SIZE=S|M|L] [DB=sqlite|postgres]`: haken against a bare baseline, same run.

1. fresh database of the size (``haken demo seed``), timed;
2. haken served as users serve it (``haken serve --workers N``), Redis when
   ``HAKEN_REDIS_URL`` is set; rate limits off (we measure the work, and one
   benchmark user would otherwise be throttled), ``X-Query-Count`` on;
3. wrk against every list endpoint (first and deep page), detail reads and
   name searches, cache warm; cold reads timed one by one after a cache clear;
4. the bare Starlette baseline returning the employee page's bytes;
5. results in bench/results/summary.json (headline ``cached_read_vs_bare``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ROOT,
    VENV_BIN,
    Server,
    free_port,
    machine,
    measure,
    peak_rss_mb,
    start_server,
    worker_pids,
    write_results,
)
from scenarios import read_scenarios

SIZES = {"S": 500, "M": 5_000, "L": 20_000}
BENCH_EMAIL = "bench@haken.example"
BENCH_PASSWORD = "benchmark-passphrase-2026"  # noqa: S105 (a throw-away benchmark database)


async def _recreate_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    base, _, name = url.rpartition("/")
    engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def haken(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    completed = subprocess.run(
        [str(VENV_BIN / "haken"), *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"haken {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def prepare_database(size: str, db: str, work: Path) -> tuple[dict[str, str], float]:
    env = {"HAKEN_DATA_DIR": str(work), "HAKEN_LOG_LEVEL": "WARNING"}
    if db == "postgres":
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("HAKEN_TEST_DATABASE_URL")
        if not base:
            raise SystemExit("DB=postgres needs BENCH_DATABASE_URL or HAKEN_TEST_DATABASE_URL")
        url = base.rpartition("/")[0] + "/haken_bench"
        asyncio.run(_recreate_postgres(url))
        env["HAKEN_DATABASE_URL"] = url
    haken(["db", "upgrade"], env)
    started = time.perf_counter()
    haken(["demo", "seed", "--employees", str(SIZES[size])], env)
    seed_seconds = round(time.perf_counter() - started, 2)
    haken(
        ["user", "create", "--email", BENCH_EMAIL, "--role", "super_admin", "--password-stdin"],
        env,
        stdin=BENCH_PASSWORD + "\n",
    )
    return env, seed_seconds


def cold_reads(server: Server, auth: str, path: str, samples: int = 30) -> dict[str, float]:
    """Latency of a read right after the cache was cleared, one request at a time."""
    headers = {"Authorization": auth}
    timings = []
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        for _ in range(samples):
            http.delete("/api/cache")
            started = time.perf_counter()
            response = http.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="haken-bench-"))
    env, seed_seconds = prepare_database(options.size, options.db, work)
    print(f"seeded size {options.size} ({SIZES[options.size]} employees) in {seed_seconds}s")

    port = free_port()
    serve_env = {
        **env,
        "HAKEN_RATE_LIMIT_ENABLED": "false",
        "HAKEN_EXPOSE_QUERY_COUNT": "true",
        "HAKEN_LOG_LEVEL": "INFO",
    }
    server = start_server(
        "haken",
        [str(VENV_BIN / "haken"), "serve", "--port", str(port), "--workers", str(options.workers)],
        serve_env,
        port,
        "/api/ready",
        work,
    )
    results: dict[str, Any] = {
        "machine": machine(),
        "size": options.size,
        "db": options.db,
        "workers": options.workers,
        "connections": options.connections,
        "redis": bool(os.environ.get("HAKEN_REDIS_URL")),
        "seed_seconds": seed_seconds,
        "reads": {},
        "cold": {},
    }
    baseline = None
    try:
        login = httpx.post(
            f"{server.url}/api/auth/login", json={"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
        )
        auth = "Bearer " + login.json()["data"]["access_token"]
        scenarios = read_scenarios(server.url, auth)
        for scenario in scenarios:
            result = measure(
                scenario.name,
                server.url + scenario.path,
                runs=options.runs,
                seconds=options.seconds,
                connections=options.connections,
                auth=auth,
            )
            results["reads"][scenario.name] = result.as_dict()
            print(f"{scenario.name:40s} {result.median}  queries={result.queries_per_request}")
            if scenario.cold:
                results["cold"][scenario.name] = cold_reads(server, auth, scenario.path)

        headline = next((s for s in scenarios if s.headline), None)
        if headline is not None:
            payload = httpx.get(server.url + headline.path, headers={"Authorization": auth}).content
            payload_file = work / "payload.json"
            payload_file.write_bytes(payload)
            base_port = free_port()
            baseline = start_server(
                "baseline",
                [
                    str(VENV_BIN / "uvicorn"),
                    "baseline_app:app",
                    "--app-dir",
                    str(ROOT / "bench"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(base_port),
                    "--workers",
                    str(options.workers),
                    "--log-level",
                    "warning",
                ],
                {"BENCH_PAYLOAD_FILE": str(payload_file)},
                base_port,
                "/payload",
                work,
            )
            bare = measure(
                "bare_starlette",
                baseline.url + "/payload",
                runs=options.runs,
                seconds=options.seconds,
                connections=options.connections,
            )
            results["baseline"] = bare.as_dict()
            warm = results["reads"][headline.name]["median"]["rps"]
            results["cached_read_vs_bare"] = round(warm / bare.median["rps"], 3)
            results["payload_bytes"] = len(payload)
            print(
                f"headline {headline.name}: {warm} rps vs bare {bare.median['rps']} rps "
                f"= {results['cached_read_vs_bare']}"
            )
        results["peak_rss_mb"] = {
            str(pid): peak_rss_mb(pid) for pid in worker_pids(server.process.pid)
        }
    finally:
        server.stop()
        if baseline is not None:
            baseline.stop()
    path = write_results(f"summary-{options.size}-{options.db}.json", results)
    write_results("summary.json", results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
