"""The ``job_runs`` table: idempotency claims, outcomes and dead letters of background jobs.

One row per idempotency key. A worker *claims* the key before running the job
(insert, or take over a finished-with-failure / expired-lease row with a
conditional UPDATE, so two workers that both received the same key cannot both
run it); the job's own writes and the ``succeeded`` mark commit in one
transaction, so a crash between them can never record success without the work
or do the work twice. A job that fails every attempt stays as ``dead``: that is
the dead-letter record (``haken jobs dead`` lists them, ``haken jobs retry``
re-enqueues one).

The ``job_outbox`` table is the transactional outbox in front of the broker:
``enqueue_job`` adds a row in the caller's transaction; a relay sends committed
rows to the broker and marks them sent (``haken.platform.jobs``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import JSON, Index, Integer, String, Text, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, IdMixin, UTCDateTime, utcnow

# "failed" is a dead letter released for another try (``haken jobs retry``).
JobStatus = Literal["running", "failed", "succeeded", "dead"]
ERROR_TEXT_LIMIT = 2000


class JobRun(IdMixin, Base):
    __tablename__ = "job_runs"

    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    job: Mapped[str] = mapped_column(String(100), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_id: Mapped[str] = mapped_column(String(128), nullable=False)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_job_runs_status_finished", "status", "finished_at"),)


@dataclass(frozen=True)
class Claim:
    """The outcome of trying to claim a key: ``attempts`` already spent before this one."""

    claimed: bool
    attempts: int = 0
    status: str = ""


async def claim(
    session: AsyncSession,
    *,
    key: str,
    job: str,
    arguments: dict[str, Any],
    request_id: str,
    lease_seconds: int,
) -> Claim:
    """Take the key for this worker, or say why not (already done, dead, or running elsewhere)."""
    now = utcnow()
    lease = now + dt.timedelta(seconds=lease_seconds)
    try:
        async with session.begin_nested():
            session.add(
                JobRun(
                    key=key,
                    job=job,
                    status="running",
                    attempts=0,
                    arguments=arguments,
                    request_id=request_id,
                    lease_until=lease,
                    created_at=now,
                )
            )
            await session.flush()
        return Claim(claimed=True)
    except IntegrityError:
        pass
    row = (
        await session.execute(select(JobRun.status, JobRun.attempts).where(JobRun.key == key))
    ).one()
    if row.status in {"succeeded", "dead"}:
        return Claim(claimed=False, attempts=row.attempts, status=row.status)
    taken = await session.execute(
        update(JobRun)
        .where(
            JobRun.key == key,
            JobRun.status.in_(("running", "failed")),
            or_(JobRun.status == "failed", JobRun.lease_until < now),
        )
        .values(status="running", lease_until=lease, request_id=request_id)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) == 1:
        return Claim(claimed=True, attempts=row.attempts)
    return Claim(claimed=False, attempts=row.attempts, status=row.status)


async def mark_succeeded(
    session: AsyncSession, *, key: str, attempts: int, result: dict[str, Any] | None
) -> None:
    await session.execute(
        update(JobRun)
        .where(JobRun.key == key)
        .values(
            status="succeeded",
            attempts=attempts,
            result=result,
            last_error=None,
            lease_until=None,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


async def mark_failed(
    session: AsyncSession, *, key: str, attempts: int, error: str, dead: bool, lease_seconds: int
) -> None:
    """Record a failed attempt: still ``running`` (lease renewed for the retry) or ``dead``."""
    now = utcnow()
    await session.execute(
        update(JobRun)
        .where(JobRun.key == key)
        .values(
            status="dead" if dead else "running",
            attempts=attempts,
            last_error=error[:ERROR_TEXT_LIMIT],
            lease_until=None if dead else now + dt.timedelta(seconds=lease_seconds),
            finished_at=now if dead else None,
        )
        .execution_options(synchronize_session=False)
    )


async def get(session: AsyncSession, key: str) -> JobRun | None:
    found: JobRun | None = (
        await session.execute(select(JobRun).where(JobRun.key == key))
    ).scalar_one_or_none()
    return found


async def list_dead(session: AsyncSession, *, limit: int = 100) -> list[JobRun]:
    rows = await session.execute(
        select(JobRun).where(JobRun.status == "dead").order_by(JobRun.id.desc()).limit(limit)
    )
    return list(rows.scalars())


async def release_for_retry(session: AsyncSession, key: str) -> JobRun | None:
    """Turn a dead letter back into a claimable ``failed`` row with a fresh attempt budget."""
    row = await get(session, key)
    if row is None or row.status != "dead":
        return None
    row.status = "failed"
    row.attempts = 0
    row.finished_at = None
    await session.flush()
    return row


async def purge_finished_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Forget succeeded runs older than ``cutoff``; dead letters stay until handled."""
    result = await session.execute(
        delete(JobRun)
        .where(JobRun.status == "succeeded", JobRun.finished_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- the outbox --------------------------------------------------------------------


class JobOutbox(IdMixin, Base):
    """A job written in the caller's transaction, waiting to be relayed to the broker.

    ``available_at`` is when a relay may take the row: a fresh row is left to the
    committing process's fast path for a few seconds, a claimed row is leased, and a
    failed send backs off. ``sent_at`` is set once the broker accepted it.
    """

    __tablename__ = "job_outbox"

    job: Mapped[str] = mapped_column(String(100), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    parent_request_id: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_job_outbox_sent_available", "sent_at", "available_at"),)


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as the relay sends it (no ORM state across sessions)."""

    id: int
    job: str
    key: str
    arguments: dict[str, Any]
    parent_request_id: str


def add_to_outbox(
    session: AsyncSession,
    *,
    job: str,
    key: str,
    arguments: dict[str, Any],
    parent_request_id: str,
    hold_seconds: float,
) -> JobOutbox:
    """Add the job to the caller's transaction; a relay may take it after ``hold_seconds``."""
    now = utcnow()
    row = JobOutbox(
        job=job,
        key=key,
        arguments=dict(arguments),
        parent_request_id=parent_request_id,
        created_at=now,
        available_at=now + dt.timedelta(seconds=hold_seconds),
        attempts=0,
    )
    session.add(row)
    return row


async def count_due(session: AsyncSession) -> int:
    """Unsent rows a relay may take now (a cheap read before taking the write lock)."""
    now = utcnow()
    found = await session.scalar(
        select(func.count())
        .select_from(JobOutbox)
        .where(JobOutbox.sent_at.is_(None), JobOutbox.available_at <= now)
    )
    return int(found or 0)


async def count_unsent(session: AsyncSession) -> int:
    found = await session.scalar(
        select(func.count()).select_from(JobOutbox).where(JobOutbox.sent_at.is_(None))
    )
    return int(found or 0)


async def claim_outbox(
    session: AsyncSession, *, limit: int, lease_seconds: float
) -> list[OutboxEntry]:
    """Lease up to ``limit`` due unsent rows to this relay, oldest first.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so relays in several processes take
    disjoint rows; SQLite: the write transaction (``BEGIN IMMEDIATE``) serialises
    them. The lease keeps another relay off while this one talks to the broker.
    """
    now = utcnow()
    rows = (
        await session.execute(
            select(JobOutbox)
            .where(JobOutbox.sent_at.is_(None), JobOutbox.available_at <= now)
            .order_by(JobOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    entries = [
        OutboxEntry(row.id, row.job, row.key, dict(row.arguments), row.parent_request_id)
        for row in rows
    ]
    if entries:
        await session.execute(
            update(JobOutbox)
            .where(JobOutbox.id.in_([entry.id for entry in entries]))
            .values(available_at=now + dt.timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
    return entries


async def mark_sent(session: AsyncSession, ids: Sequence[int]) -> None:
    if not ids:
        return
    await session.execute(
        update(JobOutbox)
        .where(JobOutbox.id.in_(list(ids)))
        .values(sent_at=utcnow(), attempts=JobOutbox.attempts + 1, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def mark_not_sent(
    session: AsyncSession, ids: Sequence[int], *, error: str | None, retry_in: float
) -> None:
    """Give leased rows back: counted as a failed attempt when ``error`` is given."""
    if not ids:
        return
    values: dict[str, Any] = {"available_at": utcnow() + dt.timedelta(seconds=retry_in)}
    if error is not None:
        values.update(attempts=JobOutbox.attempts + 1, last_error=error[:ERROR_TEXT_LIMIT])
    await session.execute(
        update(JobOutbox)
        .where(JobOutbox.id.in_(list(ids)), JobOutbox.sent_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def purge_sent_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Forget outbox rows sent before ``cutoff``; unsent rows stay until relayed."""
    result = await session.execute(
        delete(JobOutbox)
        .where(JobOutbox.sent_at.is_not(None), JobOutbox.sent_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def state_counts(session: AsyncSession) -> dict[str, int]:
    """Job runs by status and the outbox rows not yet sent, in one statement (admin dashboard).

    Keys: ``running``, ``failed`` (released dead letters awaiting their retry),
    ``succeeded`` (kept for ``job_record_retention_days``), ``dead`` and ``outbox_unsent``.
    """

    def runs(status: str) -> Any:
        return (
            select(func.count())
            .select_from(JobRun)
            .where(JobRun.status == status)
            .scalar_subquery()
            .label(status)
        )

    unsent = (
        select(func.count())
        .select_from(JobOutbox)
        .where(JobOutbox.sent_at.is_(None))
        .scalar_subquery()
        .label("outbox_unsent")
    )
    row = (
        await session.execute(
            select(runs("running"), runs("failed"), runs("succeeded"), runs("dead"), unsent)
        )
    ).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}
