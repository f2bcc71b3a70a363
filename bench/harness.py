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


def haken(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    """Run the ``haken`` CLI of this venv (seed, user create, migrate); fail loudly."""
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
    name: str,
    argv: Sequence[str],
    env: dict[str, str],
    port: int,
    ready_path: str,
    log_dir: Path,
    ready_seconds: float = 60,
) -> Server:
    log = log_dir / f"{name}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        list(argv), env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_seconds
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


# --- throw-away PostgreSQL and Redis (bench/mixed_load.py) ---------------------------


def _as_postgres(argv: Sequence[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the ``postgres`` OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return list(argv)


@dataclass
class Postgres:
    """A PostgreSQL cluster of its own in ``data_dir`` on 127.0.0.1:``port``."""

    data_dir: Path
    port: int

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str, timeout: int = 90) -> None:
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(self.data_dir), *args]),
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def init(self) -> None:
        self.data_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    *("initdb", "-D", str(self.data_dir), "-U", "postgres"),
                    *("--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data_dir}"
        self._ctl("-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(self.data_dir), "status"]),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def postmaster_pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None


@dataclass
class RedisServer:
    """A redis-server of its own (no persistence) on 127.0.0.1:``port``; killable."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self) -> None:
        """SIGKILL: the crash, not a clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def own_peak_rss_mib() -> float:
    """Peak resident memory of this process's own address space so far (``VmHWM``), MiB.

    Not ``ru_maxrss``: on Linux that survives ``execve``, so a bench started as the child of
    a larger process (``run.py``, a shell under ``make``) would report its parent's peak."""
    peak = peak_rss_mb(os.getpid())
    return peak if peak is not None else float("nan")


async def recreate_postgres(url: str, *, create: bool = True) -> None:
    """Drop the throwaway bench database named in the URL (open sessions ended), and
    create it again unless ``create`` is false."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    base, _, name = url.rpartition("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"a plain database name, please: {name!r}")
    engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
