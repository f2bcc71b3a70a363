"""Margins of dispatch work: what a worker costs the agency, how that cost is shared between
the contracts the worker was billed on, and the マージン率 of the disclosure (no I/O).

* Labour cost of a payslip (:func:`labour_cost`): the gross pay (its commuting allowance and
  paid-leave pay are shown apart, they are part of it) plus the employer's shares of social
  insurance and employment insurance. A payslip stores the employee's shares with their
  basis (the standard remuneration, the rate, the wages); the employer's share is the
  premium total less the employee's share, the total cut down to the yen as
  ``labor.insurance`` computes it (health, nursing and child support are one premium:
  their total is taken once on the combined rate).
* Allocation (:func:`allocate`): a worker's cost split over the contracts they were billed
  on, in proportion to the billed minutes, in whole yen that add up (largest remainder).
* マージン率 (:func:`margin_rate`; 派遣法23条5項, 則18条の2; JP_DISPATCH.md §1.8):
  (average fee − average wage) ÷ average fee, both per worker per 8-hour day, as weighted
  averages over the worker-days (the totals divided by the same 8-hour worker-days), the
  averages given as whole yen (cut down) and the rate in percent to one decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from haken.labor import insurance

HEALTH_GROUP = ("health", "nursing", "child_support")
DAY_MINUTES = 480
"""The disclosure's unit: one worker for one 8-hour day."""


@dataclass(frozen=True, slots=True)
class LabourCost:
    gross: int
    commuting: int
    paid_leave: int
    employer_social: int
    employer_employment: int

    @property
    def total(self) -> int:
        return self.gross + self.employer_social + self.employer_employment

    def __add__(self, other: LabourCost) -> LabourCost:
        return LabourCost(
            self.gross + other.gross,
            self.commuting + other.commuting,
            self.paid_leave + other.paid_leave,
            self.employer_social + other.employer_social,
            self.employer_employment + other.employer_employment,
        )


NO_COST = LabourCost(0, 0, 0, 0, 0)


def _basis(line: Mapping[str, Any]) -> Mapping[str, Any]:
    basis = line.get("basis")
    return basis if isinstance(basis, Mapping) else {}


def employer_shares(
    lines: Iterable[Mapping[str, Any]],
    wage_date: dt.date,
    *,
    business: str = "general",
    tables: insurance.InsuranceTables | None = None,
) -> tuple[int, int]:
    """(employer's social insurance, employer's employment insurance) of one payslip,
    from its deduction lines and their basis; ``wage_date`` is the payroll period's last
    day (賃金締切日: the fiscal year of the employment-insurance rate)."""
    health_rate = Decimal(0)
    health_base = 0
    health_employee = 0
    pension: Mapping[str, Any] | None = None
    pension_employee = 0
    employment: Mapping[str, Any] | None = None
    employment_employee = 0
    for line in lines:
        if line.get("section") != "deduction":
            continue
        code = line.get("code")
        basis = _basis(line)
        amount = int(line.get("amount") or 0)
        if code in HEALTH_GROUP:
            health_rate += Decimal(str(basis.get("rate_pct", "0")))
            # a bonus payslip's line keeps the capped 標準賞与額 as ``health_base``
            health_base = int(basis.get("standard") or basis.get("health_base") or 0)
            health_employee += amount
        elif code == "pension":
            pension, pension_employee = basis, amount
        elif code == "employment_insurance":
            employment, employment_employee = basis, amount
    social = 0
    if health_employee:
        social += insurance.yen_down(Decimal(health_base) * health_rate / 100) - health_employee
    if pension is not None:
        base = Decimal(int(pension.get("pension_standard") or pension.get("pension_base") or 0))
        rate = Decimal(str(pension.get("rate_pct", "0")))
        social += insurance.yen_down(base * rate / 100) - pension_employee
    employed = 0
    if employment is not None:
        table = tables or insurance.shipped_tables()
        worker, employer = table.employment_rate(wage_date, business)
        wages = Decimal(int(employment.get("wages") or 0))
        employed = insurance.yen_down(wages * (worker + employer) / 1000) - employment_employee
    return social, employed


def labour_cost(
    gross: int,
    lines: Sequence[Mapping[str, Any]],
    wage_date: dt.date,
    *,
    tables: insurance.InsuranceTables | None = None,
) -> LabourCost:
    """What one payslip costs the agency (see the module's docstring). The payroll run
    keeps its parts on the payslip when it computes it (``payroll_payslips.commuting_pay``
    …): the margin report adds the columns up instead of reading every payslip's lines."""
    earnings = [line for line in lines if line.get("section") == "earning"]
    commuting = sum(
        int(line.get("amount") or 0) for line in earnings if line.get("code") == "commuting"
    )
    leave = sum(
        int(line.get("amount") or 0) for line in earnings if line.get("code") == "paid_leave"
    )
    social, employment = employer_shares(lines, wage_date, tables=tables)
    return LabourCost(gross, commuting, leave, social, employment)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, whole numbers adding up to ``total``
    (largest remainder; ties to the earlier share). No weight: all to the first share."""
    if not weights:
        return []
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    sign = -1 if total < 0 else 1
    amount = abs(total)
    exact = [(amount * w, i) for i, w in enumerate(weights)]
    shares = [value // whole for value, _ in exact]
    left = amount - sum(shares)
    order = sorted(exact, key=lambda item: (-(item[0] % whole), item[1]))
    for _, index in order[:left]:
        shares[index] += 1
    return [sign * share for share in shares]


@dataclass(frozen=True, slots=True)
class MarginRate:
    worker_days: Decimal
    """8-hour worker-days (延べ人日, billed minutes ÷ 480), two decimals."""
    average_fee: int
    average_wage: int
    rate_pct: Decimal | None
    """None when nothing was billed."""


def margin_rate(fees: int, wages: int, minutes: int) -> MarginRate:
    """The disclosure's averages and rate from the period's totals: the fees billed
    (tax excluded), the wages paid for that work, and the billed minutes."""
    if minutes <= 0:
        return MarginRate(Decimal(0), 0, 0, None)
    days = Decimal(minutes) / DAY_MINUTES
    fee = int((Decimal(fees) / days).quantize(Decimal(1), rounding=ROUND_DOWN))
    wage = int((Decimal(wages) / days).quantize(Decimal(1), rounding=ROUND_DOWN))
    rate = None
    if fee > 0:
        rate = (Decimal(fee - wage) * 100 / fee).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MarginRate(days.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), fee, wage, rate)
