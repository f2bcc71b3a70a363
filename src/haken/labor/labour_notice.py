"""労働条件通知書 (労基法15条1項, 労基則5条; パート有期法6条1項, 同則2条): which items a notice
must carry, and the 2024-04-01 additions (令和5年厚生労働省令第39号). Pure: no I/O.

Source: JP_DISPATCH.md §1.3 and §4 (the brief), cases C26 and C27.

* **Every worker, every contract and every fixed-term renewal** (絶対的明示事項): the contract
  period; for a fixed-term contract whether it is renewed, the criteria for renewal and ★ the
  **renewal cap** (更新上限: total years or number of renewals, or that there is none); the
  place of work and the duties ★ **with the range over which either may change** (変更の範囲);
  start and end times, overtime, breaks, days off, leave, shift rotation; wages (how set and
  calculated, how paid, closing day, pay day); leaving the job, with the grounds for dismissal.
* **Part-time and fixed-term workers** also: pay rises, retirement pay and bonuses (有無), and
  the contact point for consultation (相談窓口).
* ★ **At each renewal at which the 無期転換 right has arisen** (the contract during which the
  total passes 5 years, and every later fixed-term one): the **chance to apply for conversion**
  (無期転換申込機会) and the **working conditions after conversion**.

C26: a fixed-term renewal whose notice omits the range of changes is non-compliant; a cap of
"通算4年" must be written. C27: at the renewal where the right arises the notice must include
the chance to apply and the post-conversion conditions, and again at each later renewal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RENEWAL_WORDS = {
    "automatic": "自動的に更新する",
    "may_renew": "更新する場合があり得る",
    "no_renewal": "契約の更新はしない",
}
"""更新の有無, as the MHLW model notice (モデル労働条件通知書) words it."""

DEFAULT_POST_CONVERSION = "契約期間の定めがなくなるほかは、本通知書に記載の労働条件と同一とする。"
"""労働契約法18条1項: the indefinite contract keeps the terms of the current one apart from the
term, unless other terms are agreed (used when the office states no other conditions)."""


@dataclass(frozen=True)
class NoticeFacts:
    """What a 労働条件通知書 is about to state (empty text: the item is not stated)."""

    fixed_term: bool
    part_time_or_fixed: bool
    contract_start: dt.date | None
    contract_end: dt.date | None
    renewal: str  # a key of RENEWAL_WORDS, or ""
    renewal_criteria: str
    renewal_cap: str  # e.g. "通算4年", "更新3回まで" or "なし"
    work_place: str
    duties: str
    place_change_range: str
    duties_change_range: str
    hours: str
    days_off: str
    leave: str
    wage: str
    wage_closing: str
    wage_payday: str
    wage_payment: str
    retirement: str
    wage_raise: str
    retirement_allowance: str
    bonus: str
    consultation_contact: str
    conversion_due: bool
    conversion_terms: str


def conversion_notice_due(
    *, fixed_term: bool, right_date: dt.date | None, contract_start: dt.date | None
) -> bool:
    """Whether this contract's notice must state the 無期転換 application chance and the
    post-conversion terms: a fixed-term contract starting on or after the day the right
    arose (the right arises at the start of the contract during which the total passes
    5 years, and stays at every later fixed-term renewal). ``right_date`` is None when no
    right arises (or the worker is exempt)."""
    if not fixed_term or right_date is None or contract_start is None:
        return False
    return contract_start >= right_date


def conversion_start(contract_end: dt.date) -> dt.date:
    """The indefinite contract starts the day after the current contract ends (18条1項)."""
    return contract_end + dt.timedelta(days=1)


def conversion_words(contract_end: dt.date) -> str:
    """The chance to apply, as stated on the notice (無期転換申込機会)."""
    start = conversion_start(contract_end)
    return (
        "本契約期間中に会社に対して期間の定めのない労働契約（無期労働契約）の締結の申込みをする"
        "ことにより、本契約期間の末日の翌日"
        f"（{start.year}年{start.month}月{start.day}日）から無期労働契約に転換することができる。"
    )


def missing_items(facts: NoticeFacts) -> list[str]:
    """The items a notice with these facts would leave out, in the order of 則5条1項 (empty:
    it may be issued). Each name is what the notice calls the item."""
    missing: list[str] = []

    def need(value: str, label: str) -> None:
        if not value.strip():
            missing.append(label)

    if facts.fixed_term:
        if facts.contract_start is None or facts.contract_end is None:
            missing.append("労働契約の期間（有期労働契約の期間）")
        if facts.renewal not in RENEWAL_WORDS:
            missing.append("契約更新の有無")
        elif facts.renewal != "no_renewal":
            need(facts.renewal_criteria, "契約更新の判断基準")
        need(facts.renewal_cap, "更新上限の有無と内容（通算契約期間又は更新回数）")
    need(facts.work_place, "就業の場所（雇入れ直後）")
    need(facts.place_change_range, "就業の場所の変更の範囲")
    need(facts.duties, "従事すべき業務の内容（雇入れ直後）")
    need(facts.duties_change_range, "従事すべき業務の変更の範囲")
    need(facts.hours, "始業・終業の時刻、休憩時間")
    need(facts.days_off, "休日")
    need(facts.leave, "休暇")
    need(facts.wage, "賃金の決定・計算の方法")
    need(facts.wage_closing, "賃金の締切日")
    need(facts.wage_payday, "賃金の支払日")
    need(facts.wage_payment, "賃金の支払方法")
    need(facts.retirement, "退職に関する事項（解雇の事由を含む）")
    if facts.part_time_or_fixed:
        need(facts.wage_raise, "昇給の有無")
        need(facts.retirement_allowance, "退職手当の有無")
        need(facts.bonus, "賞与の有無")
        need(facts.consultation_contact, "相談窓口")
    if facts.conversion_due:
        need(facts.conversion_terms, "無期転換後の労働条件")
    return missing


# --- at hire, before any placement (常用型 / 無期雇用派遣; 労基法15条1項) -----------------------

FULL_TIME_MONTHLY_MINUTES = 40 * 60 * 52 // 12
"""40 hours a week over a year, as minutes a month (10,400): a worker whose record holds a
shorter 月平均所定労働時間 is treated as part-time (パート有期法2条, against the 40-hour week)."""


def hire_contract_period(
    periods: list[tuple[dt.date, dt.date]], reference: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The fixed-term contract a notice at hire is for: the recorded period containing
    ``reference`` (the hire day, or today when later), else the first one starting after it;
    None when the record holds neither (the period must then be recorded, not guessed)."""
    containing = [p for p in periods if p[0] <= reference <= p[1]]
    if containing:
        return max(containing)
    ahead = sorted(p for p in periods if p[0] > reference)
    return ahead[0] if ahead else None


