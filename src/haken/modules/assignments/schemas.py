"""Request and response shapes of the assignments area.

Money is ``Decimal`` in and out and serialised as a string ("1450.00"), never a float.
Who sees which money (PRODUCT.md; docs/architecture.md "assignments"): coordinators and
above see pay and bill rates; a site manager approves hours and sees neither; an employee
sees their own pay and their own dispatch fee (派遣料金額, which 派遣法34条の2 obliges the
agency to tell the worker).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from haken.labor.dispatch import Exemption
from haken.labor.residence import SpecifiedSkilledField
from haken.labor.schedule import HoursCheck
from haken.platform.editing import NotNull
from haken.platform.schemas import ArchivedRead, InputModel, ListFilter
from haken.platform.types import LocalTime


def _money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def _cents(value: Decimal) -> Decimal:
    """Two places always: "1400" and "1400.00" are the same rate, stored and audited alike."""
    return value.quantize(Decimal("0.01"))


MoneyIn = Annotated[
    Decimal, Field(ge=0, le=Decimal("99999999.99"), decimal_places=2), AfterValidator(_cents)
]
PercentIn = Annotated[
    Decimal, Field(ge=0, le=Decimal("999.99"), decimal_places=2), AfterValidator(_cents)
]
MoneyOut = Annotated[Decimal, PlainSerializer(_money_text, return_type=str, when_used="json")]
Short = Annotated[str, Field(max_length=100)]
Line = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]

STATUTORY_MIN_PREMIUMS = {
    "overtime_pay_pct": Decimal("25"),
    "late_night_pay_pct": Decimal("25"),
    "holiday_pay_pct": Decimal("35"),
}
"""LSA Art. 37 and 平成6年政令第5号 (JP_LABOR.md §1): 時間外 25 %, 深夜 25 %, 法定休日 35 %."""


class ContractStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ENDED = "ended"


class AssignmentStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class AssignmentPhase(StrEnum):
    """Where an assignment stands on the day asked (the agency's time zone): an active one
    is ``scheduled`` before its first day, ``running`` from it, ``ended`` after its last."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    ENDED = "ended"
    CANCELLED = "cancelled"


class WorkExemption(StrEnum):
    """The exemptions that belong to the work (labor.dispatch.WORK_EXEMPTIONS)."""

    FIXED_PERIOD_PROJECT = Exemption.FIXED_PERIOD_PROJECT.value
    LIMITED_DAYS = Exemption.LIMITED_DAYS.value
    LEAVE_COVER = Exemption.LEAVE_COVER.value


# --- contracts -----------------------------------------------------------------------------


BILLING_CUTOFF_OF_CLIENT = 0
"""``billing_cutoff_day`` 0: the contract states no 請求締め日 of its own; the client's
closing day applies (the billing area's client settings; 末日 until set). The column is NOT
NULL, so "not set" is this value, never NULL."""
BILLING_CUTOFF_MONTH_END = 31
"""``billing_cutoff_day`` 31: the contract's own cut-off is 末日 (the month's last day),
whatever the client's closing day (a contract closing at month end under a client on the
20th). 1–27 are that day of the month."""
BILLING_CUTOFF_LAST_DAY = 27
"""The last numbered cut-off a contract may state (28–30: not every month has them)."""
BILLING_CUTOFF_HELP = (
    "請求の締め日: 0 = the client's closing day (派遣先の締め日に従う), "
    "1–27 = that day of the month, 31 = 末日 (month end)"
)


BILLING_CUTOFF_FROM_HELP = (
    "The first day the contract's own 請求締め日 groups: set when it is changed after work was "
    "invoiced (the day after the last invoiced or closed billing period; the first period "
    "under the new day starts there); null = it groups all the work"
)


def _billing_cutoff(value: int) -> int:
    if BILLING_CUTOFF_LAST_DAY < value < BILLING_CUTOFF_MONTH_END:
        raise ValueError("0 (the client's closing day), 1–27 or 31 (month end)")
    return value


BillingCutoff = Annotated[
    int,
    Field(ge=0, le=BILLING_CUTOFF_MONTH_END, description=BILLING_CUTOFF_HELP),
    AfterValidator(_billing_cutoff),
]


OFFICE_HELP = (
    "the agency's office the contract is made from (派遣元事業所, /api/offices); "
    "null: the default office"
)


class _ContractTerms(InputModel):
    working_days: Short = ""
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    break_minutes: Annotated[int, Field(ge=0, le=600)] = 0
    work_content: Annotated[str, Field(min_length=1, max_length=4000)]
    responsibility_level: Line = ""
    work_place: Annotated[str, Field(max_length=300)] = ""
    headcount: Annotated[int, Field(ge=1, le=10000)] = 1
    supervisor_name: Short = ""
    supervisor_department: Short = ""
    supervisor_title: Short = ""
    client_manager_name: Short = ""
    agency_manager_name: Short = ""
    office_id: Annotated[int | None, Field(ge=1, description=OFFICE_HELP)] = None
    overtime_hours_per_day: Annotated[int | None, Field(ge=0, le=24)] = None
    overtime_hours_per_month: Annotated[int | None, Field(ge=0, le=744)] = None
    overtime_hours_per_year: Annotated[int | None, Field(ge=0, le=8784)] = None
    holiday_work_days_per_month: Annotated[int | None, Field(ge=0, le=31)] = None
    billing_cutoff_day: BillingCutoff = BILLING_CUTOFF_OF_CLIENT
    limited_to_exempt_workers: bool = False
    limited_to_agreement_workers: bool = False
    work_exemption: WorkExemption | None = None
    exemption_note: LongText = ""
    default_hourly_bill: MoneyIn | None = None
    notes: LongText = ""


class ContractCreate(_ContractTerms):
    contract_number: Annotated[str, Field(min_length=1, max_length=40)]
    unit_id: Annotated[int, Field(ge=1)]
    period_start: dt.date
    period_end: dt.date
    status: Literal["draft", "active"] = "draft"


class ContractUpdate(InputModel):
    """Every field optional; ``version`` is the one the edit is based on."""

    version: Annotated[int, Field(ge=1)]
    contract_number: Annotated[str | None, Field(min_length=1, max_length=40), NotNull] = None
    period_start: Annotated[dt.date | None, NotNull] = None
    period_end: Annotated[dt.date | None, NotNull] = None
    status: Annotated[ContractStatus | None, NotNull] = None
    working_days: Annotated[Short | None, NotNull] = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    break_minutes: Annotated[int | None, Field(ge=0, le=600), NotNull] = None
    work_content: Annotated[str | None, Field(min_length=1, max_length=4000), NotNull] = None
    responsibility_level: Annotated[Line | None, NotNull] = None
    work_place: Annotated[str | None, Field(max_length=300), NotNull] = None
    headcount: Annotated[int | None, Field(ge=1, le=10000), NotNull] = None
    supervisor_name: Annotated[Short | None, NotNull] = None
    supervisor_department: Annotated[Short | None, NotNull] = None
    supervisor_title: Annotated[Short | None, NotNull] = None
    client_manager_name: Annotated[Short | None, NotNull] = None
    agency_manager_name: Annotated[Short | None, NotNull] = None
    office_id: Annotated[int | None, Field(ge=1, description=OFFICE_HELP)] = None
    overtime_hours_per_day: Annotated[int | None, Field(ge=0, le=24)] = None
    overtime_hours_per_month: Annotated[int | None, Field(ge=0, le=744)] = None
    overtime_hours_per_year: Annotated[int | None, Field(ge=0, le=8784)] = None
    holiday_work_days_per_month: Annotated[int | None, Field(ge=0, le=31)] = None
    billing_cutoff_day: Annotated[BillingCutoff | None, NotNull] = None
    limited_to_exempt_workers: Annotated[bool | None, NotNull] = None
    limited_to_agreement_workers: Annotated[bool | None, NotNull] = None
    work_exemption: WorkExemption | None = None
    exemption_note: Annotated[LongText | None, NotNull] = None
    default_hourly_bill: MoneyIn | None = None
    notes: Annotated[LongText | None, NotNull] = None


class ContractRead(ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contract_number: str
    client_id: int
    site_id: int
    unit_id: int
    client_name: str
    site_name: str
    unit_name: str
    status: ContractStatus
    period_start: dt.date
    period_end: dt.date
    working_days: str
    start_time: LocalTime | None
    end_time: LocalTime | None
    break_minutes: int
    work_content: str
    responsibility_level: str
    work_place: str
    headcount: int
    supervisor_name: str
    supervisor_department: str
    supervisor_title: str
    client_manager_name: str
    agency_manager_name: str
    office_id: int | None = Field(default=None, description=OFFICE_HELP)
    overtime_hours_per_day: int | None
    overtime_hours_per_month: int | None
    overtime_hours_per_year: int | None
    holiday_work_days_per_month: int | None
    billing_cutoff_day: Annotated[int, Field(description=BILLING_CUTOFF_HELP)]
    billing_cutoff_from: dt.date | None = Field(default=None, description=BILLING_CUTOFF_FROM_HELP)
    limited_to_exempt_workers: bool
    limited_to_agreement_workers: bool
    work_exemption: WorkExemption | None
    exemption_note: str
    default_hourly_bill: MoneyOut | None = Field(
        default=None, description="coordinator and above only"
    )
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @property
    def follows_client_closing_day(self) -> bool:
        """No 請求締め日 of its own (``billing_cutoff_day`` 0): the client's closing day."""
        return self.billing_cutoff_day == BILLING_CUTOFF_OF_CLIENT


class ContractFilter(ListFilter):
    """The contract list's filters (API and page); the sort is ``CONTRACT_SORTING``."""

    client_id: Annotated[int | None, Field(ge=1)] = None
    site_id: Annotated[int | None, Field(ge=1)] = None
    unit_id: Annotated[int | None, Field(ge=1)] = None
    status: ContractStatus | None = None
    archived: bool = False
    active_on: dt.date | None = None


class DeleteOutcome(BaseModel):
    id: int
    outcome: Literal["deleted", "archived", "cancelled"]


# --- rates ----------------------------------------------------------------------------------


class RateTerms(InputModel):
    hourly_pay: MoneyIn
    hourly_bill: MoneyIn | None = Field(
        default=None, description="defaults to the contract's default_hourly_bill"
    )
    overtime_pay_pct: PercentIn = Decimal("25")
    late_night_pay_pct: PercentIn = Decimal("25")
    holiday_pay_pct: PercentIn = Decimal("35")
    overtime_bill_pct: PercentIn = Decimal("25")
    late_night_bill_pct: PercentIn = Decimal("25")
    holiday_bill_pct: PercentIn = Decimal("35")
    note: Line = ""


class RateChange(RateTerms):
    """A new rate from ``effective_from``; earlier rows stay as history."""

    version: Annotated[int, Field(ge=1, description="the assignment's version")]
    effective_from: dt.date
    allow_negative_margin: bool = False
    override_reason: LongText = Field(
        default="", description="why the refusal is overridden (required with an override)"
    )


class RateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    effective_from: dt.date
    hourly_pay: MoneyOut
    hourly_bill: MoneyOut
    margin: MoneyOut
    overtime_pay_pct: MoneyOut
    late_night_pay_pct: MoneyOut
    holiday_pay_pct: MoneyOut
    overtime_bill_pct: MoneyOut
    late_night_bill_pct: MoneyOut
    holiday_bill_pct: MoneyOut
    note: str
    created_at: dt.datetime


class OwnRateRead(BaseModel):
    """What the worker sees of their own rate: the wage and the dispatch fee (34条の2)."""

    effective_from: dt.date
    hourly_pay: MoneyOut
    hourly_bill: MoneyOut
    overtime_pay_pct: MoneyOut
    late_night_pay_pct: MoneyOut
    holiday_pay_pct: MoneyOut


# --- assignments ----------------------------------------------------------------------------


class AssignmentCreate(InputModel):
    contract_id: Annotated[int, Field(ge=1)]
    employee_id: Annotated[int, Field(ge=1)]
    start_date: dt.date
    end_date: dt.date | None = Field(default=None, description="defaults to the contract's end")
    rate: RateTerms
    allow_negative_margin: bool = False
    override_reason: LongText = Field(
        default="", description="why the refusal is overridden (required with an override)"
    )
    work_exemption: WorkExemption | None = Field(
        default=None, description="defaults to the contract's exemption (item 17)"
    )
    exemption_note: LongText = ""
    specified_skilled_field: SpecifiedSkilledField | None = None
    agency_qualified_for_field: bool = False
    work_matches_status: bool = False
    designation_permits_work: bool = False
    supervised_dispatch_type: bool = False
    student_enrolled: bool = True
    adult_entertainment: bool = False
    notes: LongText = ""


class AssignmentUpdate(InputModel):
    version: Annotated[int, Field(ge=1)]
    end_date: Annotated[dt.date | None, NotNull] = None
    work_exemption: WorkExemption | None = None
    exemption_note: Annotated[LongText | None, NotNull] = None
    notes: Annotated[LongText | None, NotNull] = None


class AssignmentEnd(InputModel):
    version: Annotated[int, Field(ge=1)]
    end_date: dt.date
    reason: Line = ""


class EmployeeNames(BaseModel):
    name_kanji: str | None
    name_kana: str
    name_romaji: str


class AssignmentRead(BaseModel):
    id: int
    contract_id: int
    contract_number: str
    employee_id: int
    client_id: int
    site_id: int
    unit_id: int
    client_name: str
    site_name: str
    unit_name: str
    start_date: dt.date
    end_date: dt.date
    status: AssignmentStatus
    phase: AssignmentPhase = Field(
        description="scheduled (not started), running, ended or cancelled, on the day asked"
    )
    end_reason: str
    work_exemption: WorkExemption | None
    exemption_note: str
    exemption: Exemption | None
    site_conflict_date: dt.date | None
    individual_conflict_date: dt.date | None
    conflict_date: dt.date | None
    conflict_kind: Literal["site", "individual"] | None
    weekly_hours_limit: int | None
    vacation_daily_hours_limit: int | None
    permit_document_check: bool
    notes: str
    rate: RateRead | None = Field(
        default=None,
        description="the rate in force today (a scheduled one's first rate); "
        "coordinator and above only",
    )
    employee: EmployeeNames | None = Field(default=None, description="the employee's names")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class AssignmentDetail(AssignmentRead):
    scheduled_weekly_hours: Decimal | None = Field(
        default=None, description="the contract's scheduled hours a week, when computable"
    )
    weekly_hours_check: HoursCheck | None = Field(
        default=None,
        description="against the weekly_hours_limit of a 資格外活動許可: WITHIN, CLOSE "
        "(warned: less than 4 hours below the limit) or UNKNOWN (hours not computable)",
    )
    rates: list[RateRead] | None = Field(default=None, description="coordinator and above only")


class OwnAssignmentRead(BaseModel):
    """An employee's own assignment: where, when, and their own rate."""

    id: int
    client_name: str
    site_name: str
    unit_name: str
    start_date: dt.date
    end_date: dt.date
    status: AssignmentStatus
    phase: AssignmentPhase
    conflict_date: dt.date | None
    conflict_kind: Literal["site", "individual"] | None
    weekly_hours_limit: int | None
    rate: OwnRateRead | None


class AssignmentFilter(ListFilter):
    """The assignment list's filters (API and page); the sort is ``ASSIGNMENT_SORTING``."""

    client_id: Annotated[int | None, Field(ge=1)] = None
    site_id: Annotated[int | None, Field(ge=1)] = None
    unit_id: Annotated[int | None, Field(ge=1)] = None
    employee_id: Annotated[int | None, Field(ge=1)] = None
    contract_id: Annotated[int | None, Field(ge=1)] = None
    status: AssignmentStatus | None = None
    active_on: dt.date | None = None


class MinimumWageWarning(BaseModel):
    """A running placement paying below the minimum wage of its site's prefecture: already
    (``already``) or from an amount taking effect on ``day`` (within the warning window)."""

    assignment_id: int
    employee_id: int
    client_name: str
    site_name: str
    unit_name: str
    prefecture: str
    hourly_pay: MoneyOut
    minimum_wage: int
    fiscal_year: int
    effective_from: dt.date | None
    day: dt.date
    already: bool


class ConflictRead(BaseModel):
    """An assignment whose binding 抵触日 falls within the window asked for."""

    assignment_id: int
    employee_id: int
    client_id: int
    site_id: int
    unit_id: int
    client_name: str
    site_name: str
    unit_name: str
    start_date: dt.date
    end_date: dt.date
    conflict_date: dt.date
    conflict_kind: Literal["site", "individual"]
    days_remaining: int


class ClockRead(BaseModel):
    conflict_date: dt.date | None
    clock_start: dt.date | None
    binding: bool
    exemption: Exemption | None
    age_exemption_from: dt.date | None
    source: Literal["client_site", "assignment_history", "worker"]
    hearing_deadline: dt.date | None = None


class ConflictDatesRead(BaseModel):
    assignment_id: int
    reference_date: dt.date
    site: ClockRead
    individual: ClockRead
    conflict_date: dt.date | None
    conflict_kind: Literal["site", "individual"] | None
    exemption: Exemption | None
    days_remaining: int | None


class PayTerms(BaseModel):
    """An employee's pay rate for a payroll period (``assignments_service.pay_terms``): the
    rate in force on the period's last day (or the placement's end) of the latest placement
    overlapping the period, and the contract's scheduled minutes a day."""

    model_config = ConfigDict(frozen=True)

    employee_id: int
    assignment_id: int
    hourly_pay: Decimal
    scheduled_minutes: int | None
    overtime_pay_pct: Decimal = Decimal(25)
    """The pay premiums of the rate (percent on top of 100 %, never below the statute's)."""
    late_night_pay_pct: Decimal = Decimal(25)
    holiday_pay_pct: Decimal = Decimal(35)


class EmploymentPeriod(BaseModel):
    """One placement of a worker with the contract's schedule (the leave area's grants:
    continuous service and the schedule in force on a grant date)."""

    model_config = ConfigDict(frozen=True)

    employee_id: int
    start_date: dt.date
    end_date: dt.date
    working_days: str
    start_time: dt.time | None
    end_time: dt.time | None
    break_minutes: int


class AttendanceTerms(BaseModel):
    """What the attendance area needs of a placement (one read: the assignment and its
    contract): where the time is worked, whom it is billed under, the cut-off of the
    contract's billing period and the 資格外活動 limits stated at placement."""

    model_config = ConfigDict(frozen=True)

    assignment_id: int
    employee_id: int
    contract_id: int
    client_id: int
    site_id: int
    start_date: dt.date
    end_date: dt.date
    status: str
    billing_cutoff_day: int  # as stored: 0 = the client's (billing resolves it), 31 = 末日
    billing_cutoff_from: dt.date | None = None  # the first day a changed cut-off groups
    scheduled_minutes: int | None
    weekly_hours_limit: int | None
    vacation_daily_hours_limit: int | None


class ClientPlacement(BaseModel):
    """A placement as the client portal shows it: where, when, what work; never rates."""

    model_config = ConfigDict(frozen=True)

    assignment_id: int
    contract_id: int
    contract_number: str
    employee_id: int
    site_id: int
    site_name: str
    unit_name: str
    start_date: dt.date
    end_date: dt.date
    status: str
    work_content: str
    unit_id: int = 0  # the 組織単位 (a unit-scoped client supervisor sees only its units)
    individual_conflict_date: dt.date | None = None  # 組織単位の抵触日 (the portal's alerts)


class SitePlacement(AttendanceTerms):
    """A placement at a site as the attendance month grid lists it (terms and names)."""

    client_name: str
    site_name: str


# --- prior dispatch periods (through other agencies) -----------------------------------------


class PriorPeriodSource(StrEnum):
    """Who declared a period through another agency."""

    COORDINATOR = "coordinator"
    CLIENT_SUPERVISOR = "client_supervisor"


class PriorPeriodCreate(InputModel):
    """A period the worker spent in the unit through another agency (個人単位の期間制限)."""

    employee_id: int = Field(ge=1)
    unit_id: int = Field(ge=1)
    start_date: dt.date
    end_date: dt.date
    source: PriorPeriodSource = PriorPeriodSource.COORDINATOR
    source_note: Annotated[str, Field(min_length=1, max_length=200)]
    """The agency the worker came through, or the document the period rests on."""


class PriorPeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    client_id: int
    site_id: int
    unit_id: int
    start_date: dt.date
    end_date: dt.date
    source: PriorPeriodSource
    source_note: str
    entered_by: int | None
    confirmed_by: int | None
    confirmed_at: dt.datetime | None
    created_at: dt.datetime
