"""Shared fixtures: the app against real databases, clients, users per role.

Integration tests run against SQLite always and against PostgreSQL when
``HAKEN_TEST_DATABASE_URL`` is set (``.ci/run`` sets it). Locally without it the
PostgreSQL half skips with a reason; under CI=true a missing service fails.
Redis likewise with ``HAKEN_TEST_REDIS_URL``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import os
import secrets
import sys
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from haken.app import create_app
from haken.config import Settings
from haken.modules.models import metadata
from haken.platform import migrations
from haken.platform.security import use_fast_password_hashing
from tests.waiting import BACKGROUND_DEADLINE_SECONDS

# A test that runs this long is hung, not slow (the slowest takes about 25 s). The
# watchdog writes every thread's stack and every pending asyncio task's stack (a hung async
# test shows only the event loop's select() among the thread stacks) to stderr, past
# pytest's capture (an xdist worker's stderr reaches the run's output); then it ends the
# process. Under xdist the worker is reported as crashed on that test and replaced, so a
# hang costs one failure with its evidence instead of CI's whole time budget.
HUNG_TEST_SECONDS = float(os.environ.get("HAKEN_TEST_HUNG_SECONDS", "300"))


def _hung_test_report(nodeid: str) -> str:
    lines = [f"!!! {nodeid} still running after {HUNG_TEST_SECONDS:g} s (pid {os.getpid()})"]
    frames = sys._current_frames()
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or -1)
        if frame is not None:
            lines.append(f"--- thread {thread.name}")
            lines.extend(traceback.format_stack(frame))
    for task in list(getattr(asyncio.tasks, "_all_tasks", ())):  # every loop's tasks
        if not task.done():
            stack = io.StringIO()
            task.print_stack(file=stack)
            lines.append(f"--- pending {task!r}\n{stack.getvalue()}")
    return "\n".join(lines)


def _end_hung_test(config: pytest.Config, nodeid: str) -> None:
    report = _hung_test_report(nodeid)
    with contextlib.suppress(Exception):
        config.pluginmanager.getplugin("capturemanager").suspend_global_capture(in_=False)
    sys.stderr.write(report + "\n")
    sys.stderr.flush()
    os._exit(3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    watchdog = threading.Timer(HUNG_TEST_SECONDS, _end_hung_test, args=(item.config, item.nodeid))
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# pytest-xdist: each worker gets its own PostgreSQL database and Redis db number.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0


def _per_worker_pg(url: str) -> str:
    if not url or not WORKER:
        return url
    return f"{url}_{WORKER}"


def _per_worker_redis(url: str) -> str:
    if not url or not WORKER:
        return url
    base, _, db = url.rpartition("/")
    number = int(db) if db.isdigit() else 0
    return f"{base}/{(number + 1 + WORKER_INDEX) % 16}"


PG_URL = _per_worker_pg(os.environ.get("HAKEN_TEST_DATABASE_URL", ""))
REDIS_URL = _per_worker_redis(os.environ.get("HAKEN_TEST_REDIS_URL", ""))
# Argon2 at production cost takes ~0.1 s per hash; the suite creates thousands of users.
use_fast_password_hashing()
TEST_PASSWORD = "correct-horse-battery-staple"


def require_service(url: str, name: str, variable: str) -> None:
    """Skip locally, fail in CI, when a real service is not configured."""
    if url:
        return
    message = f"{name} not configured: set {variable} (scripts/test-services.sh start)"
    if IN_CI:
        pytest.fail(f"CI requires {name}: {message}")
    pytest.skip(message)


def _run_in_thread(func: Callable[..., Any], *args: Any) -> Any:
    """Alembic's env.py runs its own event loop; keep it off the test loop."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = func(*args)
        except BaseException as error:  # re-raised in the caller
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


async def reset_postgres(url: str) -> None:
    base, _, name = url.rpartition("/")
    admin = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def database_url_for(backend: str, tmp_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_dir / 'test.db'}"
    require_service(PG_URL, "PostgreSQL", "HAKEN_TEST_DATABASE_URL")
    return PG_URL


