"""Billing benchmark on PostgreSQL: invoicing every client for one billing period (issue 18
item 8), against the floor of one aggregate SQL read of the same period's billing side of
the ledger (the approved timecards the billing rows count), in the same process.

Setup, in a database of its own (``<base db>_billing``): ``haken db upgrade``, ``haken demo
seed --employees N`` (N = 25,000 gives 1,000 client sites), then with plain SQL:

* every site becomes a client of its own (the demo groups 4 sites per client): 1,000 clients;
* every running placement gets an approved timecard for each weekday of the last closed
  month (08:00–17:00 JST, 60 minutes' break): ≈ 20,000 workers × 21 days;
* every contract gets a bill rate (its agreed fee, 15-minute rounding, statutory bands) and
  a month-end billing cut-off; the month's invoices are deleted so it can run again.

A separate process then measures:

* ``floor``: ``SELECT contract_id, count(*), sum(…) … GROUP BY contract_id`` over the
  month's approved cards (one statement, the best of 5);
* ``invoicing``: ``billing_service.create_draft`` for each client in its own transaction (as
  an office user does), wall time and SQL statements (``count_queries``); bounded by
  ``--budget`` seconds, after which the rest is extrapolated (reported as such);
* ``batched`` (``--batch N``, N > 0): the month's invoices deleted again, then
  ``billing_service.create_drafts`` for the clients N at a time, one transaction a batch
  (issue 18: a constant number of statements per batch), wall time and statements.

Usage (PostgreSQL from scripts/test-services.sh)::

    HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/haken_he \
        .venv/bin/python bench/billing_bench.py [--employees 25000] [--budget 300]

Results: ``bench/results/billing-postgres.json``. Nothing here is asserted in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import own_peak_rss_mib, recreate_postgres

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "billing-postgres.json"
HAKEN = [sys.executable, "-c", "from haken.cli import main; main()"]
SEED_TIMEOUT = 1800
MEASURE_TIMEOUT = 1800


CARDS = """
WITH month AS (SELECT $1::date AS first, $2::date AS last),
days AS (
    SELECT d::date AS day FROM month, generate_series(month.first, month.last, '1 day') d
    WHERE extract(isodow FROM d) < 6
)
INSERT INTO attendance_timecards (
    employee_id, assignment_id, contract_id, site_id, work_date, shift_code, start_at, end_at,
    timezone, break_minutes, marker, note, state, source, submitted_at, approved_at, warned,
    created_at, updated_at, version
)
SELECT a.employee_id, a.id, a.contract_id, c.site_id, days.day, NULL,
       (days.day + time '08:00') AT TIME ZONE 'Asia/Tokyo',
       (days.day + time '17:00') AT TIME ZONE 'Asia/Tokyo',
       'Asia/Tokyo', 60, 'none', '', 'approved', 'manual', now(), now(), false,
       now(), now(), 1
FROM assignments a
JOIN dispatch_contracts c ON c.id = a.contract_id
CROSS JOIN days
WHERE a.status = 'active' AND a.start_date <= days.day AND a.end_date >= days.day
ON CONFLICT DO NOTHING
"""

RATES = """
INSERT INTO billing_rates (contract_id, assignment_id, effective_from, base_rate, bands,
                           rounding_unit, rounding_mode, created_at)
SELECT c.id, NULL, $1::date, coalesce(c.default_hourly_bill, 2000), '{}'::json, 15, 'down', now()
FROM dispatch_contracts c
"""


async def _split_clients(connection: Any) -> int:
    """One client per site (a copy of the site's client, its name suffixed)."""
    columns = [
        r["column_name"]
        for r in await connection.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'clients' AND column_name <> 'id' ORDER BY ordinal_position"
        )
    ]
    sites = await connection.fetch("SELECT id, client_id FROM client_sites ORDER BY id")
    first_of: dict[int, int] = {}
    next_id = int(await connection.fetchval("SELECT coalesce(max(id), 0) FROM clients")) + 1
    names = ", ".join(f'"{c}"' for c in columns)
    picked = ", ".join(
        f"\"{c}\" || ' ' || $2::text" if c in ("name", "name_kana", "name_key") else f'"{c}"'
        for c in columns
    )
    for site in sites:
        if site["client_id"] not in first_of:
            first_of[site["client_id"]] = site["id"]  # the first site keeps its client
            continue
        await connection.execute(
            f"INSERT INTO clients (id, {names}) SELECT $3, {picked} FROM clients WHERE id = $1",  # noqa: S608 (column names from the catalog)
            site["client_id"],
            str(site["id"]),
            next_id,
        )
        for table in ("client_sites",):
            await connection.execute(
                f"UPDATE {table} SET client_id = $1 WHERE id = $2",  # noqa: S608 (fixed names)
                next_id,
                site["id"],
            )
        for table in ("client_units", "dispatch_contracts"):
            await connection.execute(
                f"UPDATE {table} SET client_id = $1 WHERE site_id = $2",  # noqa: S608 (fixed names)
                next_id,
                site["id"],
            )
        next_id += 1
    await connection.execute(
        "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients))"
    )
    return int(await connection.fetchval("SELECT count(*) FROM clients"))


