"""haken's PostgreSQL connections run without parallel query (``HAKEN_DATABASE_PARALLEL_WORKERS``,
default 0: platform/db.py): the dashboard sends its two halves on two backends itself, and
with PostgreSQL's default of 2 workers per gather the halves' workers fought for the cores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from haken.platform.db import Database, session_scope

# A PostgreSQL setting: the tests run on its backend alone (no SQLite variant to skip).
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_every_connection_of_the_app_has_parallel_query_off(app: Any) -> None:
    assert app.state.database.dialect == "postgresql"
    async with session_scope(app.state.database) as session:
        found = await session.scalar(text("SHOW max_parallel_workers_per_gather"))
    assert found == "0"


async def test_the_setting_is_passed_to_the_server(database_url: str) -> None:
    database = Database(database_url, pool_size=1, parallel_workers=3)
    try:
        async with session_scope(database) as session:
            found = await session.scalar(text("SHOW max_parallel_workers_per_gather"))
        assert found == "3"
    finally:
        await database.engine.dispose()
