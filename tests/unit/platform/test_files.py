"""The data directory is 0700, the SQLite database and its -wal/-shm 0600; serve warns otherwise."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from haken import cli
from haken.config import Settings
from haken.platform import backup, migrations
from haken.platform.db import Database
from haken.platform.logging import configure_logging


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default (022) under which files come out world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_generated_keys_live_in_a_private_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "var"
    settings = Settings(data_dir=data_dir, secret_key=None, field_key=None)
    assert settings.resolved_secret_key and settings.resolved_field_key
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "secret_key") == 0o600
    assert mode(data_dir / "field_key") == 0o600


async def test_the_sqlite_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "haken.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        wal, shm = path.with_name("haken.db-wal"), path.with_name("haken.db-shm")
        assert wal.exists() and shm.exists()  # WAL mode, connection still pooled
        assert [mode(path), mode(wal), mode(shm)] == [0o600, 0o600, 0o600]
    finally:
        await database.dispose()


async def test_leftover_wide_wal_files_are_tightened_on_connect(tmp_path: Path) -> None:
    path = tmp_path / "haken.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        await database.engine.dispose()  # connections closed; pretend an old run left these
        for suffix in ("-wal", "-shm"):
            leftover = path.with_name(path.name + suffix)
            leftover.touch()
            os.chmod(leftover, 0o644)
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        assert mode(path.with_name("haken.db-wal")) == 0o600
        assert mode(path.with_name("haken.db-shm")) == 0o600
    finally:
        await database.dispose()


def test_migrating_or_restoring_into_a_new_file_creates_it_private(tmp_path: Path) -> None:
    migrated = tmp_path / "haken.db"
    migrations.upgrade(f"sqlite+aiosqlite:///{migrated}")
    assert mode(migrated) == 0o600
    source = tmp_path / "plain.backup"
    with sqlite3.connect(source) as plain:
        plain.execute("CREATE TABLE t (x INTEGER)")
    restored = tmp_path / "restored" / "haken.db"
    backup.restore(f"sqlite+aiosqlite:///{restored}", source)
    assert mode(restored) == 0o600 and mode(restored.parent) == 0o700


def test_serve_warns_about_wide_database_and_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)  # noqa: S103 (the wide mode under test)
    database = data_dir / "haken.db"
    database.touch()
    os.chmod(database, 0o644)
    (data_dir / "haken.db-wal").touch(mode=0o600)  # already private: no warning
    monkeypatch.setenv("HAKEN_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HAKEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("HAKEN_LOG_JSON", "true")
    monkeypatch.setenv("HAKEN_WORKERS", "1")  # serve sets it; restored after the test
    served: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **_: served.append(target))

    try:
        result = CliRunner().invoke(cli.app, ["serve"])
    finally:
        configure_logging("WARNING")  # serve pointed the log handler at the runner's stdout

    assert result.exit_code == 0, result.output
    assert served == ["haken.app:create_app"]  # a warning, not a refusal to start
    stderr = result.stderr
    assert f"{database} has mode 644" in stderr and f"chmod 600 {database}" in stderr
    assert f"{data_dir} has mode 755" in stderr and f"chmod 700 {data_dir}" in stderr
    assert "haken.db-wal" not in stderr
    warnings = [
        json.loads(line)
        for line in result.stdout.splitlines()
        if line.startswith("{") and "private file readable by others" in line
    ]
    assert {(w["path"], w["mode"], w["expected"], w["level"]) for w in warnings} == {
        (str(database), "644", "600", "warning"),
        (str(data_dir), "755", "700", "warning"),
    }
    # Keys generated by this start are private although the directory is not.
    assert mode(data_dir / "secret_key") == 0o600
