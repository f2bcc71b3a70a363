"""Attendance benchmarks (issue 15 item 10), PostgreSQL, whole processes.

1. **Entering and approving one timecard** (create, submit, approve: three requests) for a
   worker with one month of approved history and for one with five years, interleaved, the
   same days; median latency and statements (``X-Query-Count``) of each request. Goal: the
   same cost whatever the history.
2. **Importing a month of client timesheets**: 20,000 rows (1,000 workers × 20 working days)
   as CSV and as Excel; upload (the dry run) + commit through the API; the floor in the same
   run is reading the same file alone (``imports.read_rows``: the csv module / openpyxl's
   sheet parser streamed once, what the import itself calls). Goal ≤ 10 s.
3. **The month summary of a 1,000-worker site, cold** (the month grid page
   ``/attendance/sites/{id}?month=`` with the imported month's 20,000 cards, 50 workers a page;
   the first page and the 11th, reached through the pager's cursors; the cache cleared before
   each request). Goal: the same statements and about the same time on every page.

Setup: the demo generator's rows (2,500 employees) in a database of its own, then 1,002 placements
of Japanese workers (no 在留 limit) are moved onto one contract (one site) from 2020 to 2099
with plain SQL, so that the month after next is empty. ``haken serve --workers 1``.

    HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/x \\
        .venv/bin/python bench/attendance_bench.py [--repeat 3] [--samples 10] [--database name]

Writes ``bench/results/attendance-postgres.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from harness import haken, machine, recreate_postgres, write_results
from run import (
    BENCH_EMAIL,
    BENCH_PASSWORD,
    bearer,
    page_session,
    serve,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from haken.modules.attendance.imports import read_rows

WORKERS = 1000
SEED_EMPLOYEES = 2500
HISTORY_START = dt.date(2020, 1, 1)


def _month_after_next(today: dt.date) -> dt.date:
    index = today.year * 12 + today.month - 1 + 2
    return dt.date(index // 12, index % 12 + 1, 1)


def _weekdays(first: dt.date) -> list[dt.date]:
    days, day = [], first
    while day.month == first.month:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


async def _reshape(url: str, month: dt.date) -> dict[str, Any]:
    """1,002 placements onto one contract; two of them get approved history (1 month, 5 y)."""
    engine = create_async_engine(url)
    async with engine.begin() as db:
        contract = (
            await db.execute(
                text(
                    "SELECT c.id, a.client_id, a.site_id, a.unit_id, a.contract_number, "
                    "a.client_name, a.site_name, a.unit_name FROM dispatch_contracts c "
                    "JOIN assignments a ON a.contract_id = c.id ORDER BY c.id LIMIT 1"
                )
            )
        ).one()
        rows = (
            await db.execute(
                text(
                    "SELECT DISTINCT ON (a.employee_id) a.id, a.employee_id, e.employee_number "
                    "FROM assignments a JOIN employees e ON e.id = a.employee_id "
                    "WHERE a.status <> 'cancelled' AND e.residence_status IS NULL "
                    "AND e.employee_number IS NOT NULL ORDER BY a.employee_id, a.id "
                    "LIMIT :n"
                ),
                {"n": WORKERS + 2},
            )
        ).all()
        if len(rows) < WORKERS + 2:
            raise SystemExit(f"only {len(rows)} placements to move; seed more employees")
        ids = [r[0] for r in rows]
        employee_ids = [r[1] for r in rows]
        # Their other placements and cards out of the way (the history below is the only one).
        await db.execute(
            text("DELETE FROM attendance_timecards WHERE employee_id = ANY(:e)"),
            {"e": employee_ids},
        )
        await db.execute(
            text(
                "UPDATE assignments SET status = 'cancelled' "
                "WHERE employee_id = ANY(:e) AND NOT id = ANY(:ids)"
            ),
            {"e": employee_ids, "ids": ids},
        )
        await db.execute(
            text(
                "UPDATE assignments SET contract_id = :c, client_id = :cl, site_id = :s, "
                "unit_id = :u, contract_number = :cn, client_name = :cln, site_name = :sn, "
                "unit_name = :un, start_date = :start, end_date = :end, status = 'active', "
                "weekly_hours_limit = NULL WHERE id = ANY(:ids)"
            ),
            {
                "c": contract[0],
                "cl": contract[1],
                "s": contract[2],
                "u": contract[3],
                "cn": contract[4],
                "cln": contract[5],
                "sn": contract[6],
                "un": contract[7],
                "start": HISTORY_START,
                "end": dt.date(2099, 12, 31),
                "ids": ids,
            },
        )
        # History: approved cards on every weekday before the measured month.
        measured = _month_after_next(month)  # the month the single-card bench enters
        history = {}
        for (assignment_id, employee_id, _), first in zip(
            rows[:2],
            (measured - dt.timedelta(days=31), dt.date(measured.year - 5, measured.month, 1)),
            strict=True,
        ):
            days = []
            day = first
            while day < measured:
                if day.weekday() < 5:
                    days.append(day)
                day += dt.timedelta(days=1)
            await db.execute(
                text(
                    "INSERT INTO attendance_timecards (employee_id, assignment_id, contract_id, "
                    "site_id, work_date, start_at, end_at, timezone, break_minutes, marker, "
                    "note, state, source, warned, version, approved_at, created_at, updated_at) "
                    "VALUES (:e, :a, :c, :s, :d, :start, :end, 'Asia/Tokyo', 60, 'none', '', "
                    "'approved', 'manual', false, 1, now(), now(), now())"
                ),
                [
                    {
                        "e": employee_id,
                        "a": assignment_id,
                        "c": contract[0],
                        "s": contract[2],
                        "d": d,
                        "start": dt.datetime.combine(d, dt.time(0, 0), dt.UTC),
                        "end": dt.datetime.combine(d, dt.time(9, 0), dt.UTC),
                    }
                    for d in days
                ],
            )
            history[assignment_id] = len(days)
    await engine.dispose()
    return {
        "client_id": contract[1],
        "site_id": contract[2],
        "history": history,
        "history_assignments": ids[:2],
        "numbers": [r[2] for r in rows[2:]],
        "measured_month": measured,
    }


def _prepare(work: Path, database: str) -> tuple[dict[str, str], float]:
    """A database of its own: migrations, the demo generator's rows (employees, clients,
    placements, attendance; called directly rather than ``haken demo seed``, whose other
    areas' steps are not needed here) and the bench account."""
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ["HAKEN_TEST_DATABASE_URL"]
    url = base.rpartition("/")[0] + "/" + database
    asyncio.run(recreate_postgres(url))
    env = {"HAKEN_DATA_DIR": str(work), "HAKEN_LOG_LEVEL": "WARNING", "HAKEN_DATABASE_URL": url}
    haken(["db", "upgrade"], env)
    started = time.perf_counter()
    asyncio.run(_generate(url, work))
    seconds = round(time.perf_counter() - started, 2)
    haken(
        ["user", "create", "--email", BENCH_EMAIL, "--role", "super_admin", "--password-stdin"],
        env,
        stdin=BENCH_PASSWORD + "\n",
    )
    return env, seconds


