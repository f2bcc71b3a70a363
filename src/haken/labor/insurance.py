"""Social insurance: 健康保険 (協会けんぽ), 介護, 子ども・子育て支援金, 厚生年金, 雇用保険.

Pure rules on effective-dated data (``tables/insurance_grades.json``,
``kyoukaikenpo_rates.json``, ``insurance_rates.json``, ``employment_insurance.json``,
``insurance_coverage.json``, each citing its sources). Money is :class:`~decimal.Decimal`
until it becomes whole yen; floats are never used. The choices the law leaves are listed in
docs/labor.md, "Social insurance".

Entry points:

* :func:`calculate_monthly_insurance` — one month from the monthly pay (what ``haken calc
  insurance`` and, later, the payroll module and its API call);
* :func:`monthly_premiums` — one month from an already decided standard amount;
* :func:`standard_amounts`, :func:`acquisition_decision`, :func:`regular_decision`,
  :func:`occasional_revision` — deciding the grade (資格取得時決定, 定時決定, 随時改定);
* :func:`in_regular_decision`, :func:`acquisition_valid_until`, :func:`revision_valid_until`
  — who is in a year's 定時決定 and until when a decided grade applies;
* :func:`annual_average_check`, :func:`insurer_decision` — 保険者算定 (年間平均; retroactive
  pay left out through :attr:`MonthPay.retroactive`);
* :func:`bonus_bases`, :func:`bonus_premiums` — bonuses (標準賞与額 and its caps);
* :func:`coverage` — who is insured, with the reason.

Months: a "month" is the ``datetime.date`` of its first day (:func:`month_of`). Premiums of
health insurance and the pension are owed for a *premium month* (保険料の対象月): the month of
acquisition (資格取得) is owed, the month of loss (資格喪失, the day after leaving) is not —
except when both fall in the same month (同月得喪). New 協会けんぽ rates apply from the March
premium; 子ども・子育て支援金 from the April 2026 premium. Employment insurance has no premium
month: it is a share of the wages whose closing day falls in a fiscal year.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any, TypeVar

T = TypeVar("T")

HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
TWO = Decimal(2)


class InsuranceError(ValueError):
    """Input outside the rules, or a month/prefecture the shipped data does not cover."""


# --- prefectures -------------------------------------------------------------------------

PREFECTURES: tuple[tuple[str, str, str], ...] = (
    ("01", "北海道", "hokkaido"),
    ("02", "青森県", "aomori"),
    ("03", "岩手県", "iwate"),
    ("04", "宮城県", "miyagi"),
    ("05", "秋田県", "akita"),
    ("06", "山形県", "yamagata"),
    ("07", "福島県", "fukushima"),
    ("08", "茨城県", "ibaraki"),
    ("09", "栃木県", "tochigi"),
    ("10", "群馬県", "gunma"),
    ("11", "埼玉県", "saitama"),
    ("12", "千葉県", "chiba"),
    ("13", "東京都", "tokyo"),
    ("14", "神奈川県", "kanagawa"),
    ("15", "新潟県", "niigata"),
    ("16", "富山県", "toyama"),
    ("17", "石川県", "ishikawa"),
    ("18", "福井県", "fukui"),
    ("19", "山梨県", "yamanashi"),
    ("20", "長野県", "nagano"),
    ("21", "岐阜県", "gifu"),
    ("22", "静岡県", "shizuoka"),
    ("23", "愛知県", "aichi"),
    ("24", "三重県", "mie"),
    ("25", "滋賀県", "shiga"),
    ("26", "京都府", "kyoto"),
    ("27", "大阪府", "osaka"),
    ("28", "兵庫県", "hyogo"),
    ("29", "奈良県", "nara"),
    ("30", "和歌山県", "wakayama"),
    ("31", "鳥取県", "tottori"),
    ("32", "島根県", "shimane"),
    ("33", "岡山県", "okayama"),
    ("34", "広島県", "hiroshima"),
    ("35", "山口県", "yamaguchi"),
    ("36", "徳島県", "tokushima"),
    ("37", "香川県", "kagawa"),
    ("38", "愛媛県", "ehime"),
    ("39", "高知県", "kochi"),
    ("40", "福岡県", "fukuoka"),
    ("41", "佐賀県", "saga"),
    ("42", "長崎県", "nagasaki"),
    ("43", "熊本県", "kumamoto"),
    ("44", "大分県", "oita"),
    ("45", "宮崎県", "miyazaki"),
    ("46", "鹿児島県", "kagoshima"),
    ("47", "沖縄県", "okinawa"),
)
"""(JIS X 0401 code, name, romaji without macrons)."""

_ROMAJI_VARIANTS = {"hyougo": "28", "kouchi": "39", "ooita": "44", "hokkaidou": "01"}


def prefecture_code(value: str) -> str:
    """The JIS code of a prefecture given as a code (``13``, ``1``), romaji (``tokyo``,
    ``Osaka``) or name (``東京都``, ``東京``)."""
    text = value.strip()
    if text.isdigit() and 1 <= int(text) <= 47:
        return f"{int(text):02d}"
    lowered = text.lower().replace("-", "").replace(" ", "")
    for suffix in ("prefecture", "ken", "fu", "to"):
        if lowered.endswith(suffix) and lowered not in {p[2] for p in PREFECTURES}:
            lowered = lowered.removesuffix(suffix)
            break
    for code, name, romaji in PREFECTURES:
        short = name if name == "北海道" else name[:-1]
        if lowered == romaji or text in (name, short):
            return code
    if lowered in _ROMAJI_VARIANTS:
        return _ROMAJI_VARIANTS[lowered]
    raise InsuranceError(f"unknown prefecture: {value!r} (use a JIS code 01-47 or e.g. tokyo)")


# --- months, ages, rounding --------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    """The month containing ``day``, as its first day."""
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` (or a full date) → the first day of that month."""
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        return month_of(dt.date.fromisoformat(text))
    except ValueError as error:
        raise InsuranceError(f"not a month (YYYY-MM): {text!r}") from error


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (April–March) of a day: 2026-03-31 is FY2025."""
    return day.year if day.month >= 4 else day.year - 1


def age_reached_on(birth_date: dt.date, age: int) -> dt.date:
    """The day a person reaches ``age`` (年齢到達日): the day *before* the birthday (年齢計算ニ
    関スル法律, 民法143条). Born on February 29: February 28 in a common year."""
    year = birth_date.year + age
    try:
        birthday = birth_date.replace(year=year)
    except ValueError:  # February 29 in a common year: the period ends at the month's end
        birthday = dt.date(year, 3, 1)
    return birthday - dt.timedelta(days=1)


def nursing_care_applies(birth_date: dt.date, month: dt.date) -> bool:
    """介護保険第2号被保険者 in ``month``: from the month containing the day before the 40th
    birthday up to the month before the one containing the day before the 65th birthday."""
    limits = _age_limits()
    start = month_of(age_reached_on(birth_date, limits["nursing_from_age"]))
    end = month_of(age_reached_on(birth_date, limits["nursing_until_age"]))
    return start <= month_of(month) < end


class Rounding(StrEnum):
    """How the employee's share is rounded to whole yen (通貨の単位及び貨幣の発行等に関する法律)."""

    WITHHELD = "withheld"
    """Deducted from pay (the default): 50 sen or less dropped, over 50 sen up to ¥1."""
    CASH = "cash"
    """Paid by the employee in cash: under 50 sen dropped, 50 sen or more up to ¥1."""


