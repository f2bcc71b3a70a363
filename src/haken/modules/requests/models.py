"""The requests area's tables.

* ``requests``: one row per request; ``payload`` is the type's body (validated by the
  discriminated union of ``schemas.RequestPayload`` on the way in), ``state`` submitted →
  approved_by_site → approved, or rejected / cancelled / withdrawn; ``step`` is the index of
  the current approver in the type's chain (``schemas.CHAINS``) and ``approver`` its kind
  (``site`` / ``admin``; null once decided) so a queue is one indexed read.
* ``request_events``: the history (submit, approve, reject, cancel, withdraw, comment).
* ``request_exits``: what an approved resignation fixes for the other areas (last working
  day, housing move-out due, final pay period); ``cancelled_at`` when it is withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import (
    Base,
    BigIntPK,
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)


class Request(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "requests"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    step: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    approver: Mapped[str | None] = mapped_column(String(10), nullable=True)
    requested_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_requests_employee", "employee_id", "id"),
        Index("ix_requests_approver", "approver", "id"),
    )


class RequestEvent(IdMixin, Base):
    __tablename__ = "request_events"

    request_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False
    )
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_request_events_request", "request_id", "id"),)


class RequestExit(IdMixin, Base):
    __tablename__ = "request_exits"

    request_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    last_working_day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    move_out_due: Mapped[dt.date] = mapped_column(Date, nullable=False)
    final_pay_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    final_pay_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_request_exits_employee", "employee_id"),)
