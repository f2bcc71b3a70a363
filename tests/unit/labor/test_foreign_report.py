"""外国人雇用状況の届出 due dates against JP_DISPATCH.md §6 case B20."""

from __future__ import annotations

from datetime import date

from haken.labor.foreign_report import report_due


def test_b20_due_dates() -> None:
    assert report_due(
        "hire", date(2026, 4, 15), insured=True, residence_status="ENGINEER_HUMANITIES"
    ) == date(2026, 5, 10)
    assert report_due(
        "separation", date(2026, 6, 20), insured=True, residence_status="ENGINEER_HUMANITIES"
    ) == date(2026, 6, 30)
    assert report_due("hire", date(2026, 10, 1), insured=False, residence_status="STUDENT") == date(
        2026, 11, 30
    )
    assert (
        report_due(
            "hire", date(2026, 4, 15), insured=True, residence_status="SPECIAL_PERMANENT_RESIDENT"
        )
        is None
    )


def test_december_rolls_into_the_next_year() -> None:
    assert report_due("hire", date(2026, 12, 5), insured=True, residence_status="STUDENT") == date(
        2027, 1, 10
    )
    assert report_due(
        "separation", date(2026, 12, 31), insured=False, residence_status="STUDENT"
    ) == date(2027, 1, 31)


def test_separation_window_crosses_the_month_and_uninsured_separation() -> None:
    # 10 days counting from the day after: 25 June → 5 July.
    assert report_due(
        "separation", date(2026, 6, 25), insured=True, residence_status="STUDENT"
    ) == date(2026, 7, 5)
    assert report_due(
        "separation", date(2026, 6, 20), insured=False, residence_status="STUDENT"
    ) == date(2026, 7, 31)
    # The 10th is not moved off a Sunday (2026-05-10 is one: B20's published answer).
    assert report_due("hire", date(2026, 4, 30), insured=True, residence_status="STUDENT") == date(
        2026, 5, 10
    )


def test_no_report_for_diplomats_officials_and_nationals() -> None:
    for status in ("DIPLOMAT", "OFFICIAL", "SPECIAL_PERMANENT_RESIDENT", None):
        assert (
            report_due("separation", date(2026, 6, 20), insured=True, residence_status=status)
            is None
        )
