"""派遣先への通知 rules against JP_DISPATCH.md §6 cases A1 and A2."""

from __future__ import annotations

from datetime import date

from haken.labor.client_notice import (
    InsuranceEntry,
    age_statement,
    insurance_problems,
    is_60_or_over,
    reason_is_concrete,
)

DAY = date(2026, 4, 1)


def test_a1_age_words() -> None:
    assert age_statement(date(1978, 9, 1), DAY) == "45歳以上"  # 47
    assert age_statement(date(2008, 10, 1), DAY) == "17歳"  # 17: the age itself
    assert age_statement(date(1995, 9, 1), DAY) == ""  # 30: name and sex only
    assert age_statement(date(1981, 4, 1), DAY) == "45歳以上"  # 45 on the day
    assert age_statement(date(1981, 4, 2), DAY) == ""  # 44 until tomorrow
    assert age_statement(date(2008, 4, 1), DAY) == ""  # 18 on the day


def test_60_or_over_on_the_same_day_as_the_period_limit_exemption() -> None:
    assert is_60_or_over(date(1966, 4, 1), DAY)  # the 60th birthday
    assert is_60_or_over(date(1966, 4, 2), DAY)  # 60 reached at the end of the day before
    assert not is_60_or_over(date(1966, 4, 3), DAY)
    # Born 29 February: 60 on 28 February of a common year, as the 抵触日 exemption reads it.
    assert is_60_or_over(date(1968, 2, 29), date(2028, 2, 28))
    assert not is_60_or_over(date(1968, 2, 29), date(2028, 2, 27))


def test_a2_reasons() -> None:
    assert not reason_is_concrete("適用基準を満たしていないため")
    assert reason_is_concrete("1週間の所定労働時間が15時間であるため")
    assert reason_is_concrete("昼間学生であるため")
    assert reason_is_concrete("2026年4月10日に提出予定")
    assert not reason_is_concrete("")


def test_problems_name_the_worker_and_the_insurance() -> None:
    entries = (
        InsuranceEntry("health", True),
        InsuranceEntry("pension", False, ""),
        InsuranceEntry("employment", False, "適用基準を満たしていないため"),
    )
    assert insurance_problems("山田 太郎", entries) == [
        "山田 太郎: 厚生年金保険の未加入理由",
        "山田 太郎: 雇用保険の未加入理由（具体的な理由）",
    ]


def test_a5_dispute_prevention_clause() -> None:
    from haken.labor.dispatch_contract import dispute_clause_problems, forbids_hiring

    assert dispute_clause_problems("") == ["紛争防止措置"]  # never left out, even for 無期
    assert forbids_hiring("派遣先は、派遣労働者を雇用してはならない。")
    assert forbids_hiring(
        "派遣先は派遣期間中及び終了後1年間、派遣労働者を直接雇用しないものとする。"
    )
    fair = (
        "派遣先が派遣労働者を雇用する場合は、その意思を事前に派遣元に示し、"
        "職業紹介により行うものとし、手数料として支払われた賃金額の30%を支払う。"
    )
    assert not forbids_hiring(fair) and dispute_clause_problems(fair) == []


def test_a6_limitation_item() -> None:
    from haken.labor.dispatch_contract import limitation_words

    assert limitation_words(True) == "限定する"
    assert limitation_words(False) == "限定しない"
