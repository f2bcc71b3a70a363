"""Payroll run benchmark on PostgreSQL: one period's run for N employees (2,000 and 20,000),
against the floor of one aggregate SQL read of the same period's ledger, in the same process.

For each size: a fresh database (``<base db>_payroll``), ``haken db upgrade``, ``haken demo
seed --employees N`` (its attendance covers only the first 200 workers, so the bench then
writes one payroll ledger row for every employee placed in the last closed period, and
deletes that period's run so it can run again). A separate process then measures:

* ``floor``: ``SELECT count(*), sum(…)`` of the period's payroll ledger (one statement,
  the best of 5);
* ``run``: ``start_run`` in one transaction, then each batch in its own transaction, as the
  job does (``payroll.run_batch``): wall time, SQL statements (counted by
  ``haken.platform.db.count_queries``), batches, payslips computed and failed;
* ``rss``: the process's peak RSS (``VmHWM``) after the imports and at the end.

Usage (PostgreSQL from scripts/test-services.sh; bounded: two sizes, one run each)::

    HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/haken_hd1 \
        .venv/bin/python bench/payroll_bench.py [--sizes 2000,20000]

Results: ``bench/results/payroll-postgres.json``. Nothing here is asserted in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import own_peak_rss_mib, recreate_postgres

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "payroll-postgres.json"
HAKEN = [sys.executable, "-c", "from haken.cli import main; main()"]
SEED_TIMEOUT = 1800
MEASURE_TIMEOUT = 900


PREPARE = """
WITH period AS (
    SELECT period_start, period_end FROM payroll_runs
    WHERE state = 'closed' ORDER BY period_start DESC LIMIT 1
)
INSERT INTO attendance_ledger (
    kind, subject_id, period_start, period_end, worked_minutes, regular,
    within_statutory_overtime, overtime, overtime_over_60h, night, overtime_night, rest_day,
    rest_day_night, worked_days, paid_leave_days, half_leave_days, absence_days,
    timecard_count, computed_at
)
SELECT 'payroll', e.id, p.period_start, p.period_end,
       9600 + (e.id % 25) * 60, 9600, 0, (e.id % 25) * 60, 0, (e.id % 3) * 60,
       0, 0, 0, 20, e.id % 2, 0, 0, 20, now()