def employee_share(amount: Decimal, rounding: Rounding = Rounding.WITHHELD) -> int:
    """The employee's share in whole yen: see :class:`Rounding`."""
    mode = ROUND_HALF_DOWN if rounding is Rounding.WITHHELD else ROUND_HALF_UP
    return int(amount.quantize(Decimal(1), rounding=mode))


def yen_down(amount: Decimal) -> int:
    """Whole yen, the fraction dropped (how haken rounds a premium total)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_DOWN))


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grade:
    """One row of a 標準報酬月額 table."""

    grade: int
    standard: int
    """標準報酬月額, yen."""
    pay_from: int
    """The lowest 報酬月額 of the grade (inclusive); the next grade's is the exclusive end."""


@dataclass(frozen=True, slots=True)
class GradeTable:
    effective_from: dt.date
    grades: tuple[Grade, ...]
    below: int
    """随時改定 at the bottom: pay under this counts as one grade below the first."""
    above: int
    """随時改定 at the top: pay at or above this counts as one grade above the last."""

    def grade_for(self, pay: int) -> Grade:
        """The grade whose range holds ``pay`` (clamped to the first and last grade)."""
        found = self.grades[0]
        for row in self.grades:
            if pay >= row.pay_from:
                found = row
            else:
                break
        return found

    def by_number(self, grade: int) -> Grade:
        if not 1 <= grade <= len(self.grades):
            raise InsuranceError(f"no grade {grade} in the table of {self.effective_from}")
        return self.grades[grade - 1]

    def virtual_grade(self, pay: int) -> int:
        """The grade number for the 2-grade test of 随時改定, with the special cases at the
        limits: 0 below :attr:`below`, last + 1 at or above :attr:`above`."""
        if pay < self.below:
            return 0
        if pay >= self.above:
            return len(self.grades) + 1
        return self.grade_for(pay).grade


def _in_force(rows: Sequence[tuple[dt.date, T]], month: dt.date, what: str) -> T:
    """The value of the last row starting on or before ``month``."""
    chosen = [value for start, value in rows if start <= month]
    if not chosen:
        raise InsuranceError(f"no {what} known for {month:%Y-%m}")
    return chosen[-1]


@dataclass(frozen=True, slots=True)
class InsuranceTables:
    """Every shipped (or, later, agency-entered) rate and table, by effective date."""

    health_grades: tuple[tuple[dt.date, GradeTable], ...]
    pension_grades: tuple[tuple[dt.date, GradeTable], ...]
    health_rates: tuple[tuple[dt.date, int, Mapping[str, Decimal]], ...]
    """(first premium month, fiscal year, {JIS code: percent})."""
    nursing_rates: tuple[tuple[dt.date, Decimal], ...]
    child_support_rates: tuple[tuple[dt.date, Decimal], ...]
    pension_rates: tuple[tuple[dt.date, Decimal], ...]
    bonus_caps: tuple[tuple[dt.date, tuple[int, int]], ...]
    """(first month, (health cap per fiscal year, pension cap per month))."""
    employment_rates: Mapping[int, Mapping[str, tuple[Decimal, Decimal]]]
    """{fiscal year: {business kind: (worker ‰, employer ‰)}}."""
    coverage_rules: tuple[tuple[dt.date, Mapping[str, Any]], ...]

    def health_table(self, month: dt.date) -> GradeTable:
        return _in_force(self.health_grades, month_of(month), "health grade table")

    def pension_table(self, month: dt.date) -> GradeTable:
        return _in_force(self.pension_grades, month_of(month), "pension grade table")

    def health_rate(self, prefecture: str, month: dt.date) -> Decimal:
        """The 協会けんぽ rate (percent) of ``prefecture`` for a premium month."""
        month = month_of(month)
        chosen = None
        for start, fiscal_year, rates in self.health_rates:
            if start <= month:
                chosen = (fiscal_year, rates)
        if chosen is None:
            raise InsuranceError(f"no 協会けんぽ rates known for {month:%Y-%m}")
        fiscal_year, rates = chosen
        if prefecture not in rates:
            raise InsuranceError(
                f"the FY{fiscal_year} 協会けんぽ rate of prefecture {prefecture} is not in the "
                "shipped data (its source was not available)"
            )
        return rates[prefecture]

    def nursing_rate(self, month: dt.date) -> Decimal:
        return _in_force(self.nursing_rates, month_of(month), "nursing-care rate")

    def child_support_rate(self, month: dt.date) -> Decimal:
        """0 before the first premium month of 子ども・子育て支援金."""
        month = month_of(month)
        rate = Decimal(0)
        for start, value in self.child_support_rates:
            if start <= month:
                rate = value
        return rate

    def pension_rate(self, month: dt.date) -> Decimal:
        return _in_force(self.pension_rates, month_of(month), "pension rate")

    def bonus_cap(self, month: dt.date) -> tuple[int, int]:
        return _in_force(self.bonus_caps, month_of(month), "bonus cap")

    def employment_rate(self, wage_date: dt.date, business: str) -> tuple[Decimal, Decimal]:
        """(worker ‰, employer ‰) for wages whose closing day is ``wage_date``."""
        fiscal_year = fiscal_year_of(wage_date)
        year = self.employment_rates.get(fiscal_year)
        if year is None:
            raise InsuranceError(f"no employment-insurance rates known for FY{fiscal_year}")
        if business not in year:
            raise InsuranceError(f"unknown kind of business: {business!r} ({', '.join(year)})")
        return year[business]

    def coverage_rule(self, day: dt.date) -> Mapping[str, Any]:
        return _in_force(self.coverage_rules, day, "coverage rule")


