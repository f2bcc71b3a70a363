"""``haken db backup`` / ``restore``: a round trip gives back every row, byte for byte."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from haken.cli import app as cli_app
from haken.platform import backup

pytestmark = pytest.mark.integration


async def _seed(client: Any, make_user: Any, login: Any) -> None:
    for role in ("admin", "coordinator", "employee"):
        user = await make_user(role, display_name="山田 太郎")
        await login(user["email"])


async def test_round_trip_restores_every_row(
    app: Any, client: Any, make_user: Any, login: Any, database_url: str, tmp_path: Path
) -> None:
    await _seed(client, make_user, login)
    before = await backup.table_checksums(database_url)
    assert before["users"].rows == 3 and before["auth_sessions"].rows == 3
    assert before["audit_log"].rows > 0
    file = backup.backup(database_url, tmp_path / "haken.backup")
    assert file.stat().st_mode & 0o077 == 0  # not readable by others

    # Change the live database after the backup: the restore must undo it all.
    await make_user("admin", email="after-backup@test.example")
    changed = await backup.table_checksums(database_url)
    assert changed["users"].rows == 4
    assert changed["audit_log"].sha256 != before["audit_log"].sha256

    await app.state.database.engine.dispose()  # the app holds no connection during the restore
    backup.restore(database_url, file)
    await app.state.database.engine.dispose()
    after = await backup.table_checksums(database_url)
    assert after == before
    # The restored database still serves requests.
    assert (await client.get("/api/ready")).status_code == 200


async def test_restore_refuses_a_broken_file_and_leaves_the_database(
    app: Any, client: Any, make_user: Any, database_url: str, tmp_path: Path
) -> None:
    await make_user("admin")
    before = await backup.table_checksums(database_url)
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"this is not a backup\x00" * 100)
    with pytest.raises(backup.BackupError):
        backup.restore(database_url, broken)
    with pytest.raises(backup.BackupError, match="no backup file"):
        backup.restore(database_url, tmp_path / "missing.backup")
    await app.state.database.engine.dispose()
    assert await backup.table_checksums(database_url) == before


async def test_cli_backup_and_restore(
    app: Any,
    client: Any,
    make_user: Any,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_user("admin")
    before = await backup.table_checksums(database_url)
    monkeypatch.setenv("HAKEN_DATABASE_URL", database_url)
    monkeypatch.setenv("HAKEN_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    # The CLI runs its own event loop: keep it off the test's.
    made = await asyncio.to_thread(runner.invoke, cli_app, ["db", "backup"])
    assert made.exit_code == 0, made.output
    [written] = list((tmp_path / "backups").iterdir())
    assert written.name.startswith("haken-")
    await make_user("employee")
    await app.state.database.engine.dispose()
    restored = await asyncio.to_thread(
        runner.invoke, cli_app, ["db", "restore", str(written), "--yes"]
    )
    assert restored.exit_code == 0, restored.output
    assert "users: 1 rows" in restored.output
    await app.state.database.engine.dispose()
    assert await backup.table_checksums(database_url) == before


def test_libpq_url_drops_the_driver_and_keeps_credentials() -> None:
    url = "postgresql+asyncpg://haken:s3cret@db.internal:5432/haken"
    assert backup.libpq_url(url) == "postgresql://haken:s3cret@db.internal:5432/haken"
    assert backup.default_backup_path(url, Path("/b")).suffix == ".dump"
    assert (
        backup.default_backup_path("sqlite+aiosqlite:////x/h.db", Path("/b")).suffix == ".sqlite3"
    )
