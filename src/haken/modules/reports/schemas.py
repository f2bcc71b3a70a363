"""Filters and rows of the reports (the list helper reads the filters from the URL)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from haken.platform.schemas import ListFilter
from haken.platform.types import YearMonth


class OvertimeStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"  # at or over the warning share (80 %) of 45 h a month or 360 h a year
    OVER = "over"  # over 45 h in the month or 360 h in the year (needs the 特別条項)


class ConflictKind(StrEnum):
    SITE = "site"  # 事業所単位の抵触日
    INDIVIDUAL = "individual"  # 個人単位の抵触日


class Permission(StrEnum):
    NONE = "NONE"
    BLANKET = "BLANKET"
    INDIVIDUAL = "INDIVIDUAL"


class HeadcountFilter(ListFilter):
    on: dt.date | None = None  # as of this day (today when absent)


class OvertimeFilter(ListFilter):
    month: YearMonth | None = None  # the payroll period whose cut-off falls in it
    status: OvertimeStatus | None = None


class ResidenceFilter(ListFilter):
    within_days: Annotated[int | None, Field(ge=0, le=3650)] = None
    permission: Permission | None = None


class ConflictFilter(ListFilter):
    kind: ConflictKind | None = None
    within_days: Annotated[int | None, Field(ge=0, le=3650)] = None


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class HeadcountRow(_Row):
    client_id: int | None
    client_name: str | None
    site_id: int | None
    site_name: str | None
    employment_type: str
    headcount: int


class HeadcountReport(_Row):
    on: dt.date
    rows: list[HeadcountRow]
    by_type: dict[str, int]
    total: int


class OvertimeRow(_Row):
    employee_id: int
    name: str
    employee_number: str | None
    period_start: dt.date
    period_end: dt.date
    overtime_minutes: int
    rest_day_minutes: int
    year_overtime_minutes: int
    month_limit_minutes: int
    year_limit_minutes: int
    status: OvertimeStatus


class ResidenceRow(_Row):
    employee_id: int
    name: str
    employee_number: str | None
    nationality: str
    residence_status: str | None
    card_expiry: dt.date
    renewal_applied_on: dt.date | None
    permitted_until: dt.date
    days_left: int
    permission: str
    permitted_weekly_hours: int | None
    week_minutes: int  # the last 7 days up to today
    month_minutes: int  # this calendar month up to today


class ConflictRow(_Row):
    kind: ConflictKind
    row_key: int
    client_name: str
    site_id: int
    site_name: str
    unit_name: str | None
    employee_id: int | None
    name: str | None
    conflict_date: dt.date
    hearing_deadline: dt.date | None  # site rows: the 意見聴取 by one month before
    days_left: int