def _read(name: str) -> Any:
    folder = resources.files("haken.labor").joinpath("tables")
    return json.loads(folder.joinpath(name).read_text(encoding="utf-8"))


def _grade_tables(versions: list[dict[str, Any]]) -> tuple[tuple[dt.date, GradeTable], ...]:
    tables = []
    for version in versions:
        start = dt.date.fromisoformat(version["effective_from"])
        grades = tuple(Grade(g, s, f) for g, s, f in version["grades"])
        bounds = version["special_case_bounds"]
        tables.append((start, GradeTable(start, grades, bounds["below"], bounds["above"])))
    return tuple(sorted(tables, key=lambda row: row[0]))


def _monthly(versions: list[dict[str, Any]]) -> tuple[tuple[dt.date, Decimal], ...]:
    rows = [(parse_month(v["from_premium_month"]), Decimal(v["rate_pct"])) for v in versions]
    return tuple(sorted(rows, key=lambda row: row[0]))


@cache
def _age_limits() -> dict[str, int]:
    limits: dict[str, Any] = _read("insurance_rates.json")["age_limits"]
    return {k: v for k, v in limits.items() if isinstance(v, int)}


@cache
def shipped_tables() -> InsuranceTables:
    """The tables shipped in ``haken/labor/tables``."""
    grades = _read("insurance_grades.json")
    kenpo = _read("kyoukaikenpo_rates.json")
    rates = _read("insurance_rates.json")
    employment = _read("employment_insurance.json")
    cover = _read("insurance_coverage.json")
    health_rates = tuple(
        sorted(
            (
                (
                    parse_month(v["from_premium_month"]),
                    int(v["fiscal_year"]),
                    {code: Decimal(pct) for code, pct in v["rates_pct"].items()},
                )
                for v in kenpo["versions"]
            ),
            key=lambda row: row[0],
        )
    )
    return InsuranceTables(
        health_grades=_grade_tables(grades["health"]),
        pension_grades=_grade_tables(grades["pension"]),
        health_rates=health_rates,
        nursing_rates=_monthly(rates["nursing_care"]["versions"]),
        child_support_rates=_monthly(rates["child_support"]["versions"]),
        pension_rates=_monthly(rates["pension"]["versions"]),
        bonus_caps=tuple(
            sorted(
                (
                    parse_month(v["from_premium_month"]),
                    (int(v["health_fiscal_year_cap_yen"]), int(v["pension_monthly_cap_yen"])),
                )
                for v in rates["bonus_caps"]["versions"]
            )
        ),
        employment_rates={
            int(v["fiscal_year"]): {
                kind: (Decimal(r["worker"]), Decimal(r["employer"]))
                for kind, r in v["rates_permille"].items()
            }
            for v in employment["versions"]
        },
        coverage_rules=tuple(
            sorted(
                ((dt.date.fromisoformat(v["effective_from"]), v) for v in cover["versions"]),
                key=lambda row: row[0],
            )
        ),
    )


# --- standard monthly remuneration -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardAmounts:
    """The decided 標準報酬月額 of health insurance and of the pension."""

    health: Grade
    pension: Grade


def standard_amounts(
    remuneration: int, month: dt.date, tables: InsuranceTables | None = None
) -> StandardAmounts:
    """The grades of a 報酬月額 in the tables in force in ``month``."""
    if remuneration < 0:
        raise InsuranceError("the monthly remuneration cannot be negative")
    tables = tables or shipped_tables()
    return StandardAmounts(
        tables.health_table(month).grade_for(remuneration),
        tables.pension_table(month).grade_for(remuneration),
    )


class InsuredKind(StrEnum):
    """Which payment-base-day (支払基礎日数) threshold a worker's months are judged by."""

    REGULAR = "regular"
    """17 days (健保法41条, 厚年法21条)."""
    PART_TIME = "part_time"
    """A part-timer under the 3/4 rule: 17 days, or 15 in a 定時決定 with no 17-day month."""
    SHORT_TIME = "short_time"
    """短時間労働者 (特定適用事業所, the 20-hour rule): 11 days."""


def _min_days(kind: InsuredKind) -> int:
    return 11 if kind is InsuredKind.SHORT_TIME else 17


@dataclass(frozen=True, slots=True)
class MonthPay:
    """The remuneration paid in one month and its payment base days (支払基礎日数)."""

    month: dt.date
    pay: int
    base_days: int
    retroactive: int = 0
    """The part of ``pay`` that belongs to months before the averaged period (遅配分, a
    retroactive raise's 差額 for earlier months): left out of the average (修正平均, a
    保険者算定). Pay for months inside the period stays in, wherever it was paid."""

    @property
    def counted_pay(self) -> int:
        """The pay that enters an average: ``pay`` less :attr:`retroactive`."""
        return self.pay - self.retroactive


class DecisionMethod(StrEnum):
    """How a decided 報酬月額 was averaged."""

    USUAL = "usual"
    """The statutory months: the expected pay at acquisition, April–June for the 定時決定,
    the three months after a fixed-pay change for the 随時改定."""
    ANNUAL_AVERAGE = "annual_average"
    """保険者算定 by the annual average (年間平均): the months July (year − 1) to June."""


