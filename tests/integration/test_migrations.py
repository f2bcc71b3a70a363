"""Migrations on both databases: upgrade → downgrade base → upgrade, no drift from the
models, and the zero-downtime rule (expand/contract, docs/operations.md) for the newest
migration: the previous release's reads and inserts still work on the new schema."""

from __future__ import annotations

import asyncio
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
            for table, columns in old.items():
                assert table in new, f"{head.revision} drops table {table} (contract too early)"
                missing = set(columns) - set(new[table])
                assert not missing, f"{head.revision} drops or renames {table}.{missing}"
                for name, column in new[table].items():
                    if name in columns:
                        continue
                    # The old release inserts without this column: it must be optional.
                    assert column["nullable"] or column["default"] is not None, (
                        f"{head.revision} adds required column {table}.{name} without a default"
                    )
            await _select_old_columns(database_url, old)
    finally:
        _migrate(migrations.downgrade, database_url, "base")
        _migrate(migrations.upgrade, database_url, "heads")