FROM employees e CROSS JOIN period p
WHERE EXISTS (
    SELECT 1 FROM assignments a
    WHERE a.employee_id = e.id AND a.start_date <= p.period_end AND a.end_date >= p.period_start
)
ON CONFLICT (kind, subject_id, period_start) DO NOTHING
"""


async def _prepare(url: str) -> dict[str, Any]:
    """Ledger rows for every placed employee of the last closed period; that run deleted."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        async with connection.transaction():
            inserted = await connection.execute(PREPARE)
            period = await connection.fetchval(
                "SELECT period_start FROM payroll_runs WHERE state = 'closed' "
                "ORDER BY period_start DESC LIMIT 1"
            )
            await connection.execute(
                "UPDATE payroll_adjustments SET source_payslip_id = NULL WHERE source_payslip_id "
                "IN (SELECT p.id FROM payroll_payslips p JOIN payroll_runs r ON r.id = p.run_id "
                "WHERE r.period_start = $1)",
                period,
            )
            await connection.execute("DELETE FROM payroll_runs WHERE period_start = $1", period)
            rows = await connection.fetchval(
                "SELECT count(*) FROM attendance_ledger WHERE kind = 'payroll' "
                "AND period_start = $1",
                period,
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return {"period_start": period.isoformat(), "ledger_rows": rows, "inserted": inserted}


async def _measure(url: str, period_start: str) -> dict[str, Any]:
    """The floor and the run, in this process (started fresh for each size)."""
    import datetime as dt

    from sqlalchemy import text

    import haken.modules.models  # noqa: F401 (every model, for the mapper)
    from haken.config import get_settings
    from haken.modules.payroll import tasks  # noqa: F401 (the batch job's name)
    from haken.modules.payroll.schemas import RunStart
    from haken.modules.payroll.service import payroll_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, count_queries, session_scope

    settings = get_settings()
    payroll_service.configure(
        prefecture=settings.payroll_prefecture,
        withholding_method=settings.payroll_withholding_method,
        deduction_agreement=settings.payroll_deduction_agreement,
        batch_size=settings.payroll_batch_size,
    )
    rss_start = own_peak_rss_mib()
    database = Database(url)
    start = dt.date.fromisoformat(period_start)
    office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
    floor_sql = text(
        "SELECT count(*), sum(worked_minutes), sum(regular), sum(overtime), sum(night), "
        "sum(worked_days), sum(paid_leave_days) FROM attendance_ledger "
        "WHERE kind = 'payroll' AND period_start = :start"
    )
    try:
        floors = []
        for _ in range(5):
            async with session_scope(database) as session:
                began = time.perf_counter()
                row = (await session.execute(floor_sql, {"start": start})).one()
                floors.append(time.perf_counter() - began)
        began = time.perf_counter()
        batches = 0
        with count_queries(keep_statements=False) as counter:
            async with session_scope(database, write=True) as session:
                run = await payroll_service.start_run(session, office, data=RunStart(day=start))
            while True:
                async with session_scope(database, write=True) as session:
                    current = await payroll_service.get_run(session, office, run_id=run.id)
                    if current.status == "done":
                        break
                    fresh = await payroll_service.run_batch(
                        session,
                        run_id=run.id,
                        attempt=await _attempt(session, run.id),
                        cursor=await _cursor(session, run.id),
                    )
                    batches += 1
                    if fresh.get("skipped"):
                        raise RuntimeError(f"a batch was skipped: {fresh}")
        elapsed = time.perf_counter() - began
        statements = counter.count
    finally:
        await database.dispose()
    return {
        "floor_seconds": round(min(floors), 4),
        "floor_rows": int(row[0]),
        "run_seconds": round(elapsed, 2),
        "run_vs_floor": round(elapsed / min(floors), 1),
        "seconds_per_payslip": round(elapsed / max(current.processed, 1), 5),
        "processed": current.processed,
        "failed": current.failed,
        "batches": batches,
        "batch_size": payroll_service.batch_size,
        "statements": statements,
        "statements_per_batch": round(statements / max(batches, 1), 1),
        "rss_after_imports_mib": round(rss_start, 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
    }


async def _attempt(session: Any, run_id: int) -> int:
    from haken.modules.payroll.repository import PayrollRepository

    row = await PayrollRepository(session).run_fresh(run_id)
    assert row is not None
    return int(row.attempt)


async def _cursor(session: Any, run_id: int) -> int:
    from haken.modules.payroll.repository import PayrollRepository

    row = await PayrollRepository(session).run_fresh(run_id)
    assert row is not None
    return int(row.cursor)


def _env(url: str, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HAKEN_DATA_DIR": str(work),
        "HAKEN_LOG_LEVEL": "WARNING",
        "HAKEN_DATABASE_URL": url,
        "HAKEN_REDIS_URL": "",
    }


def _size(base_url: str, employees: int) -> dict[str, Any]:
    url = base_url.rsplit("/", 1)[0] + "/" + base_url.rsplit("/", 1)[1] + "_payroll"
    asyncio.run(recreate_postgres(url))
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(url, Path(tmp))
        subprocess.run([*HAKEN, "db", "upgrade"], env=env, check=True, timeout=300)
        began = time.perf_counter()
        subprocess.run(
            [*HAKEN, "demo", "seed", "--employees", str(employees)],
            env=env,
            check=True,
            timeout=SEED_TIMEOUT,
            capture_output=True,
        )
        seeded = time.perf_counter() - began
        prepared = asyncio.run(_prepare(url))
        done = subprocess.run(
            [sys.executable, __file__, "--measure", url, prepared["period_start"]],
            env=env,
            check=True,
            timeout=MEASURE_TIMEOUT,
            capture_output=True,
        )
    asyncio.run(recreate_postgres(url, create=False))
    measured = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return {"employees": employees, "seed_seconds": round(seeded, 1), **prepared, **measured}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "PERIOD_START"))
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(_measure(*args.measure))))
        return
    base_url = os.environ.get("HAKEN_TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        raise SystemExit("set HAKEN_TEST_DATABASE_URL to a PostgreSQL URL")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = _size(base_url, size)
        print(json.dumps(result), flush=True)
        results.append(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": results},
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
