"""Candidates (履歴書) and their status history.

The fields follow what agencies record on a 履歴書 (PRIOR_ART.md §1.3); multi-slot parts
(licences, family, work history) are JSON lists validated by the schemas. The residence
card number is ciphertext plus its last four characters, as on employees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
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

NameKey = String(200).with_variant(String(200, collation="C"), "postgresql")


class Candidate(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "candidates"

    status: Mapped[str] = mapped_column(String(12), nullable=False)
    status_changed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )
    reception_date: Mapped[dt.date] = mapped_column(Date, nullable=False)  # 受付日
    arrival_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # 来日

    name_kanji: Mapped[str | None] = mapped_column(String(100), nullable=True)
    name_kana: Mapped[str] = mapped_column(String(100), nullable=False)
    name_romaji: Mapped[str] = mapped_column(String(100), nullable=False)
    kanji_key: Mapped[str | None] = mapped_column(NameKey, nullable=True)
    kana_key: Mapped[str] = mapped_column(NameKey, nullable=False)
    romaji_key: Mapped[str] = mapped_column(NameKey, nullable=False)
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    gender: Mapped[str] = mapped_column(String(12), nullable=False)
    nationality: Mapped[str] = mapped_column(String(2), nullable=False)
    marital_status: Mapped[str | None] = mapped_column(String(12), nullable=True)

    residence_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    residence_card_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    residence_card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    residence_card_expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    extra_activity_permission: Mapped[str] = mapped_column(String(12), nullable=False)
    extra_activity_weekly_hours: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    prefecture: Mapped[str | None] = mapped_column(String(2), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address_line1: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_line2: Mapped[str | None] = mapped_column(String(200), nullable=True)

    jlpt_level: Mapped[str | None] = mapped_column(String(4), nullable=True)
    japanese_conversation: Mapped[str | None] = mapped_column(String(12), nullable=True)
    licenses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    experience: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    experience_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    uniform_size: Mapped[str | None] = mapped_column(String(6), nullable=True)
    shoe_size_cm: Mapped[Decimal | None] = mapped_column(Numeric(3, 1), nullable=True)
    commute_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    commute_minutes: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    emergency_contact: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    family: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    work_history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)

    # A random file name under <data dir>/uploads/candidates; never the uploader's name.
    photo_file: Mapped[str | None] = mapped_column(String(64), nullable=True)
    photo_content_type: Mapped[str | None] = mapped_column(String(20), nullable=True)

    # Set by the hire; the employee row points back through employees.candidate_id.
    employee_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("employees.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
        unique=True,
    )
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_candidates_created", "created_at", "id"),
        Index("ix_candidates_kana", "kana_key", "id"),
        Index("ix_candidates_romaji", "romaji_key", "id"),
        Index("ix_candidates_kanji", "kanji_key"),
        Index("ix_candidates_status", "status", "created_at", "id"),
        Index("ix_candidates_nationality", "nationality", "created_at"),
        Index("ix_candidates_residence_status", "residence_status", "created_at"),
        Index("ix_candidates_card_expiry", "residence_card_expiry", "id"),
    )


class CandidateStatusChange(IdMixin, Base):
    """One step of a candidate through the pipeline: who moved it, when, why."""

    __tablename__ = "candidate_status_history"

    candidate_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False
    )
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12), nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    __table_args__ = (
        Index("ix_candidate_status_history_candidate", "candidate_id", "changed_at", "id"),
    )
