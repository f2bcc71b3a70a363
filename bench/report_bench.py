"""Issue 19 item 7: an Excel report of 20,000 rows, with the process's memory before and after.

    .venv/bin/python bench/report_bench.py                       # SQLite in a temp dir
    .venv/bin/python bench/report_bench.py --database postgresql+asyncpg://postgres@127.0.0.1:55432/haken_report_bench

Seeds ``--employees`` workers with the demo generator, gives every one a residence card
(so the residence-card report has one row per worker), then writes the report through the
same route helper the page uses (``web.lists.export_response``: keyset pages of 200 in a
session of their own, an openpyxl write-only workbook into a temporary file) as Excel, then
as CSV (streamed), in this process. Prints and stores (bench/results/report_bench.json):
rows, seconds, file size, statements, the current RSS before and after and the peak RSS.
"Constant memory" means the RSS after does not grow with the rows: compare two sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import RESULTS, own_peak_rss_mib, recreate_postgres


def current_rss_mib() -> float:
    """Resident memory of this process now (VmRSS), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _seed(url: str, work: Path, employees: int) -> int:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    import haken.modules.models  # noqa: F401 (every table in the metadata)
    from haken.config import Settings
    from haken.modules.demo.generator import generate
    from haken.platform.security import configure_field_cipher

    settings = Settings(database_url=url, data_dir=work)
    configure_field_cipher(settings.resolved_field_key)
    engine = create_async_engine(url)
    today = dt.date.today()
    async with engine.begin() as connection:
        await generate(connection, employees=employees, today=today)
        # Every worker who has not left holds a card ending within three years.
        await connection.execute(
            text(
                "UPDATE employees SET nationality = 'VN', residence_status = 'LONG_TERM_RESIDENT', "
                "residence_card_expiry = :first, work_permitted_until = :first "
                "WHERE status <> 'left'"
            ),
            {"first": today + dt.timedelta(days=400)},
        )
        rows = int(
            (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM employees WHERE status <> 'left' "
                        "AND archived_at IS NULL AND residence_card_expiry IS NOT NULL"
                    )
                )
            ).scalar_one()
        )
    await engine.dispose()
    return rows


async def _export(url: str, work: Path, file_format: str) -> dict[str, Any]:
    from sqlalchemy.ext.asyncio import AsyncSession

    from haken.config import Settings
    from haken.modules.reports.pages import _residence_columns
    from haken.modules.reports.schemas import ResidenceFilter
    from haken.modules.reports.service import reports_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, count_queries
    from haken.platform.pagination import PageRequest, configure_cursor_key
    from haken.web.lists import export_response

    settings = Settings(database_url=url, data_dir=work)
    configure_cursor_key(settings.resolved_secret_key)
    database = Database(url)
    office = Principal(user_id=1, role=Role.SUPER_ADMIN, email="bench@haken.example")
    today = dt.date.today()
    filters = ResidenceFilter()

    async def fetch(session: AsyncSession, page: PageRequest) -> Any:
        return await reports_service.residence(
            session, office, filters=filters, today=today, request=page
        )

    before = current_rss_mib()
    began = time.perf_counter()
    size = 0
    with count_queries(keep_statements=False) as counter:
        response: Any = await export_response(
            file_format,
            database=database,
            columns=_residence_columns(),
            fetch=fetch,
            stem="residence-cards",
            today=today,
            sheet_title="Residence cards",
        )
        if file_format == "xlsx":
            produced = Path(response.path)
            size = produced.stat().st_size  # noqa: ASYNC240 (a bench, after the file is written)
            produced.unlink()  # noqa: ASYNC240
        else:
            async for chunk in response.body_iterator:
                size += len(chunk)
    seconds = time.perf_counter() - began
    after = current_rss_mib()
    await database.dispose()
    return {
        "format": file_format,
        "seconds": round(seconds, 2),
        "bytes": size,
        "statements": counter.count,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(after, 1),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a throwaway PostgreSQL URL (dropped and recreated)")
    parser.add_argument("--employees", type=int, default=20_000)
    args = parser.parse_args()
    from haken.platform.migrations import upgrade

    with tempfile.TemporaryDirectory(prefix="haken-report-bench-") as tmp:
        work = Path(tmp)
        if args.database:
            asyncio.run(recreate_postgres(args.database))
            url = args.database
        else:
            url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
        upgrade(url)
        began = time.perf_counter()
        rows = asyncio.run(_seed(url, work, args.employees))
        seeded = round(time.perf_counter() - began, 1)
        results = [asyncio.run(_export(url, work, f)) for f in ("xlsx", "csv")]
        if args.database:
            asyncio.run(recreate_postgres(args.database, create=False))
    report = {
        "database": "postgresql" if args.database else "sqlite",
        "employees": args.employees,
        "rows": rows,
        "seed_seconds": seeded,
        "exports": results,
    }
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report_bench.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
