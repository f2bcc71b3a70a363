"""Requests benchmark (issue 16 item 6), SQLite, in process (the app behind httpx's ASGI
transport: no server, no network; the figures are the app's own cost).

1. **Submitting and approving one day of paid leave** for a worker with five years of
   approved leave (a request every six weeks: leave takings, leave timecards, ledger rows,
   request history) and for one with none, interleaved, among 2,000 demo employees; median
   latency and statements of each request. Goal: the same cost whatever the history,
   ≤ 50 ms one at a time (the peer: 21.5 s to create one on PostgreSQL).
2. **The leave list** (``GET /api/leave/balances``, 50 rows) with all of it in place:
   statements (goal ≤ 3) and median latency, cache bypassed.

    .venv/bin/python bench/requests_bench.py [--employees 2000] [--samples 10]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:55432/haken_bench]

Writes ``bench/results/requests-sqlite.json`` (or ``requests-postgresql.json`` with a
PostgreSQL URL: its database is dropped and created afresh, so name a throwaway one).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from harness import machine, recreate_postgres, write_results
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.conftest import make_settings  # noqa: E402
from tests.integration.leave.factories import granted_employee  # noqa: E402

from haken.app import create_app  # noqa: E402
from haken.modules.demo.generator import generate  # noqa: E402
from haken.modules.identity.schemas import UserCreate  # noqa: E402
from haken.modules.identity.service import identity_service  # noqa: E402
from haken.modules.leave.service import leave_service  # noqa: E402
from haken.platform import migrations  # noqa: E402
from haken.platform.access import Role  # noqa: E402
from haken.platform.cache import cache_bypass  # noqa: E402
from haken.platform.db import count_queries, session_scope  # noqa: E402
from haken.platform.security import use_fast_password_hashing  # noqa: E402

PASSWORD = "bench-password-123456"  # noqa: S105 (a throwaway account of the bench)
HIRED_MONTHS = 66  # five and a half years: five grant years behind


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


async def _user(app: Any, role: Role, n: int, **fields: Any) -> tuple[str, int]:
    email = f"bench{n}-{role.value}@bench.example"
    async with session_scope(app.state.database, write=True) as session:
        made = await identity_service.create_user(
            session, None, UserCreate(email=email, password=PASSWORD, role=role, **fields)
        )
    return email, made.id


async def _login(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    done = await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    done.raise_for_status()
    return {"Authorization": f"Bearer {done.json()['data']['access_token']}"}


async def _one(
    http: httpx.AsyncClient, worker: dict[str, str], office: dict[str, str], day: dt.date
) -> tuple[float, int, float, int]:
    with cache_bypass(), count_queries() as submitted:
        started = time.perf_counter()
        sent = await http.post(
            "/api/requests",
            headers=worker,
            json={"payload": {"type": "paid_leave", "dates": [day.isoformat()]}},
        )
        submit_ms = _ms(started)
    sent.raise_for_status()
    request = sent.json()["data"]
    with cache_bypass(), count_queries() as approved:
        started = time.perf_counter()
        done = await http.post(
            f"/api/requests/{request['id']}/approve",
            headers=office,
            json={"version": request["version"]},
        )
        approve_ms = _ms(started)
    if done.status_code != 200:
        raise SystemExit(f"approving {day}: {done.text}")
    return submit_ms, submitted.count, approve_ms, approved.count


async def run(work: Path, url: str, employees: int, samples: int) -> dict[str, Any]:
    settings = make_settings(url, work, rate_limit_enabled=False)
    app = create_app(settings)
    today = dt.date.today()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            began = time.perf_counter()
            async with app.state.database.engine.begin() as connection:
                await generate(connection, employees=employees, today=today)
                # The demo closes its past periods; the history below is written into them.
                await connection.execute(text("DELETE FROM attendance_periods"))
            async with session_scope(app.state.database, write=True) as session:
                await leave_service.grant_due(session, today=today, principal=None)
            seed_seconds = round(time.perf_counter() - began, 1)
            admin_email, _ = await _user(app, Role.ADMIN, 0)
            office = await _login(http, admin_email)
            workers: dict[str, dict[str, str]] = {}
            ids: dict[str, int] = {}
            for n, label in enumerate(("five_years", "none"), start=1):
                made = await granted_employee(http, office, months=HIRED_MONTHS)
                ids[label] = made["employee"]["id"]
                email, _ = await _user(app, Role.EMPLOYEE, n, employee_id=ids[label])
                workers[label] = await _login(http, email)
            # Five years of leave for one of them: a day every six weeks, each a request
            # approved by the office (takings, leave timecards, ledger rows, history).
            history = 0
            day = today - dt.timedelta(days=(HIRED_MONTHS - 7) * 30)
            while day < today - dt.timedelta(days=7):
                await _one(http, workers["five_years"], office, _weekday(day))
                history += 1
                day += dt.timedelta(days=42)
            found: dict[str, dict[str, list[float]]] = {
                label: {"submit": [], "approve": [], "submit_q": [], "approve_q": []}
                for label in workers
            }
            coming = [today + dt.timedelta(days=14 + n) for n in range(3 * samples)]
            weekdays = [d for d in coming if d.weekday() < 5]
            for i in range(samples):
                for label, headers in workers.items():
                    day = weekdays[i]  # the same days for both
                    s_ms, s_q, a_ms, a_q = await _one(http, headers, office, day)
                    found[label]["submit"].append(s_ms)
                    found[label]["approve"].append(a_ms)
                    found[label]["submit_q"].append(s_q)
                    found[label]["approve_q"].append(a_q)
            listed: list[float] = []
            list_queries: list[int] = []
            for _ in range(samples):
                with cache_bypass(), count_queries() as counted:
                    started = time.perf_counter()
                    page = await http.get("/api/leave/balances?limit=50", headers=office)
                    listed.append(_ms(started))
                page.raise_for_status()
                list_queries.append(counted.count)
    result: dict[str, Any] = {"history_requests": history}
    for label, values in found.items():
        result[label] = {
            "submit_p50_ms": statistics.median(values["submit"]),
            "approve_p50_ms": statistics.median(values["approve"]),
            "submit_queries": statistics.median(values["submit_q"]),
            "approve_queries": statistics.median(values["approve_q"]),
            "samples": len(values["submit"]),
        }
    return {
        "employees": employees,
        "seed_seconds": seed_seconds,
        "one_request": result,
        "leave_list": {
            "p50_ms": statistics.median(listed),
            "queries": max(list_queries),
            "samples": len(listed),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL (else SQLite)")
    options = parser.parse_args()
    began = time.perf_counter()
    use_fast_password_hashing()
    work = Path(tempfile.mkdtemp(prefix="haken-bench-req-"))
    database = "postgresql" if options.database_url.startswith("postgresql") else "sqlite"
    if database == "postgresql":
        url = options.database_url
        asyncio.run(recreate_postgres(url))
    else:
        url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    migrations.upgrade(url, "heads")
    command = (
        ".venv/bin/python bench/requests_bench.py "
        f"--employees {options.employees} --samples {options.samples}"
    )
    if database == "postgresql":
        command += f" --database-url {url}"
    payload = {
        "command": command,
        "machine": machine(),
        "database": database,
        **asyncio.run(run(work, url, options.employees, options.samples)),
        "seconds": round(time.perf_counter() - began, 1),
    }
    path = write_results(f"requests-{database}.json", payload)
    print(path)
    print(payload)


if __name__ == "__main__":
    main()
