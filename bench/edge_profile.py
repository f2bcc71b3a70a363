"""In-process wall time per request: ``/api/health``, the edge-served employee list, and
the same list with the edge off (service cache warm). One process, memory cache, SQLite,
200 demo employees, rate limits off; no HTTP client or server in the way.

    .venv/bin/python bench/edge_profile.py [N] [--profile]

``--profile`` prints cProfile's top of N edge hits (``PROFILE_SORT``, default cumulative;
``PROFILE_LINES``, default 35). ``--redis URL`` puts the cache on that Redis (the mirror of
tag tokens and principals included, platform/mirror.py) instead of memory. ``--info`` logs
at INFO, as ``haken serve`` does: one access-log line per request (send stdout to a file).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from haken.app import create_app
from haken.config import Settings
from haken.platform.edge import EdgeCacheMiddleware

EMAIL, PASSWORD = "profile@haken.example", "a-very-long-password-1"
SECRET: str | None = PASSWORD
HAKEN = str(Path(sys.executable).with_name("haken"))
REDIS_URL = sys.argv[sys.argv.index("--redis") + 1] if "--redis" in sys.argv else ""


async def call(app: Any, path: str, headers: dict[str, str]) -> None:
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    await app(scope, receive, send)


def prepare() -> Settings:
    data = Path(tempfile.mkdtemp(prefix="haken-edge-profile-"))
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{data}/h.db",
        data_dir=data,
        rate_limit_enabled=False,
        # --info: the access log on, as served (written to stdout: redirect it).
        log_level="INFO" if "--info" in sys.argv else "WARNING",
        redis_url=REDIS_URL,
    )
    env = {**os.environ, "HAKEN_DATABASE_URL": settings.database_url, "HAKEN_DATA_DIR": str(data)}
    env.pop("HAKEN_REDIS_URL", None)
    for args, stdin in (
        (["db", "upgrade"], None),
        (["demo", "seed", "--employees", "200"], None),
        (["user", "create", "--email", EMAIL, "--role", "super_admin", "--password-stdin"], SECRET),
    ):
        subprocess.run(
            [HAKEN, *args],
            env=env,
            input=(stdin + "\n").encode() if stdin else None,
            check=True,
            capture_output=True,
        )
    return settings


async def timed(app: Any, path: str, headers: dict[str, str], n: int) -> float:
    for _ in range(50):
        await call(app, path, headers)
    started = time.perf_counter()
    for _ in range(n):
        await call(app, path, headers)
    return (time.perf_counter() - started) / n * 1e6


async def main(settings: Settings, n: int, profile: bool) -> None:
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            login = await http.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        auth = {"authorization": "Bearer " + login.json()["data"]["access_token"]}
        results = {
            "health": await timed(app, "/api/health", {}, n),
            "edge_list": await timed(app, "/api/employees", auth, n),
        }
        edge: Any = app.middleware_stack
        while not isinstance(edge, EdgeCacheMiddleware):
            edge = edge.app
        edge._routes = {}  # the edge off: the same read through FastAPI and the service cache
        results["list_no_edge"] = await timed(app, "/api/employees", auth, n)
        edge._routes = None
        print({k: round(v, 1) for k, v in results.items()}, "µs per request")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(n):
                await call(app, "/api/employees", auth)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(int(os.environ.get("PROFILE_LINES", "35")))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000
    asyncio.run(main(prepare(), count, "--profile" in sys.argv))
