"""The agency's offices (派遣元事業所, 派遣法23条・36条).

A dispatch business is licensed and reports per 事業所: each office has its own address,
phone and 派遣元責任者, and the annual 労働者派遣事業報告書 and the マージン率 disclosure are
made per office. A dispatch contract (個別契約) names the office it is made from
(``dispatch_contracts.office_id``); a contract naming none belongs to the default office, of
which there is exactly one (a partial unique index on ``is_default``). Offices are archived,
never deleted once a contract names them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, IdMixin, TimestampMixin, VersionedMixin
from haken.platform.repository import ArchivedAtMixin

DEFAULT_ROW = "is_default"


class Office(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, Base):
    """One 派遣元事業所."""

    __tablename__ = "offices"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    manager_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index(
            "uq_offices_default",
            "is_default",
            unique=True,
            postgresql_where=text(DEFAULT_ROW),
            sqlite_where=text(DEFAULT_ROW),
        ),
        Index("ix_offices_name", "name", "id"),
    )
