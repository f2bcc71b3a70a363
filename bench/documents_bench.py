"""Issue 20 item 7: the documents of 1,000 contracts generated as one bulk job, with the
process's wall time and peak RSS, against a floor measured in the same run.

    .venv/bin/python bench/documents_bench.py                      # SQLite in a temp dir
    HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/haken_hj \\
        .venv/bin/python bench/documents_bench.py --db postgres    # <db>_bench, dropped after
    options: --contracts 1000 --runs 3 --kinds terms_notice[,agency_ledger]

Seed (not measured): the demo generator (``generate``) for clients, sites, units, workers
and their assignments; then the first N assignments running today each get a contract of
their own (a copy of their contract with a new number), the other running ones are ended,
every new contract gets a bill rate (the 派遣料金額 of 34条の2) and the 個別契約書 (its clauses
feed the 就業条件明示書: issued once through the service, copied to the others).

Measured, each in a fresh process (``--measure``), ``--runs`` times, median reported:

* ``job``: ``POST /api/documents/bulk``'s service call (``bulk_service.start``) committed,
  then the real job pipeline of the embedded default (transactional outbox → taskiq's
  in-memory broker → ``documents.bulk`` batches of 25, each enqueuing the next) until the
  run is ``done`` and its ZIP written: wall time, SQL statements, peak RSS (``VmHWM``
  of the whole process, after the imports and at the end), ZIP size, issued/refused. Before
  each run the kind's documents are deleted, so every run renders N new PDFs (an unchanged
  rerun renders none: measured once at the end as ``unchanged``).
* ``floor``: the same process shape without the job or the database work: one snapshot
  read, then its PDF rendered N times and zipped (the CPU the job cannot avoid).

Results: ``bench/results/documents-<db>.json``. Nothing here is asserted in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import RESULTS, own_peak_rss_mib, recreate_postgres

AGENCY = "株式会社ハケン（ベンチ）"
MEASURE_TIMEOUT = 1800
JOB_DEADLINE_SECONDS = 1500.0


def _env(url: str, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HAKEN_DATA_DIR": str(work),
        "HAKEN_LOG_LEVEL": "WARNING",
        "HAKEN_DATABASE_URL": url,
        "HAKEN_REDIS_URL": "",
        "HAKEN_JOB_SCHEDULER_ENABLED": "false",
        "HAKEN_BILLING_AGENCY_NAME": AGENCY,
    }


def current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- seed --------------------------------------------------------------------------------------


async def _seed(url: str, contracts: int, today: dt.date) -> dict[str, Any]:
    from sqlalchemy import insert, select, update

    import haken.modules.models  # noqa: F401 (every table in the metadata)
    from haken.config import get_settings
    from haken.modules.demo.documents import CLAUSES
    from haken.modules.demo.generator import generate
    from haken.modules.documents.service import documents_service
    from haken.modules.models import metadata
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, session_scope, utcnow
    from haken.platform.security import configure_field_cipher

    settings = get_settings()
    configure_field_cipher(settings.resolved_field_key)
    documents_service.configure(agency_name=AGENCY)
    database = Database(url)
    t_contracts = metadata.tables["dispatch_contracts"]
    t_assignments = metadata.tables["assignments"]
    t_rates = metadata.tables["billing_rates"]
    t_documents = metadata.tables["generated_documents"]
    # ≈ 0.7 running assignments per generated worker; generate more than needed.
    workers = max(60, int(contracts * 1.6))
    try:
        async with database.write_engine.begin() as connection:
            await generate(connection, employees=workers, today=today)
            running = (
                await connection.execute(
                    select(t_assignments.c.id, t_assignments.c.contract_id)
                    .where(
                        t_assignments.c.status == "active",
                        t_assignments.c.start_date <= today,
                        t_assignments.c.end_date >= today,
                    )
                    .order_by(t_assignments.c.id)
                )
            ).all()
            if len(running) < contracts:
                raise SystemExit(f"only {len(running)} running assignments for {workers} workers")
            chosen, rest = running[:contracts], running[contracts:]
            if rest:
                await connection.execute(
                    update(t_assignments)
                    .where(t_assignments.c.id.in_([r.id for r in rest]))
                    .values(status="ended", end_reason="bench")
                )
            originals = {
                row["id"]: dict(row)
                for row in (
                    await connection.execute(
                        select(t_contracts).where(
                            t_contracts.c.id.in_({r.contract_id for r in chosen})
                        )
                    )
                ).mappings()
            }
            first_id = (
                int(
                    (
                        await connection.scalar(
                            select(t_contracts.c.id).order_by(t_contracts.c.id.desc())
                        )
                    )
                    or 0
                )
                + 1
            )
            new_contracts, rates = [], []
            now = utcnow()
            for offset, (assignment_id, contract_id) in enumerate(chosen):
                row = {**originals[contract_id], "id": first_id + offset}
                row["contract_number"] = f"BN-{assignment_id:07d}"
                row["headcount"] = 1
                new_contracts.append(row)
                rates.append({
                    "contract_id": row["id"], "assignment_id": None,
                    "effective_from": row["period_start"], "base_rate": row["default_hourly_bill"],
                    "bands": {}, "rounding_unit": 1, "rounding_mode": "down", "created_at": now,
                })  # fmt: skip
            for start in range(0, len(new_contracts), 500):
                await connection.execute(insert(t_contracts), new_contracts[start : start + 500])
                await connection.execute(insert(t_rates), rates[start : start + 500])
            for offset, (assignment_id, _) in enumerate(chosen):
                await connection.execute(
                    update(t_assignments)
                    .where(t_assignments.c.id == assignment_id)
                    .values(
                        contract_id=first_id + offset,
                        contract_number=new_contracts[offset]["contract_number"],
                    )
                )
            if connection.dialect.name == "postgresql":
                for table in ("dispatch_contracts", "billing_rates"):
                    await connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {table}))"
                    )
        office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
        async with session_scope(database, write=True) as session:
            issued = await documents_service.issue_individual_contract(
                session, office, contract_id=first_id, data=CLAUSES, today=today
            )
        async with database.write_engine.begin() as connection:
            template = dict(
                (await connection.execute(select(t_documents).where(t_documents.c.id == issued.id)))
                .mappings()
                .one()
            )
            copies = []
            for row in new_contracts[1:]:
                copy = {k: v for k, v in template.items() if k != "id"}
                copy.update(subject_id=row["id"], contract_id=row["id"], client_id=row["client_id"])
                copies.append(copy)
            for start in range(0, len(copies), 200):
                await connection.execute(insert(t_documents), copies[start : start + 200])
            if connection.dialect.name == "postgresql":
                await connection.exec_driver_sql("ANALYZE")
    finally:
        await database.dispose()
    return {"generated_workers": workers, "running_assignments": len(running)}


async def _clear(url: str, kind: str) -> None:
    """Delete the kind's documents and the bulk runs, so the next run issues every one."""
    from sqlalchemy import delete

    import haken.modules.models  # noqa: F401
    from haken.modules.models import metadata
    from haken.platform.db import Database

    database = Database(url)
    try:
        async with database.write_engine.begin() as connection:
            await connection.execute(
                delete(metadata.tables["generated_documents"]).where(
                    metadata.tables["generated_documents"].c.kind == kind
                )
            )
            await connection.execute(delete(metadata.tables["document_bulk_runs"]))
    finally:
        await database.dispose()


