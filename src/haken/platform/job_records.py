"""The ``job_runs`` table: idempotency claims, outcomes and dead letters of background jobs.

One row per idempotency key. A worker *claims* the key before running the job
(insert, or take over a finished-with-failure / expired-lease row with a
conditional UPDATE, so two workers that both received the same key cannot both
run it); the job's own writes and the ``succeeded`` mark commit in one
transaction, so a crash between them can never record success without the work
or do the work twice. A job that fails every attempt stays as ``dead``: that is
the dead-letter record (``haken jobs dead`` lists them, ``haken jobs retry``
re-enqueues one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import JSON, Index, Integer, String, Text, delete, or_, select, update
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
