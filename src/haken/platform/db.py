"""Async SQLAlchemy engine, the per-request session and the SQL query counter.

The request (or job) boundary owns the transaction: :func:`session_scope`
commits when the unit of work succeeded and rolls back otherwise; services
never commit. Work that must only happen once the data is durable (cache
invalidation, enqueuing jobs) is registered with :func:`after_commit` and run
right after the commit — never before it and never on rollback.

SQLite (the embedded default) runs in WAL mode with a busy timeout, and write
units of work begin ``IMMEDIATE`` (:func:`_sqlite_begin`), so two processes that
write queue for the lock instead of deadlocking on a lock upgrade.

PostgreSQL (asyncpg) pays per round trip, so the hot path sends only its statements
(docs/architecture.md, "PostgreSQL round trips"): no pool pre-ping (a pooled connection
the server closed is dropped at checkout for free, and a unit whose first statement
meets a dead connection runs it again once on a fresh one: :class:`HakenSession`), and
read units run without ``BEGIN``/``ROLLBACK`` until they write (:func:`_read_unit_begin`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, event, func, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from haken.platform.errors import DatabaseUnavailableError
from haken.platform.files import create_private_sqlite, sqlite_file, tighten_sqlite_sidecars
from haken.platform.logging import get_logger

log = get_logger(__name__)

# Constraint names are fixed so that Alembic migrations (and SQLite batch mode)
# can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; haken stores aware UTC datetimes")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now(), nullable=False
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now(), nullable=False
    )


class VersionedMixin:
    """Optimistic locking: every UPDATE checks and bumps ``version``."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (a declared_attr classmethod)
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# --- query counter -------------------------------------------------------------


@dataclass
class QueryCounter:
    count: int = 0
    statements: list[str] = field(default_factory=list)
    keep_statements: bool = True


_QUERY_COUNTER: ContextVar[QueryCounter | None] = ContextVar("haken_query_counter", default=None)


def _count_query(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    counter = _QUERY_COUNTER.get()
    if counter is not None:
        counter.count += 1
        if counter.keep_statements:
            counter.statements.append(statement)


def install_query_counter(engine: Engine) -> None:
    if not event.contains(engine, "before_cursor_execute", _count_query):
        event.listen(engine, "before_cursor_execute", _count_query)


@contextlib.contextmanager
def count_queries(*, keep_statements: bool = True) -> Iterator[QueryCounter]:
    """Count every SQL statement run in this context (including inside the app
    under test, since the ASGI transport runs in the same task context).

    A counter opened by a test stays in charge: the per-request counter of the
    middleware only opens when none is active, so tests see every statement.
    """
    outer = _QUERY_COUNTER.get()
    if outer is not None and not keep_statements:
        yield outer
        return
    counter = QueryCounter(keep_statements=keep_statements)
    token = _QUERY_COUNTER.set(counter)
    try:
        yield counter
    finally:
        _QUERY_COUNTER.reset(token)


def _report(counter: QueryCounter) -> str:
    listing = "\n".join(f"  {i + 1}. {s.strip()[:300]}" for i, s in enumerate(counter.statements))
    return f"{counter.count} queries ran:\n{listing}"


@contextlib.contextmanager
def assert_max_queries(limit: int) -> Iterator[QueryCounter]:
    """Fail when the block runs more than ``limit`` SQL statements."""
    with count_queries() as counter:
        yield counter
    if counter.count > limit:
        raise AssertionError(f"expected at most {limit} queries; {_report(counter)}")


@contextlib.contextmanager
def assert_num_queries(expected: int) -> Iterator[QueryCounter]:
    """Fail unless the block runs exactly ``expected`` SQL statements."""
    with count_queries() as counter:
        yield counter
    if counter.count != expected:
        raise AssertionError(f"expected exactly {expected} queries; {_report(counter)}")


# --- engine and sessions -------------------------------------------------------

AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession | Session | dict[Any, Any], callback: AfterCommit) -> None:
    """Run ``callback`` once the session's transaction has committed.

    Takes the async session, its sync session (ORM event hooks) or their shared
    ``info`` dict.
    """
    info = session if isinstance(session, dict) else session.info
    info.setdefault("after_commit", []).append(callback)


SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option of the writer engine: the kind of BEGIN haken emits on SQLite.
SQLITE_BEGIN_OPTION = "haken_sqlite_begin"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
    # haken emits BEGIN itself (_sqlite_begin): the driver's own implicit BEGIN is
    # deferred and comes late, before the first write only.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    """BEGIN IMMEDIATE for writer sessions, a deferred BEGIN for readers.

    A deferred transaction that reads and then writes must upgrade its lock; when
    another process committed in between, SQLite answers SQLITE_BUSY at once (the
    busy timeout cannot help: the snapshot is stale), and two such upgrades make
    each other wait. A writer that takes the write lock at BEGIN only ever queues
    (``busy_timeout``). Sent on the raw cursor: a BEGIN is not one of the
    request's SQL statements (the query counter does not see it).
    """
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"BEGIN {mode}")
    finally:
        cursor.close()


class SqliteWriteGate:
    """Writers of a SQLite file wait in line: FIFO inside the process (an asyncio lock),
    then an exclusive ``flock`` on ``<database>-writer.lock`` across processes.

    SQLite's own lock wait (``busy_timeout``) polls with a growing sleep (up to 100 ms),
    so with many writers a waiter can lose every race for seconds while others come
    and go. Here a writer waits on the lock file instead, woken by the kernel as soon
    as the holder releases it, and only the head of each process's line waits at all;
    ``BEGIN IMMEDIATE`` then finds the database free.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()
        self._fd: int | None = None

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    async def acquire(self) -> None:
        await self._lock.acquire()
        try:
            fd = self._file()
            taking = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX))
            try:
                await asyncio.shield(taking)
            except asyncio.CancelledError:
                # The thread may still get the lock: give it back once it does.
                taking.add_done_callback(
                    lambda done: (
                        None
                        if done.cancelled() or done.exception()
                        else fcntl.flock(fd, fcntl.LOCK_UN)
                    )
                )
                raise
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


# --- PostgreSQL (asyncpg): round trips ------------------------------------------

# ``Session.info`` key of a read unit (a GET request, a read-only job step).
READ_UNIT = "haken_read_unit"
# ``Session.info`` key: the unit ran a statement (a lost connection is retried only before).
_RAN = "haken_ran"
# A SELECT that must run inside the transaction: row locks, transaction-scoped locks and
# settings. Anything else but a plain SELECT (DML, DDL, SAVEPOINT, WITH …) begins one too.
_NEEDS_TRANSACTION = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b|pg_advisory_xact|set_config",
    re.IGNORECASE,
)


