"""The CPU side of invoicing a period (issue 18): the approved cards of every contract →
premium cards → classified minutes per worker and day (``attendance_service.
billing_days_of_contracts`` without its two reads), on the rows ``billing_bench.py`` seeds.

The cards are read once (one statement, as the batches read them), then the same rows go
through each variant, alternating, ``--runs`` times each; medians are reported, so a loaded
machine slows all alike. The variants:

* ``baseline``: before session 7 (a premium card built and localised per row, the
  classification before it worked in minutes);
* ``head``: session 7 (the shared card cache, ``CardCache``) with the classification before
  it worked in minutes (the frozen copy in ``tests/unit/labor/test_premiums_oracle.py``);
* ``unshared``: the current code classifying every placement
  (``billing_days_from_rows(share=False)``: the rule's own speed, what non-uniform months get);
* ``current``: the current code (placements with the same spans share one classification).

``same_result`` compares every variant's output. ``--profile`` adds a cProfile of one
``unshared`` run (top functions).

Usage (after ``billing_bench.py`` has seeded ``<base db>_billing``)::

    HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:55432/haken_hc \
        .venv/bin/python bench/billing_days_bench.py [--runs 5] [--workers N] [--profile]

Results: ``bench/results/billing-days.json``. Nothing here is asserted in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "billing-days.json"


def _baseline_local(moment: dt.datetime, tz: str) -> dt.datetime:
    """``attendance.service._local`` (and ``_zone``) before this change."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Tokyo")
    return moment.astimezone(zone).replace(tzinfo=None)


def _baseline_premium_cards(rows: Iterable[Any]) -> list[Any]:
    """``attendance.service._premium_cards`` before this change (the reference)."""
    from haken.labor.premiums import Timecard as PremiumCard

    _local = _baseline_local
    cards = []
    for row in rows:
        if row.start_at is None or row.end_at is None:
            continue
        cards.append(
            PremiumCard(
                start=_local(row.start_at, row.timezone),
                end=_local(row.end_at, row.timezone),
                break_minutes=row.break_minutes,
            )
        )
    return cards


def _oracle() -> Any:
    """The classification before it worked in minutes (the tests' frozen oracle)."""
    sys.path.insert(0, str(ROOT / "tests" / "unit" / "labor"))
    from test_premiums_oracle import oracle_classify

    return oracle_classify


def _days(
    rows: Sequence[Any], period: Any, premium_cards: Any, classify: Any
) -> dict[int, dict[tuple[int, int], list[dict[str, int]]]]:
    """The CPU part of ``billing_days_of_contracts`` before this session: the given card
    builder (the shared-cache one gets the batch's cache, as the service passed it) and
    the given classification, every placement classified."""
    shared: dict[Any, Any] = {}
    if premium_cards is not _baseline_premium_cards:
        builder = premium_cards
        premium_cards = lambda worker_rows: builder(worker_rows, shared)  # noqa: E731
    from haken.labor.premiums import rules_on
    from haken.modules.attendance.service import DEFAULT_DAY_CHANGE, _work_settings

    by_worker: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    for card in rows:
        by_worker[(card.contract_id, card.assignment_id, card.employee_id)].append(card)
    settings = _work_settings(period, DEFAULT_DAY_CHANGE)
    rules = rules_on(period.start)
    found: dict[int, dict[tuple[int, int], list[dict[str, int]]]] = {}
    for (contract_id, assignment_id, employee_id), worker_rows in sorted(by_worker.items()):
        cards = premium_cards(worker_rows)
        if not cards:
            continue
        result = classify(cards, settings, rules, period=(period.start, period.end))
        days = [d.minutes.summary() for d in result.days if d.working_day in period]
        if days:
            found.setdefault(contract_id, {})[(assignment_id, employee_id)] = days
    return found


async def _rows(url: str, month: str) -> tuple[list[Any], Any]:
    import haken.modules.models  # noqa: F401 (every model, for the mapper)
    from haken.labor import closing
    from haken.modules.attendance.repository import TimecardRepository
    from haken.modules.attendance.service import week_before
    from haken.platform.db import Database, session_scope

    year, number = (int(p) for p in month.split("-"))
    period = closing.period_ending_in(year, number, closing.MONTH_END)
    database = Database(url)
    try:
        async with session_scope(database) as session:
            from sqlalchemy import text

            contracts = [
                int(c) for c in await session.scalars(text("SELECT id FROM dispatch_contracts"))
            ]
            rows = await TimecardRepository(session).counted_for_contracts(
                contracts, week_before(period), period.end
            )
    finally:
        await database.dispose()
    return list(rows), period


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--month", help="YYYY-MM (default: last month, as billing_bench)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=0, help="only the first N workers' cards (0: all)"
    )
    parser.add_argument("--variants", default="baseline,head,unshared,current")
    parser.add_argument("--out", help="results file (default: results/billing-days.json)")
    args = parser.parse_args()
    base = os.environ.get("HAKEN_TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        sys.exit("set HAKEN_TEST_DATABASE_URL to a PostgreSQL URL (scripts/test-services.sh)")
    today = dt.date.today()
    month = args.month or f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    began = time.perf_counter()
    rows, period = asyncio.run(_rows(base + "_billing", month))
    read = time.perf_counter() - began
    if args.workers:
        kept = set(sorted({r.employee_id for r in rows})[: args.workers])
        rows = [r for r in rows if r.employee_id in kept]

    from haken.modules.attendance.service import _premium_cards, billing_days_from_rows

    oracle = _oracle()
    variants = {
        "baseline": lambda: _days(rows, period, _baseline_premium_cards, oracle),
        "head": lambda: _days(rows, period, _premium_cards, oracle),
        "unshared": lambda: billing_days_from_rows(rows, {}, period, share=False),
        "current": lambda: billing_days_from_rows(rows, {}, period),
    }
    chosen = [v for v in args.variants.split(",") if v]
    times: dict[str, list[float]] = {name: [] for name in chosen}
    outputs: dict[str, Any] = {}
    for _ in range(args.runs):
        for name in chosen:
            began = time.perf_counter()
            outputs[name] = variants[name]()
            times[name].append(time.perf_counter() - began)
    reference = next(iter(outputs.values()))
    result: dict[str, Any] = {
        "month": month,
        "cards": len(rows),
        "workers": len({r.employee_id for r in rows}),
        "read_seconds": round(read, 2),
        "runs": args.runs,
        "same_result": all(found == reference for found in outputs.values()),
        "billing_days_cpu_seconds": {
            name: {
                "median": round(statistics.median(found), 3),
                "runs": [round(x, 3) for x in found],
            }
            for name, found in times.items()
        },
        "load_average": os.getloadavg(),
    }
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        billing_days_from_rows(rows, {}, period, share=False)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
        result["profile_top"] = out.getvalue().splitlines()[:40]
    out_file = Path(args.out) if args.out else RESULTS
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
