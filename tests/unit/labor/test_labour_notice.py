"""labor.labour_notice: the items of a 労働条件通知書 (労基則5条, 2024 amendment) — C26 and C27
of JP_DISPATCH.md §6 — and the 無期転換 dates (§4)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from haken.labor.fixed_term import FixedTermContract, conversion_right_date
from haken.labor.labour_notice import (
    NoticeFacts,
    conversion_notice_due,
    conversion_start,
    conversion_words,
    cutoff_words,
    hire_contract_period,
    hire_missing_items,
    is_part_time,
    missing_items,
    monthly_wage_words,
    payday_words,
    schedule_words,
)

COMPLETE = NoticeFacts(
    fixed_term=True,
    part_time_or_fixed=True,
    contract_start=dt.date(2024, 5, 1),
    contract_end=dt.date(2025, 4, 30),
    renewal="may_renew",
    renewal_criteria="業務量・勤務成績により判断",
    renewal_cap="通算4年",
    work_place="派遣先 A社 本社工場",
    duties="検品",
    place_change_range="会社の定める場所",
    duties_change_range="会社の定める業務",
    hours="9:00〜18:00（休憩60分）",
    days_off="土日祝",
    leave="年次有給休暇",
    wage="時間給 1,500円",
    wage_closing="毎月末日",
    wage_payday="翌月25日",
    wage_payment="口座振込",
    retirement="就業規則による",
    wage_raise="なし",
    retirement_allowance="なし",
    bonus="なし",
    consultation_contact="人事部",
    conversion_due=False,
    conversion_terms="",
)


def test_a_complete_renewal_notice_misses_nothing() -> None:
    assert missing_items(COMPLETE) == []


def test_c26_renewal_of_2024_05_01_without_the_change_range_is_non_compliant() -> None:
    facts = dataclasses.replace(COMPLETE, place_change_range="", duties_change_range=" ")
    assert missing_items(facts) == ["就業の場所の変更の範囲", "従事すべき業務の変更の範囲"]


def test_c26_a_renewal_cap_must_be_stated_for_a_fixed_term_contract() -> None:
    facts = dataclasses.replace(COMPLETE, renewal_cap="")
    assert missing_items(facts) == ["更新上限の有無と内容（通算契約期間又は更新回数）"]
    # An indefinite contract has no renewal, cap, or the part-time/fixed-term items.
    indefinite = dataclasses.replace(
        COMPLETE,
        fixed_term=False,
        part_time_or_fixed=False,
        renewal="",
        renewal_cap="",
        renewal_criteria="",
        contract_start=None,
        contract_end=None,
        wage_raise="",
        bonus="",
        retirement_allowance="",
        consultation_contact="",
    )
    assert missing_items(indefinite) == []


def test_no_renewal_needs_no_criteria_but_still_the_cap_statement() -> None:
    facts = dataclasses.replace(COMPLETE, renewal="no_renewal", renewal_criteria="")
    assert missing_items(facts) == []
    unknown = dataclasses.replace(COMPLETE, renewal="")
    assert missing_items(unknown) == ["契約更新の有無"]


def test_part_time_or_fixed_term_four_items() -> None:
    facts = dataclasses.replace(
        COMPLETE, wage_raise="", retirement_allowance="", bonus="", consultation_contact=""
    )
    assert missing_items(facts) == ["昇給の有無", "退職手当の有無", "賞与の有無", "相談窓口"]


def test_c27_the_notice_states_conversion_from_the_renewal_where_the_right_arises() -> None:
    # 3-year contracts 2013-04-01–2016-03-31, renewed to 2019-03-31: right from 2016-04-01 (C23).
    contracts = [
        FixedTermContract(dt.date(2013, 4, 1), dt.date(2016, 3, 31)),
        FixedTermContract(dt.date(2016, 4, 1), dt.date(2019, 3, 31)),
    ]
    right = conversion_right_date(contracts)
    assert right == dt.date(2016, 4, 1)
    # The first contract: no right yet → not stated.
    assert not conversion_notice_due(
        fixed_term=True, right_date=right, contract_start=dt.date(2013, 4, 1)
    )
    # The renewal at which it arises, and every later fixed-term renewal → stated.
    for start in (dt.date(2016, 4, 1), dt.date(2019, 4, 1)):
        assert conversion_notice_due(fixed_term=True, right_date=right, contract_start=start)
    # Converted (indefinite) or no right: nothing to state.
    assert not conversion_notice_due(
        fixed_term=False, right_date=right, contract_start=dt.date(2019, 4, 1)
    )
    assert not conversion_notice_due(
        fixed_term=True, right_date=None, contract_start=dt.date(2019, 4, 1)
    )
    due = dataclasses.replace(COMPLETE, conversion_due=True, conversion_terms="")
    assert missing_items(due) == ["無期転換後の労働条件"]


def test_conversion_starts_the_day_after_the_contract_ends() -> None:
    assert conversion_start(dt.date(2019, 3, 31)) == dt.date(2019, 4, 1)
    assert "（2019年4月1日）から無期労働契約に転換" in conversion_words(dt.date(2019, 3, 31))


def test_closing_and_pay_day_words() -> None:
    assert cutoff_words(0) == "毎月末日"
    assert cutoff_words(20) == "毎月20日"
    assert payday_words(25, 1) == "翌月25日"
    assert payday_words(0, 0) == "当月末日"


# --- at hire, without an assignment (常用型) ------------------------------------------------

INDEFINITE_DISPATCH = dataclasses.replace(
    COMPLETE,
    fixed_term=False,
    part_time_or_fixed=False,
    contract_start=None,
    contract_end=None,
    renewal="",
    renewal_criteria="",
    renewal_cap="",
    work_place="当社 東京本社（待機場所）",
    place_change_range="会社の定める派遣先の事業所",
)


def test_at_hire_overtime_and_the_dispatch_hire_items_are_required() -> None:
    full = {"overtime": "有", "dispatch": True, "agreement_coverage": "対象", "dispatch_fee": "x"}
    assert hire_missing_items(INDEFINITE_DISPATCH, **full) == []
    # 派遣法31条の2第2項: pay rises, retirement pay and bonuses 有無 even for a 無期 full-time
    # dispatch worker, the agreement coverage, the complaint contact; 34条の2: the fee.
    bare = dataclasses.replace(
        INDEFINITE_DISPATCH,
        wage_raise="",
        retirement_allowance="",
        bonus="",
        consultation_contact="",
    )
    assert hire_missing_items(
        bare, overtime="", dispatch=True, agreement_coverage="", dispatch_fee=" "
    ) == [
        "所定時間外労働の有無",
        "昇給の有無",
        "退職手当の有無",
        "賞与の有無",
        "労使協定の対象となる派遣労働者であるか否か",
        "相談窓口",
        "派遣料金額（派遣法第34条の2）",
    ]
    # A full-time 無期 worker not hired for dispatch: none of them.
    assert (
        hire_missing_items(
            bare, overtime="なし", dispatch=False, agreement_coverage="", dispatch_fee=""
        )
        == []
    )
    # A fixed-term dispatch worker: each item named once (also a part/fixed item).
    fixed = dataclasses.replace(COMPLETE, consultation_contact="", bonus="")
    assert hire_missing_items(
        fixed, overtime="有", dispatch=True, agreement_coverage="対象", dispatch_fee="x"
    ) == ["賞与の有無", "相談窓口"]


def test_the_contract_period_at_hire_is_the_one_in_force_or_the_next() -> None:
    first = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    second = (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert hire_contract_period([second, first], dt.date(2026, 4, 1)) == first
    assert hire_contract_period([second, first], dt.date(2027, 4, 1)) == second
    assert hire_contract_period([second], dt.date(2026, 5, 1)) == second  # starts later
    assert hire_contract_period([first], dt.date(2027, 5, 1)) is None  # ended: not guessed
    assert hire_contract_period([], dt.date(2026, 5, 1)) is None


def test_wage_and_schedule_words_from_the_pay_settings() -> None:
    assert monthly_wage_words(250000, 0) == "月給 250,000円"
    assert monthly_wage_words(250000, 15000) == "月給 250,000円、諸手当 月額 15,000円"
    assert monthly_wage_words(None, 15000) == ""
    assert (
        schedule_words(160 * 60 + 30, 20) == "月平均所定労働時間 160時間30分、所定労働日数 月20日"
    )
    assert schedule_words(None, None) == ""
    # 40 h a week over a year is 173 h 20 min a month: less is part-time.
    assert is_part_time(173 * 60) and not is_part_time(173 * 60 + 20)
    assert not is_part_time(None)