@dataclass(frozen=True, slots=True)
class Decision:
    """A decided standard amount and how long it lasts."""

    standard: StandardAmounts
    effective_from: dt.date
    """First premium month."""
    valid_until: dt.date
    """Last premium month unless revised earlier (随時改定)."""
    average: int | None
    """The 報酬月額 it was decided from; None when the previous amount was kept."""
    months_used: tuple[dt.date, ...] = ()
    method: DecisionMethod = DecisionMethod.USUAL
    retroactive_excluded: int = 0
    """The 遡及支払 left out of the months used (see :attr:`MonthPay.retroactive`)."""


def acquisition_valid_until(acquired_on: dt.date) -> dt.date:
    """The last premium month of a 資格取得時決定 (健保法42条2項, 厚年法22条2項; JP_LABOR.md
    §4.1): August of the same year for an acquisition 1 January–31 May, August of the next
    year for one 1 June–31 December (that year's 定時決定 does not include the employee)."""
    return dt.date(acquired_on.year if acquired_on.month <= 5 else acquired_on.year + 1, 8, 1)


def revision_valid_until(first_month: dt.date) -> dt.date:
    """The last premium month of a 随時改定 (健保法43条2項, 厚年法23条2項): August of the same
    year when it applies from January–June, else August of the next year."""
    return dt.date(first_month.year if first_month.month <= 6 else first_month.year + 1, 8, 1)


def regular_valid_until(year: int) -> dt.date:
    """The last premium month of the 定時決定 of ``year``: August of the next year."""
    return dt.date(year + 1, 8, 1)


def in_regular_decision(
    year: int,
    *,
    acquired_on: dt.date | None,
    lost_on: dt.date | None = None,
    revised_from: Sequence[dt.date] = (),
) -> bool:
    """Whether an insured person is in the 定時決定 (算定基礎届) of ``year`` (健保法41条,
    厚年法21条): insured on 1 July, except (41条3項, 21条3項) whoever acquired the insurance on
    or after 1 June of ``year`` — their 資格取得時決定 lasts to the next August — and whoever
    has a 随時改定 (or another revision) applying from July, August or September of ``year``
    (``revised_from``: the first premium months of such revisions). ``lost_on`` is the day of
    loss (the day after leaving): lost on or before 1 July means not insured on 1 July."""
    july = dt.date(year, 7, 1)
    if acquired_on is not None and acquired_on >= dt.date(year, 6, 1):
        return False
    if lost_on is not None and lost_on <= july:
        return False
    return not any(july <= month_of(m) <= dt.date(year, 9, 1) for m in revised_from)


def acquisition_decision(
    remuneration: int, acquired_on: dt.date, tables: InsuranceTables | None = None
) -> Decision:
    """資格取得時決定 (健保法42条, 厚年法22条): from the expected monthly remuneration; lasts to
    August of the same year for an acquisition in January–May, else to the next August.
    (For hourly or daily pay the caller passes the average of similar workers of the previous
    month, 42条1項2号.)"""
    month = month_of(acquired_on)
    return Decision(
        standard_amounts(remuneration, month, tables),
        month,
        acquisition_valid_until(acquired_on),
        remuneration,
    )


def _average(months: Sequence[MonthPay]) -> int:
    total = sum(Decimal(m.counted_pay) for m in months)
    return yen_down(total / Decimal(len(months)))


def _counted(months: Sequence[MonthPay], kind: InsuredKind) -> list[MonthPay]:
    """The months with enough payment base days (17; 11 for short-time insured; a part-timer
    with no 17-day month counts the 15-day months)."""
    used = [m for m in months if m.base_days >= _min_days(kind)]
    if not used and kind is InsuredKind.PART_TIME:
        used = [m for m in months if m.base_days >= 15]
    return used


def regular_decision(
    year: int,
    april_to_june: Sequence[MonthPay],
    *,
    kind: InsuredKind = InsuredKind.REGULAR,
    current: StandardAmounts | None = None,
    tables: InsuranceTables | None = None,
) -> Decision:
    """定時決定 (健保法41条, 厚年法21条): the average of the April–June pay, counting only months
    with enough payment base days (17; 11 for short-time insured; a part-timer with no
    17-day month uses the 15-day months), effective from September to next August. With no
    month that counts, the previous standard amount is kept (``current``)."""
    tables = tables or shipped_tables()
    wanted = {dt.date(year, m, 1) for m in (4, 5, 6)}
    months = [m for m in april_to_june if month_of(m.month) in wanted]
    if len(months) != len(april_to_june) or len({month_of(m.month) for m in months}) != len(months):
        raise InsuranceError(f"定時決定 {year} takes the pay of April, May and June {year}")
    used = _counted(months, kind)
    start = dt.date(year, 9, 1)
    until = regular_valid_until(year)
    if not used:
        if current is None:
            raise InsuranceError("no month counts and there is no previous standard amount")
        return Decision(current, start, until, None)
    average = _average(used)
    return Decision(
        standard_amounts(average, start, tables),
        start,
        until,
        average,
        tuple(sorted(month_of(m.month) for m in used)),
        retroactive_excluded=sum(m.retroactive for m in used),
    )


@dataclass(frozen=True, slots=True)
class AnnualAverage:
    """The 保険者算定 by the annual average (年間平均) of a 定時決定, set against the usual one."""

    usual: Decision
    """From April–June (:func:`regular_decision`)."""
    annual: Decision | None
    """From the counted months July (year − 1) to June; None when no month counts."""
    grades_apart: int
    """Health-insurance grades of the annual average minus those of the usual average."""

    @property
    def applicable(self) -> bool:
        """2 grades or more apart: the office may apply it, when the difference recurs every
        year because of the business and the employee consents."""
        return self.annual is not None and abs(self.grades_apart) >= 2


def grades_apart(
    usual: int, annual: int, month: dt.date, tables: InsuranceTables | None = None
) -> int:
    """Health-insurance grades of the 報酬月額 ``annual`` minus those of ``usual`` (the
    2-grade test of the annual average) in the table in force in ``month``."""
    table = (tables or shipped_tables()).health_table(month)
    return table.grade_for(annual).grade - table.grade_for(usual).grade