def monthly_wage_words(monthly_salary: int | None, allowance: int) -> str:
    """賃金の決定・計算の方法 from the pay settings of a monthly-paid worker (empty: the record
    holds no monthly salary, so the office states the wage at issue)."""
    if monthly_salary is None or monthly_salary <= 0:
        return ""
    words = f"月給 {monthly_salary:,}円"
    if allowance > 0:
        words += f"、諸手当 月額 {allowance:,}円"
    return words


def schedule_words(average_monthly_minutes: int | None, scheduled_days: int | None) -> str:
    """The scheduled time the pay settings hold (月平均所定労働時間, 月の所定労働日数)."""
    parts = []
    if average_monthly_minutes:
        hours, minutes = divmod(average_monthly_minutes, 60)
        parts.append(f"月平均所定労働時間 {hours}時間" + (f"{minutes}分" if minutes else ""))
    if scheduled_days:
        parts.append(f"所定労働日数 月{scheduled_days}日")
    return "、".join(parts)


def is_part_time(average_monthly_minutes: int | None) -> bool:
    """Part-time by the scheduled monthly time the record holds (unknown: not part-time)."""
    return average_monthly_minutes is not None and (
        average_monthly_minutes < FULL_TIME_MONTHLY_MINUTES
    )


def hire_missing_items(
    facts: NoticeFacts,
    *,
    overtime: str,
    dispatch: bool,
    agreement_coverage: str,
    dispatch_fee: str,
) -> list[str]:
    """The items a notice at hire (no assignment yet) would leave out: those of
    :func:`missing_items`, whether overtime occurs (則5条1項2号), and for a worker hired as a
    dispatch worker the items of 派遣法31条の2第2項 (則25条の16: pay rises, retirement pay
    and bonuses 有無 whatever the term, whether the worker is covered by the 労使協定, the
    complaint contact) and the dispatch fee (34条の2: at hire, this worker's expected fee or
    the average per worker of the agency's establishment)."""
    missing = missing_items(facts)

    def need(value: str, label: str) -> None:
        if not value.strip() and label not in missing:
            missing.append(label)

    need(overtime, "所定時間外労働の有無")
    if dispatch:
        need(facts.wage_raise, "昇給の有無")
        need(facts.retirement_allowance, "退職手当の有無")
        need(facts.bonus, "賞与の有無")
        need(agreement_coverage, "労使協定の対象となる派遣労働者であるか否か")
        need(facts.consultation_contact, "相談窓口")
        need(dispatch_fee, "派遣料金額（派遣法第34条の2）")
    return missing


def cutoff_words(cutoff_day: int) -> str:
    """締切日: 0 is the month end (labor.closing)."""
    return "毎月末日" if cutoff_day == 0 else f"毎月{cutoff_day}日"


def payday_words(pay_day: int, months_after: int) -> str:
    """支払日: the day of the month ``months_after`` the closing (0: the same month)."""
    month = {0: "当月", 1: "翌月", 2: "翌々月"}.get(months_after, f"{months_after}か月後の月")
    return f"{month}{'末日' if pay_day == 0 else f'{pay_day}日'}"


__all__ = [
    "DEFAULT_POST_CONVERSION",
    "RENEWAL_WORDS",
    "NoticeFacts",
    "conversion_notice_due",
    "conversion_start",
    "conversion_words",
    "cutoff_words",
    "hire_contract_period",
    "hire_missing_items",
    "is_part_time",
    "missing_items",
    "monthly_wage_words",
    "payday_words",
    "schedule_words",
]
