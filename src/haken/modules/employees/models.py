"""Employees and their contract periods and dependants.

Personal numbers are stored only as AES-GCM ciphertext (``…_enc``, see
``haken.platform.security.FieldCipher``) next to their last four characters for masked
display; the plaintext never reaches the database. Name keys (``…_key``) hold the
normalised forms of the names (``haken.platform.names``) with the binary "C" collation on
PostgreSQL, so ``LIKE 'key%'`` and ``ORDER BY`` both use the same b-tree index.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, TimestampMixin, UTCDateTime, VersionedMixin

# Byte-wise order and prefix matching on PostgreSQL; SQLite compares bytes already.
NameKey = String(200).with_variant(String(200, collation="C"), "postgresql")


class Employee(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "employees"

    candidate_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("candidates.id", ondelete="RESTRICT"), nullable=True, unique=True
    )
    employee_number: Mapped[str | None] = mapped_column(String(20), nullable=True, unique=True)

    name_kanji: Mapped[str | None] = mapped_column(String(100), nullable=True)
    name_kana: Mapped[str] = mapped_column(String(100), nullable=False)
    name_romaji: Mapped[str] = mapped_column(String(100), nullable=False)
    kanji_key: Mapped[str | None] = mapped_column(NameKey, nullable=True)
    kana_key: Mapped[str] = mapped_column(NameKey, nullable=False)
    romaji_key: Mapped[str] = mapped_column(NameKey, nullable=False)
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    gender: Mapped[str] = mapped_column(String(12), nullable=False)
    nationality: Mapped[str] = mapped_column(String(2), nullable=False)

    residence_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    residence_card_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    residence_card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    residence_card_expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    renewal_applied_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    renewal_decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # labor.residence.work_permitted_until of the three dates above, kept for the index.
    work_permitted_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # 留学: the school's long vacations [{"start", "end"}] (attendance's 8 h a day rule).
    long_vacations: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, nullable=False, default=list, server_default=text("'[]'")
    )
    extra_activity_permission: Mapped[str] = mapped_column(String(12), nullable=False)
    extra_activity_weekly_hours: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    prefecture: Mapped[str | None] = mapped_column(String(2), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address_line1: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_line2: Mapped[str | None] = mapped_column(String(200), nullable=True)

    employment_type: Mapped[str] = mapped_column(String(12), nullable=False)
    term_type: Mapped[str] = mapped_column(String(12), nullable=False)
    hire_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    leave_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    leave_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    client_worker_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Maintained by the assignments module through employees_service.set_current_placement.
    current_client_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    current_site_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    bank_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    bank_branch_code: Mapped[str | None] = mapped_column(String(3), nullable=True)
    bank_account_type: Mapped[str | None] = mapped_column(String(10), nullable=True)
    bank_account_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    bank_account_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    bank_account_holder_kana: Mapped[str | None] = mapped_column(String(60), nullable=True)
    my_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    my_number_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    withholding_column: Mapped[str] = mapped_column(String(4), nullable=False)

    conversion_exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # labor.fixed_term.conversion_right_date of the contract periods, kept on every change.
    conversion_right_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        # The hire-time duplicate rule: normalised romaji + birth date, never kana.
        UniqueConstraint("romaji_key", "birth_date", name="uq_employees_romaji_birth"),
        Index("ix_employees_kana", "kana_key", "id"),
        Index("ix_employees_romaji", "romaji_key", "id"),
        Index("ix_employees_kanji", "kanji_key"),
        Index("ix_employees_created", "created_at", "id"),
        Index("ix_employees_hire", "hire_date", "id"),
        Index("ix_employees_status", "status", "kana_key"),
        Index("ix_employees_employment_type", "employment_type", "kana_key"),
        Index("ix_employees_term_type", "term_type", "kana_key"),
        Index("ix_employees_client", "current_client_id"),
        Index("ix_employees_site", "current_site_id"),
        Index("ix_employees_nationality", "nationality"),
        Index("ix_employees_residence_status", "residence_status"),
        Index("ix_employees_client_worker", "client_worker_id"),
        Index("ix_employees_permitted_until", "work_permitted_until", "id"),
    )


class EmployeeContractPeriod(IdMixin, Base):
    """One fixed-term contract with the agency (both days included)."""

    __tablename__ = "employee_contract_periods"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="CASCADE"), nullable=False
    )
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    __table_args__ = (Index("ix_employee_contract_periods_employee", "employee_id", "start_date"),)


class EmployeeDependant(IdMixin, Base):
    """A family member declared on the 扶養控除等申告書 (payroll counts them)."""

    __tablename__ = "employee_dependants"

    employee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("employees.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    name_kana: Mapped[str | None] = mapped_column(String(100), nullable=True)
    relationship: Mapped[str] = mapped_column(String(12), nullable=False)
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    disability: Mapped[str] = mapped_column(String(8), nullable=False, default="none")
    cohabiting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    income_within_limit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (Index("ix_employee_dependants_employee", "employee_id", "id"),)


class EmployeeNumberCounter(Base):
    """The last 社員番号 sequence given per scope (the number pattern with its year filled
    in); advanced with UPDATE … RETURNING, so concurrent hires wait on the row and never get
    the same number (the unique index on ``employees.employee_number`` backs it)."""

    __tablename__ = "employee_number_counters"

    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
