"""Payroll DTOs: runs, payslips (lines with their basis), pay settings, adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from haken.labor.insurance import (
    acquisition_valid_until,
    regular_valid_until,
    revision_valid_until,
)
from haken.platform.schemas import InputModel, QueryModel

InsuredKindIn = Literal["regular", "part_time", "short_time"]
YearMonth = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""A pay month, YYYY-MM."""


class PayType(StrEnum):
    HOURLY = "hourly"
    MONTHLY = "monthly"


class RunState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RunStart(InputModel):
    """Start (or resume) the payroll of the period containing ``day``."""

    day: dt.date


class RunClose(InputModel):
    version: int


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    state: RunState
    status: str
    total: int
    processed: int
    failed: int
    finished_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int


class PayslipLine(BaseModel):
    section: str
    """earning / deduction."""
    code: str
    amount: int
    text: str
    """The formula with its figures (hours × rate, grade and rate, the table row)."""
    basis: dict[str, Any]


class PayslipSummary(BaseModel):
    """One employee's row of a run's results, with the difference from the previous month."""

    id: int
    kind: str = "monthly"
    """monthly (給与) / bonus (賞与)."""
    employee_id: int
    employee_name: str
    pay_date: dt.date
    status: str
    error_code: str | None
    error_detail: str | None
    gross: int
    deductions: int
    net: int
    previous_net: int | None
    difference: int | None
    highlighted: bool
    """The net moved by more than the highlight threshold from the previous month."""


class PayslipAttendance(BaseModel):
    """The period's attendance as the ledger keeps it (minutes; leave and absence in days)."""

    model_config = ConfigDict(from_attributes=True)

    worked_days: int
    worked_minutes: int
    regular: int
    within_statutory_overtime: int
    overtime: int
    overtime_over_60h: int
    night: int
    rest_day: int
    paid_leave_days: int
    half_leave_days: int
    absence_days: int
    work_injury_days: int = 0
    maternity_days: int = 0
    childcare_days: int = 0
    family_care_days: int = 0
    closure_days: int = 0


class PayslipRead(BaseModel):
    id: int
    kind: str = "monthly"
    """monthly (給与明細書) / bonus (賞与明細書)."""
    run_id: int | None
    """The monthly run (None on a bonus payslip)."""
    bonus_id: int | None = None
    """The bonus payment batch of a bonus payslip."""
    employee_id: int
    employee_name: str
    employee_number: str | None = None
    attendance: PayslipAttendance | None = None
    """The attendance ledger's row of the period (none for a month without one)."""
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    state: RunState
    status: str
    error_code: str | None
    error_detail: str | None
    gross: int
    social_insurance: int
    employment_insurance: int
    income_tax: int
    resident_tax: int
    deductions: int
    net: int
    lines: list[PayslipLine]


class ProfileWrite(InputModel):
    """An employee's pay settings (replaced whole)."""

    pay_type: PayType = PayType.HOURLY
    monthly_salary: int | None = Field(default=None, ge=0, le=10_000_000)
    average_monthly_minutes: int | None = Field(default=None, ge=60, le=300 * 60)
    scheduled_days: int | None = Field(default=None, ge=1, le=31)
    allowance: int = Field(default=0, ge=0, le=10_000_000)
    commuting: int = Field(default=0, ge=0, le=1_000_000)
    standard_remuneration: int | None = Field(default=None, ge=0, le=2_000_000)
    social_insured: bool = True
    employment_insured: bool = True
    resident_tax: list[int] = Field(default_factory=list)
    """The 12 special-collection amounts June–May as the municipality's notice gives them."""
    other_deductions: int = Field(default=0, ge=0, le=10_000_000)
    payslip_e_delivery_consent: bool = False
    """The employee agreed to receive payslips electronically (所得税法231条2項); without it
    the payslip is handed over on paper and the portal download is refused."""
    payslip_e_delivery_consent_on: dt.date | None = None
    """The day the consent was given (today when consenting without a day; cleared with it)."""
    insured_kind: InsuredKindIn = "regular"
    """支払基礎日数 threshold of 定時決定/随時改定: regular (17 days), part_time (17, else 15)
    or short_time (11 days: 短時間労働者 of a 特定適用事業所)."""

    @field_validator("resident_tax")
    @classmethod
    def _twelve(cls, value: list[int]) -> list[int]:
        if value and (len(value) != 12 or any(v < 0 or v > 10_000_000 for v in value)):
            raise ValueError("twelve amounts June–May, each 0 or more")
        return value


class ProfileRead(ProfileWrite):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    employee_id: int
    version: int


class AdjustmentCreate(InputModel):
    """A correction of a closed payslip, carried by the next open period."""

    payslip_id: int
    amount: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)


class AdjustmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    period_start: dt.date
    amount: int
    reason: str
    source_payslip_id: int | None


# --- standard monthly remuneration (定時決定 / 随時改定) -----------------------------------


class GradeKind(StrEnum):
    ACQUISITION = "acquisition"
    REGULAR = "regular"
    OCCASIONAL = "occasional"
    ENTERED = "entered"


class GradeMethod(StrEnum):
    USUAL = "usual"
    """The statutory months (April–June; the 3 months after a change; the expected pay)."""
    ANNUAL_AVERAGE = "annual_average"
    """保険者算定 by the annual average (July of the year before to June), with consent."""


