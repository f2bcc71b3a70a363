"""Master-data import benchmark (issue 19 item 7): 10,000 employees (or clients, or sites)
from one CSV.

In one process, per backend (SQLite file, and PostgreSQL when a URL is given): a fresh
database migrated to heads, then

* **floor**: reading the same file alone (``platform.tabular.read_rows``, what the import
  itself calls first);
* **dry run**: ``imports_service.upload`` — every row through ``EmployeeCreate`` and the
  employees service's own ``create`` inside a SAVEPOINT rolled back, the report stored;
* **commit**: ``imports_service.commit`` — the same creates for real, one transaction, every
  record with its audit row.

The threshold for the background job is lifted so that both run here, timed, in the caller's
transaction: the job does the same work in its own transaction. Goal: commit ≤ 10 s.

``--path batched`` (the default) is the import as it is: rows handed to the employees'
``create_many`` in chunks (a fixed number of statements per chunk); ``--path single`` puts
back the path before it, one ``create`` per row (4 statements a row), for the before/after.
``--path both`` runs the two paths alternately in the same run (the baseline beside the
change, on the same loaded machine). ``--repeat N`` runs each backend (and path) N times on
a fresh database and reports every run and the median of each figure, with the load
average before each run.

``--target clients|sites|employees`` (default employees): a file of clients (name, 法人番号,
address), or of sites each naming one of ``--parents`` clients (by name or 法人番号), the
clients created first, untimed. The clients area's batched creates (``create_many_*``, the
parents read per chunk) against the single create per row (``--path single``).

    .venv/bin/python bench/import_bench.py [--rows 10000] [--repeat 3] \\
        [--target employees|clients|sites] [--path batched|single|both] \\
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:55432/haken_import_bench] \\
        [--out import.json]

Writes ``bench/results/import.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import machine, recreate_postgres, write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

HEADER = "社員番号,氏名,フリガナ,ローマ字,生年月日,性別,雇用区分,入社日,メール"
COLUMNS = {
    "employee_number": "社員番号",
    "name_kanji": "氏名",
    "name_kana": "フリガナ",
    "name_romaji": "ローマ字",
    "birth_date": "生年月日",
    "gender": "性別",
    "employment_type": "雇用区分",
    "hire_date": "入社日",
    "email": "メール",
}


def _romaji(n: int) -> str:
    letters = ""
    while True:
        n, rest = divmod(n, 26)
        letters += chr(97 + rest)
        if not n:
            return letters.capitalize()


def employees_csv(rows: int) -> bytes:
    lines = [HEADER]
    for n in range(1, rows + 1):
        lines.append(
            f"B{n:06d},山田 太郎,ヤマダ タロウ,Yamada {_romaji(n)},1990/04/{1 + n % 28:02d},"
            f"男性,派遣,2024/04/01,b{n}@bench.example"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


CLIENT_HEADER = "派遣先名,法人番号,都道府県,市区町村,住所"
CLIENT_COLUMNS = {
    "name": "派遣先名",
    "corporate_number": "法人番号",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address_line1": "住所",
}
SITE_HEADER = "派遣先,事業所名,都道府県,市区町村,住所,派遣開始日"
SITE_COLUMNS = {
    "client": "派遣先",
    "name": "事業所名",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address_line1": "住所",
    "dispatch_started_on": "派遣開始日",
}


def _corporate_number(n: int) -> str:
    from haken.modules.clients.numbers import corporate_check_digit

    base = f"{n:012d}"
    return f"{corporate_check_digit(base)}{base}"


def clients_csv(rows: int, *, start: int = 1) -> bytes:
    lines = [CLIENT_HEADER]
    for n in range(start, start + rows):
        lines.append(f"株式会社ベンチ{n},{_corporate_number(n)},愛知県,豊田市,トヨタ町{n}番地")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def sites_csv(rows: int, parents: int) -> bytes:
    """Sites each naming one of ``parents`` clients (of :func:`clients_csv`), every other
    by its 法人番号, the others by name."""
    lines = [SITE_HEADER]
    for n in range(1, rows + 1):
        parent = 1 + n % parents
        named = _corporate_number(parent) if n % 2 else f"株式会社ベンチ{parent}"
        lines.append(f"{named},第{n}工場,23,豊田市,トヨタ町{n}番地,2025/04/01")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


TARGET_COLUMNS = {"employees": COLUMNS, "clients": CLIENT_COLUMNS, "sites": SITE_COLUMNS}


def target_csv(target: str, rows: int, parents: int) -> bytes:
    if target == "clients":
        return clients_csv(rows)
    if target == "sites":
        return sites_csv(rows, parents)
    return employees_csv(rows)


async def _measure(
    url: str, content: bytes, path: str, target_name: str = "employees", parents: int = 0
) -> dict[str, Any]:
    import dataclasses

    import haken.modules.models  # noqa: F401 (every table mapped)
    from haken.modules.imports import targets
    from haken.modules.imports.schemas import ImportTarget, MappingUpdate
    from haken.modules.imports.service import imports_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import Database, count_queries, session_scope
    from haken.platform.migrations import upgrade
    from haken.platform.security import configure_field_cipher
    from haken.platform.tabular import read_rows

    await asyncio.to_thread(upgrade, url)
    configure_field_cipher(base64.urlsafe_b64encode(b"b" * 32).decode())
    database = Database(url)
    imports_service.inline_limit = 10**9
    kind = ImportTarget(target_name)
    original = targets.TARGETS[kind]
    if path == "single":  # the path before: the single create per row, parents per name
        targets.TARGETS[kind] = dataclasses.replace(original, create_many=None, prefetch=None)
    principal = Principal(user_id=1, role=Role.ADMIN, email="bench@bench.example")
    result: dict[str, Any] = {"path": path, "load_average": os.getloadavg()}
    try:
        if kind is ImportTarget.SITES:  # the parents, untimed
            from haken.modules.clients.schemas import ClientCreate
            from haken.modules.clients.service import clients_service

            async with session_scope(database, write=True) as session:
                await clients_service.create_many_clients(
                    session,
                    principal,
                    [
                        ClientCreate(
                            name=f"株式会社ベンチ{n}", corporate_number=_corporate_number(n)
                        )
                        for n in range(1, parents + 1)
                    ],
                )
        started = time.perf_counter()
        rows = read_rows(content)
        result["floor_read_s"] = round(time.perf_counter() - started, 3)
        result["rows"] = len(rows) - 1

        async with session_scope(database, write=True) as session:
            await imports_service.put_mapping(
                session,
                principal,
                data=MappingUpdate(
                    target=kind, source="bench", columns=TARGET_COLUMNS[target_name]
                ),
            )
        started, cpu = time.perf_counter(), time.process_time()
        with count_queries(keep_statements=False) as counter:
            async with session_scope(database, write=True) as session:
                checked = await imports_service.upload(
                    session,
                    principal,
                    target=kind,
                    source="bench",
                    filename="bench.csv",
                    content=content,
                )
        result["dry_run_s"] = round(time.perf_counter() - started, 3)
        result["dry_run_cpu_s"] = round(time.process_time() - cpu, 3)
        result["dry_run_statements"] = counter.count
        assert checked.error_count == 0, checked.problems[:3]

        started, cpu = time.perf_counter(), time.process_time()
        with count_queries(keep_statements=False) as counter:
            async with session_scope(database, write=True) as session:
                done = await imports_service.commit(session, principal, import_id=checked.id)
        result["commit_s"] = round(time.perf_counter() - started, 3)
        # This process's CPU (the driver's thread included): on a loaded machine the wall
        # clock mostly measures the wait for a core; this is the work itself.
        result["commit_cpu_s"] = round(time.process_time() - cpu, 3)
        result["commit_statements"] = counter.count
        result["imported"] = done.imported_count
        result["commit_per_row_ms"] = round(1000 * result["commit_s"] / done.imported_count, 3)
    finally:
        targets.TARGETS[kind] = original
        await database.engine.dispose()
    return result


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    found: dict[str, Any] = {k: statistics.median(run[k] for run in runs) for k in keys}
    found["load_average_1m"] = statistics.median(run["load_average"][0] for run in runs)
    return found


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each path's runs (and, with both, after ÷ before of the commit)."""
    paths = sorted({run["path"] for run in runs})
    found = {p: _median([run for run in runs if run["path"] == p]) for p in paths}
    if len(paths) == 2:
        found["commit_speedup"] = round(
            found["single"]["commit_s"] / found["batched"]["commit_s"], 1
        )
        # The work itself (this process's CPU): on a loaded machine the wall clock is mostly
        # the wait for a core.
        found["commit_cpu_speedup"] = round(
            found["single"]["commit_cpu_s"] / found["batched"]["commit_cpu_s"], 1
        )
        found["dry_run_speedup"] = round(
            found["single"]["dry_run_s"] / found["batched"]["dry_run_s"], 1
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--path", choices=("batched", "single", "both"), default="batched")
    parser.add_argument("--target", choices=("employees", "clients", "sites"), default="employees")
    parser.add_argument("--parents", type=int, default=1000, help="clients the sites name")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_IMPORT_POSTGRES"))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--out", default="import.json")
    args = parser.parse_args()
    content = target_csv(args.target, args.rows, args.parents)
    paths = ("single", "batched") if args.path == "both" else (args.path,)
    report: dict[str, Any] = {
        "machine": machine(),
        "target": args.target,
        "rows": args.rows,
        "parents": args.parents if args.target == "sites" else None,
        "bytes": len(content),
        "path": args.path,
        "repeat": args.repeat,
    }
    if not args.skip_sqlite:
        runs = []
        for _ in range(args.repeat):
            for path in paths:  # alternately: both paths meet the same load
                with tempfile.TemporaryDirectory() as work:
                    os.environ.setdefault("HAKEN_DATA_DIR", work)
                    url = f"sqlite+aiosqlite:///{work}/bench.db"
                    runs.append(
                        asyncio.run(_measure(url, content, path, args.target, args.parents))
                    )
                print("sqlite", runs[-1], flush=True)
        report["sqlite"] = {"median": _medians(runs), "runs": runs}
    if args.postgres:
        runs = []
        for _ in range(args.repeat):
            for path in paths:
                asyncio.run(recreate_postgres(args.postgres))
                runs.append(
                    asyncio.run(_measure(args.postgres, content, path, args.target, args.parents))
                )
                print("postgres", runs[-1], flush=True)
        asyncio.run(recreate_postgres(args.postgres, create=False))
        report["postgres"] = {"median": _medians(runs), "runs": runs}
    path = write_results(args.out, report)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