def _asyncpg_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Instead of a pre-ping (``BEGIN``, ``;``, ``ROLLBACK``: three round trips per
    checkout): a connection the server closed (restart, ``pg_terminate_backend``, idle
    timeout) is known closed to asyncpg as soon as the event loop read its end of file,
    so asking costs nothing; :class:`DisconnectionError` makes the pool drop it and
    check out another. Every checkout starts transactional (a read unit opts out)."""
    if dbapi_connection._connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")
    dbapi_connection.autocommit = False


def _read_unit_begin(session: Session, _transaction: Any, connection: Any) -> None:
    """A read unit's connection runs without ``BEGIN``/``ROLLBACK`` (asyncpg autocommit):
    two round trips fewer per request. Under READ COMMITTED every statement takes its own
    snapshot inside a transaction as well, so a read sees the same rows either way."""
    if session.info.get(READ_UNIT) and connection.dialect.driver == "asyncpg":
        connection.connection.dbapi_connection.autocommit = True


def _begin_before_write(
    conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, executemany: bool
) -> None:
    """A read unit that writes after all (a GET that audits, a test's session) gets its
    transaction before its first write: the asyncpg adapter then sends ``BEGIN`` with it,
    and the session's commit or rollback ends it as in any unit. Connections SQLAlchemy
    itself set to AUTOCOMMIT stay so (the adapter restores their own setting)."""
    adapter = conn.connection.dbapi_connection
    if not adapter.autocommit:
        return
    if (
        executemany
        or statement.lstrip()[:6].upper() != "SELECT"
        or _NEEDS_TRANSACTION.search(statement)
        or (context is not None and context.execution_options.get("stream_results"))
    ):
        adapter.autocommit = False


class HakenSession(Session):
    """The ORM session of every unit: a unit whose first statement finds its pooled
    connection dead (the server restarted after the checkout's check, or the close had
    not been read yet) runs it again, once, on a fresh connection: nothing was read or
    written on the dead one, so there is nothing to lose (optimistic disconnect handling,
    SQLAlchemy's "Disconnect Handling - Optimistic"; the pool has dropped every
    connection older than the error by then). Later failures are the unit's: 503."""

    def _first_statement(self, run: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.info.get(_RAN):
            return run(*args, **kwargs)
        fresh = not (self.identity_map or self.new or self.deleted)
        try:
            result = run(*args, **kwargs)
        except DBAPIError as error:
            if not (fresh and error.connection_invalidated):
                raise
            log.info("database connection lost before the first statement: run again")
            self.rollback()
            result = run(*args, **kwargs)
        self.info[_RAN] = True
        return result

    # The ORM's own reads (get, refresh, loaders) go through execute as well.
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._first_statement(super().execute, *args, **kwargs)

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self._first_statement(super().scalar, *args, **kwargs)

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._first_statement(super().scalars, *args, **kwargs)


event.listen(HakenSession, "after_begin", _read_unit_begin)


def reader_beside(session: AsyncSession) -> AsyncSession:
    """A reader session on ``session``'s engine, for a statement sent at the same time as
    the session's own (on PostgreSQL another backend runs it: the dashboard's figures in two
    halves). Like the request's reader it sends no ``BEGIN``; the caller closes it."""
    return AsyncSession(
        bind=session.bind,
        expire_on_commit=False,
        sync_session_class=type(session.sync_session),
        info={READ_UNIT: True},
    )


class Database:
    """One engine and session factory per process."""

    def __init__(
        self, url: str, *, pool_size: int = 10, echo: bool = False, parallel_workers: int = 0
    ) -> None:
        self.url = url
        asyncpg = make_url(url).get_driver_name() == "asyncpg"
        # A server connection may have died while pooled (PostgreSQL restarted): asyncpg
        # connections are checked for free at checkout (_asyncpg_checkout) instead of a
        # pre-ping; other server drivers ping. A SQLite file has nothing to ping.
        kwargs: dict[str, Any] = {
            "echo": echo,
            "pool_pre_ping": not url.startswith("sqlite") and not asyncpg,
        }
        if asyncpg:
            # A connection a firewall or NAT dropped silently is never told: renew each
            # connection after half an hour (optimistic handling covers the rest).
            kwargs["pool_recycle"] = 1800
            # The connection used last is taken first: it has the hot statements prepared
            # (a statement new to a connection costs a Parse round trip of its own).
            kwargs["pool_use_lifo"] = True
            # PostgreSQL's parallel query off by default (max_parallel_workers_per_gather):
            # a request's statement takes one core, the other cores serve the other
            # requests, and the dashboard sends its two halves on two backends itself
            # (reader_beside). With parallel plans the halves' workers fought each other
            # for the cores: 25 → 33 ms on 2 cores (docs/operations.md).
            kwargs["connect_args"] = {
                "server_settings": {"max_parallel_workers_per_gather": str(parallel_workers)}
            }
        if url.startswith("sqlite"):
            # One writer at a time on SQLite: a small pool avoids lock contention.
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = pool_size
            kwargs["pool_timeout"] = 10
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        # Sessions that write: on SQLite they take the write lock at BEGIN (same pool).
        self.write_engine: AsyncEngine = self.engine
        self.write_gate: SqliteWriteGate | None = None
        if url.startswith("sqlite"):
            # The file 0600 before SQLite creates it (its -wal/-shm follow): platform/files.py.
            create_private_sqlite(url)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
            self.write_engine = self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            database_file = sqlite_file(url)
            if database_file is not None:
                self.write_gate = SqliteWriteGate(Path(f"{database_file}-writer.lock"))
                event.listen(
                    self.engine.sync_engine,
                    "connect",
                    lambda _conn, _record: tighten_sqlite_sidecars(database_file),
                )
        if asyncpg:
            event.listen(self.engine.sync_engine, "checkout", _asyncpg_checkout)
            event.listen(self.engine.sync_engine, "before_cursor_execute", _begin_before_write)
        install_query_counter(self.engine.sync_engine)
        # Readers (GET requests, read-only steps): on PostgreSQL without BEGIN until a write.
        self.sessionmaker = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            sync_session_class=HakenSession,
            info={READ_UNIT: True},
        )
        self.write_sessionmaker = async_sessionmaker(
            self.write_engine, expire_on_commit=False, sync_session_class=HakenSession
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (OSError, DBAPIError, InterfaceError, OperationalError) as error:
            log.warning("database ping failed", error=type(error).__name__)
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_gate is not None:
            self.write_gate.close()


async def commit_and_flush_hooks(session: AsyncSession) -> None:
    """Commit, then run the after-commit callbacks in registration order."""
    await session.commit()
    await _run_hooks(session.info.pop("after_commit", []))


async def _run_hooks(callbacks: list[AfterCommit]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # the data is committed; a hook failure must not turn it into an error
            log.exception("after-commit hook failed")


@contextlib.asynccontextmanager
async def session_scope(
    database: Database, *, write: bool = False, session: AsyncSession | None = None
) -> AsyncIterator[AsyncSession]:
    """A unit of work: commit on success, roll back on any error.

    ``write=True``: the unit writes (requests with an unsafe method, jobs). On SQLite
    its transaction begins IMMEDIATE: it queues for the write lock up front instead
    of failing to upgrade a read lock. The default begins deferred, as a reader
    (a long read such as an export must not hold the write lock). On PostgreSQL a
    reader sends no ``BEGIN`` until it writes (``READ_UNIT``), a writer begins as usual.

    ``session``: a reader's session opened earlier in the same request (the edge's
    principal lookup, platform/edge.py), so the request reads on one connection; the
    unit takes it over (commits and closes it).

    Connection-level failures (server gone, refused, database file unreadable,
    locked, deadlocked) become :class:`DatabaseUnavailableError` (503): the
    client may retry; an outage answers with the envelope, not a stack trace.
    """
    gate = database.write_gate if write else None
    if session is None:
        session = database.write_sessionmaker() if write else database.sessionmaker()
    try:
        hooks: list[AfterCommit] = []
        if gate is not None:
            await gate.acquire()
        try:
            yield session
            await session.commit()
            hooks = session.info.pop("after_commit", [])
        except BaseException:
            session.info.pop("after_commit", None)
            try:
                await session.rollback()
            except Exception:  # the connection may be gone; the original error matters
                log.warning("rollback failed")
            raise
        finally:
            try:
                await session.close()
            except Exception:
                log.warning("session close failed")
            if gate is not None:
                gate.release()
        # After the gate: a hook may open a write unit of its own (the job outbox's mark).
        await _run_hooks(hooks)
    except (OSError, InterfaceError, OperationalError) as error:
        raise DatabaseUnavailableError() from error
    except DBAPIError as error:
        if is_database_unavailable(error):
            raise DatabaseUnavailableError() from error
        raise


# SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), shutting
# down, crashed or starting up (57P01-57P03), too many connections (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
# Driver errors without a SQLSTATE that mean the same (asyncpg's client side).
_UNAVAILABLE_NAMES = frozenset(
    {
        "ConnectionDoesNotExistError",
        "CannotConnectNowError",
        "ConnectionRefusedError",
        "InterfaceError",
        "AdminShutdownError",
        "ConnectionFailureError",
        "TooManyConnectionsError",
    }
)


def is_database_unavailable(error: BaseException) -> bool:
    """The database refused or lost the connection (a 503, never a 500).

    The driver's error can sit two levels down (asyncpg's ``CannotConnectNowError``
    while PostgreSQL stops or starts, under SQLAlchemy's ``DBAPIError`` and the
    dialect's ``Error``): walk the chain, bounded.
    """
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, (OSError, ConnectionError)) or (
            isinstance(seen, DBAPIError) and seen.connection_invalidated
        ):
            return True
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if type(seen).__name__ in _UNAVAILABLE_NAMES:
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False
