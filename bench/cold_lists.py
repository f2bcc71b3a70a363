"""Cold list reads one request at a time (issue 21 item 2), with haken's floor in the same run.

``HAKEN_TEST_DATABASE_URL=… BENCH_DATABASE_NAME=haken_x_bench .venv/bin/python
bench/cold_lists.py [--size L] [--samples 200] [--tag before] [--reuse]``

1. the database of the size (``haken demo seed``) in PostgreSQL, once: ``--reuse`` keeps a
   database seeded by an earlier run (and its bench user), for a before/after pair on the
   same rows;
2. ``haken serve --workers N`` (default 2) with a redis-server of its own (used with one
   worker too), as ``bench/run.py`` serves; ``--workers 1`` on a loaded machine, where
   uvicorn's supervisor kills workers that take over 5 s to start;
3. per list, ``--samples`` cold reads: ``DELETE /api/cache`` (every entry, the principal's
   too, and the edge's stored answers), then the timed ``GET …?limit=50``, on one
   keep-alive connection (so one worker), exactly as ``bench/run.py`` defines "cold";
   the floor is ``/api/health`` timed the same way (after the same clear);
4. per read: p50/p95/p99, ``X-Query-Count``, the Redis commands of the read (the
   redis-server's ``total_commands_processed`` read just before and after it, outside the
   timed window; commands a Lua script runs count too) and its Redis round trips
   (``total_reads_processed``: the server's read events, one per command or pipeline a
   client sends, less what the two INFO calls themselves cost, measured with nothing in
   between; exact counts: tests/integration/cache/test_round_trips.py).

Results: ``bench/results/cold-<size>-postgres[-<tag>].json``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import VENV_BIN, RedisServer, free_port, machine, start_server, write_results
from run import SIZES, bearer, latency_summary, prepare_database

LISTS = {
    "employees": "/api/employees?limit=50",
    "assignments": "/api/assignments?limit=50",
    "candidates": "/api/candidates?limit=50",
    "clients": "/api/clients?limit=50",
}


def redis_stats(url: str) -> tuple[int, int]:
    """``total_commands_processed`` and ``total_reads_processed`` of the bench's redis-server."""
    host_port = url.removeprefix("redis://").split("/")[0]
    host, _, port = host_port.partition(":")
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(b"INFO stats\r\n")
        data = b""
        while b"total_commands_processed:" not in data or not data.endswith(b"\r\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    stats = dict(
        line.split(":", 1) for line in data.decode().splitlines() if line.startswith("total_")
    )
    return int(stats["total_commands_processed"]), int(stats["total_reads_processed"])


def info_overhead(url: str) -> float:
    """Read events the before/after INFO pair costs by itself (its connections' reads)."""
    deltas = []
    for _ in range(7):
        before = redis_stats(url)[1]
        deltas.append(redis_stats(url)[1] - before)
    return statistics.median(deltas)


def cold(http: httpx.Client, path: str, samples: int, redis_url: str) -> dict[str, Any]:
    for _ in range(3):  # warm the connection and the worker's code paths
        http.delete("/api/cache").raise_for_status()
        http.get(path).raise_for_status()
    timings, queries, commands, trips = [], [], [], []
    overhead = info_overhead(redis_url)
    for _ in range(samples):
        http.delete("/api/cache").raise_for_status()
        before, reads_before = redis_stats(redis_url)
        started = time.perf_counter()
        response = http.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        after, reads_after = redis_stats(redis_url)
        # The read's own commands: the second INFO counts itself once.
        commands.append(after - before - 1)
        trips.append(reads_after - reads_before - overhead)
        response.raise_for_status()
        if "x-query-count" in response.headers:
            queries.append(int(response.headers["x-query-count"]))
    return {
        **latency_summary(timings),
        "queries": statistics.median(queries) if queries else None,
        "redis_commands_per_read": statistics.median(commands),
        "redis_round_trips_per_read": statistics.median(trips),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="L")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tag", default="")
    parser.add_argument("--reuse", action="store_true", help="the database of an earlier run")
    parser.add_argument("--lists", default=",".join(LISTS))
    options = parser.parse_args()
    if options.reuse:
        os.environ["BENCH_REUSE_DATABASE"] = "1"
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="haken-cold-"))
    env, seed_seconds = prepare_database(options.size, "postgres", work)
    redis = RedisServer(port=free_port(), directory=work)  # of its own, to count commands
    redis.start()
    os.environ["HAKEN_REDIS_URL"] = redis_url = redis.url
    # As run.serve, with Redis even for one worker and time to start on a loaded machine.
    port = free_port()
    server = start_server(
        "haken",
        [str(VENV_BIN / "haken"), "serve", "--port", str(port), "--workers", str(options.workers)],
        {
            **env,
            "HAKEN_RATE_LIMIT_ENABLED": "false",
            "HAKEN_EXPOSE_QUERY_COUNT": "true",
            "HAKEN_REDIS_URL": redis_url,
        },
        port,
        "/api/ready",
        work,
        ready_seconds=300,
    )
    results: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join(["bench/cold_lists.py", *sys.argv[1:]]),
        "size": options.size,
        "db": "postgres",
        "workers": options.workers,
        "seed_seconds": seed_seconds,
        "cold": {},
    }
    try:
        auth = bearer(server)
        with httpx.Client(base_url=server.url, headers={"Authorization": auth}, timeout=30) as http:
            reads = {"health_floor": "/api/health"}
            reads.update({n: LISTS[n] for n in options.lists.split(",") if n})
            for name, path in reads.items():
                entry = cold(http, path, options.samples, redis_url)
                results["cold"][name] = {"path": path, **entry}
                print(f"{name:14s} {path:32s} {entry}", flush=True)
    finally:
        server.stop()
        redis.stop()
    results["wall_seconds"] = round(time.perf_counter() - began, 1)
    suffix = f"-{options.tag}" if options.tag else ""
    path = write_results(f"cold-{options.size}-postgres{suffix}.json", results)
    print(f"wrote {path} in {results['wall_seconds']} s")


if __name__ == "__main__":
    main()
