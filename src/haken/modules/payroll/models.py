"""Payroll tables: each employee's pay settings, one run per payroll period, the payslips
(every line with its basis) and the adjustments that correct a closed period in a later one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
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


class PayrollProfile(IdMixin, TimestampMixin, VersionedMixin, Base):
    """What payroll needs of an employee beyond the employee record (entered by the office)."""

    __tablename__ = "payroll_profiles"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False, unique=True
    )
    pay_type: Mapped[str] = mapped_column(String(8), nullable=False, default="hourly")
    monthly_salary: Mapped[int | None] = mapped_column(Integer, nullable=True)
    average_monthly_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scheduled_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    allowance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    commuting: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    standard_remuneration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    social_insured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    employment_insured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # The 12 special-collection amounts June–May of the municipality's notice ([] = none).
    resident_tax: Mapped[list[int]] = mapped_column(
        JSON, nullable=False, default=list, server_default=text("'[]'")
    )
    other_deductions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # 所得税法231条2項: payslips delivered electronically only with the employee's consent.
    payslip_e_delivery_consent: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    payslip_e_delivery_consent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # 支払基礎日数 threshold of 定時決定/随時改定: regular / part_time / short_time.
    insured_kind: Mapped[str] = mapped_column(
        String(12), nullable=False, default="regular", server_default=text("'regular'")
    )


class PayrollRun(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One payroll period (cut-off and pay date of the attendance ledger's period)."""

    __tablename__ = "payroll_runs"

    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False, unique=True)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    pay_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False, default="open")  # open/closed
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    # queued / running / done
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cursor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    """The last employee id done: the next batch starts after it (resumable)."""
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_payroll_runs_start", "period_start", "id"),)


class PayrollBonus(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A bonus payment batch (賞与支給): a pay date and each employee's amount with the
    withholding rate the office entered; draft → calculated → closed (then immutable)."""

    __tablename__ = "payroll_bonuses"

    pay_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(60), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    # draft / calculated / closed
    entries: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, nullable=False, default=list, server_default=text("'[]'")
    )
    """[{employee_id, amount, rate_pct}] in employee order."""
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    calculated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_payroll_bonuses_pay_date", "pay_date", "id"),)


class Payslip(IdMixin, Base):
    """One employee's pay of one run; ``lines`` keep each amount with its basis."""

    __tablename__ = "payroll_payslips"

    run_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("payroll_runs.id", ondelete="CASCADE"), nullable=True
    )
    """The monthly run (None on a bonus payslip, which has ``bonus_id``)."""
    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    """The period's first day (a bonus payslip: its pay date)."""
    pay_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False)  # ok / error
    kind: Mapped[str] = mapped_column(
        String(8), nullable=False, default="monthly", server_default=text("'monthly'")
    )
    """monthly (給与) / bonus (賞与)."""
    bonus_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("payroll_bonuses.id", ondelete="CASCADE"), nullable=True
    )
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    gross: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    social_insurance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    employment_insurance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The parts of this payslip's labour cost (labor.margin.labour_cost), kept when it is
    # computed: the margin report adds them up instead of reading every payslip's lines.
    commuting_pay: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    """The commuting allowance inside ``gross`` (shown apart in the margins)."""
    paid_leave_pay: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    """The paid-leave pay inside ``gross``."""
    employer_social_insurance: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    """The employer's shares of the health group's and the pension's premiums."""
    employer_employment_insurance: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    income_tax: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    resident_tax: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deductions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    net: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, nullable=False, default=list, server_default=text("'[]'")
    )
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    base_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    """支払基礎日数 (定時決定 and 随時改定 count a month by it)."""
    worked_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )

    __table_args__ = (
        UniqueConstraint("run_id", "employee_id", name="uq_payroll_payslips_run_employee"),
        UniqueConstraint("bonus_id", "employee_id", name="uq_payroll_payslips_bonus_employee"),
        Index("ix_payroll_payslips_employee", "employee_id", "period_start", "id"),
        Index("ix_payroll_payslips_run_status", "run_id", "status", "employee_id"),
    )


class PayrollAdjustment(IdMixin, Base):
    """A correction of a closed period, paid (or recovered) as a line of a later period."""

    __tablename__ = "payroll_adjustments"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    """The open period whose payslip carries it."""
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    source_payslip_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("payroll_payslips.id", ondelete="SET NULL"), nullable=True
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_payroll_adjustments_period", "period_start", "employee_id", "id"),)


class PayrollGrade(IdMixin, Base):
    """A decided 標準報酬月額 of an insured employee from its first premium month
    (資格取得時決定, 定時決定, 随時改定, or entered): runs use the latest in force."""

    __tablename__ = "payroll_grades"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    effective_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    """The first premium month (the 1st of the month)."""
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    # acquisition / regular (定時決定) / occasional (随時改定) / entered
    health_grade: Mapped[int] = mapped_column(Integer, nullable=False)
    health_standard: Mapped[int] = mapped_column(Integer, nullable=False)
    pension_grade: Mapped[int] = mapped_column(Integer, nullable=False)
    pension_standard: Mapped[int] = mapped_column(Integer, nullable=False)
    average: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The 報酬月額 it was decided from."""
    months: Mapped[list[str]] = mapped_column(
        JSON, nullable=False, default=list, server_default=text("'[]'")
    )
    method: Mapped[str] = mapped_column(
        String(16), nullable=False, default="usual", server_default="usual"
    )
    """usual (the statutory months) / annual_average (保険者算定, 年間平均)."""
    consent: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    """The office recorded the seasonal business and the employee's consent (年間平均)."""
    retroactive_excluded: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    """遡及支払 for months before the averaged ones, left out of the average."""
    basis: Mapped[str] = mapped_column(String(400), nullable=False, default="", server_default="")
    """How the grade was decided, in one line (method, months, average)."""
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("employee_id", "effective_from", name="uq_payroll_grades_effective"),
    )


class PayrollPdfExport(IdMixin, Base):
    """One bulk payslip PDF of a run or a bonus payment, built by a background job a batch
    at a time (``processed`` of ``total``); ``file`` names it in the data directory once
    ``status`` is done (docs/payroll: "Bulk payslip PDF")."""

    __tablename__ = "payroll_pdf_exports"

    run_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("payroll_runs.id", ondelete="CASCADE"), nullable=True
    )
    bonus_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("payroll_bonuses.id", ondelete="CASCADE"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="running")
    # running / done / failed
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pages: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cursor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    """The last employee drawn (the next batch starts after it)."""
    parts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    filename: Mapped[str] = mapped_column(String(80), nullable=False)
    requested_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_payroll_pdf_exports_run", "run_id", "id"),
        Index("ix_payroll_pdf_exports_bonus", "bonus_id", "id"),
    )
