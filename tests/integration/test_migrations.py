"""Migrations on both databases: upgrade → downgrade base → upgrade, no drift from the
models, and the zero-downtime rule (expand/contract, docs/operations.md) for the newest
migration: the previous release's reads and inserts still work on the new schema."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from haken.modules.models import metadata
from haken.platform import migrations
from tests.conftest import _run_in_thread

pytestmark = pytest.mark.integration

Schema = dict[str, dict[str, dict[str, Any]]]


async def _schema(url: str) -> Schema:
    """Table → column → {nullable, default} as the database reports it."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            def read(sync: Any) -> Schema:
                inspector = inspect(sync)
                return {
                    table: {
                        column["name"]: {
                            "nullable": column["nullable"],
                            "default": column.get("default"),
                        }
                        for column in inspector.get_columns(table)
                    }
                    for table in inspector.get_table_names()
                    if table != "alembic_version"
                }

            return await connection.run_sync(read)
    finally:
        await engine.dispose()


async def _drift(url: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": False}), metadata
                )
            )
    finally:
        await engine.dispose()


async def _select_old_columns(url: str, old: Schema) -> None:
    """What the previous release reads: its columns of its tables (one row is enough)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            quote = connection.dialect.identifier_preparer.quote
            for table, columns in old.items():
                listed = ", ".join(quote(name) for name in columns)
                await connection.execute(text(f"SELECT {listed} FROM {quote(table)} LIMIT 1"))
    finally:
        await engine.dispose()


def _migrate(action: Any, url: str, revision: str) -> None:
    _run_in_thread(action, url, revision)


@pytest.fixture
async def quiet_app(app: Any) -> Any:
    """The app's pool must hold no connection while tables are dropped and recreated."""
    await app.state.database.engine.dispose()
    yield app
    await app.state.database.engine.dispose()


async def test_upgrade_downgrade_base_upgrade(quiet_app: Any, database_url: str) -> None:
    try:
        _migrate(migrations.downgrade, database_url, "base")
        assert await _schema(database_url) == {}
        _migrate(migrations.upgrade, database_url, "heads")
        tables = set(await _schema(database_url))
        assert tables == set(metadata.tables)
        assert await _drift(database_url) == []
        current = await asyncio.to_thread(migrations.current_revisions, database_url)
        assert current == migrations.head_revisions(database_url)
    finally:
        _migrate(migrations.upgrade, database_url, "heads")


async def test_newest_migration_keeps_the_previous_release_working(
    quiet_app: Any, database_url: str
) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config(database_url))
    heads = [script.get_revision(head) for head in script.get_heads()]
    try:
        for head in heads:
            assert head is not None
            previous = head.down_revision
            if previous is None:
                continue  # the first migration has no previous release
            _migrate(migrations.downgrade, database_url, "base")
            for revision in (previous,) if isinstance(previous, str) else previous:
                _migrate(migrations.upgrade, database_url, revision)
            old = await _schema(database_url)
            _migrate(migrations.upgrade, database_url, head.revision)
            new = await _schema(database_url)
            # A contract migration names what it drops on purpose (docs/operations.md).
            dropped: dict[str, set[str]] = getattr(head.module, "CONTRACT_DROPS", {})
            for table, columns in old.items():
                assert table in new, f"{head.revision} drops table {table} (contract too early)"
                missing = set(columns) - set(new[table]) - dropped.get(table, set())
                assert not missing, f"{head.revision} drops or renames {table}.{missing}"
                for name, column in new[table].items():
                    if name in columns:
                        continue
                    # The old release inserts without this column: it must be optional.
                    assert column["nullable"] or column["default"] is not None, (
                        f"{head.revision} adds required column {table}.{name} without a default"
                    )
            kept = {
                table: {k: v for k, v in columns.items() if k not in dropped.get(table, set())}
                for table, columns in old.items()
            }
            await _select_old_columns(database_url, kept)
    finally:
        _migrate(migrations.downgrade, database_url, "base")
        _migrate(migrations.upgrade, database_url, "heads")