# --- measured (a fresh process each) -----------------------------------------------------------


async def _measure_job(url: str, kind: str, today: dt.date) -> dict[str, Any]:
    import haken.modules.models  # noqa: F401 (every model, for the mapper)
    from haken.config import get_settings
    from haken.modules.documents import tasks  # noqa: F401 (registers documents.bulk)
    from haken.modules.documents.bulk import BulkCreate, bulk_service
    from haken.modules.documents.repository import DocumentsRepository
    from haken.modules.documents.service import documents_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, count_queries, session_scope
    from haken.platform.jobs import JobQueue
    from haken.platform.security import configure_field_cipher

    settings = get_settings()
    configure_field_cipher(settings.resolved_field_key)
    documents_service.configure(agency_name=settings.billing_agency_name)
    rss_imports = own_peak_rss_mib()
    database = Database(url)
    queue = JobQueue(settings, database, "memory")
    await queue.start()
    office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
    polls = 0
    try:
        with count_queries(keep_statements=False) as counter:
            began, cpu = time.perf_counter(), time.process_time()
            async with session_scope(database, write=True) as session:
                run = await bulk_service.start(
                    session, office, data=BulkCreate(kind=kind, on_date=today), today=today
                )
            deadline = time.monotonic() + JOB_DEADLINE_SECONDS
            while time.monotonic() < deadline:
                async with session_scope(database) as session:
                    row = await DocumentsRepository(session).bulk_run(run.id)
                    assert row is not None
                    status, processed = row.status, row.processed
                polls += 1
                if status == "done":
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - began
            cpu = time.process_time() - cpu
            statements = counter.count
        async with session_scope(database) as session:
            final = await bulk_service.get(session, office, run_id=run.id)
            archive = await DocumentsRepository(session).bulk_archive(run.id)
    finally:
        await queue.stop(30)
        await database.dispose()
    if final.status != "done":
        raise SystemExit(f"the run did not finish in {JOB_DEADLINE_SECONDS} s ({processed})")
    return {
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "total": final.total,
        "issued": final.issued,
        "refused": len(final.skipped),
        "refusal_codes": sorted({s.code for s in final.skipped}),
        "batches": -(-final.total // bulk_service.batch_size),
        "statements": statements,
        "status_polls": polls,
        "zip_bytes": len(archive or b""),
        "rss_after_imports_mib": round(rss_imports, 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
        "rss_at_end_mib": round(current_rss_mib(), 1),
        "load_at_end": _load(),
    }


async def _measure_floor(url: str, kind: str, count: int, today: dt.date) -> dict[str, Any]:
    import haken.modules.models  # noqa: F401
    from haken.config import get_settings
    from haken.modules.documents.bulk import zip_of
    from haken.modules.documents.repository import DocumentsRepository
    from haken.modules.documents.service import (
        TERMS_NOTICE,
        documents_service,
        render_agency_ledger,
        render_terms_notice,
    )
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, session_scope
    from haken.platform.security import configure_field_cipher

    settings = get_settings()
    configure_field_cipher(settings.resolved_field_key)
    documents_service.configure(agency_name=settings.billing_agency_name)
    rss_imports = own_peak_rss_mib()
    database = Database(url)
    office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
    try:
        async with session_scope(database) as session:
            (first,) = await DocumentsRepository(session).current_assignments(today, None, 1)
            if kind == TERMS_NOTICE:
                snapshot, _ = await documents_service.terms_notice_snapshot(
                    session, office, assignment_id=int(first.id), today=today
                )
                render = render_terms_notice
            else:  # the agency ledger's snapshot: issue one and read it back (rolled back)
                from haken.modules.documents.schemas import AgencyLedgerIssue

                read = await documents_service.issue_agency_ledger(
                    session, office, assignment_id=int(first.id), data=AgencyLedgerIssue(),
                    today=today,
                )  # fmt: skip
                snapshot = (
                    await DocumentsRepository(session).latest(kind, "assignment", read.subject_id)
                ).snapshot  # type: ignore[union-attr]
                render = render_agency_ledger
                await session.rollback()
    finally:
        await database.dispose()
    began, cpu = time.perf_counter(), time.process_time()
    files = [(f"{kind}-{i}.pdf", render(snapshot, today)) for i in range(count)]
    rendered = time.perf_counter() - began
    archive = zip_of(files)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu
    return {
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "render_seconds": round(rendered, 2),
        "zip_seconds": round(elapsed - rendered, 2),
        "documents": count,
        "pdf_bytes_each": len(files[0][1]),
        "zip_bytes": len(archive),
        "rss_after_imports_mib": round(rss_imports, 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
        "rss_at_end_mib": round(current_rss_mib(), 1),
        "load_at_end": _load(),
    }


def _subprocess(env: dict[str, str], *arguments: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *arguments],
        env=env,
        check=False,
        timeout=MEASURE_TIMEOUT,
        capture_output=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{arguments} failed:\n{done.stderr.decode()[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default="terms_notice")
    parser.add_argument("--tag", default="")
    parser.add_argument("--measure", nargs=4, metavar=("WHAT", "URL", "KIND", "COUNT"))
    args = parser.parse_args()
    today = dt.date.today()
    if args.measure:
        what, url, kind, count = args.measure
        if what == "job":
            result = asyncio.run(_measure_job(url, kind, today))
        else:
            result = asyncio.run(_measure_floor(url, kind, int(count), today))
        print(json.dumps(result))
        return
    kinds = [k for k in args.kinds.split(",") if k]
    if not set(kinds) <= {"terms_notice", "agency_ledger"}:
        raise SystemExit("--kinds: terms_notice and/or agency_ledger")
    from haken.platform.migrations import upgrade

    runs = max(1, min(args.runs, 9))
    started = time.perf_counter()
    load_start = _load()
    with tempfile.TemporaryDirectory(prefix="haken-documents-bench-") as tmp:
        work = Path(tmp)
        if args.db == "postgres":
            base = os.environ.get("HAKEN_TEST_DATABASE_URL", "")
            if not base.startswith("postgresql"):
                raise SystemExit("--db postgres: set HAKEN_TEST_DATABASE_URL to a PostgreSQL URL")
            url = base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1] + "_bench"
            asyncio.run(recreate_postgres(url))
        else:
            url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
        env = _env(url, work)
        os.environ.update(env)
        upgrade(url)
        began = time.perf_counter()
        seeded = asyncio.run(_seed(url, args.contracts, today))
        seed_seconds = round(time.perf_counter() - began, 1)
        print(f"seeded {args.contracts} contracts in {seed_seconds} s", flush=True)
        results: dict[str, Any] = {}
        try:
            for kind in kinds:
                job_runs, floor_runs = [], []
                for index in range(runs):  # bounded: --runs (≤ 9)
                    asyncio.run(_clear(url, kind))
                    floor_runs.append(
                        _subprocess(env, "--measure", "floor", url, kind, str(args.contracts))
                    )
                    job_runs.append(_subprocess(env, "--measure", "job", url, kind, "0"))
                    job, floor = job_runs[-1], floor_runs[-1]
                    print(
                        f"{kind} {index + 1}: job {job['seconds']} s, CPU {job['cpu_seconds']} s, "
                        f"{job['peak_rss_mib']} MiB,"
                        f" floor {floor['seconds']} s {floor['peak_rss_mib']} MiB, load {_load()}",
                        flush=True,
                    )
                unchanged = _subprocess(env, "--measure", "job", url, kind, "0")
                job_seconds = _median(job_runs, "seconds")
                floor_seconds = _median(floor_runs, "seconds")
                results[kind] = {
                    "job": {
                        "seconds_median": job_seconds,
                        "cpu_seconds_median": _median(job_runs, "cpu_seconds"),
                        "peak_rss_mib_median": _median(job_runs, "peak_rss_mib"),
                        "ms_per_document": round(1000 * job_seconds / max(args.contracts, 1), 1),
                        "runs": job_runs,
                    },
                    "floor": {
                        "seconds_median": floor_seconds,
                        "cpu_seconds_median": _median(floor_runs, "cpu_seconds"),
                        "peak_rss_mib_median": _median(floor_runs, "peak_rss_mib"),
                        "runs": floor_runs,
                    },
                    "job_vs_floor": round(job_seconds / max(floor_seconds, 1e-6), 2),
                    "unchanged_rerun": unchanged,
                }
        finally:
            if args.db == "postgres":
                asyncio.run(recreate_postgres(url, create=False))
    report = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": "postgresql" if args.db == "postgres" else "sqlite",
        "contracts": args.contracts,
        "runs": runs,
        "cpus": os.cpu_count(),
        "load_at_start": load_start,
        "load_at_end": _load(),
        "seed_seconds": seed_seconds,
        **seeded,
        "kinds": results,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.tag}" if args.tag else ""
    (RESULTS / f"documents-{args.db}{suffix}.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
