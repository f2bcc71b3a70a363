"""Foreign workers: card numbers, dispatch permission, hour limits, stay expiry.

Cases B.10-B.18 of JP_DISPATCH.md §6 are reproduced with the brief's expected outcomes;
the rest are worked by hand from §2.1-§2.3.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haken.labor.residence import (
    DateRange,
    DispatchDecision,
    DispatchRefusal,
    ExtraActivityPermission,
    HoursViolationKind,
    ResidenceStatus,
    SpecifiedSkilledField,
    WorkRestriction,
    assess_stay,
    check_dispatch_permitted,
    expiring_within,
    find_hours_violations,
    is_valid_card_number,
    normalise_card_number,
    special_period_end,
    work_permitted_until,
)

H = 60  # minutes in an hour

# --- card number (§2.3) -----------------------------------------------------------------


def test_card_number_cases_from_the_brief() -> None:
    # Case B.18: "AB12345678CD" → valid; "A123456789BC" → invalid.
    assert is_valid_card_number("AB12345678CD") is True
    assert is_valid_card_number("A123456789BC") is False


@pytest.mark.parametrize(
    "raw",
    ["AB1234567CD", "AB123456789CD", "AB12345678C", "", "1212345678CD", "AB12345678C1"],
)
def test_malformed_card_numbers(raw: str) -> None:
    assert is_valid_card_number(raw) is False


def test_card_number_normalisation() -> None:
    # Letters go to the ISA check as half-width capitals (§2.3).
    assert normalise_card_number("ａｂ１２３４５６７８ｃｄ") == "AB12345678CD"
    assert is_valid_card_number(" ab 1234-5678 cd ") is True


# --- statuses -----------------------------------------------------------------------------


def test_japanese_names_round_trip() -> None:
    for status in ResidenceStatus:
        assert ResidenceStatus.from_ja(status.ja) is status
    assert ResidenceStatus.from_ja("技術・人文知識・国際業務") is (
        ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL
    )
    with pytest.raises(ValueError, match="unknown residence status"):
        ResidenceStatus.from_ja("観光")


def _card_text(status: ResidenceStatus) -> str:
    restriction = status.work_restriction
    assert restriction is not None
    return restriction.ja


def test_card_work_restriction_field() -> None:
    # §2.3: the five printed values of 就労制限の有無.
    assert ResidenceStatus.PERMANENT_RESIDENT.work_restriction is WorkRestriction.NONE
    assert _card_text(ResidenceStatus.PERMANENT_RESIDENT) == "就労制限なし"
    assert _card_text(ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL) == (
        "在留資格に基づく就労活動のみ可"
    )
    assert _card_text(ResidenceStatus.TECHNICAL_INTERN_TRAINING) == (
        "指定書記載機関での在留資格に基づく就労活動のみ可"
    )
    assert _card_text(ResidenceStatus.DESIGNATED_ACTIVITIES) == (
        "指定書により指定された就労活動のみ可"
    )
    assert _card_text(ResidenceStatus.STUDENT) == "就労不可"
    assert ResidenceStatus.TEMPORARY_VISITOR.has_residence_card is False
    assert ResidenceStatus.SPECIAL_PERMANENT_RESIDENT.has_residence_card is False
    assert ResidenceStatus.TEMPORARY_VISITOR.work_restriction is None


def test_every_status_has_a_rule() -> None:
    for status in ResidenceStatus:
        assert isinstance(check_dispatch_permitted(status), DispatchDecision)


# --- dispatch permission (§2.1, §2.2) -------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        ResidenceStatus.PERMANENT_RESIDENT,
        ResidenceStatus.LONG_TERM_RESIDENT,
        ResidenceStatus.SPOUSE_OF_JAPANESE_NATIONAL,
        ResidenceStatus.SPOUSE_OF_PERMANENT_RESIDENT,
        ResidenceStatus.SPECIAL_PERMANENT_RESIDENT,
    ],
)
def test_unrestricted_statuses_go_to_the_factory_line(status: ResidenceStatus) -> None:
    # Case B.17: 永住者 / 定住者 / 日本人の配偶者等 sent to a factory line → allowed.
    decision = check_dispatch_permitted(status, work_matches_status=False)
    assert decision.allowed is True
    assert decision.refusal is None
    assert decision.weekly_hours_limit is None


def test_engineer_humanities_only_for_matching_work() -> None:
    # Case B.17: 技人国 holder sent to a factory line → not allowed.
    status = ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL
    refused = check_dispatch_permitted(status, work_matches_status=False)
    assert refused == DispatchDecision(False, DispatchRefusal.WORK_OUTSIDE_STATUS)
    assert check_dispatch_permitted(status, work_matches_status=True).allowed is True


def test_technical_intern_never_dispatched() -> None:
    # Case B.16: 技能実習2号 offered for dispatch → not allowed, whatever else is true.
    decision = check_dispatch_permitted(
        ResidenceStatus.TECHNICAL_INTERN_TRAINING,
        work_matches_status=True,
        designation_permits_work=True,
        extra_activity_permission=ExtraActivityPermission.BLANKET,
        supervised_dispatch_type=True,
    )
    assert decision.allowed is False
    assert decision.refusal is DispatchRefusal.TECHNICAL_INTERN_NOT_DISPATCHABLE


@pytest.mark.parametrize(
    "status",
    [ResidenceStatus.SPECIFIED_SKILLED_WORKER_1, ResidenceStatus.SPECIFIED_SKILLED_WORKER_2],
)
def test_specified_skilled_only_in_agriculture_and_fishery(status: ResidenceStatus) -> None:
    # Case B.15: 特定技能1号 (外食) by dispatch → not allowed; (農業) by a qualifying
    # agency → allowed. §2.1: only 農業 and 漁業.
    food = check_dispatch_permitted(
        status,
        specified_skilled_field=SpecifiedSkilledField.FOOD_SERVICE,
        agency_qualified_for_field=True,
    )
    assert food.refusal is DispatchRefusal.SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE
    for field in (SpecifiedSkilledField.AGRICULTURE, SpecifiedSkilledField.FISHERY):
        ok = check_dispatch_permitted(
            status, specified_skilled_field=field, agency_qualified_for_field=True
        )
        assert ok.allowed is True
    unqualified = check_dispatch_permitted(
        status, specified_skilled_field=SpecifiedSkilledField.AGRICULTURE
    )
    assert unqualified.refusal is DispatchRefusal.SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED
    unknown = check_dispatch_permitted(status, agency_qualified_for_field=True)
    assert unknown.refusal is DispatchRefusal.SPECIFIED_SKILLED_FIELD_REQUIRED


def test_only_two_fields_dispatchable() -> None:
    allowed = {
        f
        for f in SpecifiedSkilledField
        if check_dispatch_permitted(
            ResidenceStatus.SPECIFIED_SKILLED_WORKER_1,
            specified_skilled_field=f,
            agency_qualified_for_field=True,
        ).allowed
    }
    assert allowed == {SpecifiedSkilledField.AGRICULTURE, SpecifiedSkilledField.FISHERY}
    assert SpecifiedSkilledField.AGRICULTURE.ja == "農業"
    assert SpecifiedSkilledField.FOOD_SERVICE.ja == "外食業"


def test_student_needs_the_permission() -> None:
    # Case B.14: 留学 with an empty 資格外活動許可欄 → no work at all; marked
    # "許可（原則週28時間以内・風俗営業等の従事を除く）" → employable within 28h.
    none = check_dispatch_permitted(ResidenceStatus.STUDENT)
    assert none == DispatchDecision(False, DispatchRefusal.EXTRA_ACTIVITY_PERMISSION_REQUIRED)
    blanket = check_dispatch_permitted(
        ResidenceStatus.STUDENT, extra_activity_permission=ExtraActivityPermission.BLANKET
    )
    assert blanket.allowed is True
    assert blanket.weekly_hours_limit == 28
    assert blanket.long_vacation_daily_hours_limit == 8  # §2.2: 留学 only


def test_dependent_has_no_vacation_exception() -> None:
    # §2.2 and case B.13: 家族滞在: 28 hours a week with no holiday exception.
    decision = check_dispatch_permitted(
        ResidenceStatus.DEPENDENT, extra_activity_permission=ExtraActivityPermission.BLANKET
    )
    assert decision.allowed is True
    assert decision.weekly_hours_limit == 28
    assert decision.long_vacation_daily_hours_limit is None
    assert check_dispatch_permitted(ResidenceStatus.DEPENDENT).refusal is (
        DispatchRefusal.EXTRA_ACTIVITY_PERMISSION_REQUIRED
    )


def test_individual_permission_defers_to_the_permit() -> None:
    # §2.2: "許可（資格外活動許可書に記載された範囲内の活動）": check the separate permit.
    decision = check_dispatch_permitted(
        ResidenceStatus.STUDENT, extra_activity_permission=ExtraActivityPermission.INDIVIDUAL
    )
    assert decision.allowed is True
    assert decision.permit_document_check is True
    assert decision.weekly_hours_limit is None


def test_student_permission_ends_with_enrolment_and_excludes_adult_venues() -> None:
    # §2.2 "Other limits": only while enrolled; never at 風俗営業 premises.
    blanket = ExtraActivityPermission.BLANKET
    graduated = check_dispatch_permitted(
        ResidenceStatus.STUDENT, extra_activity_permission=blanket, enrolled=False
    )
    assert graduated.refusal is DispatchRefusal.STUDENT_NOT_ENROLLED
    adult = check_dispatch_permitted(
        ResidenceStatus.DEPENDENT, extra_activity_permission=blanket, adult_entertainment=True
    )
    assert adult.refusal is DispatchRefusal.ADULT_ENTERTAINMENT_PROHIBITED


def test_other_statuses() -> None:
    # §2.1: 短期滞在 → No; 特定活動 → only what the 指定書 allows; 育成就労 → only the
    # 労働者派遣等監理型 type.
    assert check_dispatch_permitted(ResidenceStatus.TEMPORARY_VISITOR).refusal is (
        DispatchRefusal.STATUS_NOT_DISPATCHABLE
    )
    assert check_dispatch_permitted(ResidenceStatus.DESIGNATED_ACTIVITIES).refusal is (
        DispatchRefusal.DESIGNATED_ACTIVITY_NOT_PERMITTED
    )
    assert check_dispatch_permitted(
        ResidenceStatus.DESIGNATED_ACTIVITIES, designation_permits_work=True
    ).allowed
    skill = ResidenceStatus.EMPLOYMENT_FOR_SKILL_DEVELOPMENT
    assert check_dispatch_permitted(skill).refusal is (
        DispatchRefusal.SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE
    )
    assert check_dispatch_permitted(skill, supervised_dispatch_type=True).allowed


def test_refusal_codes_are_upper_snake() -> None:
    for refusal in DispatchRefusal:
        assert refusal.value == refusal.name
        assert refusal.value.replace("_", "").isupper()


# --- hours under the permission (§2.2) ------------------------------------------------------

MONDAY = date(2026, 6, 1)


def _week(*hours: float) -> dict[date, int]:
    return {MONDAY + timedelta(days=i): int(h * H) for i, h in enumerate(hours) if h}


def test_29_hours_in_a_week_is_a_violation() -> None:
    # Case B.10: 留学, term time, Mon 6, Tue 6, Wed 6, Thu 6, Sun 5 = 29h → violation.
    violations = find_hours_violations(_week(6, 6, 6, 6, 0, 0, 5), weekly_hours_limit=28)
    assert violations
    assert violations[0].kind is HoursViolationKind.WEEKLY
    assert violations[0].worked_minutes == 29 * H
    assert violations[0].limit_minutes == 28 * H
    assert (violations[0].start, violations[0].end) == (MONDAY, MONDAY + timedelta(days=6))


def test_28_hours_is_allowed() -> None:
    assert find_hours_violations(_week(6, 6, 6, 6, 0, 0, 4), weekly_hours_limit=28) == []


def test_every_rolling_window_counts() -> None:
    # §2.2: whichever weekday the week is counted from. Sat 7 + Sun 7 end one calendar
    # week (14h), Mon-Wed 7 each start the next (21h); Saturday to Friday holds 35h.
    days = {
        date(2026, 6, 6): 7 * H,
        date(2026, 6, 7): 7 * H,
        date(2026, 6, 8): 7 * H,
        date(2026, 6, 9): 7 * H,
        date(2026, 6, 10): 7 * H,
    }
    violations = find_hours_violations(days)
    assert violations
    assert max(v.worked_minutes for v in violations) == 35 * H


def test_dependent_summer_holiday_is_no_exception() -> None:
    # Case B.13: 家族滞在, children's summer holiday, 35h in a week → violation.
    summer = DateRange(date(2026, 7, 20), date(2026, 8, 31))
    week = {date(2026, 8, 3) + timedelta(days=i): 7 * H for i in range(5)}
    decision = check_dispatch_permitted(
        ResidenceStatus.DEPENDENT, extra_activity_permission=ExtraActivityPermission.BLANKET
    )
    assert decision.weekly_hours_limit is not None
    violations = find_hours_violations(
        week,
        weekly_hours_limit=decision.weekly_hours_limit,
        long_vacation_daily_hours_limit=decision.long_vacation_daily_hours_limit,
        long_vacations=[summer],
    )
    assert any(v.kind is HoursViolationKind.WEEKLY for v in violations)


def test_student_long_vacation_allows_8_hours_a_day() -> None:
    # §2.2: during the school's long vacation the limit becomes 8 hours a day.
    summer = DateRange(date(2026, 7, 20), date(2026, 9, 20))
    week = {date(2026, 8, 3) + timedelta(days=i): 8 * H for i in range(5)}  # 40h
    assert (
        find_hours_violations(week, long_vacation_daily_hours_limit=8, long_vacations=[summer])
        == []
    )
    week[date(2026, 8, 4)] = 9 * H
    violations = find_hours_violations(
        week, long_vacation_daily_hours_limit=8, long_vacations=[summer]
    )
    assert [v.kind for v in violations] == [HoursViolationKind.DAILY_LONG_VACATION]
    assert violations[0].start == date(2026, 8, 4)


def test_week_straddling_the_vacation_start_keeps_28_hours() -> None:
    # §2.2 (M): the 28-hour rule applies to the weeks before and after the vacation.
    summer = DateRange(date(2026, 7, 22), date(2026, 9, 20))  # starts on a Wednesday
    days = {date(2026, 7, 22) + timedelta(days=i): 8 * H for i in range(5)}  # Wed-Sun, 40h
    violations = find_hours_violations(
        days, long_vacation_daily_hours_limit=8, long_vacations=[summer]
    )
    assert violations
    assert all(v.kind is HoursViolationKind.WEEKLY for v in violations)
    assert all(v.start < summer.start for v in violations)


def test_negative_minutes_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        find_hours_violations({MONDAY: -1})


@given(st.lists(st.integers(min_value=0, max_value=4 * H), min_size=1, max_size=40))
def test_at_most_four_hours_a_day_never_breaches_28(minutes: list[int]) -> None:
    days = {MONDAY + timedelta(days=i): m for i, m in enumerate(minutes)}
    assert find_hours_violations(days) == []


@given(st.lists(st.integers(min_value=0, max_value=12 * H), min_size=7, max_size=30))
def test_violations_are_exactly_the_windows_over_the_limit(minutes: list[int]) -> None:
    days = {MONDAY + timedelta(days=i): m for i, m in enumerate(minutes)}
    found = {v.start for v in find_hours_violations(days)}
    expected = {
        MONDAY + timedelta(days=s)
        for s in range(-6, len(minutes))
        if sum(minutes[max(s, 0) : s + 7]) > 28 * H
    }
    assert found == expected


# --- expiry and the special period (§2.3) ---------------------------------------------------


def test_no_application_ends_on_the_expiry() -> None:
    assert work_permitted_until(date(2026, 4, 15)) == date(2026, 4, 15)


def test_pending_application_runs_two_months_past_expiry() -> None:
    # §2.3: filed on or before the expiry, no decision → until the end of the day two
    # months after the expiry.
    assert work_permitted_until(date(2026, 4, 15), application_filed_on=date(2026, 4, 10)) == date(
        2026, 6, 15
    )
    # Filed on the expiry day itself still counts.
    assert work_permitted_until(date(2026, 4, 15), application_filed_on=date(2026, 4, 15)) == date(
        2026, 6, 15
    )


def test_application_after_expiry_gives_no_special_period() -> None:
    assert work_permitted_until(date(2026, 4, 15), application_filed_on=date(2026, 4, 16)) == date(
        2026, 4, 15
    )


def test_decision_ends_the_special_period_early() -> None:
    # §2.3: "until the decision or ... two months after, whichever comes first".
    filed = date(2026, 4, 1)
    assert work_permitted_until(
        date(2026, 4, 15), application_filed_on=filed, decided_on=date(2026, 5, 20)
    ) == date(2026, 5, 20)
    # A decision before the expiry leaves the expiry in force.
    assert work_permitted_until(
        date(2026, 4, 15), application_filed_on=filed, decided_on=date(2026, 4, 12)
    ) == date(2026, 4, 15)
    # A decision after the two months cannot extend them.
    assert work_permitted_until(
        date(2026, 4, 15), application_filed_on=filed, decided_on=date(2026, 7, 1)
    ) == date(2026, 6, 15)


def test_special_period_month_ends() -> None:
    # Counting starts the day after the expiry (民法140条), by the calendar (143条).
    assert special_period_end(date(2026, 3, 31)) == date(2026, 5, 31)
    assert special_period_end(date(2027, 2, 28)) == date(2027, 4, 30)
    assert special_period_end(date(2026, 12, 31)) == date(2027, 2, 28)
    assert special_period_end(date(2027, 12, 30)) == date(2028, 2, 29)  # leap year


def test_expiring_within() -> None:
    # 2026-04-01 → 2026-06-30 is 29 + 31 + 30 = 90 days.
    assert expiring_within(date(2026, 6, 30), 90, today=date(2026, 4, 1)) is True
    assert expiring_within(date(2026, 6, 30), 90, today=date(2026, 3, 31)) is False
    assert expiring_within(date(2026, 6, 30), 90, today=date(2026, 7, 5)) is True  # expired


def test_assess_stay() -> None:
    expiry = date(2026, 4, 15)
    filed = date(2026, 4, 10)
    during = assess_stay(expiry, today=date(2026, 5, 1), application_filed_on=filed)
    assert during.in_special_period is True
    assert during.may_work is True
    assert during.work_permitted_until == date(2026, 6, 15)
    assert during.days_until_expiry == -16
    after = assess_stay(expiry, today=date(2026, 6, 16), application_filed_on=filed)
    assert after.may_work is False
    assert after.in_special_period is False
    ahead = assess_stay(expiry, today=date(2026, 1, 1))
    assert ahead.expiring_soon is False  # 104 days ahead
    assert ahead.may_work is True


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(min_value=-30, max_value=0),
)
def test_special_period_is_about_two_months(expiry: date, filed_offset: int) -> None:
    until = work_permitted_until(expiry, application_filed_on=expiry + timedelta(filed_offset))
    assert 58 <= (until - expiry).days <= 62
