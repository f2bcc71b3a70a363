"""Request and response shapes of the attendance API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from haken.platform.editing import NotNull
from haken.platform.schemas import Day, InputModel, ListFilter
from haken.platform.types import LocalTime, YearMonth

Note = Annotated[str, Field(max_length=1000)]
ShiftCode = Annotated[str, Field(min_length=1, max_length=20)]


class TimecardState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    LOCKED = "locked"


class Marker(StrEnum):
    """What the day is besides (or instead of) work."""

    NONE = "none"
    PAID_LEAVE = "paid_leave"  # 年次有給休暇 (whole day: no times)
    HALF_LEAVE = "half_leave"  # 半日有給 (the worked half has times)
    HOURLY_LEAVE = "hourly_leave"  # 時間単位年休 (the worked hours have times)
    ABSENCE = "absence"  # 欠勤
    SPECIAL_LEAVE = "special_leave"  # 特別休暇
    SUBSTITUTE_HOLIDAY = "substitute_holiday"  # 振替休日 / 代休
    WORK_INJURY = "work_injury"  # 業務災害による休業 (労災)
    MATERNITY = "maternity"  # 産前産後休業 (労基法65条)
    CHILDCARE = "childcare"  # 育児休業 (育児・介護休業法)
    FAMILY_CARE = "family_care"  # 介護休業 (育児・介護休業法)
    EMPLOYER_CLOSURE = "employer_closure"  # 使用者の責に帰すべき事由による休業 (労基法26条)


STATUTORY_LEAVE = frozenset(
    {Marker.WORK_INJURY, Marker.MATERNITY, Marker.CHILDCARE, Marker.FAMILY_CARE}
)
"""Leave the law gives (労基法39条10項: counted as attended for paid leave; 12条3項: out of
平均賃金); the employer pays nothing for such a day, the benefits come from insurance."""

NO_TIMES = frozenset(
    {
        Marker.PAID_LEAVE,
        Marker.ABSENCE,
        Marker.SPECIAL_LEAVE,
        Marker.SUBSTITUTE_HOLIDAY,
        *STATUTORY_LEAVE,
        Marker.EMPLOYER_CLOSURE,
    }
)
"""Markers of a day without work: such a card carries no times."""


class PeriodKind(StrEnum):
    PAYROLL = "payroll"
    BILLING = "billing"


class TimecardCreate(InputModel):
    assignment_id: int = Field(ge=1)
    work_date: Day = Field(
        description="the business day (営業日; before the site's day change = the previous date)"
    )
    shift_code: ShiftCode | None = Field(
        default=None, description="a shift of the site: its times and break fill what is not given"
    )
    start: LocalTime | None = Field(default=None, description="site wall-clock time")
    end: LocalTime | None = Field(
        default=None, description="site wall-clock time; at or before the start = the next day"
    )
    break_minutes: int | None = Field(default=None, ge=0, le=600)
    marker: Marker = Marker.NONE
    note: Note = ""


class TimecardUpdate(InputModel):
    version: int = Field(ge=1)
    work_date: Annotated[Day | None, NotNull] = None
    shift_code: ShiftCode | None = None
    start: LocalTime | None = None
    end: LocalTime | None = None
    break_minutes: Annotated[int | None, Field(ge=0, le=600), NotNull] = None
    marker: Annotated[Marker | None, NotNull] = None
    note: Annotated[Note | None, NotNull] = None


class VersionBody(InputModel):
    version: int = Field(ge=1)


class RejectBody(InputModel):
    version: int = Field(ge=1)
    comment: Annotated[str, Field(min_length=1, max_length=1000)]


class HoursWarning(BaseModel):
    """A 資格外活動 finding of labor.residence.find_hours_violations."""

    kind: str
    start: dt.date
    end: dt.date
    worked_minutes: int
    limit_minutes: int


class TimecardRead(BaseModel):
    id: int
    employee_id: int
    assignment_id: int
    contract_id: int
    site_id: int
    work_date: dt.date
    shift_code: str | None
    start: LocalTime | None
    end: LocalTime | None
    start_at: dt.datetime | None
    end_at: dt.datetime | None
    timezone: str
    break_minutes: int
    worked_minutes: int
    marker: Marker
    note: str
    state: TimecardState
    rejected_comment: str | None
    source: str
    hours_warnings: list[HoursWarning] = Field(default_factory=list)
    version: int


class TimecardSortField(StrEnum):
    WORK_DATE = "work_date"


class TimecardFilter(ListFilter):
    employee_id: int | None = Field(default=None, ge=1)
    site_id: int | None = Field(default=None, ge=1)
    contract_id: int | None = Field(default=None, ge=1)
    month: YearMonth | None = Field(default=None, description="YYYY-MM (2000-01 … 2100-12)")
    state: TimecardState | None = None
    warned: bool | None = Field(default=None, description="only the cards with 資格外活動 warnings")


class PeriodClose(InputModel):
    kind: PeriodKind
    day: Day = Field(description="any day of the period to close")
    contract_id: int | None = Field(default=None, ge=1, description="billing periods only")

    @model_validator(mode="after")
    def _contract(self) -> PeriodClose:
        if (self.kind is PeriodKind.BILLING) != (self.contract_id is not None):
            raise ValueError("contract_id is required for a billing period, and only there")
        return self


class PeriodReopen(InputModel):
    version: int = Field(ge=1)
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class PeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PeriodKind
    subject_id: int | None
    period_start: dt.date
    period_end: dt.date
    state: Literal["closed", "open"]
    closed_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str | None
    version: int


class PeriodFilter(ListFilter):
    kind: PeriodKind | None = None
    state: Literal["closed", "open"] | None = None
    contract_id: Annotated[
        int | None, Field(ge=1, description="billing periods of this contract only")
    ] = None


class LedgerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: PeriodKind
    subject_id: int
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date | None = None
    worked_minutes: int
    regular: int
    within_statutory_overtime: int
    overtime: int
    overtime_over_60h: int
    night: int
    overtime_night: int
    rest_day: int
    rest_day_night: int
    worked_days: int
    paid_leave_days: int
    half_leave_days: int
    absence_days: int
    work_injury_days: int = 0
    maternity_days: int = 0
    childcare_days: int = 0
    family_care_days: int = 0
    closure_days: int = Field(
        default=0, description="days closed for the employer's reasons (労基法26条)"
    )
    timecard_count: int
    computed_at: dt.datetime


class LedgerFilter(ListFilter):
    kind: PeriodKind = PeriodKind.PAYROLL
    subject_id: int | None = Field(
        default=None, ge=1, description="employee (payroll) or contract (billing)"
    )
    month: YearMonth | None = Field(
        default=None, description="periods ending in YYYY-MM (2000-01 … 2100-12)"
    )


class AgreementCreate(InputModel):
    site_id: int = Field(ge=1)
    period_start: Day = Field(description="起算日: the first day of the agreement year")
    monthly_limit_minutes: int | None = Field(default=None, ge=0, le=45 * 60)
    yearly_limit_minutes: int | None = Field(default=None, ge=0, le=360 * 60)
    variable_hours_1y: bool = False
    special_clause: bool = False
    special_monthly_limit_minutes: int | None = Field(default=None, ge=0, le=100 * 60 - 1)
    special_yearly_limit_minutes: int | None = Field(default=None, ge=0, le=720 * 60)
    special_months_max: int | None = Field(default=None, ge=0, le=6)


class AgreementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    period_start: dt.date
    monthly_limit_minutes: int | None
    yearly_limit_minutes: int | None
    variable_hours_1y: bool
    special_clause: bool
    special_monthly_limit_minutes: int | None
    special_yearly_limit_minutes: int | None
    special_months_max: int | None


class AgreementFilter(ListFilter):
    site_id: int | None = Field(default=None, ge=1)


class AgreementFinding(BaseModel):
    check: str
    level: Literal["warning", "violation"]
    month: dt.date
    minutes: int
    limit: int
    window_months: int


class AgreementStatus(BaseModel):
    agreement: AgreementRead
    findings: list[AgreementFinding]


class MonthRead(BaseModel):
    """One worker's payroll period named by the month of its cut-off."""

    employee_id: int
    employee_name: str = ""
    month: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    ledger: LedgerRead | None
    timecards: list[TimecardRead]
    agreement: AgreementStatus | None


