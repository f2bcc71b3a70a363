"""``haken user reset-password --email``: the way back when a one-time password was missed.

Issue 14, item 18: the demo admin's password is printed once by ``demo seed``;
without this command a missed password left no way into the instance.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from haken.cli import app as cli_app
from haken.modules.audit.models import AuditEntry
from haken.modules.identity.models import AuthSession, User
from haken.platform.cache import HakenCache
from haken.platform.db import session_scope
from tests.conftest import REDIS_URL, TEST_PASSWORD, require_service

PASSWORD_LINE = re.compile(r"password: (\S+)  \(shown once")


@pytest.fixture
def haken_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run a ``haken`` command against the test database (its own event loop, in a thread)."""
    monkeypatch.setenv("HAKEN_DATABASE_URL", database_url)
    monkeypatch.setenv("HAKEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAKEN_REDIS_URL", "")
    runner = CliRunner()

    async def run(*args: str) -> Any:
        return await asyncio.to_thread(runner.invoke, cli_app, list(args))

    return run


async def test_reset_password_prints_a_new_one_and_ends_every_session(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any, haken_cli: Any
) -> None:
    admin = await make_user("super_admin", email="root@test.example")
    first = await login(admin["email"])
    second = await login(admin["email"])
    async with session_scope(app.state.database, write=True) as session:
        # A locked-out account (too many wrong passwords) comes back too.
        await session.execute(
            update(User)
            .where(User.id == admin["id"])
            .values(
                failed_login_count=9, locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
            )
        )

    result = await haken_cli("user", "reset-password", "--email", "Root@Test.example")

    assert result.exit_code == 0, result.output
    found = PASSWORD_LINE.search(result.output)
    assert found, result.output
    password = found.group(1)
    assert len(password) >= 20 and password != TEST_PASSWORD
    # The old password is gone, the new one signs in.
    old = await client.post(
        "/api/auth/login", json={"email": admin["email"], "password": TEST_PASSWORD}
    )
    assert old.status_code == 401
    assert (await login(admin["email"], password))["Authorization"]
    # Both sessions opened before the reset are over: their tokens no longer work.
    for tokens in (first, second):
        me = await client.get("/api/auth/me", headers={"Authorization": tokens["Authorization"]})
        assert me.status_code == 401
        refreshed = await client.post(
            "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 401
    async with session_scope(app.state.database, write=True) as session:
        reasons = (
            await session.scalars(
                select(AuthSession.revoked_reason)
                .where(AuthSession.user_id == admin["id"])
                .order_by(AuthSession.created_at)
            )
        ).all()
        entries = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "password_reset_by_operator")
            )
        ).all()
    assert reasons[:2] == ["password_reset", "password_reset"]
    assert reasons[2] is None  # the sign-in with the new password
    [entry] = entries
    assert entry.entity_type == "user" and entry.entity_id == str(admin["id"])
    assert entry.user_id is None  # the operator's CLI, not a signed-in user
    assert entry.changes["sessions_revoked"] == [None, 2]
    assert password not in repr(entry.changes)


async def test_reset_password_of_an_unknown_email_fails_and_changes_nothing(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any, haken_cli: Any
) -> None:
    user = await make_user("admin")
    tokens = await login(user["email"])
    async with session_scope(app.state.database, write=True) as session:
        audit_rows = await session.scalar(select(func.count()).select_from(AuditEntry))

    result = await haken_cli("user", "reset-password", "--email", "nobody@test.example")

    assert result.exit_code == 1
    assert "no user with the e-mail 'nobody@test.example'" in result.output
    assert "password:" not in result.output
    async with session_scope(app.state.database, write=True) as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows
    me = await client.get("/api/auth/me", headers={"Authorization": tokens["Authorization"]})
    assert me.status_code == 200
    assert (await login(user["email"]))["Authorization"]


async def test_reset_password_ends_sessions_at_once_on_servers_sharing_redis(
    app: Any,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    database_url: str,
    tmp_path: Path,
) -> None:
    """The CLI is another process: its commit must reach the servers' cache through Redis."""
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    shared = HakenCache(REDIS_URL)
    await shared.start()
    assert not shared.degraded, "the test Redis is unreachable"
    await shared.clear()
    previous, app.state.cache = app.state.cache, shared
    try:
        user = await make_user("admin")
        tokens = await login(user["email"])
        headers = {"Authorization": tokens["Authorization"]}
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 200  # cached
        env = {
            **os.environ,
            "HAKEN_DATABASE_URL": database_url,
            "HAKEN_DATA_DIR": str(tmp_path),
            "HAKEN_REDIS_URL": REDIS_URL,
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-c",
                "from haken.cli import main; main()",
                "user",
                "reset-password",
                "--email",
                user["email"],
            ],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        # Well within the principal cache's 15 s lifetime: the session is over now.
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
    finally:
        app.state.cache = previous
        await shared.clear()
        await shared.close()
