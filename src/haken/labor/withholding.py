"""源泉徴収税額 (withholding income tax) on monthly pay: the 月額表 and the 電算機特例.

**Payroll (and the API) call** :func:`withholding_tax` with the month's pay after social
insurance (社会保険料等控除後の給与等の金額, whole yen), the number of dependants
(扶養親族等の数, see :func:`dependant_count`), the pay date, the agency's method and whether
the employee is taxed on 乙欄. ``haken calc withholding`` is the same call by hand.

* **Which year.** The 年分 is the calendar year of the pay date (支払日), not of the work.
  A year with no rules shipped is refused (:class:`NoWithholdingRules`), never guessed.
* **The table method** (``tables/withholding_monthly_r<NN>.json``, extracted from the NTA PDF by
  ``scripts/extract_withholding_table.py``): 甲欄 by the row 以上 ≤ A < 未満 and the column of
  0–7 dependants; more than 7: the 7 column less a fixed amount per extra dependant (1,610 yen
  in 令和8年分), not below 0. From 740,000 yen the table gives the tax at listed amounts and a
  rate on the excess. 乙欄 (no 扶養控除等申告書 filed with this payer): the 乙 column, a
  percentage below the first row, a base plus a rate above the table; less 1,610 yen per
  dependant declared on a 従たる給与についての扶養控除等申告書 (``dependents`` with ``otsu``).
  Formula and percentage amounts drop fractions under 1 yen.
* **The computer method** (電算機特例, ``tables/withholding_computer.json``; 甲欄 only):
  B = A − employment-income deduction (rounded up to a yen) − 31,667 × dependants − basic
  deduction; tax by bracket of B (the 2.1 % reconstruction surtax included), rounded to the
  nearest 10 yen. 乙欄 has no computer method: it always uses the table.
* **Bonuses** (:func:`bonus_tax`, 所得税法186条2項): only the two cases the law computes from
  the 月額表 — no pay in the previous month, or a bonus over 10 × that month's pay (both
  after social insurance): (table tax on (P + bonus ÷ 6) − table tax on P) × 6 (÷ 12, × 12
  for a computation period over 6 months). The 算出率の表 of the other bonuses is not shipped.
* The two methods may differ by a few yen (the table is computed at each row's midpoint);
  both are lawful and the year-end adjustment settles the difference.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

HUNDRED = Decimal(100)
TEN = Decimal(10)
Basis = dict[str, int | str | None]
"""How a tax was found, for a payslip line: ``kind`` (table_row, below_table, formula,
computer), the figures used and ``text`` (Japanese, as on the NTA documents)."""


class WithholdingMethod(StrEnum):
    """The agency's choice (a setting): the monthly table or the computer method."""

    TABLE = "table"
    COMPUTER = "computer"


class NoWithholdingRules(ValueError):
    """No table or computer-method constants are shipped for the year of the pay date."""


@dataclass(frozen=True, slots=True)
class Withholding:
    """The tax of one month's pay and how it was found."""

    tax: int
    method: WithholdingMethod
    """The method actually used (乙欄 always uses the table)."""
    year: int
    column: str
    """甲 or 乙."""
    dependents: int
    basis: Basis

    def as_dict(self) -> dict[str, Any]:
        return {"tax": self.tax, "method": self.method.value, "basis": dict(self.basis)}


# ---------------------------------------------------------------------------------------------
# The data


@dataclass(frozen=True, slots=True)
class TableRow:
    lower: int
    """以上"""
    upper: int
    """未満"""
    kou: tuple[int, ...]
    """甲欄 for 0..7 dependants."""
    otsu: int


@dataclass(frozen=True, slots=True)
class KouFormula:
    """甲欄 from ``at`` (inclusive) to ``until`` (exclusive): ``tax`` + (A − at) × rate."""

    at: int
    tax: tuple[int, ...]
    rate_percent: Decimal
    until: int | None


@dataclass(frozen=True, slots=True)
class OtsuFormula:
    """乙欄 from ``start`` (inclusive) to ``until`` (exclusive): base + (A − start) × rate."""

    start: int
    base: int
    rate_percent: Decimal
    until: int | None


@dataclass(frozen=True, slots=True)
class MonthlyTable:
    """One year's 月額表."""

    year: int
    era: str
    below: int
    """甲欄 below this amount: ``below_kou``; 乙欄: ``below_otsu_rate_percent`` of A."""
    below_kou: tuple[int, ...]
    below_otsu_rate_percent: Decimal
    rows: tuple[TableRow, ...]
    kou_formulas: tuple[KouFormula, ...]
    otsu_formulas: tuple[OtsuFormula, ...]
    kou_per_dependant_over_7: int
    otsu_per_declared_dependant: int
    source_url: str | None