def annual_average_check(
    year: int,
    twelve_months: Sequence[MonthPay],
    *,
    april_to_june: Sequence[MonthPay] | None = None,
    kind: InsuredKind = InsuredKind.REGULAR,
    current: StandardAmounts | None = None,
    tables: InsuranceTables | None = None,
) -> AnnualAverage:
    """保険者算定 of the 定時決定 by the annual average (健保法44条1項, 厚年法24条1項; 平成23年
    4月1日 保発0401第8号 / 年発0401第8号). When the grade from the April–June average and the
    grade from the average of July (``year`` − 1) to June ``year`` are 2 or more grades apart,
    the difference recurs every year because of the nature of the business (seasonal work),
    and the employee consents (申立書 of the employer with the employee's 同意書), the
    annual average decides. Months count as in the 定時決定 (enough payment base days); each
    month's :attr:`MonthPay.retroactive` is its pay for months before July (``year`` − 1).
    ``april_to_june`` gives the usual decision's months when their retroactive pay (for
    months before April) differs; by default they are taken from ``twelve_months``. The
    2-grade test is on the health-insurance table (see :func:`grades_apart`)."""
    tables = tables or shipped_tables()
    first, last = dt.date(year - 1, 7, 1), dt.date(year, 6, 1)
    if any(not first <= month_of(m.month) <= last for m in twelve_months):
        raise InsuranceError(
            f"the annual average of {year} takes the pay of July {year - 1}–June {year}"
        )
    if len({month_of(m.month) for m in twelve_months}) != len(twelve_months):
        raise InsuranceError("each month once")
    spring = (
        list(april_to_june)
        if april_to_june is not None
        else [m for m in twelve_months if month_of(m.month) >= dt.date(year, 4, 1)]
    )
    usual = regular_decision(year, spring, kind=kind, current=current, tables=tables)
    used = _counted(twelve_months, kind)
    if not used or usual.average is None:
        return AnnualAverage(usual, None, 0)
    average = _average(used)
    start = dt.date(year, 9, 1)
    annual = Decision(
        standard_amounts(average, start, tables),
        start,
        regular_valid_until(year),
        average,
        tuple(sorted(month_of(m.month) for m in used)),
        DecisionMethod.ANNUAL_AVERAGE,
        sum(m.retroactive for m in used),
    )
    return AnnualAverage(usual, annual, annual.standard.health.grade - usual.standard.health.grade)


def insurer_decision(
    year: int,
    twelve_months: Sequence[MonthPay],
    *,
    consent: bool,
    kind: InsuredKind = InsuredKind.REGULAR,
    current: StandardAmounts | None = None,
    tables: InsuranceTables | None = None,
) -> Decision:
    """The 定時決定 of ``year`` with the 保険者算定 applied: the annual average when it is
    applicable (:attr:`AnnualAverage.applicable`) and the office recorded the seasonal
    business and the employee's consent (``consent``), else the April–June decision."""
    check = annual_average_check(year, twelve_months, kind=kind, current=current, tables=tables)
    if consent and check.applicable and check.annual is not None:
        return check.annual
    return check.usual


@dataclass(frozen=True, slots=True)
class Revision:
    """A 随時改定: the new grades (None = that insurance is not revised)."""

    health: Grade | None
    pension: Grade | None
    effective_from: dt.date
    valid_until: dt.date
    average: int


def occasional_revision(
    three_months: Sequence[MonthPay],
    *,
    current: StandardAmounts,
    direction: int,
    previous_remuneration: int | None = None,
    kind: InsuredKind = InsuredKind.REGULAR,
    tables: InsuranceTables | None = None,
) -> Revision | None:
    """随時改定 (健保法43条, 厚年法23条) after a change of fixed pay (固定的賃金の変動) in the
    first of ``three_months``: each of the three consecutive months has enough payment base
    days (17; 11 for short-time insured), and their average is at least 2 grades away from
    the current grade *in the direction of the fixed-pay change* (``direction`` +1 for a
    rise, −1 for a cut). The new grade applies from the 4th month. Health insurance and the
    pension are judged each on its own table. At the ends of a table a 1-grade move counts
    (上限・下限の特例): pay under/over the table's special bounds is one grade beyond it, for
    the new average and — when ``previous_remuneration`` (the 報酬月額 the current grade was
    decided from) is given — for the current grade. None when nothing is revised."""
    if direction not in (1, -1):
        raise InsuranceError("direction is +1 (fixed pay rose) or -1 (fixed pay fell)")
    if len(three_months) != 3:
        raise InsuranceError("随時改定 takes exactly three months of pay")
    first = month_of(three_months[0].month)
    for offset, month in enumerate(three_months):
        if month_of(month.month) != add_months(first, offset):
            raise InsuranceError("随時改定 takes three consecutive months")
    if any(m.base_days < _min_days(kind) for m in three_months):
        return None
    tables = tables or shipped_tables()
    average = _average(three_months)
    start = add_months(first, 3)
    until = revision_valid_until(start)

    def judge(table: GradeTable, grade: Grade) -> Grade | None:
        old = grade.grade
        if previous_remuneration is not None:
            virtual = table.virtual_grade(previous_remuneration)
            if (old == 1 and virtual == 0) or (
                old == len(table.grades) and virtual == len(table.grades) + 1
            ):
                old = virtual
        new = table.virtual_grade(average)
        if (new - old) * direction < 2:
            return None
        return table.by_number(min(max(new, 1), len(table.grades)))

    health = judge(tables.health_table(start), current.health)
    pension = judge(tables.pension_table(start), current.pension)
    if health is None and pension is None:
        return None
    return Revision(health, pension, start, until, average)


@dataclass(frozen=True, slots=True)
class FixedPay:
    """The fixed pay (固定的賃金) a month's pay was computed with: the hourly rate (None for a
    monthly salary) and the monthly fixed amounts (salary, allowances, commuting)."""

    month: dt.date
    hourly_rate: Decimal | None
    monthly: int


