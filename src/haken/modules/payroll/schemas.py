"""Payroll DTOs: runs, payslips (lines with their basis), pay settings, adjustments."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from haken.platform.schemas import InputModel


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


class PayslipRead(BaseModel):
    id: int
    run_id: int
    employee_id: int
    employee_name: str
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