@dataclass(frozen=True, slots=True)
class EmploymentBand:
    up_to: int | None
    fixed: int | None
    rate_percent: Decimal
    add: int


@dataclass(frozen=True, slots=True)
class TaxBand:
    up_to: int | None
    rate_percent: Decimal
    subtract: int


@dataclass(frozen=True, slots=True)
class ComputerRules:
    """The 電算機特例 constants of a range of years."""

    first_year: int
    last_year: int
    era: str
    employment_deduction: tuple[EmploymentBand, ...]
    per_dependant: int
    basic_deduction: tuple[tuple[int | None, int], ...]
    tax: tuple[TaxBand, ...]


def _table_from_json(data: dict[str, Any]) -> MonthlyTable:
    below = data["below_table"]
    return MonthlyTable(
        year=int(data["year"]),
        era=str(data["era"]),
        below=int(below["below"]),
        below_kou=tuple(int(n) for n in below["kou"]),
        below_otsu_rate_percent=Decimal(below["otsu_rate_percent"]),
        rows=tuple(
            TableRow(lower=r[0], upper=r[1], kou=tuple(r[2:10]), otsu=r[10]) for r in data["rows"]
        ),
        kou_formulas=tuple(
            KouFormula(
                at=int(f["at"]),
                tax=tuple(int(n) for n in f["tax"]),
                rate_percent=Decimal(f["rate_percent"]),
                until=f["until"],
            )
            for f in data["kou_formulas"]
        ),
        otsu_formulas=tuple(
            OtsuFormula(
                start=int(f["from"]),
                base=int(f["base"]),
                rate_percent=Decimal(f["rate_percent"]),
                until=f["until"],
            )
            for f in data["otsu_formulas"]
        ),
        kou_per_dependant_over_7=int(data["kou_per_dependant_over_7"]),
        otsu_per_declared_dependant=int(data["otsu_per_declared_dependant"]),
        source_url=data["source"].get("url"),
    )


@cache
def monthly_tables() -> dict[int, MonthlyTable]:
    """Every shipped 月額表 (``tables/withholding_monthly_r<NN>.json``) by year."""
    folder = resources.files("haken.labor").joinpath("tables")
    tables: dict[int, MonthlyTable] = {}
    for entry in folder.iterdir():
        if re.fullmatch(r"withholding_monthly_r\d+\.json", entry.name):
            table = _table_from_json(json.loads(entry.read_text("utf-8")))
            tables[table.year] = table
    return tables


@cache
def computer_rules() -> tuple[ComputerRules, ...]:
    """The shipped 電算機特例 constants (``tables/withholding_computer.json``)."""
    text = resources.files("haken.labor").joinpath("tables/withholding_computer.json")
    data = json.loads(text.read_text("utf-8"))
    return tuple(
        ComputerRules(
            first_year=int(v["years"][0]),
            last_year=int(v["years"][1]),
            era=str(v["era"]),
            employment_deduction=tuple(
                EmploymentBand(
                    up_to=b["up_to"],
                    fixed=b.get("fixed"),
                    rate_percent=Decimal(b.get("rate_percent", "0")),
                    add=int(b.get("add", 0)),
                )
                for b in v["employment_deduction"]
            ),
            per_dependant=int(v["per_dependant"]),
            basic_deduction=tuple((b["up_to"], int(b["amount"])) for b in v["basic_deduction"]),
            tax=tuple(
                TaxBand(
                    up_to=b["up_to"],
                    rate_percent=Decimal(b["rate_percent"]),
                    subtract=int(b["subtract"]),
                )
                for b in v["tax"]
            ),
        )
        for v in data["versions"]
    )


def monthly_table(year: int) -> MonthlyTable:
    """The 月額表 of ``year`` (:class:`NoWithholdingRules` when none is shipped)."""
    table = monthly_tables().get(year)
    if table is None:
        shipped = ", ".join(str(y) for y in sorted(monthly_tables())) or "none"
        raise NoWithholdingRules(
            f"no monthly withholding table (月額表) shipped for pay dated in {year} "
            f"(shipped: {shipped})"
        )
    return table


