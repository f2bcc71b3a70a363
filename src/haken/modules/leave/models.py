"""年次有給休暇管理簿 (則24条の7): grants and the leave taken, per employee.

* ``leave_grants``: one row per grant (unique per employee and grant date: the daily job
  grants once). Besides the days and the last valid day it keeps how the grant was decided
  (the table row, the weekly days and hours used, the attendance rate or that it was assumed,
  the start of the continuous service) and two running figures that the lists read without
  loading any taking: ``used_days`` (drawn from this grant, oldest grant first) and, for a
  grant that carries the 5-day duty (Art. 39(7)), ``duty_deadline`` and ``duty_counted``.
  Both are rewritten from the takings whenever one is recorded or cancelled.
* ``leave_takings``: one row per date of leave (a day, a half day or hours), of kind
  ``request`` (the worker's, approved), ``designation`` (時季指定, Art. 39(7)) or ``planned``
  (計画的付与, Art. 39(6)); cancelled rows stay with ``cancelled_at`` (the ledger's history).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, UTCDateTime, utcnow


class LeaveGrant(IdMixin, Base):
    __tablename__ = "leave_grants"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    grant_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    days: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    expires_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # statutory/advance/special
    table: Mapped[str | None] = mapped_column(String(12), nullable=True)  # LeaveTable value
    service_index: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    service_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    weekly_days: Mapped[Decimal | None] = mapped_column(Numeric(3, 1), nullable=True)
    weekly_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    schedule_source: Mapped[str] = mapped_column(String(20), nullable=False)  # contract/default
    attendance_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4), nullable=True)
    attendance_basis: Mapped[str] = mapped_column(String(20), nullable=False)  # recorded/assumed
    used_days: Mapped[Decimal] = mapped_column(Numeric(7, 3), nullable=False, default=Decimal(0))
    duty_deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    duty_counted: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False, default=Decimal(0))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # null: the job

    __table_args__ = (
        UniqueConstraint("employee_id", "grant_date", name="uq_leave_grants_employee_date"),
        Index("ix_leave_grants_duty_deadline", "duty_deadline", "employee_id"),
        Index("ix_leave_grants_expires", "expires_on", "employee_id"),
    )


class LeaveTaking(IdMixin, Base):
    __tablename__ = "leave_takings"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    grant_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("leave_grants.id", ondelete="RESTRICT"), nullable=True
    )
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    unit: Mapped[str] = mapped_column(String(10), nullable=False)  # day/half_day/hours
    hours: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    half: Mapped[str | None] = mapped_column(String(2), nullable=True)  # am/pm (a half day)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # request/designation/planned
    request_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_leave_takings_employee_day", "employee_id", "day"),
        Index("ix_leave_takings_request", "request_id"),
    )