class ShiftInput(InputModel):
    code: ShiftCode
    start_time: LocalTime
    end_time: LocalTime
    break_minutes: int = Field(default=0, ge=0, le=600)
    is_default: bool = False


class SiteSettingsUpdate(InputModel):
    timezone: Annotated[str, Field(min_length=1, max_length=40)] = "Asia/Tokyo"
    day_change: LocalTime = dt.time(5, 0)
    shifts: list[ShiftInput] = Field(default_factory=list, max_length=20)


class ShiftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    start_time: LocalTime
    end_time: LocalTime
    break_minutes: int
    is_default: bool


class SiteSettingsRead(BaseModel):
    site_id: int
    timezone: str
    day_change: LocalTime
    shifts: list[ShiftRead]
    version: int | None


class PremiumCard(InputModel):
    start: dt.datetime = Field(description="local wall-clock time, no offset")
    end: dt.datetime
    break_minutes: int = Field(default=0, ge=0, le=1440)
    scheduled_minutes: int | None = Field(default=None, ge=0, le=1440)


class PremiumsRequest(InputModel):
    timecards: list[PremiumCard] = Field(min_length=1, max_length=400)
    rest_day: Annotated[int, Field(ge=0, le=6)] | None = 6
    week_start: int = Field(default=6, ge=0, le=6)
    day_change: LocalTime = dt.time(5, 0)
    scheduled_minutes: int = Field(default=480, ge=0, le=1440)
    month_start_day: int = Field(default=1, ge=1, le=28)
    period_start: Day | None = None
    period_end: Day | None = None


class PremiumsRead(BaseModel):
    summary: dict[str, int]
    days: list[dict[str, Any]]


# --- the pages' reads ----------------------------------------------------------------------


class GridRow(BaseModel):
    """One worker placed at the site: their cards of the month by day."""

    assignment_id: int
    employee_id: int
    employee_name: str
    employee_kana: str
    employee_number: str | None
    start_date: dt.date
    end_date: dt.date
    cards: dict[dt.date, TimecardRead]


class SiteMonthRead(BaseModel):
    """The month grid of a site: rows = placements, columns = the days of the month."""

    site_id: int
    site_name: str
    client_name: str
    month: str
    days: list[dt.date]
    rows: list[GridRow]
    shifts: list[ShiftRead]
    next_cursor: str | None = None
    has_more: bool = False
    total: int | None = None


class QueueItem(BaseModel):
    """A submitted card waiting for approval, with what the approver must see."""

    card: TimecardRead
    employee_name: str
    employee_number: str | None
    site_name: str
    client_name: str
    agreement_findings: list[AgreementFinding]
