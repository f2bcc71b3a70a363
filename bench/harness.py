"""Shared pieces of the benchmarks: processes, wrk, RSS, results.

Every benchmark runs whole processes on 127.0.0.1, bounded in time, and
writes JSON under bench/results/. Adding a measure is a few lines: call
``measure(name, url)`` with the server already up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
WRK = shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(
    name: str, argv: Sequence[str], env: dict[str, str], port: int, ready_path: str, log_dir: Path
) -> Server:
    log = log_dir / f"{name}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        list(argv), env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early; see {log}")
        try:
            if httpx.get(url + ready_path, timeout=1).status_code < 500:
                return Server(name, process, url, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not become ready; see {log}")


def worker_pids(root_pid: int) -> list[int]:
    """The root process and its children (uvicorn's workers)."""
    children_file = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    children = [int(p) for p in children_file.read_text().split()] if children_file.exists() else []
    return [root_pid, *children]


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@dataclass
class LoadResult:
    name: str
    url: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    queries_per_request: int | None = None

    @property
    def median(self) -> dict[str, float]:
        keys = ("rps", "p50_ms", "p95_ms", "p99_ms")
        return {k: round(statistics.median(r[k] for r in self.runs), 3) for k in keys}

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["median"] = self.median
        data["errors"] = sum(r["non_2xx"] + r["socket_errors"] for r in self.runs)
        return data


def wrk(
    url: str, *, seconds: int, connections: int, threads: int = 2, auth: str = ""
) -> dict[str, Any]:
    if WRK is None:
        raise RuntimeError("wrk not installed: apt-get install wrk")
    output = subprocess.run(
        [
            WRK,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env={**os.environ, "BENCH_AUTH": auth},
        check=True,
    )
    last = [line for line in output.stdout.splitlines() if line.startswith("{")][-1]
    return dict(json.loads(last))


def measure(
    name: str,
    url: str,
    *,
    runs: int,
    seconds: int,
    connections: int,
    auth: str = "",
    warmup_seconds: int = 2,
) -> LoadResult:
    """Warm up, then ``runs`` wrk runs; the median is what gets reported."""
    wrk(url, seconds=warmup_seconds, connections=connections, auth=auth)
    result = LoadResult(name=name, url=url)
    for _ in range(runs):
        result.runs.append(wrk(url, seconds=seconds, connections=connections, auth=auth))
    headers = {"Authorization": auth} if auth else {}
    probe = httpx.get(url, headers=headers, timeout=10)
    if "x-query-count" in probe.headers:
        result.queries_per_request = int(probe.headers["x-query-count"])
    return result


def write_results(filename: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / filename
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d"),
        "wrk": WRK is not None,
    }
