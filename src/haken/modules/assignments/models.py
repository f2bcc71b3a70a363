"""Dispatch contracts (個別契約), assignments and their effective-dated rates.

* ``dispatch_contracts``: the individual contract of 派遣法26条 with the items the law
  requires (JP_DISPATCH.md §1.1). The client, site and unit names are copied in when the
  contract is made: a signed contract states what was true then, and lists show them without
  reading another module's tables.
* ``assignments``: one employee on one unit under one contract for a period. The client,
  site and unit ids (and the contract's number and names) repeat the contract's so that
  every list filter is one indexed column and a page is read from one table.
  The 抵触日 computed by ``haken.labor.dispatch`` are stored (``site_conflict_date``,
  ``individual_conflict_date`` and the binding ``conflict_date``) so that "reaching a
  conflict date within N days" is an index range scan; they are recomputed on every write
  that can move them and nightly (client extensions, see ``tasks.py``).
* ``assignment_rates``: append-only history; a change inserts a row effective from a date
  and reads take the row in force on the date asked. Money is ``Numeric(10, 2)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
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
from haken.platform.repository import ArchivedAtMixin

Money = Numeric(10, 2)
Percent = Numeric(5, 2)


class DispatchContract(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, Base):
    """An individual dispatch contract (個別契約書; 派遣法26条, 則21–22条の2)."""

    __tablename__ = "dispatch_contracts"

    contract_number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    unit_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_units.id", ondelete="RESTRICT"), nullable=False
    )
    client_name: Mapped[str] = mapped_column(String(200), nullable=False)
    site_name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # The agency's office the contract is made from (派遣元事業所; offices module): NULL is
    # the default office (contracts made before offices existed).
    office_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("offices.id", ondelete="RESTRICT"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # draft / active / ended
    # Item 5: period and working days; item 6: hours and breaks.
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    working_days: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    start_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    end_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    break_minutes: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    # Items 1–3: work (業務内容), responsibility level, place of work.
    work_content: Mapped[str] = mapped_column(Text, nullable=False)
    responsibility_level: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    work_place: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    headcount: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    # Item 4: 指揮命令者; item 11: 派遣先責任者 / 派遣元責任者.
    supervisor_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    supervisor_department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    supervisor_title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    client_manager_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    agency_manager_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    # Item 12: work beyond the agreed hours and days (within the agency's 36協定).
    overtime_hours_per_day: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    overtime_hours_per_month: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    overtime_hours_per_year: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    holiday_work_days_per_month: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    # 請求の締め日 (the billing period of attendance and invoices): 0 = none of its own, the
    # client's closing day applies (NOT NULL: schemas.BILLING_CUTOFF_OF_CLIENT), 1–27 = that
    # day of the month, 31 = 末日 (BILLING_CUTOFF_MONTH_END); resolved by billing.service.
    billing_cutoff_day: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, default=0, server_default="0"
    )
    # The first day a changed billing_cutoff_day groups (billing.service: cut-off changes).
    billing_cutoff_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Items 15–17: limited to 無期/60+ workers, to 協定対象 workers; the period-limit exemption.
    limited_to_exempt_workers: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    limited_to_agreement_workers: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )
    work_exemption: Mapped[str | None] = mapped_column(String(24), nullable=True)
    exemption_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The fee agreed for this contract: the default bill rate of its assignments.
    default_hourly_bill: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        Index("ix_dispatch_contracts_start", "period_start", "id"),
        Index("ix_dispatch_contracts_end", "period_end", "id"),
        Index("ix_dispatch_contracts_created", "created_at", "id"),
        Index("ix_dispatch_contracts_number", "contract_number", "id"),
        Index("ix_dispatch_contracts_client", "client_id", "period_start", "id"),
        Index("ix_dispatch_contracts_site", "site_id", "period_start", "id"),
        Index("ix_dispatch_contracts_unit", "unit_id", "period_start", "id"),
        Index("ix_dispatch_contracts_status", "status", "period_start", "id"),
        Index("ix_dispatch_contracts_office", "office_id", "id"),
    )


class Assignment(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One employee on one 組織単位 under one contract, for a period (both days included)."""

    __tablename__ = "assignments"

    contract_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("dispatch_contracts.id", ondelete="RESTRICT"), nullable=False
    )
    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="RESTRICT"), nullable=False
    )
    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    unit_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_units.id", ondelete="RESTRICT"), nullable=False
    )
    # Copied from the contract so that a list page is one table read in index order (a join
    # let PostgreSQL's planner pick hash joins over whole tables for small pages).
    contract_number: Mapped[str] = mapped_column(String(40), nullable=False)
    client_name: Mapped[str] = mapped_column(String(200), nullable=False)
    site_name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # active / ended / cancelled
    end_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Exemption from both 3-year limits: of the work (project, few days, leave cover), given
    # by the coordinator; ``exemption`` is the one that applies (worker's or work's).
    work_exemption: Mapped[str | None] = mapped_column(String(24), nullable=True)
    exemption_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    exemption: Mapped[str | None] = mapped_column(String(24), nullable=True)
    site_conflict_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    individual_conflict_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    conflict_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    conflict_kind: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # What the coordinator established for the residence-status check (JP_DISPATCH §2.1).
    specified_skilled_field: Mapped[str | None] = mapped_column(String(40), nullable=True)
    agency_qualified_for_field: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    work_matches_status: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    designation_permits_work: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    supervised_dispatch_type: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    student_enrolled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Limits of a 資格外活動許可, for the attendance checks (§2.2).
    weekly_hours_limit: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    vacation_daily_hours_limit: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    permit_document_check: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    allow_negative_margin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_assignments_start", "start_date", "id"),
        Index("ix_assignments_end", "end_date", "id"),
        Index("ix_assignments_created", "created_at", "id"),
        Index("ix_assignments_conflict", "conflict_date", "id"),
        Index("ix_assignments_employee", "employee_id", "start_date", "id"),
        Index("ix_assignments_unit", "unit_id", "start_date", "id"),
        Index("ix_assignments_site", "site_id", "start_date", "id"),
        Index("ix_assignments_client", "client_id", "start_date", "id"),
        Index("ix_assignments_contract", "contract_id", "start_date", "id"),
        Index("ix_assignments_status", "status", "start_date", "id"),
    )