def fixed_pay_changes(history: Sequence[FixedPay]) -> list[tuple[dt.date, int]]:
    """The pay months in which the fixed pay changed from the month before, with the
    direction of the change (+1 a rise, −1 a cut): the first month of a 随時改定's three.
    A change of the hourly rate decides the direction; otherwise the monthly amounts'.
    Months must be consecutive to compare (a gap starts afresh)."""
    ordered = sorted(history, key=lambda f: f.month)
    changes: list[tuple[dt.date, int]] = []
    for before, after in pairwise(ordered):
        if add_months(month_of(before.month), 1) != month_of(after.month):
            continue
        if (
            before.hourly_rate is not None
            and after.hourly_rate is not None
            and before.hourly_rate != after.hourly_rate
        ):
            changes.append(
                (month_of(after.month), 1 if after.hourly_rate > before.hourly_rate else -1)
            )
        elif after.monthly != before.monthly:
            changes.append((month_of(after.month), 1 if after.monthly > before.monthly else -1))
    return changes


# --- premiums ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    employee: int
    employer: int

    @property
    def total(self) -> int:
        return self.employee + self.employer


ZERO = Share(0, 0)


@dataclass(frozen=True, slots=True)
class Premiums:
    """One month's (or one bonus's) premiums, whole yen, employee and employer shares."""

    health: Share
    nursing: Share
    child_support: Share
    pension: Share
    employment: Share
    health_rate_pct: Decimal
    nursing_rate_pct: Decimal
    child_support_rate_pct: Decimal
    pension_rate_pct: Decimal
    employment_worker_permille: Decimal
    employment_employer_permille: Decimal

    @property
    def employee_total(self) -> int:
        return sum(s.employee for s in self._shares())

    @property
    def employer_total(self) -> int:
        return sum(s.employer for s in self._shares())

    def _shares(self) -> tuple[Share, ...]:
        return (self.health, self.nursing, self.child_support, self.pension, self.employment)

    def amounts(self) -> dict[str, int]:
        """``health_employee``, ``health_employer``, … as whole yen."""
        result: dict[str, int] = {}
        names = ("health", "nursing", "child_support", "pension", "employment")
        for name, share in zip(names, self._shares(), strict=True):
            result[f"{name}_employee"] = share.employee
            result[f"{name}_employer"] = share.employer
        result["employee_total"] = self.employee_total
        result["employer_total"] = self.employer_total
        return result


def premium_month_due(month: dt.date, acquired_on: dt.date | None, lost_on: dt.date | None) -> bool:
    """Health and pension premiums are owed for ``month``: from the month of acquisition
    (資格取得日) to the month before the month of loss (資格喪失日 = the day after leaving, so
    leaving on the last day of a month owes that month); a month with both (同月得喪) is owed.
    None means no such date (insured since before / still insured)."""
    month = month_of(month)
    if acquired_on is not None and month < month_of(acquired_on):
        return False
    if lost_on is None:
        return True
    if month < month_of(lost_on):
        return True
    return (
        month == month_of(lost_on)
        and acquired_on is not None
        and month_of(acquired_on) == month
        and acquired_on < lost_on
    )


def loss_date(last_day_employed: dt.date) -> dt.date:
    """資格喪失日 on leaving: the day after the last day of employment."""
    return last_day_employed + dt.timedelta(days=1)


def _health_shares(
    base: int, health: Decimal, nursing: Decimal, child: Decimal, rounding: Rounding
) -> tuple[Share, Share, Share]:
    """Health, nursing and child support are one premium collected together: the employee's
    share is rounded once on the combined rate (子ども・子育て支援金に関するQ&A, 令和8年2月12日)
    and split by rounding the cumulative rates health, health+nursing, health+nursing+child."""
    amount = Decimal(base)
    cumulative = (health, health + nursing, health + nursing + child)
    employee = [employee_share(amount * r / HUNDRED / TWO, rounding) for r in cumulative]
    total = [yen_down(amount * r / HUNDRED) for r in cumulative]
    shares = []
    previous_e = previous_t = 0
    for e, t in zip(employee, total, strict=True):
        part_e, part_t = e - previous_e, t - previous_t
        shares.append(Share(part_e, part_t - part_e))
        previous_e, previous_t = e, t
    return shares[0], shares[1], shares[2]


def _half_share(base: int, rate_pct: Decimal, rounding: Rounding) -> Share:
    employee = employee_share(Decimal(base) * rate_pct / HUNDRED / TWO, rounding)
    return Share(employee, yen_down(Decimal(base) * rate_pct / HUNDRED) - employee)


def _employment_share(wages: int, worker: Decimal, employer: Decimal, rounding: Rounding) -> Share:
    employee = employee_share(Decimal(wages) * worker / THOUSAND, rounding)
    total = yen_down(Decimal(wages) * (worker + employer) / THOUSAND)
    return Share(employee, total - employee)


def _premiums(
    *,
    health_base: int,
    pension_base: int,
    wages: int,
    month: dt.date,
    wage_date: dt.date,
    prefecture: str,
    birth_date: dt.date,
    acquired_on: dt.date | None,
    lost_on: dt.date | None,
    exempt: bool,
    employment_insured: bool,
    business: str,
    rounding: Rounding,
    tables: InsuranceTables,
) -> Premiums:
    limits = _age_limits()
    due = premium_month_due(month, acquired_on, lost_on) and not exempt
    birthday_75 = age_reached_on(birth_date, limits["health_until_birthday"]) + dt.timedelta(days=1)
    health_due = due and month < month_of(birthday_75)
    pension_due = due and month < month_of(age_reached_on(birth_date, limits["pension_until_age"]))
    health_rate = tables.health_rate(prefecture, month)
    member = nursing_care_applies(birth_date, month)
    nursing_rate = tables.nursing_rate(month) if member else Decimal(0)
    child_rate = tables.child_support_rate(month)
    pension_rate = tables.pension_rate(month)
    worker, employer = tables.employment_rate(wage_date, business)
    health = nursing = child = pension = employment = ZERO
    if health_due:
        health, nursing, child = _health_shares(
            health_base, health_rate, nursing_rate, child_rate, rounding
        )
    if pension_due:
        pension = _half_share(pension_base, pension_rate, rounding)
    if employment_insured:
        employment = _employment_share(wages, worker, employer, rounding)
    return Premiums(
        health,
        nursing,
        child,
        pension,
        employment,
        health_rate,
        nursing_rate,
        child_rate,
        pension_rate,
        worker,
        employer,
    )


