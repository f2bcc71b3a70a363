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