async def _prepare(url: str) -> dict[str, Any]:
    import datetime as dt

    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        async with connection.transaction():
            clients = await _split_clients(connection)
            today = dt.date.today()
            last = today.replace(day=1) - dt.timedelta(days=1)
            first = last.replace(day=1)
            await connection.execute("DELETE FROM billing_invoices")
            await connection.execute("DELETE FROM billing_rates")
            await connection.execute("DELETE FROM billing_fixed_items")
            await connection.execute(
                "DELETE FROM attendance_timecards WHERE work_date BETWEEN $1 AND $2", first, last
            )
            await connection.execute("UPDATE dispatch_contracts SET billing_cutoff_day = 0")
            cards = await connection.execute(CARDS, first, last)
            await connection.execute(RATES, dt.date(2000, 1, 1))
            workers = await connection.fetchval(
                "SELECT count(DISTINCT employee_id) FROM attendance_timecards "
                "WHERE work_date BETWEEN $1 AND $2 AND state = 'approved'",
                first,
                last,
            )
            billed_clients = await connection.fetchval(
                "SELECT count(DISTINCT c.client_id) FROM attendance_timecards t "
                "JOIN dispatch_contracts c ON c.id = t.contract_id "
                "WHERE t.work_date BETWEEN $1 AND $2",
                first,
                last,
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return {
        "month": f"{first:%Y-%m}",
        "clients": clients,
        "billed_clients": billed_clients,
        "workers": workers,
        "cards": cards,
    }


async def _batched(
    database: Any, office: Any, client_ids: list[int], month: str, batch: int, runs: int = 1
) -> dict[str, Any]:
    """The same clients through ``create_drafts``, ``batch`` clients a transaction; the
    month's invoices deleted before each of ``runs`` runs (median reported)."""
    import statistics

    from sqlalchemy import text

    from haken.modules.billing.service import billing_service
    from haken.platform.db import count_queries, session_scope

    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        async with session_scope(database, write=True) as session:
            await session.execute(text("DELETE FROM billing_invoices"))
        made = lines = empty = 0
        began, began_cpu = time.perf_counter(), time.process_time()
        with count_queries(keep_statements=False) as counter:
            for start in range(0, len(client_ids), batch):
                async with session_scope(database, write=True) as session:
                    done = await billing_service.create_drafts(
                        session, office, client_ids=client_ids[start : start + batch], month=month
                    )
                made += len(done.invoices)
                lines += done.lines
                empty += len(done.nothing_to_bill)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    batches = -(-len(client_ids) // batch)
    return {
        "batch_clients": batch,
        "batches": batches,
        "invoices": made,
        "invoice_lines": lines,
        "nothing_to_bill": empty,
        "seconds": round(statistics.median(times), 2),
        "runs_seconds": [round(t, 2) for t in times],
        "cpu_seconds": round(statistics.median(cpu), 2),
        "runs_cpu_seconds": [round(t, 2) for t in cpu],
        "statements": counter.count,
        "statements_per_batch": round(counter.count / max(batches, 1), 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
    }


async def _measure(
    url: str, month: str, budget: float, batch: int = 0, runs: int = 1
) -> dict[str, Any]:
    import datetime as dt

    from sqlalchemy import text

    import haken.modules.models  # noqa: F401 (every model, for the mapper)
    from haken.modules.billing.errors import BillingNothingToBillError
    from haken.modules.billing.schemas import InvoiceDraftCreate
    from haken.modules.billing.service import billing_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, count_queries, session_scope

    rss_start = own_peak_rss_mib()
    database = Database(url)
    year, number = (int(p) for p in month.split("-"))
    first = dt.date(year, number, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
    floor_sql = text(
        "SELECT contract_id, count(*), sum(extract(epoch FROM end_at - start_at) / 60 - "
        "break_minutes) FROM attendance_timecards WHERE state = 'approved' "
        "AND work_date BETWEEN :first AND :last GROUP BY contract_id"
    )
    try:
        floors = []
        for _ in range(5):
            async with session_scope(database) as session:
                began = time.perf_counter()
                rows = (await session.execute(floor_sql, {"first": first, "last": last})).all()
                floors.append(time.perf_counter() - began)
        async with session_scope(database) as session:
            client_ids = [
                int(r[0])
                for r in await session.execute(
                    text(
                        "SELECT DISTINCT c.client_id FROM attendance_timecards t "
                        "JOIN dispatch_contracts c ON c.id = t.contract_id "
                        "WHERE t.work_date BETWEEN :first AND :last ORDER BY 1"
                    ),
                    {"first": first, "last": last},
                )
            ]
        async with session_scope(database, write=True) as session:
            await session.execute(text("DELETE FROM billing_invoices"))  # a reused database
        made = lines = empty = 0
        began = time.perf_counter()
        with count_queries(keep_statements=False) as counter:
            for client_id in client_ids:
                if time.perf_counter() - began >= budget:  # --budget 0: batches only
                    break
                async with session_scope(database, write=True) as session:
                    try:
                        invoice = await billing_service.create_draft(
                            session,
                            office,
                            data=InvoiceDraftCreate(client_id=client_id, month=month, cutoff_day=0),
                        )
                    except BillingNothingToBillError:
                        empty += 1
                        continue
                    made += 1
                    lines += len(invoice.lines)
        elapsed = time.perf_counter() - began
        statements = counter.count
        batched = (
            await _batched(database, office, client_ids, month, batch, runs) if batch else None
        )
    finally:
        await database.dispose()
    done = made + empty
    per_client = elapsed / max(done, 1)
    return {
        "floor_seconds": round(min(floors), 4),
        "floor_contracts": len(rows),
        "clients_to_invoice": len(client_ids),
        "clients_done": done,
        "invoices": made,
        "invoice_lines": lines,
        "seconds": round(elapsed, 2),
        "seconds_per_invoice": round(per_client, 4),
        "extrapolated_seconds_all_clients": round(per_client * len(client_ids), 1),
        "statements": statements,
        "statements_per_invoice": round(statements / max(done, 1), 1),
        "vs_floor": round(elapsed / min(floors), 1),
        "budget_seconds": budget,
        "batched": batched,
        "rss_after_imports_mib": round(rss_start, 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
        "load_average": os.getloadavg(),
    }


def _measure_in_process(args: argparse.Namespace, month: str, env: dict[str, str]) -> Any:
    """The measurement in a fresh process (this script with ``--measure``)."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure",
            month,
            "--budget",
            str(args.budget),
            "--batch",
            str(args.batch),
            "--runs",
            str(args.runs),
        ],
        env=env,
        check=True,
        timeout=MEASURE_TIMEOUT,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25000)
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--batch", type=int, default=100, help="clients a batch; 0: skip")
    parser.add_argument("--runs", type=int, default=1, help="runs of the batches (median)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database an earlier run seeded"
    )
    parser.add_argument("--out", help="results file (default: results/billing-postgres.json)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = os.environ.get("HAKEN_TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        sys.exit("set HAKEN_TEST_DATABASE_URL to a PostgreSQL URL (scripts/test-services.sh)")
    url = base + "_billing"
    env = {
        **os.environ,
        "HAKEN_DATABASE_URL": url,
        "HAKEN_REDIS_URL": "",
        "HAKEN_LOG_LEVEL": "WARNING",
    }
    if args.measure:
        measured = _measure(url, args.measure, args.budget, args.batch, args.runs)
        print(json.dumps(asyncio.run(measured)))
        return
    out = Path(args.out) if args.out else RESULTS
    if args.reuse:
        import datetime as dt

        last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        month = f"{last:%Y-%m}"
        result = {"employees": args.employees, "setup": {"month": month, "reused": True}}
        result["measured"] = _measure_in_process(args, month, env)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2))
        return
    asyncio.run(recreate_postgres(url))
    began = time.perf_counter()
    subprocess.run([*HAKEN, "db", "upgrade"], env=env, check=True, timeout=SEED_TIMEOUT)
    subprocess.run(
        [*HAKEN, "demo", "seed", "--employees", str(args.employees)],
        env=env,
        check=True,
        timeout=SEED_TIMEOUT,
        stdout=subprocess.DEVNULL,
    )
    seeded = time.perf_counter() - began
    prepared = asyncio.run(_prepare(url))
    prepared["seed_seconds"] = round(seeded, 1)
    print(json.dumps(prepared), flush=True)
    measured = _measure_in_process(args, prepared["month"], env)
    result = {"employees": args.employees, "setup": prepared, "measured": measured}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