def monthly_premiums(
    standard: StandardAmounts,
    *,
    month: dt.date,
    prefecture: str,
    birth_date: dt.date,
    wages: int,
    wage_date: dt.date | None = None,
    acquired_on: dt.date | None = None,
    lost_on: dt.date | None = None,
    exempt: bool = False,
    employment_insured: bool = True,
    business: str = "general",
    rounding: Rounding = Rounding.WITHHELD,
    tables: InsuranceTables | None = None,
) -> Premiums:
    """One premium month's shares from the decided standard amount; employment insurance on
    ``wages`` actually paid, at the rate of the fiscal year of ``wage_date`` (the wages'
    closing day; default: ``month``). ``exempt``: 産前産後休業・育児休業 (health, nursing, child
    support and pension waived). ``prefecture``: JIS code, romaji or name of the agency's
    establishment (協会けんぽ branch)."""
    if wages < 0:
        raise InsuranceError("wages cannot be negative")
    return _premiums(
        health_base=standard.health.standard,
        pension_base=standard.pension.standard,
        wages=wages,
        month=month_of(month),
        wage_date=wage_date or month_of(month),
        prefecture=prefecture_code(prefecture),
        birth_date=birth_date,
        acquired_on=acquired_on,
        lost_on=lost_on,
        exempt=exempt,
        employment_insured=employment_insured,
        business=business,
        rounding=rounding,
        tables=tables or shipped_tables(),
    )


@dataclass(frozen=True, slots=True)
class MonthlyInsurance:
    """The result of :func:`calculate_monthly_insurance`."""

    month: dt.date
    prefecture: str
    standard: StandardAmounts
    nursing_care: bool
    premiums: Premiums

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: yen as integers, rates as strings."""
        p = self.premiums
        return {
            "month": f"{self.month:%Y-%m}",
            "prefecture": self.prefecture,
            "grade": self.standard.health.grade,
            "standard_amount": self.standard.health.standard,
            "pension_grade": self.standard.pension.grade,
            "pension_standard_amount": self.standard.pension.standard,
            "nursing_care": self.nursing_care,
            **p.amounts(),
            "rates": {
                "health_pct": str(p.health_rate_pct),
                "nursing_pct": str(p.nursing_rate_pct),
                "child_support_pct": str(p.child_support_rate_pct),
                "pension_pct": str(p.pension_rate_pct),
                "employment_worker_permille": str(p.employment_worker_permille),
                "employment_employer_permille": str(p.employment_employer_permille),
            },
        }


def calculate_monthly_insurance(
    pay: int,
    *,
    prefecture: str,
    birth_date: dt.date,
    month: dt.date,
    wages: int | None = None,
    acquired_on: dt.date | None = None,
    lost_on: dt.date | None = None,
    business: str = "general",
    rounding: Rounding = Rounding.WITHHELD,
    tables: InsuranceTables | None = None,
) -> MonthlyInsurance:
    """One month from the monthly pay: the grade of ``pay`` (報酬月額) in the tables of
    ``month`` and every share; employment insurance on ``wages`` (default ``pay``). What
    ``haken calc insurance`` prints and what the payroll API will call."""
    if pay < 0:
        raise InsuranceError("the pay cannot be negative")
    tables = tables or shipped_tables()
    month = month_of(month)
    code = prefecture_code(prefecture)
    standard = standard_amounts(pay, month, tables)
    premiums = monthly_premiums(
        standard,
        month=month,
        prefecture=code,
        birth_date=birth_date,
        wages=pay if wages is None else wages,
        acquired_on=acquired_on,
        lost_on=lost_on,
        business=business,
        rounding=rounding,
        tables=tables,
    )
    return MonthlyInsurance(
        month, code, standard, nursing_care_applies(birth_date, month), premiums
    )


# --- bonuses -----------------------------------------------------------------------------


def standard_bonus(amount: int) -> int:
    """標準賞与額: the bonus with the part under ¥1,000 dropped."""
    if amount < 0:
        raise InsuranceError("a bonus cannot be negative")
    return amount // 1000 * 1000


@dataclass(frozen=True, slots=True)
class BonusPayment:
    paid_on: dt.date
    amount: int


@dataclass(frozen=True, slots=True)
class BonusBase:
    """One bonus payment's bases after the caps."""

    paid_on: dt.date
    amount: int
    standard: int
    health_base: int
    """Capped at ¥5,730,000 of 標準賞与額 per fiscal year, counted cumulatively."""
    pension_base: int
    """Capped at ¥1,500,000 per month (several bonuses of one month together)."""


def bonus_bases(
    payments: Sequence[BonusPayment],
    *,
    health_before: int = 0,
    tables: InsuranceTables | None = None,
) -> list[BonusBase]:
    """The capped bases of bonus payments in date order. The health cap counts every
    標準賞与額 of the fiscal year (April–March), including one paid in the month of loss (which
    bears no premium); ``health_before`` is what the fiscal year of the first payment had
    already counted before it (e.g. at a previous employer under the same insurer)."""
    tables = tables or shipped_tables()
    ordered = sorted(payments, key=lambda p: p.paid_on)
    result = []
    health_seen: dict[int, int] = {}
    pension_seen: dict[dt.date, int] = {}
    first_year = fiscal_year_of(ordered[0].paid_on) if ordered else 0
    for payment in ordered:
        std = standard_bonus(payment.amount)
        health_cap, pension_cap = tables.bonus_cap(payment.paid_on)
        year = fiscal_year_of(payment.paid_on)
        counted = health_seen.get(year, health_before if year == first_year else 0)
        health_base = max(0, min(std, health_cap - counted))
        health_seen[year] = counted + std
        month = month_of(payment.paid_on)
        in_month = pension_seen.get(month, 0)
        pension_base = max(0, min(std, pension_cap - in_month))
        pension_seen[month] = in_month + pension_base
        result.append(BonusBase(payment.paid_on, payment.amount, std, health_base, pension_base))
    return result