class AssignmentRate(IdMixin, Base):
    """The pay and bill rates of an assignment from ``effective_from`` on (history kept).

    Premiums are percentages added to the hourly rate: pay premiums may not fall below the
    statutory minimums (overtime 25 %, late night 25 %, legal holiday 35 %; JP_LABOR §1);
    bill premiums are whatever the client agreed.
    """

    __tablename__ = "assignment_rates"

    assignment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False
    )
    effective_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    hourly_pay: Mapped[Decimal] = mapped_column(Money, nullable=False)
    hourly_bill: Mapped[Decimal] = mapped_column(Money, nullable=False)
    overtime_pay_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    late_night_pay_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    holiday_pay_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    overtime_bill_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    late_night_bill_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    holiday_bill_pct: Mapped[Decimal] = mapped_column(Percent, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        UniqueConstraint("assignment_id", "effective_from", name="uq_assignment_rates_effective"),
    )


class PriorDispatchPeriod(IdMixin, Base):
    """A period the worker spent in a client's 組織単位 through **another** agency.

    The individual limit (派遣法40条の3) counts the same worker in the same unit whatever the
    agency (JP_LABOR §7.1), so these periods join this agency's own assignments when the
    individual 抵触日 is computed (``clocks.py``). ``source`` says who declared it: the
    coordinator (``coordinator``) or the client's supervisor (``client_supervisor``; that role
    does not exist yet, so ``confirmed_by``/``confirmed_at`` stay empty until it does);
    ``source_note`` names the agency or the document. The client and site ids repeat the
    unit's (scope of site managers, like ``assignments``).
    """

    __tablename__ = "prior_dispatch_periods"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="CASCADE"), nullable=False
    )
    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    unit_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_units.id", ondelete="RESTRICT"), nullable=False
    )
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    entered_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    confirmed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_prior_dispatch_periods_employee", "employee_id", "unit_id", "start_date"),
        Index("ix_prior_dispatch_periods_site", "site_id", "employee_id"),
    )
