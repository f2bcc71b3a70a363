"""SQLite under concurrent writers: write units of work begin IMMEDIATE.

Two units that read a row and then write it back must not lose an update or fail a
read-to-write lock upgrade: each takes the write lock at BEGIN and the second queues
(busy timeout) until the first commits, then reads the committed value.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from haken.platform.db import Database, session_scope


async def _setup(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}", pool_size=4)
    async with session_scope(database, write=True) as session:
        await session.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await session.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    return database


async def test_concurrent_read_then_write_units_queue_and_lose_nothing(tmp_path: Path) -> None:
    database = await _setup(tmp_path)
    try:

        async def increment() -> None:
            async with session_scope(database, write=True) as session:
                value = await session.scalar(text("SELECT n FROM counter WHERE id = 1"))
                await asyncio.sleep(0.05)  # the other unit runs meanwhile
                await session.execute(
                    text("UPDATE counter SET n = :n WHERE id = 1"), {"n": int(value) + 1}
                )

        await asyncio.gather(*(increment() for _ in range(4)))
        async with session_scope(database, write=True) as session:
            assert await session.scalar(text("SELECT n FROM counter WHERE id = 1")) == 4
    finally:
        await database.dispose()


async def test_wal_and_busy_timeout_are_set_on_every_connection(tmp_path: Path) -> None:
    database = await _setup(tmp_path)
    try:
        async with session_scope(database, write=True) as session:
            mode = await session.scalar(text("PRAGMA journal_mode"))
            timeout = await session.scalar(text("PRAGMA busy_timeout"))
            synchronous = await session.scalar(text("PRAGMA synchronous"))
        assert (mode, timeout, synchronous) == ("wal", 5000, 1)  # 1 = NORMAL
    finally:
        await database.dispose()