def bonus_premiums(
    base: BonusBase,
    *,
    prefecture: str,
    birth_date: dt.date,
    acquired_on: dt.date | None = None,
    lost_on: dt.date | None = None,
    exempt: bool = False,
    employment_insured: bool = True,
    business: str = "general",
    rounding: Rounding = Rounding.WITHHELD,
    tables: InsuranceTables | None = None,
) -> Premiums:
    """The premiums of one bonus: health (with nursing and child support) on the capped
    health base, the pension on the capped pension base, at the rates of the month of
    payment; none in the month of loss; employment insurance on the amount actually paid."""
    if lost_on is not None and base.paid_on >= lost_on:
        raise InsuranceError("a bonus paid on or after the day of loss is not an insured's bonus")
    return _premiums(
        health_base=base.health_base,
        pension_base=base.pension_base,
        wages=base.amount,
        month=month_of(base.paid_on),
        wage_date=base.paid_on,
        prefecture=prefecture_code(prefecture),
        birth_date=birth_date,
        acquired_on=acquired_on,
        lost_on=lost_on,
        exempt=exempt,
        employment_insured=employment_insured,
        business=business,
        rounding=rounding,
        tables=tables or shipped_tables(),
    )


# --- who is insured ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkFacts:
    """What decides whether a worker is insured, on the day ``on``."""

    on: dt.date
    weekly_hours: Decimal
    """Scheduled (所定) weekly hours."""
    monthly_wage: int
    """Scheduled monthly wage (所定内賃金: no overtime, bonus, commuting or family allowance)."""
    hired_on: dt.date
    expected_until: dt.date | None
    """Last day of the expected employment; None = no end in view or renewal expected."""
    employer_insured_count: int
    """The agency's insured employees (厚生年金 headcount of the legal entity)."""
    student: bool = False
    """A day student (昼間学生) without the night/correspondence/leave exceptions."""
    full_time_weekly_hours: Decimal = Decimal(40)
    monthly_days: Decimal | None = None
    full_time_monthly_days: Decimal | None = None
    birth_date: dt.date | None = None
    voluntary_application: bool = False
    """任意特定適用: the agency applies the short-time rules by labour-management agreement."""


@dataclass(frozen=True, slots=True)
class Coverage:
    health: bool
    pension: bool
    employment: bool
    reason: str
    """Why health/pension are (or are not) insured: ``full_time`` (3/4 rule),
    ``short_time`` (every 20-hour requirement met), or the first requirement not met."""
    employment_reason: str
    short_time: bool = False


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months from ``start`` (its first day counted):
    the day before the corresponding day, or the month's last day when there is none
    (民法143条2項)."""
    target = add_months(month_of(start), months)
    try:
        return target.replace(day=start.day) - dt.timedelta(days=1)
    except ValueError:
        return add_months(target, 1) - dt.timedelta(days=1)


def _covers(hired_on: dt.date, until: dt.date | None, months: int, rule: str) -> bool:
    """The expected employment is 'over' / 'at least' ``months`` months."""
    if until is None:
        return True
    last_day = period_end(hired_on, months)
    return until > last_day if rule == "over" else until >= last_day


def coverage(facts: WorkFacts, tables: InsuranceTables | None = None) -> Coverage:
    """Whether a worker is insured (health, pension, employment) under the rules in force on
    ``facts.on``, with the reason."""
    tables = tables or shipped_tables()
    rule = tables.coverage_rule(facts.on)
    short = rule["short_time"]
    ratio = Decimal(rule["full_time_ratio"])
    limits = _age_limits()
    fixed_term_ok = _covers(
        facts.hired_on, facts.expected_until, int(rule["fixed_term_excluded_months"]), "over"
    )
    full_time = facts.weekly_hours >= facts.full_time_weekly_hours * ratio and (
        facts.monthly_days is None
        or facts.full_time_monthly_days is None
        or facts.monthly_days >= facts.full_time_monthly_days * ratio
    )
    reason: str
    short_time = False
    if not fixed_term_ok:
        reason = "fixed_term_2_months_or_less"
    elif full_time:
        reason = "full_time"
    elif facts.weekly_hours < Decimal(short["min_weekly_hours"]):
        reason = "weekly_hours_under_20"
    elif facts.monthly_wage < int(short["min_monthly_wage_yen"]):
        reason = "monthly_wage_under_88000"
    elif facts.student and short["students_excluded"]:
        reason = "student"
    elif not _covers(
        facts.hired_on,
        facts.expected_until,
        int(short["expected_months"]),
        str(short["expected_months_rule"]),
    ):
        reason = "expected_employment_too_short"
    elif (
        facts.employer_insured_count < int(short["employer_min_insured"])
        and not facts.voluntary_application
    ):
        reason = "employer_too_small"
    else:
        reason, short_time = "short_time", True
    insured = reason in ("full_time", "short_time")
    health = pension = insured
    if insured and facts.birth_date is not None:
        birthday_75 = age_reached_on(facts.birth_date, limits["health_until_birthday"])
        if facts.on > birthday_75:  # lost on the 75th birthday itself (後期高齢者医療)
            health, reason = False, "age_75_or_over"
        if facts.on >= age_reached_on(facts.birth_date, limits["pension_until_age"]):
            pension = False
            if health:
                reason = "age_70_or_over"
    employment_rule = rule["employment"]
    if facts.weekly_hours < Decimal(employment_rule["min_weekly_hours"]):
        employment, employment_reason = False, "weekly_hours_under_20"
    elif facts.expected_until is not None and (
        (facts.expected_until - facts.hired_on).days + 1 < int(employment_rule["min_expected_days"])
    ):
        employment, employment_reason = False, "expected_under_31_days"
    elif facts.student:
        employment, employment_reason = False, "student"
    else:
        employment, employment_reason = True, "insured"
    return Coverage(health, pension, employment, reason, employment_reason, short_time)