def computer_rules_for(year: int) -> ComputerRules:
    """The 電算機特例 constants of ``year`` (:class:`NoWithholdingRules` when none)."""
    for rules in computer_rules():
        if rules.first_year <= year <= rules.last_year:
            return rules
    spans = ", ".join(f"{r.first_year}–{r.last_year}" for r in computer_rules())
    raise NoWithholdingRules(
        f"no computer-method (電算機特例) constants shipped for pay dated in {year} "
        f"(shipped: {spans})"
    )


def shipped_years() -> dict[str, list[int]]:
    """The years each method can compute."""
    computer = sorted({y for r in computer_rules() for y in range(r.first_year, r.last_year + 1)})
    return {"table": sorted(monthly_tables()), "computer": computer}


# ---------------------------------------------------------------------------------------------
# The calculations


def _floor_yen(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


def _check(pay: int, dependents: int) -> None:
    if isinstance(pay, bool) or not isinstance(pay, int):
        raise ValueError("pay after social insurance must be a whole number of yen")
    if pay < 0:
        raise ValueError("pay after social insurance must not be negative")
    if isinstance(dependents, bool) or not isinstance(dependents, int) or dependents < 0:
        raise ValueError("the number of dependants must be a whole number, 0 or more")


def table_tax(
    pay: int, dependents: int, table: MonthlyTable, *, otsu: bool = False
) -> tuple[int, Basis]:
    """The tax by the 月額表: 甲欄 with ``dependents``, or 乙欄 less the declared dependants."""
    _check(pay, dependents)
    head = f"{table.era} 月額表"
    column_index = min(dependents, 7)
    if otsu:
        column = "乙欄"
    elif dependents > 7:
        column = f"甲欄 扶養親族等{dependents}人（7人の欄）"
    else:
        column = f"甲欄 扶養親族等{dependents}人"
    basis: Basis
    if pay < table.below:
        if otsu:
            rate = table.below_otsu_rate_percent
            amount = _floor_yen(pay * rate / HUNDRED)
            text = f"{head} {_yen(table.below)}未満 {column}: {_yen(pay)} × {_percent(rate)}"
            basis = {"kind": "below_table", "below": table.below, "rate_percent": str(rate)}
        else:
            amount = table.below_kou[column_index]
            text = f"{head} {_yen(table.below)}未満 {column}"
            basis = {"kind": "below_table", "below": table.below}
    elif pay < table.rows[-1].upper:
        row = table.rows[bisect_right([r.lower for r in table.rows], pay) - 1]
        amount = row.otsu if otsu else row.kou[column_index]
        text = f"{head} {_yen(row.lower)}以上{_yen(row.upper)}未満 {column}"
        basis = {"kind": "table_row", "from": row.lower, "to": row.upper, "cell": amount}
    elif otsu:
        formula = next(
            f for f in reversed(table.otsu_formulas) if f.start <= pay
        )  # the first starts where the rows end
        amount = formula.base + _floor_yen((pay - formula.start) * formula.rate_percent / HUNDRED)
        text = (
            f"{head} {column}: {_yen(formula.base)} + {_yen(formula.start)}を超える金額"
            f" × {_percent(formula.rate_percent)}"
        )
        basis = {
            "kind": "formula",
            "from": formula.start,
            "until": formula.until,
            "base_tax": formula.base,
            "rate_percent": str(formula.rate_percent),
        }
    else:
        kou = next(f for f in reversed(table.kou_formulas) if f.at <= pay)
        base = kou.tax[column_index]
        amount = base + _floor_yen((pay - kou.at) * kou.rate_percent / HUNDRED)
        text = (
            f"{head} {column}: {_yen(kou.at)}の場合の税額 {_yen(base)}"
            f" + {_yen(kou.at)}を超える金額 × {_percent(kou.rate_percent)}"
        )
        basis = {
            "kind": "formula",
            "from": kou.at,
            "until": kou.until,
            "base_tax": base,
            "rate_percent": str(kou.rate_percent),
        }
    if otsu and dependents:
        per = table.otsu_per_declared_dependant
        text += f" − {_yen(per)} × 従たる給与の扶養親族等{dependents}人"
        amount = max(0, amount - per * dependents)
        basis["per_dependant_deduction"] = per
    elif not otsu and dependents > 7:
        per = table.kou_per_dependant_over_7
        text += f" − {_yen(per)} × {dependents - 7}人"
        amount = max(0, amount - per * (dependents - 7))
        basis["per_dependant_deduction"] = per
    basis.update(
        {
            "year": table.year,
            "column": "乙" if otsu else "甲",
            "dependents": dependents,
            "text": text,
        }
    )
    return amount, basis


def employment_income_deduction(pay: int, rules: ComputerRules) -> int:
    """Table 1 of the 電算機特例: the month's 給与所得控除, rounded up to a yen."""
    for band in rules.employment_deduction:
        if band.up_to is None or pay <= band.up_to:
            if band.fixed is not None:
                return band.fixed
            amount = pay * band.rate_percent / HUNDRED + band.add
            return int(amount.to_integral_value(rounding=ROUND_CEILING))
    raise AssertionError("the last band has no upper bound")  # pragma: no cover


def basic_deduction(pay: int, rules: ComputerRules) -> int:
    """Table 3 of the 電算機特例: the month's 基礎控除."""
    for up_to, amount in rules.basic_deduction:
        if up_to is None or pay <= up_to:
            return amount
    raise AssertionError("the last band has no upper bound")  # pragma: no cover


def computer_tax(pay: int, dependents: int, rules: ComputerRules, year: int) -> tuple[int, Basis]:
    """The tax by the 電算機特例 (甲欄)."""
    _check(pay, dependents)
    employment = employment_income_deduction(pay, rules)
    per_dependant = rules.per_dependant * dependents
    basic = basic_deduction(pay, rules)
    taxable = pay - employment - per_dependant - basic
    text = (
        f"{year}年分 電算機特例（{rules.era}）: B = {_yen(pay)} − 給与所得控除 {_yen(employment)}"
        f" − 扶養控除等 {_yen(rules.per_dependant)} × {dependents}人 − 基礎控除 {_yen(basic)}"
        f" = {_yen(taxable)}"
    )
    basis: Basis = {
        "kind": "computer",
        "year": year,
        "column": "甲",
        "dependents": dependents,
        "employment_income_deduction": employment,
        "dependant_deduction": per_dependant,
        "basic_deduction": basic,
        "taxable": taxable,
    }
    if taxable <= 0:
        basis.update({"rate_percent": None, "subtract": None, "text": text + " → 0円"})
        return 0, basis
    band = next(b for b in rules.tax if b.up_to is None or taxable <= b.up_to)
    exact = taxable * band.rate_percent / HUNDRED - band.subtract
    tax = int((exact / TEN).quantize(Decimal(1), rounding=ROUND_HALF_UP) * TEN)
    tax = max(0, tax)
    subtract = f" − {_yen(band.subtract)}" if band.subtract else ""
    text += f"; B × {_percent(band.rate_percent)}{subtract} = {exact}円 → 10円未満四捨五入"
    basis.update({"rate_percent": str(band.rate_percent), "subtract": band.subtract, "text": text})
    return tax, basis


def withholding_tax(
    pay: int | Decimal,
    *,
    dependents: int,
    pay_date: dt.date,
    method: WithholdingMethod = WithholdingMethod.TABLE,
    otsu: bool = False,
) -> Withholding:
    """The income tax to withhold from one month's pay (the function payroll calls).

    ``pay``: the month's pay after social insurance, whole yen. ``dependents``: 扶養親族等の数
    on the 扶養控除等申告書 (:func:`dependant_count`); with ``otsu`` the number declared on a
    従たる給与についての扶養控除等申告書 (usually 0). ``otsu``: no 扶養控除等申告書 filed with
    this payer (乙欄). ``method``: the agency's setting; 乙欄 always uses the table.
    """
    if isinstance(pay, Decimal):
        if not pay.is_finite() or pay != pay.to_integral_value():
            raise ValueError("pay after social insurance must be a whole number of yen")
        pay = int(pay)
    _check(pay, dependents)
    year = pay_date.year
    if method is WithholdingMethod.COMPUTER and not otsu:
        tax, basis = computer_tax(pay, dependents, computer_rules_for(year), year)
        return Withholding(tax, method, year, "甲", dependents, basis)
    tax, basis = table_tax(pay, dependents, monthly_table(year), otsu=otsu)
    if method is WithholdingMethod.COMPUTER:
        basis["note"] = "乙欄: the computer method covers 甲欄 only; the table is used"
    return Withholding(
        tax, WithholdingMethod.TABLE, year, "乙" if otsu else "甲", dependents, basis
    )


def dependant_count(
    *,
    source_deduction_spouse: bool = False,
    dependants: int = 0,
    disabled: bool = False,
    widow: bool = False,
    single_parent: bool = False,
    working_student: bool = False,
    disabled_family_members: int = 0,
) -> int:
    """扶養親族等の数 for the table and the computer method (月額表 備考1(4)).

    ``source_deduction_spouse``: a 源泉控除対象配偶者; ``dependants``: 源泉控除対象親族 (a
    non-resident relative only with the documents the note requires). +1 for each of the
    employee's own statuses: 障害者 (incl. 特別障害者), 寡婦, ひとり親, 勤労学生 (寡婦 and ひとり親
    exclude each other). ``disabled_family_members``: 同一生計配偶者 or 扶養親族 who are 障害者 or
    同居特別障害者, +1 each.
    """
    if dependants < 0 or disabled_family_members < 0:
        raise ValueError("counts of people must not be negative")
    if widow and single_parent:
        raise ValueError("寡婦 and ひとり親 exclude each other")
    own = sum((disabled, widow, single_parent, working_student))
    return int(source_deduction_spouse) + dependants + own + disabled_family_members


# --- bonuses (賞与): the two cases computed from the monthly table -----------------------


@dataclass(frozen=True, slots=True)
class BonusWithholding:
    """The tax on a bonus found from the 月額表 (所得税法186条2項, NTA 「賞与に対する源泉徴収
    税額の計算」): ``reason`` is ``no_previous_pay`` or ``over_ten_times``."""

    tax: int
    reason: str
    basis: Basis


def bonus_uses_monthly_table(bonus: int, previous: int | None) -> str | None:
    """Whether the bonus's tax comes from the 月額表 rather than the 算出率の表, and why.

    ``bonus``: the bonus after social insurance; ``previous``: the pay after social insurance
    paid in the previous month (普通給与), ``None`` when none was paid. ``no_previous_pay``:
    nothing paid in the previous month; ``over_ten_times``: the bonus exceeds 10 × that pay.
    Otherwise ``None`` (the 算出率の表 applies: its rate is entered by the office).
    """
    if bonus < 0 or (previous is not None and previous < 0):
        raise ValueError("pay after social insurance must not be negative")
    if previous is None:
        return "no_previous_pay"
    if bonus > 10 * previous:
        return "over_ten_times"
    return None


def bonus_tax(
    bonus: int,
    previous: int | None,
    *,
    dependents: int,
    pay_date: dt.date,
    otsu: bool = False,
    long_period: bool = False,
) -> BonusWithholding | None:
    """The tax on a bonus by the monthly table, when the law computes it that way
    (:func:`bonus_uses_monthly_table`), else ``None``.

    With P = the previous month's pay after social insurance (0 when none was paid) and the
    months m = 6 (12 when the bonus's computation period exceeds 6 months, ``long_period``):
    tax = (月額表 tax on (P + bonus ÷ m) − 月額表 tax on P) × m, the 甲 column with
    ``dependents`` or the 乙 column (``otsu``: no 扶養控除等申告書). bonus ÷ m drops fractions
    under 1 yen (the table's rows are whole yen). Always the table, whatever the agency's
    method for monthly pay: the law states the bonus rule on the 月額表.
    """
    reason = bonus_uses_monthly_table(bonus, previous)
    if reason is None:
        return None
    months = 12 if long_period else 6
    prior = previous or 0
    share = bonus // months
    table = monthly_table(pay_date.year)
    with_share, with_basis = table_tax(prior + share, dependents, table, otsu=otsu)
    alone, alone_basis = table_tax(prior, dependents, table, otsu=otsu)
    tax = max(0, with_share - alone) * months
    column = "乙" if otsu else "甲"
    why = (
        "前月の給与の支払がない"
        if reason == "no_previous_pay"
        else "賞与が前月の給与の10倍を超える"
    )
    text = (
        f"{why}ため月額表で計算（{column}欄）: "
        f"（{_yen(prior)} + 賞与 {_yen(bonus)} ÷ {months} = {_yen(prior + share)} の税額 "
        f"{_yen(with_share)} − {_yen(prior)} の税額 {_yen(alone)}）× {months} = {_yen(tax)}"
    )
    basis: Basis = {
        "kind": "bonus_monthly_table",
        "reason": reason,
        "year": table.year,
        "column": column,
        "dependents": dependents,
        "previous_pay": prior,
        "months": months,
        "share": share,
        "tax_with_share": with_share,
        "tax_without": alone,
        "row_with_share": str(with_basis.get("text")),
        "row_without": str(alone_basis.get("text")),
        "text": text,
    }
    return BonusWithholding(tax, reason, basis)
