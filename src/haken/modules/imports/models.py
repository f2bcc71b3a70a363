"""Tables of the master-data imports.

* ``master_import_mappings``: per target (employees, candidates) and source (the sender of the
  files: "旧システム", a client's sheet …), which column holds each field and the header row.
* ``master_imports``: an uploaded file (content and sha256, unique per target), its dry-run
  report (line, column letter, field, catalog code, messages), its state and progress, and
  once committed how many records were written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, TimestampMixin, UTCDateTime, VersionedMixin


class MasterImportMapping(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "master_import_mappings"

    target: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    columns: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    header_row: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)

    __table_args__ = (
        UniqueConstraint("target", "source", name="uq_master_import_mappings_target_source"),
    )


class MasterImport(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "master_imports"

    target: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_format: Mapped[str] = mapped_column(String(4), nullable=False)  # csv / xlsx
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # unmapped / checking / checked / committing / committed
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    header: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    uploaded_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    committed_by: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)

    __table_args__ = (
        UniqueConstraint("target", "sha256", name="uq_master_imports_target_sha"),
        Index("ix_master_imports_created", "created_at", "id"),
    )


__all__ = ["MasterImport", "MasterImportMapping"]
