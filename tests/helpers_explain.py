"""Plan every query a list request ran and fail on a full scan of a large table.

Every list endpoint promises the same cost on every page, which only holds when its
queries read the large tables through an index. A module's test seeds a few thousand rows
(bulk insert), calls :func:`analyze` so the planner has real statistics, records the
statements of real requests with :func:`capture_statements` (each offered filter and
sort, first page and after a cursor) and hands them to :func:`assert_no_full_scan`, which
asks the database for each plan with the same parameters:

* PostgreSQL: ``EXPLAIN``; a ``Seq Scan on <large table>`` fails. The planner keeps its
  normal settings (``enable_seqscan`` on): with real statistics, a sequential scan is a
  missing index.
* SQLite: ``EXPLAIN QUERY PLAN``; a bare ``SCAN <large table>`` (no index) fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import event

Statement = tuple[str, Any]


@contextlib.contextmanager
def capture_statements(app: Any) -> Iterator[list[Statement]]:
    """Collect ``(sql, parameters)`` of every SELECT the app runs inside the block."""
    engine = app.state.database.engine.sync_engine
    captured: list[Statement] = []

    def listener(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if not many and head in {"SELECT", "WITH"}:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", listener)


async def analyze(app: Any) -> None:
    """Refresh the planner's statistics of every table (after a bulk insert).

    A SQLite connection reads the statistics when it loads the schema, so a pooled
    connection opened before the ANALYZE may plan without them (a full scan that the
    database would not choose): drop the pool, every later connection starts fresh.
    """
    engine = app.state.database.engine
    async with engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def plan_of(connection: Any, sql: str, parameters: Any) -> list[str]:
    """The plan lines of one captured statement, run with its own parameters."""
    if connection.dialect.name == "postgresql":
        result = await connection.exec_driver_sql("EXPLAIN " + sql, parameters or ())
        return [str(row[0]) for row in result]
    result = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters or ())
    return [str(row[-1]) for row in result]


def full_scans(lines: Iterable[str], tables: Iterable[str], dialect: str) -> list[str]:
    """Plan lines that read one of ``tables`` without an index."""
    names = set(tables)
    bad = []
    for line in lines:
        text = line.strip().lstrip("->").strip()
        if dialect == "postgresql":
            if "Seq Scan on " not in text:
                continue
            table = text.split("Seq Scan on ", 1)[1].split()[0].strip('"')
        else:
            if not text.startswith("SCAN ") or " USING " in text:
                continue
            table = text.split()[1].strip('"')
        if table in names:
            bad.append(line.strip())
    return bad


async def assert_no_full_scan(
    app: Any, statements: Sequence[Statement], tables: Iterable[str]
) -> None:
    """Fail, with the statement and its plan, when one of them fully scans a large table."""
    names = set(tables)
    async with app.state.database.engine.connect() as connection:
        dialect = connection.dialect.name
        for sql, parameters in statements:
            lines = await plan_of(connection, sql, parameters)
            bad = full_scans(lines, names, dialect)
            plan = "\n".join(lines)
            assert not bad, f"full scan of {bad} in\n{sql}\nparameters {parameters}\n{plan}"
