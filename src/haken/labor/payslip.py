"""給与計算: one worker's month, every line with its basis (no I/O).

The payroll module gathers the facts (the attendance ledger's classified minutes, the pay
rate, the employee's payroll settings, housing charges) and calls :func:`calculate`; the
result keeps each line's figures and a one-line formula, so a worker's question is answered
from the payslip alone (docs/labor.md, "Payroll").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from haken.labor import insurance, withholding
from haken.labor.average_wage import (
    AverageWageError,
    LeavePayMethod,
    WagePeriod,
    average_wage,
    leave_pay,
    standard_daily_amount,
    three_periods_before,
)
from haken.labor.premiums import (
    PayOptions,
    PremiumMinutes,
    PremiumRules,
    premium_pay,
    rules_on,
    with_contract_premiums,
)

COMMUTING_TAX_FREE_LIMIT = 150_000
"""非課税限度額 of a commuting allowance by public transport (所得税法施行令20条の2), per month."""
LEAVE_METHODS = tuple(m.value for m in LeavePayMethod)
"""Paid-leave pay methods (LSA 39条9項): 通常の賃金, 平均賃金, 標準報酬日額 (labor.average_wage)."""

Line = dict[str, Any]

LEAVE_KINDS = ("work_injury", "maternity", "childcare", "family_care", "closure")
"""The kinds of 休業 the ledger counts: no work and no ordinary pay that day; their days and
wages are left out of 平均賃金 (労基法12条3項)."""
LEAVE_NAMES = {
    "work_injury": "業務災害による休業",
    "maternity": "産前産後休業",
    "childcare": "育児休業",
    "family_care": "介護休業",
    "closure": "使用者の責に帰すべき休業",
}
LEAVE_BENEFITS = {
    "work_injury": "休業補償給付は労災保険から4日目以降; 待期3日間は会社が休業補償"
    "（平均賃金の60%, 労基法76条）を支払う: 調整で入力",
    "maternity": "出産手当金は健康保険から",
    "childcare": "育児休業給付は雇用保険から",
    "family_care": "介護休業給付は雇用保険から",
    "closure": "休業手当は別行: 労基法26条",
}
SHUTDOWN_SHARE = Decimal("0.6")
"""労基法26条: 休業手当 of at least 60 % of 平均賃金 a day."""


class PayslipError(ValueError):
    """The facts cannot make a payslip (``code`` names the reason for the run's error list)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True, slots=True)
class LedgerMinutes:
    """A period's row of the attendance ledger (``labor.premiums`` summary keys + days)."""

    regular: int = 0
    within_statutory_overtime: int = 0
    overtime: int = 0
    overtime_over_60h: int = 0
    night: int = 0
    overtime_night: int = 0
    rest_day: int = 0
    rest_day_night: int = 0
    worked_days: int = 0
    paid_leave_days: int = 0
    half_leave_days: int = 0
    absence_days: int = 0
    work_injury_days: int = 0
    maternity_days: int = 0
    childcare_days: int = 0
    family_care_days: int = 0
    closure_days: int = 0
    """Days closed for the employer's reasons (労基法26条: 休業手当 is owed)."""

    def leave_days(self) -> dict[str, int]:
        """The days of each kind of 休業 (statutory leave and closure), zeros left out."""
        counts = {kind: getattr(self, f"{kind}_days") for kind in LEAVE_KINDS}
        return {kind: n for kind, n in counts.items() if n}

    def cells(self) -> PremiumMinutes:
        """Back to the disjoint cells. The summary does not say how night minutes split
        between overtime up to 60 h and beyond, nor between regular and 法内残業 time: the
        night minutes go to the better-paid cell first (never less than the worker is owed)."""
        over60_night = min(self.overtime_night, self.overtime_over_60h)
        to60_night = self.overtime_night - over60_night
        other_night = self.night - self.overtime_night - self.rest_day_night
        within_night = min(max(other_night, 0), self.within_statutory_overtime)
        regular_night = max(other_night - within_night, 0)
        return PremiumMinutes(
            regular=self.regular - regular_night,
            regular_night=regular_night,
            within_statutory=self.within_statutory_overtime - within_night,
            within_statutory_night=within_night,
            overtime_to_60h=self.overtime - self.overtime_over_60h - to60_night,
            overtime_to_60h_night=to60_night,
            overtime_over_60h=self.overtime_over_60h - over60_night,
            overtime_over_60h_night=over60_night,
            rest_day=self.rest_day - self.rest_day_night,
            rest_day_night=self.rest_day_night,
        )


@dataclass(frozen=True, slots=True)
class PayFacts:
    """Everything one worker's month is computed from."""

    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    birth_date: dt.date
    prefecture: str
    """The agency's 協会けんぽ branch (JIS code or name)."""
    ledger: LedgerMinutes
    pay_type: str = "hourly"  # hourly / monthly
    hourly_rate: Decimal | None = None
    monthly_salary: int | None = None
    average_monthly_minutes: int | None = None
    """Average monthly scheduled minutes (monthly pay → hourly base, 労基則19条)."""
    scheduled_days: int | None = None
    """The month's scheduled working days (monthly pay: absence deduction per day)."""
    scheduled_daily_minutes: int = 480
    leave_method: str = "ordinary"
    allowance: int = 0
    """Taxable allowances (in the premium base)."""
    commuting: int = 0
    commuting_limit: int = COMMUTING_TAX_FREE_LIMIT
    standard_remuneration: int | None = None
    """The stored 標準報酬月額 (health); None: decided from this month's pay (資格取得時決定)."""
    standard_basis: str = ""
    """The recorded grade's basis line (how it was decided: 定時決定, 年間平均 …), kept on the
    insurance lines as ``grade_basis`` when given."""
    social_insured: bool = True
    employment_insured: bool = True
    otsu: bool = False
    dependents: int = 0
    withholding_method: str = "table"
    resident_tax: int = 0
    housing: int = 0
    """Rent and utilities, only when a 賃金控除協定 allows the deduction (else 0)."""
    other_deductions: int = 0
    adjustments: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    """(reason, signed yen) corrections of a closed period, paid or recovered here."""
    wage_periods: tuple[WagePeriod, ...] = ()
    """Earlier wage periods as paid (平均賃金 takes the last three before this period)."""
    hired_on: dt.date | None = None
    overtime_pct: Decimal | None = None
    """The contract's premiums (percent on top of 100 %) where above the statute's."""
    night_pct: Decimal | None = None
    rest_day_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Payslip:
    lines: tuple[Line, ...]
    gross: int
    taxable: int
    social_insurance: int
    employment_insurance: int
    income_tax: int
    resident_tax: int
    deductions: int
    net: int
    base_days: int = 0
    """支払基礎日数 of the period (定時決定 and 随時改定 count months by it)."""
    worked_days: int = 0

    def amounts(self) -> dict[str, int]:
        return {
            "gross": self.gross,
            "taxable": self.taxable,
            "social_insurance": self.social_insurance,
            "employment_insurance": self.employment_insurance,
            "income_tax": self.income_tax,
            "resident_tax": self.resident_tax,
            "deductions": self.deductions,
            "net": self.net,
        }


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _yen(amount: int | Decimal) -> str:
    return f"¥{amount:,}"


def _rate(amount: Decimal) -> str:
    """An hourly amount as people read it: ¥1,500 or ¥1,562.50."""
    if amount == amount.to_integral_value():
        return f"¥{int(amount):,}"
    return f"¥{amount.quantize(Decimal('0.01')):,}"


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _line(section: str, code: str, amount: int, text: str, **basis: Any) -> Line:
    return {"section": section, "code": code, "amount": amount, "text": text, "basis": basis}


def resident_tax_for(amounts: list[int] | None, pay_date: dt.date) -> int:
    """The instalment of the month of ``pay_date`` from the 12 amounts June–May as the
    municipality's notice gives them (June first; JP_LABOR §6)."""
    if not amounts:
        return 0
    return amounts[(pay_date.month - 6) % 12]


def _rates(rules: PremiumRules, options: PayOptions) -> dict[str, Decimal]:
    """What a minute of each ledger cell is paid, as a multiple of the hourly base."""
    multipliers = rules.multipliers(options.within_statutory_multiplier)
    night_add = multipliers["night"] - 1
    regular_rate = Decimal(0) if options.salary_covers_scheduled_time else Decimal(1)
    return {
        "regular": regular_rate,
        "regular_night": regular_rate + night_add,
        "within_statutory_overtime": multipliers["within_statutory_overtime"],
        "within_statutory_overtime_night": multipliers["within_statutory_overtime"] + night_add,
        "overtime": multipliers["overtime"],
        "overtime_night": multipliers["overtime_night"],
        "overtime_over_60h": multipliers["overtime_over_60h"],
        "overtime_over_60h_night": multipliers["overtime_over_60h_night"],
        "rest_day": multipliers["rest_day"],
        "rest_day_night": multipliers["rest_day_night"],
    }


FIXED_WAGE_CODES = frozenset({"base_salary", "absence", "leave_unpaid", "allowance", "commuting"})
"""Earning lines fixed by the month (平均賃金's 12条1項2号 part); the rest are paid by the hour."""


def base_days(facts: PayFacts) -> int:
    """支払基礎日数: for a monthly salary the period's calendar days, or its scheduled days less
    the absences when absences are deducted; for hourly pay the days worked plus the full
    days of paid leave (a half day of leave falls on a day worked)."""
    ledger = facts.ledger
    unpaid = sum(ledger.leave_days().values())
    if facts.pay_type == "monthly":
        if (ledger.absence_days or unpaid) and facts.scheduled_days:
            # A day of 休業手当 is a day paid (支払基礎日数) although the salary was deducted.
            return max(facts.scheduled_days - ledger.absence_days - unpaid + ledger.closure_days, 0)
        return (facts.period_end - facts.period_start).days + 1
    return ledger.worked_days + ledger.paid_leave_days + ledger.closure_days


def wage_period(
    start: dt.date, end: dt.date, lines: Sequence[Line], *, worked_days: int
) -> WagePeriod:
    """A computed payslip's earnings as a 平均賃金 wage period: monthly items fixed, the rest by
    the hour; adjustments (corrections of other periods) are not this period's wages."""
    fixed = 0
    time = 0
    excluded_days = 0
    excluded_wages = 0
    for line in lines:
        if line.get("section") != "earning" or line.get("code") == "adjustment":
            continue
        if line.get("code") in FIXED_WAGE_CODES:
            fixed += int(line["amount"])
        else:
            time += int(line["amount"])
        if line.get("code") == "leave_unpaid":
            # 12条3項: the days of 休業 are out; a monthly salary's deduction already took their
            # pay out of the fixed wages.
            excluded_days += sum(int(n) for n in line.get("basis", {}).get("kinds", {}).values())
        elif line.get("code") == "shutdown_allowance":
            excluded_wages += int(line["amount"])  # 休業手当: wages of excluded days
    return WagePeriod(
        start=start,
        end=end,
        time_wages=time,
        fixed_wages=fixed,
        worked_days=worked_days,
        excluded_days=min(excluded_days, (end - start).days + 1),
        excluded_wages=excluded_wages,
    )


def fixed_pay(month: dt.date, lines: Sequence[Line]) -> insurance.FixedPay:
    """A computed payslip's fixed pay (固定的賃金): the hourly base of hourly pay (None for a
    monthly salary) and the salary, allowances and commuting of the month."""
    monthly = 0
    rate: Decimal | None = None
    salaried = False
    for line in lines:
        if line.get("section") != "earning":
            continue
        code = line.get("code")
        if code in ("base_salary", "allowance", "commuting"):
            monthly += int(line["amount"])
            salaried = salaried or code == "base_salary"
        elif code == "regular" and line.get("basis", {}).get("hourly_base"):
            rate = Decimal(str(line["basis"]["hourly_base"]))
    return insurance.FixedPay(month, None if salaried else rate, monthly)


def _earnings(facts: PayFacts) -> tuple[list[Line], Decimal]:
    """Base pay, leave pay, absence deduction and premiums; returns the hourly base too."""
    lines: list[Line] = []
    ledger = facts.ledger
    statutory = rules_on(facts.period_end)
    rules = with_contract_premiums(
        statutory,
        overtime_pct=facts.overtime_pct,
        night_pct=facts.night_pct,
        rest_day_pct=facts.rest_day_pct,
    )
    if facts.pay_type == "monthly":
        if facts.monthly_salary is None or not facts.average_monthly_minutes:
            raise PayslipError("monthly_terms", "monthly pay needs the salary and average hours")
        salary = facts.monthly_salary
        base = Decimal(salary + facts.allowance) * 60 / Decimal(facts.average_monthly_minutes)
        lines.append(_line("earning", "base_salary", salary, f"月給 {_yen(salary)}"))
        if ledger.absence_days:
            if not facts.scheduled_days:
                raise PayslipError("monthly_terms", "absence needs the month's scheduled days")
            per_day = Decimal(salary) / facts.scheduled_days
            amount = _whole(per_day * ledger.absence_days)
            lines.append(
                _line(
                    "earning",
                    "absence",
                    -amount,
                    f"{_yen(salary)} ÷ {facts.scheduled_days}日 × {ledger.absence_days}日",
                    days=ledger.absence_days,
                    scheduled_days=facts.scheduled_days,
                )
            )
        if ledger.leave_days():
            if not facts.scheduled_days:
                raise PayslipError("monthly_terms", "leave days need the month's scheduled days")
            lines.append(_unpaid_leave_line(facts, salary))
        options = PayOptions(salary_covers_scheduled_time=True)
    else:
        if facts.hourly_rate is None:
            raise PayslipError("no_rate", "no hourly pay rate in force for the period")
        base = Decimal(facts.hourly_rate)
        options = PayOptions()
        if ledger.paid_leave_days or ledger.half_leave_days:
            if facts.leave_method not in LEAVE_METHODS:
                raise PayslipError("leave_method", f"leave pay method {facts.leave_method}")
            lines.append(_leave_line(facts, base))
        if ledger.leave_days():
            lines.append(_unpaid_leave_line(facts, None))
    if ledger.closure_days:
        lines.append(_shutdown_line(facts, base))
    rates = _rates(rules, options)
    statutory_rates = _rates(statutory, options)
    cells = ledger.cells()
    minutes_of = {
        "regular": cells.regular,
        "regular_night": cells.regular_night,
        "within_statutory_overtime": cells.within_statutory,
        "within_statutory_overtime_night": cells.within_statutory_night,
        "overtime": cells.overtime_to_60h,
        "overtime_night": cells.overtime_to_60h_night,
        "overtime_over_60h": cells.overtime_over_60h,
        "overtime_over_60h_night": cells.overtime_over_60h_night,
        "rest_day": cells.rest_day,
        "rest_day_night": cells.rest_day_night,
    }
    amounts = premium_pay(cells, base, rules, options)
    for code, exact in amounts.items():
        count = minutes_of[code]
        if not count or not rates[code]:
            continue
        contract: dict[str, Any] = {}
        text = f"{_hm(count)} × {_rate(base)} × {rates[code]:g}"
        if rates[code] != statutory_rates[code]:
            contract = {"statutory_multiplier": str(statutory_rates[code]), "contract": True}
            text += f"（契約の割増率; 法定 × {statutory_rates[code]:g}）"
        lines.append(
            _line(
                "earning",
                code,
                int(exact),
                text,
                minutes=count,
                hourly_base=str(base),
                multiplier=str(rates[code]),
                rules_from=rules.effective_from.isoformat(),
                **contract,
            )
        )
    return lines, base


def _unpaid_leave_line(facts: PayFacts, salary: int | None) -> Line:
    """不就労控除 of the days of 休業 (statutory leave, closure): a monthly salary loses them
    by the day (salary ÷ the month's scheduled days); hourly pay simply has no hours for
    them (a line of ¥0 that says so). The employer pays nothing for statutory leave; the
    benefits come from insurance (the basis names them); closure is paid by its own line."""
    kinds = facts.ledger.leave_days()
    days = sum(kinds.values())
    what = "、".join(f"{LEAVE_NAMES[k]} {n}日" for k, n in kinds.items())
    benefits = "; ".join(LEAVE_BENEFITS[k] for k in kinds)
    if salary is None:
        return _line(
            "earning",
            "leave_unpaid",
            0,
            f"{what}: 時間給のため支払なし。{benefits}",
            days=days,
            kinds=kinds,
        )
    scheduled = facts.scheduled_days or 0
    amount = _whole(Decimal(salary) / scheduled * days)
    return _line(
        "earning",
        "leave_unpaid",
        -amount,
        f"{_yen(salary)} ÷ {scheduled}日 × {days}日（{what}）。{benefits}",
        days=days,
        kinds=kinds,
        scheduled_days=scheduled,
    )


def _shutdown_line(facts: PayFacts, base: Decimal) -> Line:
    """休業手当 (労基法26条) of the days closed for the employer's reasons: 平均賃金 × 60 % a
    day, the total rounded **up** to the yen so it is never below the statute. 平均賃金 is
    that of the three wage periods before this one (12条2項: the closure falls in this
    period); without any, the day's ordinary wage (scheduled hours × the hourly base) stands
    in, and the basis says so. Wages: taxable and insurable like the rest of the pay."""
    days = facts.ledger.closure_days
    periods = three_periods_before(facts.wage_periods, facts.period_start, hired_on=facts.hired_on)
    try:
        average = average_wage(periods)
    except AverageWageError:
        daily = base * facts.scheduled_daily_minutes / 60
        amount = int((daily * SHUTDOWN_SHARE * days).quantize(Decimal(1), rounding=ROUND_UP))
        return _line(
            "earning",
            "shutdown_allowance",
            amount,
            f"1日の通常の賃金 {_rate(daily)}（{_hm(facts.scheduled_daily_minutes)} × "
            f"{_rate(base)}）× 60% × {days}日（平均賃金の算定期間がないため）",
            days=days,
            daily=str(daily),
            share="0.6",
            method="ordinary",
        )
    amount = int((average.amount * SHUTDOWN_SHARE * days).quantize(Decimal(1), rounding=ROUND_UP))
    return _line(
        "earning",
        "shutdown_allowance",
        amount,
        f"{average.text()} × 60% × {days}日（労基法26条）",
        days=days,
        daily=str(average.amount),
        share="0.6",
        method="average",
        principle=str(average.principle),
        minimum=str(average.minimum),
        wages=average.wages,
        calendar_days=average.calendar_days,
        worked_days=average.worked_days,
        periods=[f"{p.start.isoformat()}/{p.end.isoformat()}" for p in periods],
    )


def _leave_line(facts: PayFacts, base: Decimal) -> Line:
    """Paid-leave pay of an hourly-paid worker by the agency's method (LSA 39条9項). A
    method that cannot be computed (no earlier wage period for 平均賃金; no decided health
    standard amount for 標準報酬日額) falls back to 通常の賃金, and the basis says why."""
    ledger = facts.ledger
    days = Decimal(ledger.paid_leave_days) + Decimal(ledger.half_leave_days) / 2
    taken = f"{ledger.paid_leave_days}日 + 半日 {ledger.half_leave_days}"
    counts = {"days": ledger.paid_leave_days, "half_days": ledger.half_leave_days}
    fallback = ""
    if facts.leave_method == LeavePayMethod.AVERAGE:
        periods = three_periods_before(
            facts.wage_periods, facts.period_start, hired_on=facts.hired_on
        )
        try:
            average = average_wage(periods)
        except AverageWageError:
            fallback = "（平均賃金の算定期間がないため通常の賃金）"
        else:
            return _line(
                "earning",
                "paid_leave",
                leave_pay(average.amount, days),
                f"{average.text()} × {days:g}日（{taken}）",
                method="average",
                daily=str(average.amount),
                principle=str(average.principle),
                minimum=str(average.minimum),
                wages=average.wages,
                calendar_days=average.calendar_days,
                worked_days=average.worked_days,
                periods=[f"{p.start.isoformat()}/{p.end.isoformat()}" for p in periods],
                **counts,
            )
    elif facts.leave_method == LeavePayMethod.STANDARD_DAILY:
        if facts.social_insured and facts.standard_remuneration:
            daily = standard_daily_amount(facts.standard_remuneration)
            return _line(
                "earning",
                "paid_leave",
                leave_pay(daily, days),
                f"標準報酬日額 {_yen(daily)}（{_yen(facts.standard_remuneration)} ÷ 30）"
                f" × {days:g}日（{taken}）",
                method="standard_daily",
                daily=daily,
                standard=facts.standard_remuneration,
                **counts,
            )
        fallback = "（標準報酬月額が未決定のため通常の賃金）"
    minutes = (
        ledger.paid_leave_days * facts.scheduled_daily_minutes
        + ledger.half_leave_days * facts.scheduled_daily_minutes // 2
    )
    return _line(
        "earning",
        "paid_leave",
        _whole(base * minutes / 60),
        f"通常の賃金: {taken} = {_hm(minutes)} × {_rate(base)}{fallback}",
        method="ordinary",
        minutes=minutes,
        rate=str(base),
        **counts,
    )


def calculate(facts: PayFacts) -> Payslip:
    """One worker's payslip for one payroll period."""
    lines, _base = _earnings(facts)
    if facts.allowance:
        lines.append(_line("earning", "allowance", facts.allowance, _yen(facts.allowance)))
    taxfree_commuting = min(facts.commuting, facts.commuting_limit)
    if facts.commuting:
        lines.append(
            _line(
                "earning",
                "commuting",
                facts.commuting,
                f"非課税 {_yen(taxfree_commuting)}（限度 {_yen(facts.commuting_limit)}）",
                tax_free=taxfree_commuting,
                limit=facts.commuting_limit,
            )
        )
    for reason, amount in facts.adjustments:
        lines.append(_line("earning", "adjustment", amount, reason, reason=reason))
    gross = sum(line["amount"] for line in lines)
    if gross < 0:
        raise PayslipError("negative_pay", "the month's pay is negative")

    month = insurance.month_of(facts.period_end)
    social = 0
    employment = 0
    if facts.social_insured or facts.employment_insured:
        if facts.standard_remuneration is not None:
            standard = insurance.standard_amounts(facts.standard_remuneration, month)
            how = "stored"
        else:
            standard = insurance.standard_amounts(gross, month)
            how = "acquisition"
        premiums = insurance.monthly_premiums(
            standard,
            month=month,
            prefecture=facts.prefecture,
            birth_date=facts.birth_date,
            wages=gross,
            wage_date=facts.period_end,
            employment_insured=facts.employment_insured,
        )
        grade = {
            "grade": standard.health.grade,
            "standard": standard.health.standard,
            "pension_grade": standard.pension.grade,
            "pension_standard": standard.pension.standard,
            "decided": how,
            "premium_month": f"{month:%Y-%m}",
        }
        if facts.standard_basis and facts.standard_remuneration is not None:
            grade["grade_basis"] = facts.standard_basis
        if facts.social_insured:
            shares = (
                ("health", premiums.health.employee, premiums.health_rate_pct, "health"),
                ("nursing", premiums.nursing.employee, premiums.nursing_rate_pct, "health"),
                (
                    "child_support",
                    premiums.child_support.employee,
                    premiums.child_support_rate_pct,
                    "health",
                ),
                ("pension", premiums.pension.employee, premiums.pension_rate_pct, "pension"),
            )
            for code, amount, rate, base_of in shares:
                if not amount:
                    continue
                health = base_of == "health"
                base_amount = standard.health.standard if health else standard.pension.standard
                number = standard.health.grade if health else standard.pension.grade
                lines.append(
                    _line(
                        "deduction",
                        code,
                        amount,
                        f"{number}等級 {_yen(base_amount)} × {rate}% ÷ 2"
                        f"（{grade['premium_month']}分）",
                        rate_pct=str(rate),
                        **grade,
                    )
                )
                social += amount
        if facts.employment_insured and premiums.employment.employee:
            employment = premiums.employment.employee
            rate = premiums.employment_worker_permille
            lines.append(
                _line(
                    "deduction",
                    "employment_insurance",
                    employment,
                    f"{_yen(gross)} × {rate}/1000",
                    wages=gross,
                    rate_permille=str(rate),
                )
            )

    taxable = gross - taxfree_commuting
    after_insurance = max(taxable - social - employment, 0)
    tax = withholding.withholding_tax(
        after_insurance,
        dependents=facts.dependents,
        pay_date=facts.pay_date,
        method=withholding.WithholdingMethod(facts.withholding_method),
        otsu=facts.otsu,
    )
    basis: dict[str, Any] = {k: v for k, v in tax.basis.items() if k != "text"}
    basis.update(column=tax.column, dependents=tax.dependents, method=tax.method.value)
    lines.append(
        _line(
            "deduction",
            "income_tax",
            tax.tax,
            str(tax.basis.get("text") or f"{tax.column}欄 {_yen(after_insurance)}"),
            pay_after_insurance=after_insurance,
            **basis,
        )
    )
    if facts.resident_tax:
        lines.append(
            _line(
                "deduction",
                "resident_tax",
                facts.resident_tax,
                f"特別徴収 {facts.pay_date:%Y-%m}",
            )
        )
    if facts.housing:
        lines.append(_line("deduction", "housing", facts.housing, "賃金控除協定による控除"))
    if facts.other_deductions:
        lines.append(
            _line("deduction", "other", facts.other_deductions, _yen(facts.other_deductions))
        )
    deductions = sum(line["amount"] for line in lines if line["section"] == "deduction")
    return Payslip(
        lines=tuple(lines),
        gross=gross,
        taxable=taxable,
        social_insurance=social,
        employment_insurance=employment,
        income_tax=tax.tax,
        resident_tax=facts.resident_tax,
        deductions=deductions,
        net=gross - deductions,
        base_days=base_days(facts),
        worked_days=facts.ledger.worked_days,
    )


# --- bonuses (賞与) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BonusFacts:
    """One bonus payment of one worker.

    ``withholding_rate_pct``: the rate of the NTA 賞与に対する源泉徴収税額の算出率の表 for the
    worker's previous month's pay after social insurance and dependants, **entered by the
    office** (the table is not shipped: docs/labor.md); it is stated as the line's basis."""

    paid_on: dt.date
    amount: int
    birth_date: dt.date
    prefecture: str
    withholding_rate_pct: Decimal | None
    health_before: int = 0
    """標準賞与額 already counted in the fiscal year (the ¥5,730,000 cap is cumulative)."""
    pension_before_in_month: int = 0
    """標準賞与額 already counted for the pension in the same month (cap ¥1,500,000)."""
    social_insured: bool = True
    employment_insured: bool = True
    monthly_rule: bool = False
    """Consult the two cases the law computes from the 月額表 (``withholding.bonus_tax``): the
    caller read the previous month's pay (``previous_month_pay``) and the column."""
    previous_month_pay: int | None = None
    """The pay after social insurance paid in the previous month; None: none was paid."""
    dependents: int = 0
    otsu: bool = False
    long_period: bool = False
    """The bonus's computation period exceeds 6 months (twelfths instead of sixths)."""


def calculate_bonus(facts: BonusFacts) -> Payslip:
    """A bonus payslip: 標準賞与額 (under ¥1,000 dropped), the caps, the employee's shares of
    health (+ nursing, child support) and pension at the rates of the month of payment,
    employment insurance on the amount paid, and income tax = (bonus − insurance) × the
    entered rate, under ¥1 dropped. Every line keeps its basis."""
    if facts.amount < 0:
        raise PayslipError("negative_pay", "a bonus cannot be negative")
    rate_pct = facts.withholding_rate_pct
    if rate_pct is not None and not Decimal(0) <= rate_pct <= Decimal(100):
        raise PayslipError("bonus_rate", "the bonus withholding rate is a percentage")
    lines: list[Line] = [_line("earning", "bonus", facts.amount, _yen(facts.amount))]
    base = insurance.bonus_bases(
        [insurance.BonusPayment(facts.paid_on, facts.amount)], health_before=facts.health_before
    )[0]
    pension_base = max(
        0,
        min(
            base.standard,
            insurance.shipped_tables().bonus_cap(facts.paid_on)[1] - facts.pension_before_in_month,
        ),
    )
    base = insurance.BonusBase(
        base.paid_on, base.amount, base.standard, base.health_base, pension_base
    )
    social = 0
    employment = 0
    if facts.social_insured or facts.employment_insured:
        premiums = insurance.bonus_premiums(
            base,
            prefecture=facts.prefecture,
            birth_date=facts.birth_date,
            employment_insured=facts.employment_insured,
        )
        basis = {
            "standard_bonus": base.standard,
            "health_base": base.health_base,
            "pension_base": base.pension_base,
            "premium_month": f"{facts.paid_on:%Y-%m}",
        }
        if facts.social_insured:
            shares = (
                ("health", premiums.health.employee, premiums.health_rate_pct, base.health_base),
                ("nursing", premiums.nursing.employee, premiums.nursing_rate_pct, base.health_base),
                (
                    "child_support",
                    premiums.child_support.employee,
                    premiums.child_support_rate_pct,
                    base.health_base,
                ),
                (
                    "pension",
                    premiums.pension.employee,
                    premiums.pension_rate_pct,
                    base.pension_base,
                ),
            )
            for code, amount, rate, on in shares:
                if not amount:
                    continue
                lines.append(
                    _line(
                        "deduction",
                        code,
                        amount,
                        f"標準賞与額 {_yen(on)} × {rate}% ÷ 2",
                        rate_pct=str(rate),
                        **basis,
                    )
                )
                social += amount
        if facts.employment_insured and premiums.employment.employee:
            employment = premiums.employment.employee
            rate = premiums.employment_worker_permille
            lines.append(
                _line(
                    "deduction",
                    "employment_insurance",
                    employment,
                    f"{_yen(facts.amount)} × {rate}/1000",
                    wages=facts.amount,
                    rate_permille=str(rate),
                )
            )
    after_insurance = max(facts.amount - social - employment, 0)
    computed = (
        withholding.bonus_tax(
            after_insurance,
            facts.previous_month_pay,
            dependents=facts.dependents,
            pay_date=facts.paid_on,
            otsu=facts.otsu,
            long_period=facts.long_period,
        )
        if facts.monthly_rule
        else None
    )
    if computed is not None:
        tax = computed.tax
        basis = {k: v for k, v in computed.basis.items() if k != "text"}
        lines.append(
            _line(
                "deduction",
                "income_tax",
                tax,
                str(computed.basis["text"]),
                pay_after_insurance=after_insurance,
                rate_source="monthly_table",
                **basis,
            )
        )
    else:
        if rate_pct is None:
            raise PayslipError(
                "bonus_rate_required",
                "the bonus withholding rate (算出率) is needed: the monthly table does not apply",
            )
        tax = int(
            (Decimal(after_insurance) * rate_pct / 100).to_integral_value(rounding=ROUND_DOWN)
        )
        entered: dict[str, Any] = {}
        if facts.monthly_rule:
            entered["previous_pay"] = facts.previous_month_pay
        lines.append(
            _line(
                "deduction",
                "income_tax",
                tax,
                f"賞与 {_yen(after_insurance)} × {rate_pct}%（算出率: 事務所入力）",
                pay_after_insurance=after_insurance,
                rate_pct=str(rate_pct),
                rate_source="entered",
                **entered,
            )
        )
    deductions = sum(line["amount"] for line in lines if line["section"] == "deduction")
    return Payslip(
        lines=tuple(lines),
        gross=facts.amount,
        taxable=facts.amount,
        social_insurance=social,
        employment_insurance=employment,
        income_tax=tax,
        resident_tax=0,
        deductions=deductions,
        net=facts.amount - deductions,
    )
