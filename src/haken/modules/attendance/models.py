"""Timecards, the site settings they are read with, closing periods and the period ledger.

* ``attendance_site_settings`` / ``attendance_shift_patterns``: per site, the time zone, the
  営業日分岐 (day-change hour) and the shifts (朝番 / 昼番 / 夜番 …) offered as defaults.
* ``attendance_timecards``: one row per assignment and business day; times are UTC with the
  site's zone beside them. ``contract_id`` and ``site_id`` are copied from the assignment so
  that the billing recompute and a site manager's scope are one indexed read.
* ``attendance_periods``: closed (or reopened) periods. A payroll period has no subject (the
  agency closes every employee's period at once); a billing period names its contract.
* ``attendance_ledger``: the classified minutes of one payroll period of one employee or one
  billing period of one contract (the figures every later reader uses).
* ``attendance_overtime_agreements``: the 36協定's own limits per site and agreement year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, TimestampMixin, UTCDateTime, VersionedMixin

LEDGER_MINUTES = (
    "regular",
    "within_statutory_overtime",
    "overtime",
    "overtime_over_60h",
    "night",
    "overtime_night",
    "rest_day",
    "rest_day_night",
)
"""The ledger's minute columns: the keys of ``labor.premiums.PremiumMinutes.summary()``."""


class SiteSettings(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "attendance_site_settings"

    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str] = mapped_column(String(40), nullable=False, default="Asia/Tokyo")
    day_change: Mapped[dt.time] = mapped_column(Time, nullable=False, default=dt.time(5, 0))


class ShiftPattern(IdMixin, Base):
    __tablename__ = "attendance_shift_patterns"

    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="CASCADE"), nullable=False
    )
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    start_time: Mapped[dt.time] = mapped_column(Time, nullable=False)
    end_time: Mapped[dt.time] = mapped_column(Time, nullable=False)
    break_minutes: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_attendance_shift_site_code"),)


class Timecard(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "attendance_timecards"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    assignment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("assignments.id", ondelete="RESTRICT"), nullable=False
    )
    contract_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("dispatch_contracts.id", ondelete="RESTRICT"), nullable=False
    )
    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    work_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    shift_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    timezone: Mapped[str] = mapped_column(String(40), nullable=False)
    break_minutes: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    marker: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    rejected_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="manual")
    import_file_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    # 資格外活動 findings of the last check (labor.residence.find_hours_violations), or None.
    hours_warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    warned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        UniqueConstraint("assignment_id", "work_date", name="uq_attendance_timecards_day"),
        Index("ix_attendance_timecards_employee", "employee_id", "work_date", "id"),
        Index("ix_attendance_timecards_site", "site_id", "work_date", "id"),
        Index("ix_attendance_timecards_contract", "contract_id", "work_date", "id"),
        Index("ix_attendance_timecards_state", "state", "work_date", "id"),
        Index("ix_attendance_timecards_warned", "warned", "work_date", "id"),
        Index("ix_attendance_timecards_import_file", "import_file_id"),
    )


class Period(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "attendance_periods"

    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # payroll / billing
    # 0 for a payroll period (every employee); the contract id for a billing period.
    subject_id: Mapped[int] = mapped_column(BigIntPK, nullable=False, default=0)
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False)  # closed / open
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reopened_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    reopen_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "period_start", name="uq_attendance_periods_key"),
        Index("ix_attendance_periods_state", "state", "period_start", "period_end"),
        Index("ix_attendance_periods_start", "period_start", "id"),
    )


class LedgerEntry(IdMixin, Base):
    __tablename__ = "attendance_ledger"

    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # payroll / billing
    # The employee id (payroll) or the contract id (billing).
    subject_id: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    worked_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    regular: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    within_statutory_overtime: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overtime: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overtime_over_60h: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    night: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overtime_night: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rest_day: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rest_day_night: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worked_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paid_leave_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    half_leave_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    absence_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Days of statutory leave and of closure for the employer's reasons (0029).
    work_injury_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    maternity_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    childcare_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    family_care_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    closure_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    timecard_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "period_start", name="uq_attendance_ledger_key"),
        Index("ix_attendance_ledger_period", "kind", "period_start", "subject_id", "id"),
    )


class OvertimeAgreement(IdMixin, TimestampMixin, Base):
    __tablename__ = "attendance_overtime_agreements"

    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    monthly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    yearly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    variable_hours_1y: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    special_clause: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    special_monthly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    special_yearly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    special_months_max: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    __table_args__ = (
        UniqueConstraint("site_id", "period_start", name="uq_attendance_agreements_site_start"),
    )


class ImportMapping(TimestampMixin, VersionedMixin, Base):
    """Where a client's timesheet keeps each field: ``columns`` maps a field (employee, date,
    start, end, break_minutes, shift_code, note) to a column, named by its header text or by
    its letter (A, B, …); ``employee_key`` says whether the employee column holds the
    employee number or the name."""

    __tablename__ = "attendance_import_mappings"

    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    columns: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    employee_key: Mapped[str] = mapped_column(String(10), nullable=False, default="number")
    header_row: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)


class ImportFile(IdMixin, TimestampMixin, VersionedMixin, Base):
    """An uploaded timesheet: its content (so a commit validates again what it writes), the
    dry-run report, and once committed the number of timecards written. One per client and
    content (sha256): uploading the same file again finds this row."""

    __tablename__ = "attendance_import_files"

    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_format: Mapped[str] = mapped_column(String(4), nullable=False)  # csv / xlsx
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # What the commit starts from. A clean dry run: its verdict (a dict, ``imports.Verdict``:
    # the normalised cards and the digests of the mapping and data they were checked against),
    # so the commit re-checks only what can have changed. A dry run with problems: an Excel
    # file's cells as it read them (a list, ``imports.encode_cells``), so the commit checks
    # them again without parsing the workbook a second time; a CSV file: nothing.
    cells: Mapped[list[list[Any]] | dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False)  # checked / committed
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    uploaded_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    committed_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)

    __table_args__ = (
        UniqueConstraint("client_id", "sha256", name="uq_attendance_import_files_client_sha"),
        Index("ix_attendance_import_files_client", "client_id", "created_at", "id"),
    )