async def test_archived_at_backfill_and_downgrade(quiet_app: Any, database_url: str) -> None:
    """0017_archived_at: the boolean wins where the pair disagreed (an archived row without a
    date gets its ``updated_at``; an unarchived one loses a stray date); the downgrade
    restores the boolean from ``archived_at``."""
    updated = "2026-03-04 05:06:07+00:00"
    kept = "2025-01-02 03:04:05+00:00"
    rows = [  # id, archived, archived_at
        (1, True, None),
        (2, False, kept),
        (3, True, kept),
        (4, False, None),
    ]
    engine = create_async_engine(database_url)
    try:
        _migrate(migrations.downgrade, database_url, "base")
        _migrate(migrations.upgrade, database_url, "0016_billing")
        async with engine.begin() as connection:
            for row_id, archived, archived_at in rows:
                await connection.execute(
                    text(
                        "INSERT INTO clients (id, name, entity_kind, notes, name_key, sort_key,"
                        " city, address_line1, address_line2, archived, archived_at,"
                        " created_at, updated_at, version) VALUES (:id, 'x', 'corporation', '',"
                        " 'x', 'x', '', '', '', :archived, :archived_at, :updated, :updated, 1)"
                    ),
                    {
                        "id": row_id,
                        "archived": archived,
                        "archived_at": _instant(archived_at),
                        "updated": _instant(updated),
                    },
                )
        _migrate(migrations.upgrade, database_url, "0017_archived_at")
        async with engine.connect() as connection:
            found = (
                await connection.execute(text("SELECT id, archived_at FROM clients ORDER BY id"))
            ).all()
        assert [(row[0], _text(row[1])) for row in found] == [
            (1, _text(_instant(updated))),
            (2, None),
            (3, _text(_instant(kept))),
            (4, None),
        ]
        _migrate(migrations.downgrade, database_url, "0016_billing")
        async with engine.connect() as connection:
            restored = (
                await connection.execute(text("SELECT id, archived FROM clients ORDER BY id"))
            ).all()
        assert [(row[0], bool(row[1])) for row in restored] == [
            (1, True),
            (2, False),
            (3, True),
            (4, False),
        ]
    finally:
        await engine.dispose()
        _migrate(migrations.downgrade, database_url, "base")
        _migrate(migrations.upgrade, database_url, "heads")


def _instant(value: str | None) -> Any:
    return None if value is None else dt.datetime.fromisoformat(value)


def _text(value: Any) -> str | None:
    """A stored instant as comparable text (SQLite returns the stored string)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return str(value.astimezone(dt.UTC).isoformat())


async def test_payslip_labour_cost_backfill(
    quiet_app: Any, database_url: str, client: Any, auth_headers: Any
) -> None:
    """0038_payslip_labour_cost fills the labour cost's parts of the payslips already stored
    from their lines (the margin report's hand-computed payslip: commuting 2,000, paid leave
    4,000; health group 98,000 × 10.24 % = 10,035 less the worker's 5,018; pension 17,934
    less 8,967; employment 30,000 × 13.5 ‰ = 405 less 150); an error payslip keeps 0."""
    from tests.integration.assignments.factories import make_employee
    from tests.integration.billing.test_margins import PAYSLIP_LINES

    admin = await auth_headers("admin")
    worker = (await make_employee(client, admin))["id"]
    other = (await make_employee(client, admin))["id"]
    await quiet_app.state.database.engine.dispose()
    engine = create_async_engine(database_url)
    try:
        _migrate(migrations.downgrade, database_url, "0037_agency_offices")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO payroll_runs (id, period_start, period_end, pay_date, state,"
                    " status, total, processed, failed, cursor, attempt, created_at, updated_at, version)"
                    " VALUES (1, :start, :end, :pay, 'closed', 'done', 2, 2, 1, 0, 0, :now, :now, 1)"
                ),
                {
                    "start": dt.date(2026, 4, 1),
                    "end": dt.date(2026, 4, 30),
                    "pay": dt.date(2026, 5, 25),
                    "now": _instant("2026-05-01 00:00:00+00:00"),
                },
            )
            for slip_id, employee_id, status, lines in (
                (1, worker, "ok", PAYSLIP_LINES),
                (2, other, "error", []),
            ):
                await connection.execute(
                    text(
                        "INSERT INTO payroll_payslips (id, run_id, employee_id, period_start,"
                        " pay_date, status, kind, gross, social_insurance, employment_insurance,"
                        " income_tax, resident_tax, deductions, net, lines, computed_at,"
                        " base_days, worked_days) VALUES (:id, 1, :employee, :start, :pay,"
                        " :status, 'monthly', 30000, 0, 0, 0, 0, 0, 0, :lines, :now, 0, 0)"
                    ),
                    {
                        "id": slip_id,
                        "employee": employee_id,
                        "start": dt.date(2026, 4, 1),
                        "pay": dt.date(2026, 5, 25),
                        "status": status,
                        "lines": json.dumps(lines),
                        "now": _instant("2026-05-01 00:00:00+00:00"),
                    },
                )
        _migrate(migrations.upgrade, database_url, "0038_payslip_labour_cost")
        async with engine.connect() as connection:
            found = (
                await connection.execute(
                    text(
                        "SELECT id, commuting_pay, paid_leave_pay, employer_social_insurance,"
                        " employer_employment_insurance FROM payroll_payslips ORDER BY id"
                    )
                )
            ).all()
        assert [tuple(row) for row in found] == [(1, 2000, 4000, 5017 + 8967, 255), (2, 0, 0, 0, 0)]
    finally:
        await engine.dispose()
        _migrate(migrations.downgrade, database_url, "base")
        _migrate(migrations.upgrade, database_url, "heads")