async def _generate(url: str, work: Path) -> None:
    import haken.modules.models  # noqa: F401 (every table in the metadata)
    from haken.config import Settings
    from haken.modules.demo.generator import generate
    from haken.platform.security import configure_field_cipher

    settings = Settings(database_url=url, data_dir=work)
    configure_field_cipher(settings.resolved_field_key)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await generate(connection, employees=SEED_EMPLOYEES, today=dt.date.today())
    await engine.dispose()


async def _reset_import(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as db:
        await db.execute(text("DELETE FROM attendance_timecards WHERE source = 'import'"))
        await db.execute(text("DELETE FROM attendance_import_files"))
    await engine.dispose()


def _csv(numbers: list[str], days: list[dt.date]) -> bytes:
    lines = ["社員番号,日付,出勤,退勤,休憩"]
    for number in numbers:
        for day in days:
            lines.append(f"{number},{day:%Y/%m/%d},8:00,17:00,60")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(numbers: list[str], days: list[dt.date]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["社員番号", "日付", "出勤", "退勤", "休憩"])
    for number in numbers:
        for day in days:
            sheet.append([number, day, dt.time(8, 0), dt.time(17, 0), 60])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def bench_single_cards(http: httpx.Client, setup: dict[str, Any], samples: int) -> dict[str, Any]:
    """Create, submit, approve one card, interleaving the 1-month and the 5-year worker."""
    first = setup["measured_month"]
    days = _weekdays(first)[:samples]
    labels = dict(zip(setup["history_assignments"], ("one_month", "five_years"), strict=True))
    found: dict[str, dict[str, list[float]]] = {
        label: {"create": [], "submit": [], "approve": [], "create_q": [], "submit_q": [],
                "approve_q": []}
        for label in labels.values()
    }  # fmt: skip
    for day in days:
        for assignment_id, label in labels.items():
            started = time.perf_counter()
            created = http.post(
                "/api/attendance/timecards",
                json={
                    "assignment_id": assignment_id,
                    "work_date": day.isoformat(),
                    "start": "08:00",
                    "end": "17:00",
                    "break_minutes": 60,
                },
            )
            found[label]["create"].append(_ms(started))
            created.raise_for_status()
            found[label]["create_q"].append(int(created.headers.get("x-query-count", 0)))
            card = created.json()["data"]
            for action in ("submit", "approve"):
                started = time.perf_counter()
                answer = http.post(
                    f"/api/attendance/timecards/{card['id']}/{action}",
                    json={"version": card["version"]},
                )
                found[label][action].append(_ms(started))
                answer.raise_for_status()
                found[label][f"{action}_q"].append(int(answer.headers.get("x-query-count", 0)))
                card = answer.json()["data"]
    result: dict[str, Any] = {}
    for assignment_id, label in labels.items():
        values = found[label]
        result[label] = {
            "history_cards": setup["history"][assignment_id],
            **{
                f"{action}_p50_ms": statistics.median(values[action])
                for action in ("create", "submit", "approve")
            },
            **{
                f"{action}_queries": statistics.median(values[f"{action}_q"])
                for action in ("create", "submit", "approve")
            },
            "samples": len(values["create"]),
        }
    one, five = result["one_month"], result["five_years"]
    result["ratio_five_years_vs_one_month"] = {
        action: round(five[f"{action}_p50_ms"] / one[f"{action}_p50_ms"], 2)
        for action in ("create", "submit", "approve")
    }
    return result


def bench_import(
    http: httpx.Client, url: str, setup: dict[str, Any], content: bytes, name: str, repeat: int
) -> dict[str, Any]:
    floors, dry, commit, total = [], [], [], []
    rows = 0
    for run in range(repeat):
        started = time.perf_counter()
        rows = len(read_rows(content)) - 1
        floors.append(_ms(started))
        if run:
            asyncio.run(_reset_import(url))
        started = time.perf_counter()
        uploaded = http.post(
            "/api/attendance/imports",
            data={"client_id": str(setup["client_id"])},
            files={"file": (name, content, "application/octet-stream")},
        )
        dry.append(_ms(started))
        uploaded.raise_for_status()
        data = uploaded.json()["data"]
        if data["error_count"]:
            raise RuntimeError(f"the bench file has problems: {data['problems'][:3]}")
        started = time.perf_counter()
        done = http.post(f"/api/attendance/imports/{data['id']}/commit")
        commit.append(_ms(started))
        done.raise_for_status()
        total.append(dry[-1] + commit[-1])
        if done.json()["data"]["imported_count"] != rows:
            raise RuntimeError("not every row was imported")
    floor = statistics.median(floors)
    return {
        "rows": rows,
        "bytes": len(content),
        "floor_read_ms": floor,
        "dry_run_ms": statistics.median(dry),
        "commit_ms": statistics.median(commit),
        "total_ms": statistics.median(total),
        "total_runs_ms": total,
        "ratio_to_floor": round(statistics.median(total) / floor, 1),
        "goal_10s_met": statistics.median(total) <= 10_000,
        "repeat": repeat,
    }


def _load(
    api: httpx.Client, page: httpx.Client, path: str, samples: int
) -> tuple[list[float], list[int], httpx.Response]:
    timings, queries = [], []
    response = None
    for _ in range(samples):
        api.delete("/api/cache").raise_for_status()
        started = time.perf_counter()
        response = page.get(path)
        timings.append(_ms(started))
        response.raise_for_status()
        queries.append(int(response.headers.get("x-query-count", 0)))
    assert response is not None
    timings.sort()
    return timings, queries, response


def bench_month(
    server_url: str, auth: str, page: httpx.Client, site_id: int, month: str, samples: int
) -> dict[str, Any]:
    """The grid's first page, cold, and a later page (the 11th of 50 workers, reached by the
    pager's cursors), cold: the same statements and about the same time."""
    path = f"/attendance/sites/{site_id}?month={month}"
    found: dict[str, Any] = {"path": path, "samples": samples}
    with httpx.Client(base_url=server_url, headers={"Authorization": auth}, timeout=60) as api:
        later = path
        for hop in range(10):
            text = page.get(later).text
            following = re.search(r'href="\?(month=[^"&]+&amp;cursor=[^"]+)" hx-get', text)
            if following is None:
                break
            later = f"/attendance/sites/{site_id}?" + following.group(1).replace("&amp;", "&")
            found["later_page"] = hop + 2
        for name, target in (("first_page", path), ("later_page_load", later)):
            timings, queries, response = _load(api, page, target, samples)
            found[name] = {
                "p50_ms": statistics.median(timings),
                "max_ms": timings[-1],
                "queries": statistics.median(queries),
                "bytes": len(response.content),
                "cells": response.text.count('class="cell'),
            }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="imports per format")
    parser.add_argument("--samples", type=int, default=10, help="cards per worker; grid loads")
    parser.add_argument(
        "--database",
        default="haken_bench_attendance",
        help="database created (dropped first) on the server of the URL",
    )
    options = parser.parse_args()
    if not os.environ.get("HAKEN_TEST_DATABASE_URL") and not os.environ.get("BENCH_DATABASE_URL"):
        raise SystemExit("needs HAKEN_TEST_DATABASE_URL or BENCH_DATABASE_URL (PostgreSQL)")
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="haken-bench-att-"))
    env, seed_seconds = _prepare(work, options.database)
    url = env["HAKEN_DATABASE_URL"]
    month = _month_after_next(dt.date.today())
    setup = asyncio.run(_reshape(url, month))
    server = serve(env, 1, work)
    try:
        auth = bearer(server)
        with httpx.Client(
            base_url=server.url, headers={"Authorization": auth}, timeout=300
        ) as http:
            mapped = http.put(
                f"/api/attendance/imports/mappings/{setup['client_id']}",
                json={
                    "columns": {
                        "employee": "社員番号",
                        "date": "日付",
                        "start": "出勤",
                        "end": "退勤",
                        "break_minutes": "休憩",
                    }
                },
            )
            mapped.raise_for_status()
            single = bench_single_cards(http, setup, options.samples)
            days = _weekdays(month)[:20]
            numbers = setup["numbers"][:WORKERS]
            xlsx = bench_import(
                http, url, setup, _xlsx(numbers, days), "month.xlsx", max(1, options.repeat - 1)
            )
            asyncio.run(_reset_import(url))
            csv_result = bench_import(
                http, url, setup, _csv(numbers, days), "month.csv", options.repeat
            )
        page = page_session(server)
        grid = bench_month(
            server.url, auth, page, setup["site_id"], f"{month:%Y-%m}", options.samples // 2 or 1
        )
        page.close()
    finally:
        server.stop()
    payload = {
        "command": "HAKEN_TEST_DATABASE_URL=… .venv/bin/python bench/attendance_bench.py "
        f"--repeat {options.repeat} --samples {options.samples}",
        "machine": machine(),
        "database": "postgres",
        "seed_seconds": seed_seconds,
        "workers_at_site": WORKERS + 2,
        "import_month": f"{month:%Y-%m}",
        "single_card": single,
        "import_csv": csv_result,
        "import_xlsx": xlsx,
        "site_month_cold": grid,
        "seconds": round(time.perf_counter() - began, 1),
        "user": BENCH_EMAIL,
    }
    path = write_results("attendance-postgres.json", payload)
    print(path)
    print(payload)


if __name__ == "__main__":
    main()
