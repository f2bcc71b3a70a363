"""Run the real app with uvicorn on a free loopback port, on a fresh migrated SQLite database.

Used by the browser tests (tests/e2e) and by ``bench/web_vitals.py``; no pytest
dependency. Users are created through the ``haken`` CLI (the same service as the
API), so the server starts exactly as ``make run`` starts it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAKEN = [sys.executable, "-c", "from haken.cli import main; main()"]


@dataclass(frozen=True)
class SeedUser:
    email: str
    role: str
    password: str
    locale: str = "ja"


@dataclass
class LiveServer:
    base_url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def haken(self, *args: str, stdin: str | None = None) -> str:
        """Run a ``haken`` CLI command against this server's database."""
        done = subprocess.run(
            [*HAKEN, *args],
            input=stdin.encode() if stdin is not None else None,
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"haken {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
        return done.stdout.decode()

    def create_users(self, users: list[SeedUser]) -> None:
        """Create accounts through the identity CLI's use case, in one process (argon2 is slow)."""
        if not users:
            return
        rows = [[u.email, u.role, u.password, u.locale] for u in users]
        done = subprocess.run(
            [sys.executable, "-c", _CREATE_USERS],
            input=json.dumps(rows).encode(),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"creating users failed: {done.stderr.decode()[-2000:]}")


_CREATE_USERS = """
import asyncio, json, sys
import haken.modules.models
from haken.config import get_settings
from haken.modules.identity.cli import create_user

async def main():
    settings = get_settings()
    for email, role, password, locale in json.load(sys.stdin):
        code, message = await create_user(
            settings, email=email, role=role, password=password, locale=locale
        )
        if code:
            raise SystemExit(message)

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_assets() -> None:
    """``make`` builds the assets first; a bare pytest or bench run builds them here."""
    if not (ROOT / "src" / "haken" / "web" / "static" / "dist" / "manifest.json").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_assets.py")], check=True)


def start(
    data_dir: Path, users: list[SeedUser] = (), *, extra_env: dict[str, str] | None = None
) -> LiveServer:  # type: ignore[assignment]
    ensure_assets()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "HAKEN_ENV": "development",
        "HAKEN_DATA_DIR": str(data_dir),
        "HAKEN_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'haken.db'}",
        "HAKEN_REDIS_URL": "",
        # Every browser flow signs in from 127.0.0.1: the per-address login limit (20/minute)
        # would throttle the suite itself. Rate limits are proven by tests/integration.
        "HAKEN_RATE_LIMIT_ENABLED": "false",
        # 派遣元事業主の名称: statutory documents refuse to issue without it (issue 20).
        "HAKEN_BILLING_AGENCY_NAME": "テスト派遣株式会社",
        # The daily jobs (00:05–00:40 Tokyo) must not run into a browser flow.
        "HAKEN_JOB_SCHEDULER_ENABLED": "false",
        "HAKEN_LOG_LEVEL": "INFO",
        "HAKEN_LOG_JSON": "true",
        "HAKEN_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    env.pop("HAKEN_SECRET_KEY", None)
    server = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        data_dir=data_dir,
        log_path=data_dir / "server.log",
        env=env,
    )
    server.haken("db", "upgrade")
    server.create_users(list(users))
    log = server.log_path.open("ab")
    server.process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "haken.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base_url + "/api/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("server did not become healthy within 60 s")