SESSION_FIELD_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": secrets.token_urlsafe(32),
        # One key per test process: the field cipher is process-wide (as in production),
        # and several apps are created in one test run.
        "field_key": SESSION_FIELD_KEY,
        "log_level": "WARNING",
        "redis_url": "",
        # 派遣元事業主の名称: statutory documents refuse to issue without it (issue 20).
        "billing_agency_name": "テスト派遣株式会社",
        # No daily job may fire in the middle of a test: the schedules run at 00:05–00:40
        # Tokyo time (15:05–15:40 UTC), and a CI run then saw a job counted that no test
        # had started. Tests run the scheduled jobs themselves (``due_jobs``, the job spec).
        "job_scheduler_enabled": False,
        # Many apps live and die in one test process: nothing may be frozen for ever.
        "gc_freeze": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = database_url_for(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    if backend == "postgres":
        _run_in_thread(lambda: asyncio.run(reset_postgres(url)))
    _run_in_thread(migrations.upgrade, url, "heads")
    return url


@pytest.fixture(scope="session")
async def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    settings = make_settings(database_url, tmp_path_factory.mktemp("data"))
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


async def truncate_all(app: Any) -> None:
    database = app.state.database
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    if database.dialect == "postgresql":
        try:
            async with database.engine.begin() as connection:
                # A transaction some task left open would block the TRUNCATE for ever: fail
                # after a minute instead, naming what holds the tables.
                await connection.execute(text("SET LOCAL lock_timeout = '60s'"))
                await connection.execute(
                    text(
                        "TRUNCATE "
                        + ", ".join(f'"{t}"' for t in tables)
                        + " RESTART IDENTITY CASCADE"
                    )
                )
        except DBAPIError as error:
            raise AssertionError(
                f"TRUNCATE failed ({error.orig!r}); other sessions: {await _other_sessions(database)}"
            ) from error
        return
    async with database.engine.begin() as connection:
        for table in tables:
            await connection.execute(text(f'DELETE FROM "{table}"'))


async def _other_sessions(database: Any) -> list[tuple[Any, ...]]:
    async with database.engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT pid, state, wait_event_type, now() - xact_start, left(query, 200)"
                " FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return [tuple(row) for row in found]


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
    # A job the test started (a payroll run, a batch) must not outlive it: running on past
    # the truncation it re-creates its job record, and the next test's job of the same key
    # (ids restart) is skipped as "running elsewhere", leaving that test waiting for ever
    # (CI saw a payroll run stay at 0 of 1). On PostgreSQL it also blocks the TRUNCATE.
    jobs = getattr(app.state, "jobs", None)
    if jobs is not None:
        await jobs.queue.drain(BACKGROUND_DEADLINE_SECONDS)
    await truncate_all(app)
    await app.state.rate_limiter.reset()
    cache = getattr(app.state, "cache", None)
    if cache is not None and hasattr(cache, "clear"):
        await cache.clear()


UserFactory = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_user(app: Any, client: httpx.AsyncClient) -> UserFactory:
    """Create a user through the identity service; returns its id and e-mail."""
    from haken.modules.identity.schemas import UserCreate
    from haken.modules.identity.service import identity_service
    from haken.platform.access import Role
    from haken.platform.db import session_scope

    counter = {"n": 0}

    async def factory(role: str = "employee", **fields: Any) -> dict[str, Any]:
        from haken.modules.identity.models import UserSite

        counter["n"] += 1
        email = fields.pop("email", f"{role}{counter['n']}@test.example")
        # Row-scope fixtures name sites that often do not exist (the service refuses
        # those): the links are written beside the service, as a fixture's state.
        site_ids = sorted(set(fields.pop("site_ids", [])))
        data = UserCreate(
            email=email, password=fields.pop("password", TEST_PASSWORD), role=Role(role), **fields
        )
        async with session_scope(app.state.database, write=True) as session:
            user = await identity_service.create_user(session, None, data)
            session.add_all(UserSite(user_id=user.id, site_id=site_id) for site_id in site_ids)
        return {"id": user.id, "email": user.email, "role": role}

    return factory


async def mailed_body(app: Any, to_address: str) -> str:
    """The newest mail to ``to_address`` as its recipient receives it.

    Opened by the SMTP delivery's own reader (``mail_for_delivery``): tests stand in
    for the recipient's mailbox, since no route or page ever shows a mail's body.
    """
    from sqlalchemy import select

    from haken.modules.identity.models import OutboxEmail
    from haken.modules.identity.service import identity_service
    from haken.platform.db import session_scope

    async with session_scope(app.state.database, write=True) as session:
        mail_id = await session.scalar(
            select(OutboxEmail.id)
            .where(OutboxEmail.to_address == to_address)
            .order_by(OutboxEmail.id.desc())
            .limit(1)
        )
        assert mail_id is not None, f"no mail to {to_address}"
        message = await identity_service.mail_for_delivery(session, mail_id)
    assert message is not None
    return message.body


async def mailed_reset_token(app: Any, to_address: str) -> str:
    """The token of the newest password-reset link mailed to ``to_address``."""
    body = await mailed_body(app, to_address)
    return body.split("token=")[1].split()[0]


LoginFactory = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def login(client: httpx.AsyncClient) -> LoginFactory:
    """Sign a user in; returns the Authorization header (and the token pair)."""

    async def do_login(email: str, password: str = TEST_PASSWORD) -> dict[str, str]:
        response = await client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        return {
            "Authorization": f"Bearer {data['access_token']}",
            "refresh_token": data["refresh_token"],
        }

    return do_login


AuthFactory = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def auth_headers(make_user: UserFactory, login: LoginFactory) -> AuthFactory:
    """``await auth_headers("admin")`` → headers of a freshly created, signed-in user."""

    async def factory(role: str = "admin", **fields: Any) -> dict[str, str]:
        user = await make_user(role, **fields)
        tokens = await login(user["email"])
        return {"Authorization": tokens["Authorization"]}

    return factory
