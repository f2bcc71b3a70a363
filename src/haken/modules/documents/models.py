from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, UTCDateTime, utcnow


class GeneratedDocument(IdMixin, Base):
    """One issued version of a document: the data it was written from (``snapshot``), its
    hash, and the PDF as issued. A change of the data issues a new version; old ones stay."""

    __tablename__ = "generated_documents"

    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # client_notice …
    subject_type: Mapped[str] = mapped_column(String(16), nullable=False)  # contract/worker/client
    subject_id: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    client_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    contract_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    employee_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    issued_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint(
            "kind", "subject_type", "subject_id", "version", name="uq_generated_documents_version"
        ),
        Index("ix_generated_documents_client", "client_id", "issued_at", "id"),
        Index("ix_generated_documents_contract", "contract_id", "issued_at", "id"),
        Index("ix_generated_documents_employee", "employee_id", "issued_at", "id"),
    )


class LedgerEntry(IdMixin, Base):
    """One append-only row of the 派遣元管理台帳 (則31条): a complaint and its handling, a
    training, a career consultation, the employment-stability measure the worker wants or one
    taken (item 20: its date, method and the reply). Never edited: a correction is a new row."""

    __tablename__ = "dispatch_ledger_entries"

    assignment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False
    )
    employee_id: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)  # LEDGER_ENTRY_KINDS
    occurred_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    measure: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    method: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    response_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    response: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_dispatch_ledger_entries_assignment", "assignment_id", "occurred_on", "id"),
    )


class BulkRun(IdMixin, Base):
    """One bulk generation (documents/bulk.py): a document kind issued for every current
    assignment of a client (or all), in batches by a job, then one ZIP of the PDFs."""

    __tablename__ = "document_bulk_runs"

    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    client_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    on_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # running / done / expired
    plan: Mapped[list[Any]] = mapped_column(JSON, nullable=False)  # subject ids, in order
    cursor: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    document_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    skipped: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    archive: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    started_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    started_role: Mapped[str] = mapped_column(String(24), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_document_bulk_runs_created", "created_at", "id"),)
