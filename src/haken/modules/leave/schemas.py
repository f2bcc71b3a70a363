"""Request and response shapes of the leave area."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from haken.platform.schemas import InputModel, ListFilter


class TakingKind(StrEnum):
    REQUEST = "request"  # the worker's own, approved (the requests area)
    DESIGNATION = "designation"  # 時季指定 (Art. 39(7))
    PLANNED = "planned"  # 計画的付与 (Art. 39(6))


class TakingUnit(StrEnum):
    DAY = "day"
    HALF_DAY = "half_day"
    HOURS = "hours"


class HalfDay(StrEnum):
    """Which half of the day a half day of leave is: two halves on one date are one whole
    day (the morning's and the afternoon's); the same half twice is refused."""

    AM = "am"  # 午前
    PM = "pm"  # 午後


class GrantKind(StrEnum):
    STATUTORY = "statutory"
    ADVANCE = "advance"
    SPECIAL = "special"


class PayMethod(StrEnum):
    ORDINARY = "ordinary"  # 通常の賃金
    AVERAGE = "average"  # 平均賃金
    STANDARD_DAILY = "standard_daily"  # 標準報酬日額


class DesignationCreate(InputModel):
    """The employer's designation of leave dates: 時季指定 or 計画的付与."""

    kind: TakingKind = Field(description="designation (時季指定) or planned (計画的付与)")
    dates: Annotated[list[dt.date], Field(min_length=1, max_length=31)]
    unit: TakingUnit = TakingUnit.DAY
    half: HalfDay | None = Field(default=None, description="am or pm, for a half day")
    reason: Annotated[str, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _employer_kinds(self) -> DesignationCreate:
        if self.kind is TakingKind.REQUEST:
            raise ValueError("kind must be designation or planned")
        if self.half is not None and self.unit is not TakingUnit.HALF_DAY:
            raise ValueError("a half (am or pm) only with unit 'half_day'")
        if self.unit is TakingUnit.HOURS:
            raise ValueError("designated leave is a day or a half day")
        if len(set(self.dates)) != len(self.dates):
            raise ValueError("each date once")
        return self


class GrantRunCreate(InputModel):
    """Run the daily grants now (for one employee, or everyone when omitted)."""

    employee_id: int | None = Field(default=None, ge=1)


class TakingCancel(InputModel):
    taking_ids: Annotated[list[int], Field(min_length=1, max_length=62)]
    reason: Annotated[str, Field(max_length=500)] = ""


class GrantRead(BaseModel):
    id: int
    grant_date: dt.date
    expires_on: dt.date
    days: Decimal
    kind: str
    table: str | None
    service_index: int | None
    service_start: dt.date | None
    weekly_days: Decimal | None
    weekly_hours: Decimal | None
    schedule_source: str
    attendance_rate: Decimal | None
    attendance_basis: str
    used: Decimal = Field(description="days taken from this grant (oldest grant first)")
    remaining: Decimal = Field(description="days left on the balance date (0 once expired)")
    lapsed: Decimal = Field(description="days lost at expiry")
    expired: bool


class TakingRead(BaseModel):
    id: int
    day: dt.date
    unit: str
    hours: int
    half: HalfDay | None = None
    days: Decimal
    kind: str
    request_id: int | None
    grant_id: int | None
    reason: str
    cancelled: bool


class DutyRead(BaseModel):
    grant_date: dt.date
    deadline: dt.date
    required: Decimal
    counted: Decimal
    to_designate: Decimal
    overdue: bool


class LedgerRead(BaseModel):
    """年次有給休暇管理簿 of one employee on ``on``."""

    employee_id: int
    employee_name: str
    employee_number: str | None
    on: dt.date
    remaining: Decimal
    grants: list[GrantRead]
    takings: list[TakingRead]
    duties: list[DutyRead]
    hours_per_day: int
    hourly_hours_used: int
    hourly_hours_cap: int
    pay_method: PayMethod


class BalanceRow(BaseModel):
    employee_id: int
    employee_name: str
    employee_number: str | None
    remaining: Decimal
    next_expiry: dt.date | None
    latest_grant: dt.date | None


class AtRiskRow(BaseModel):
    employee_id: int
    employee_name: str
    employee_number: str | None
    grant_id: int
    grant_date: dt.date
    deadline: dt.date
    counted: Decimal
    to_designate: Decimal
    overdue: bool


class ConsumeOutcome(BaseModel):
    employee_id: int
    taking_ids: list[int]
    remaining: Decimal


class WithheldGrant(BaseModel):
    """A grant date whose period's recorded attendance was under 80 %: no days granted."""

    employee_id: int
    grant_date: dt.date


class GrantRun(BaseModel):
    employees: int
    granted: int
    dates: list[dt.date] = []
    withheld: list[WithheldGrant] = []


class LeaveSortField(StrEnum):
    """Fields the leave list (``/leave``) sorts on (``sort=field`` / ``sort=-field``)."""

    DEADLINE = "deadline"  # the open 5-day duty's deadline (none: last)
    REMAINING = "remaining"  # days left
    EXPIRY = "expiry"  # the next expiry of a grant still valid (none: last)


class LeaveFilter(ListFilter):
    """The leave list's filters (in the page's URL)."""

    at_risk: bool = Field(
        default=False,
        description="only workers at risk of missing the 5-day duty (deadline within the "
        "window or passed, fewer than 5 days taken or designated)",
    )
    window_days: int | None = Field(
        default=None, ge=7, le=366, description="days ahead a deadline counts as near"
    )


class OverviewRow(BaseModel):
    """One employee of the leave list: balance, next expiry, the 5-day duty."""

    employee_id: int
    employee_name: str
    name_kanji: str | None = None
    name_kana: str = ""
    name_romaji: str = ""
    employee_number: str | None
    remaining: Decimal
    next_expiry: dt.date | None
    duty_counted: Decimal | None = Field(
        description="days taken or designated toward the running 5-day duty (none running: null)"
    )
    duty_deadline: dt.date | None = Field(
        description="deadline of the earliest 5-day duty not yet met (none: null)"
    )
    to_designate: Decimal
    at_risk: bool
    overdue: bool


class LeaveSummary(BaseModel):
    """The balance in brief (the employee page, the worker's portal): from the grants only."""

    employee_id: int
    has_grants: bool
    remaining: Decimal
    next_expiry: dt.date | None
    expiring_days: Decimal = Field(description="days left on the grant that expires next")
    duty_deadline: dt.date | None
    duty_counted: Decimal
    to_designate: Decimal
    at_risk: bool
    overdue: bool
