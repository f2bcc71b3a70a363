"""``haken db backup`` / ``haken db restore`` for both databases, plus table checksums.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies a
  consistent snapshot page by page while the app keeps serving; the result is
  an ordinary SQLite file. Restore checks the file's integrity first, then
  copies it over the live database with the same API (stop the app first).
* PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot, compressed)
  and ``pg_restore --clean --if-exists --single-transaction`` (all or nothing).
  The client tools must match the server's major version or be newer.

:func:`table_checksums` gives a row count and a SHA-256 over every table's
rows, so a round trip can be verified rather than trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from haken.platform.files import create_private_sqlite, make_private_dir
from haken.platform.logging import get_logger

log = get_logger(__name__)


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why (shown by the CLI)."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def libpq_url(url: str) -> str:
    """``postgresql+asyncpg://…`` → the ``postgresql://…`` form pg_dump understands."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def default_backup_path(url: str, directory: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if is_sqlite(url) else "dump"
    return directory / f"haken-{stamp}.{suffix}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise BackupError(f"{name} not found on PATH (install the PostgreSQL client tools)")
    return found


def _run(arguments: list[str]) -> None:
    completed = subprocess.run(arguments, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {completed.stderr.strip()[-2000:]}")


def backup(url: str, destination: Path) -> Path:
    """Write a consistent backup of the database at ``url`` to ``destination``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    if is_sqlite(url):
        source_path = sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"no database at {source_path}")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=1024)
        finally:
            target.close()
            source.close()
    else:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                f"--dbname={libpq_url(url)}",
            ]
        )
    os.chmod(partial, 0o600)  # a backup holds everything the database holds
    partial.replace(destination)
    log.info("database backed up", path=str(destination), bytes=destination.stat().st_size)
    return destination


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup at ``source`` (all or nothing)."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if is_sqlite(url):
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                verdict = backup_db.execute("PRAGMA integrity_check").fetchone()
            except sqlite3.DatabaseError as error:
                raise BackupError(f"{source} is not a SQLite backup: {error}") from error
            if not verdict or verdict[0] != "ok":
                raise BackupError(f"{source} failed the integrity check: {verdict}")
            target_path = sqlite_path(url)
            make_private_dir(target_path.parent)
            create_private_sqlite(url)  # a restore into a new place: 0600 from the start
            target = sqlite3.connect(target_path)
            try:
                backup_db.backup(target)
            finally:
                target.close()
        finally:
            backup_db.close()
    else:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={libpq_url(url)}",
                str(source),
            ]
        )
    log.info("database restored", path=str(source))


@dataclass(frozen=True)
class TableChecksum:
    rows: int
    sha256: str


def _canonical(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return repr(value)


async def table_checksums(url: str) -> dict[str, TableChecksum]:
    """Row count and content hash of every user table (order-independent)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                names = await connection.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                    )
                )
            else:
                names = await connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "ORDER BY tablename"
                    )
                )
            tables = [row[0] for row in names]
            result: dict[str, TableChecksum] = {}
            for table in tables:
                quoted = connection.dialect.identifier_preparer.quote(table)
                rows = (await connection.execute(text(f"SELECT * FROM {quoted}"))).all()  # noqa: S608
                lines = sorted("\x1f".join(_canonical(v) for v in row) for row in rows)
                digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
                result[table] = TableChecksum(rows=len(rows), sha256=digest)
            return result
    finally:
        await engine.dispose()
