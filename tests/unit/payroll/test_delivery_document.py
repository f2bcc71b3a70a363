"""The PDF's data of a payslip (payroll/delivery.document): Japanese line labels, the lines
split into earnings and deductions with their basis, the attendance summary (half days of
leave count a half), and a net equal to the payslip's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from haken.modules.payroll.delivery import document
from haken.modules.payroll.schemas import PayslipAttendance, PayslipLine, PayslipRead

ATTENDANCE = PayslipAttendance(
    worked_days=19,
    worked_minutes=160 * 60,
    regular=150 * 60,
    within_statutory_overtime=0,
    overtime=10 * 60,
    overtime_over_60h=0,
    night=90,
    rest_day=0,
    paid_leave_days=1,
    half_leave_days=1,
    absence_days=0,
)


def _slip(attendance: PayslipAttendance | None) -> PayslipRead:
    lines = [
        PayslipLine(
            section="earning", code="regular", amount=225_000, text="150h × ¥1,500", basis={}
        ),
        PayslipLine(section="earning", code="overtime", amount=18_750, text="10h × 1.25", basis={}),
        PayslipLine(
            section="deduction", code="health", amount=12_000, text="grade 240,000", basis={}
        ),
        PayslipLine(
            section="deduction", code="income_tax", amount=5_000, text="月額表 甲", basis={}
        ),
    ]
    return PayslipRead(
        id=1,
        run_id=1,
        employee_id=7,
        employee_name="山田 太郎",
        employee_number="E-0007",
        attendance=attendance,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 4, 30),
        pay_date=dt.date(2026, 5, 25),
        state="closed",  # type: ignore[arg-type]
        status="ok",
        error_code=None,
        error_detail=None,
        gross=243_750,
        social_insurance=12_000,
        employment_insurance=0,
        income_tax=5_000,
        resident_tax=0,
        deductions=17_000,
        net=226_750,
        lines=lines,
    )


def test_lines_are_labelled_in_japanese_and_the_net_is_the_payslips() -> None:
    made = document(_slip(ATTENDANCE), "ハケン株式会社")
    assert [line.label for line in made.earnings] == ["労働時間", "時間外労働"]
    assert [line.label for line in made.deductions] == ["健康保険", "源泉所得税"]
    assert [line.amount for line in made.deductions] == [12_000, 5_000]
    assert made.deductions[0].basis == "grade 240,000"
    assert made.net_pay == 226_750
    assert made.employee_number == "E-0007"


def test_the_attendance_summary_counts_half_days_and_lists_the_classes_worked() -> None:
    made = document(_slip(ATTENDANCE), "")
    assert made.attendance.work_days == 19
    assert made.attendance.paid_leave_days == Decimal("1.5")
    assert [(c.label.split()[0], c.minutes) for c in made.attendance.overtime] == [
        ("法定時間外", 600),
        ("深夜", 90),
    ]


def test_a_month_without_a_ledger_row_shows_zero_attendance() -> None:
    made = document(_slip(None), "")
    assert made.attendance.work_days == 0 and made.attendance.overtime == ()