class ProposalKind(StrEnum):
    REGULAR = "regular"
    """定時決定 from the April–June pay, effective September."""
    OCCASIONAL = "occasional"
    """随時改定 after a change of fixed pay (2 grades over 3 months)."""


class GradeProposalFilter(QueryModel):
    year: int = Field(ge=2000, le=2100)
    kind: ProposalKind = ProposalKind.REGULAR


class GradeProposal(BaseModel):
    """A grade the pay history calls for, not yet recorded."""

    employee_id: int
    employee_name: str
    kind: ProposalKind
    effective_from: dt.date
    average: int
    """報酬月額: the average of the months used."""
    months: list[str]
    """The pay months used (YYYY-MM) with their payment base days."""
    base_days: list[int]
    current_grade: int | None
    current_standard: int | None
    health_grade: int
    health_standard: int
    pension_grade: int
    pension_standard: int
    change: int | None
    """Grades moved (health); None without a current grade."""
    retroactive_excluded: int = 0
    """Pay for months before the averaged ones (遡及支払, 遅配分) left out of ``average``."""
    annual_average: int | None = None
    """定時決定 only: the average of July (year − 1) to June (保険者算定, 年間平均)."""
    annual_months: list[str] = Field(default_factory=list)
    annual_health_grade: int | None = None
    annual_health_standard: int | None = None
    grades_apart: int | None = None
    """Health grades of the annual average minus those of ``average``."""
    annual_average_applicable: bool = False
    """2 grades or more apart: recordable with the annual average when the business is
    seasonal and the employee consents."""
    basis: str = ""


class GradeCreate(InputModel):
    """Record a decided 標準報酬月額 from its first premium month: the grades are looked up
    from ``average`` (the 報酬月額) in the table in force that month. For a 定時決定 the office
    may tick ``annual_average_consent`` (seasonal business, the employee consented): the
    grade is then decided from ``annual_average`` (保険者算定), which must be 2 or more
    grades away from ``average``."""

    employee_id: int = Field(ge=1)
    effective_from: dt.date
    kind: GradeKind
    average: int = Field(ge=0, le=100_000_000)
    months: list[YearMonth] = Field(default_factory=list, max_length=3)
    retroactive_excluded: int = Field(default=0, ge=0, le=100_000_000)
    annual_average_consent: bool = False
    annual_average: int | None = Field(default=None, ge=0, le=100_000_000)
    annual_months: list[YearMonth] = Field(default_factory=list, max_length=12)


class GradeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    effective_from: dt.date
    kind: GradeKind
    health_grade: int
    health_standard: int
    pension_grade: int
    pension_standard: int
    average: int | None
    months: list[str]
    method: GradeMethod = GradeMethod.USUAL
    consent: bool = False
    retroactive_excluded: int = 0
    basis: str = ""
    created_at: dt.datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def valid_until(self) -> dt.date | None:
        """The last premium month unless revised earlier (None for an entered grade)."""
        if self.kind is GradeKind.ACQUISITION:
            return acquisition_valid_until(self.effective_from)
        if self.kind is GradeKind.REGULAR:
            return regular_valid_until(self.effective_from.year)
        if self.kind is GradeKind.OCCASIONAL:
            return revision_valid_until(self.effective_from)
        return None


# --- bonuses (賞与支給) ----------------------------------------------------------------------


class BonusState(StrEnum):
    DRAFT = "draft"
    CALCULATED = "calculated"
    CLOSED = "closed"


class BonusEntry(InputModel):
    """One employee's bonus: the amount paid and the withholding rate (算出率, percent) of
    the NTA 賞与に対する源泉徴収税額の算出率の表 that the office looked up."""

    employee_id: int = Field(ge=1, le=2**53)
    amount: int = Field(ge=0, le=100_000_000)
    rate_pct: Decimal | None = Field(default=None, ge=0, le=100, max_digits=6, decimal_places=3)
    """None: left to the monthly table (no pay in the previous month, or a bonus over ten
    times it); a bonus outside those two cases is refused at calculation without it."""


class BonusCreate(InputModel):
    """A bonus payment batch: the pay date, a title (夏季賞与 …) and the employees."""

    pay_date: dt.date
    title: str = Field(min_length=1, max_length=60)
    entries: list[BonusEntry] = Field(default_factory=list, max_length=5000)


class BonusUpdate(BonusCreate):
    """Replace a batch that is not closed (a calculated one goes back to draft)."""

    version: int


class BonusAction(InputModel):
    version: int


class BonusEntryRead(BaseModel):
    employee_id: int
    employee_number: str | None = None
    employee_name: str = ""
    amount: int
    rate_pct: Decimal | None


class BonusRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    pay_date: dt.date
    title: str
    state: BonusState
    entries: list[BonusEntryRead]
    total: int
    """The amounts paid, added up."""
    calculated_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int


class BonusForm(InputModel):
    """The page form of a new bonus payment: the entries as CSV lines (employee number,
    amount, rate %) typed in or uploaded as a file."""

    pay_date: dt.date
    title: str = Field(min_length=1, max_length=60)
    lines: str = Field(default="", max_length=200_000)


class PdfExportRead(BaseModel):
    """A bulk payslip PDF being built (``processed`` of ``total`` payslips) or ready
    (``status`` done: ``download`` is its address)."""

    id: int
    run_id: int | None
    bonus_id: int | None
    status: str
    """running / done / expired (the file deleted after ``export_retention_days``)."""
    total: int
    processed: int
    pages: int
    filename: str
    download: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
