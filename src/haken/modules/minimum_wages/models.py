"""Amounts of fiscal years entered by the agency (those shipped with haken live in
``haken/labor/tables``). One row per fiscal year and prefecture; a year is added whole (47
rows) and may be removed whole, never edited row by row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, IdMixin, UTCDateTime, utcnow


class MinimumWageAmount(IdMixin, Base):
    __tablename__ = "minimum_wage_amounts"

    fiscal_year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    prefecture: Mapped[str] = mapped_column(String(2), nullable=False)  # JIS X 0401
    hourly_yen: Mapped[int] = mapped_column(Integer, nullable=False)
    effective_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        UniqueConstraint("fiscal_year", "prefecture", name="uq_minimum_wage_amounts_year_pref"),
        Index("ix_minimum_wage_amounts_pref_effective", "prefecture", "effective_from"),
    )
