"""The payslip PDF (payroll.payslip_pdf): read back with pdftotext (poppler-utils)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from haken.modules.payroll.payslip_pdf import (
    AttendanceSummary,
    OvertimeClass,
    PayslipDocument,
    SlipLine,
    render_payslip,
    render_payslips,
    write_payslips,
)

SLIP = PayslipDocument(
    agency_name="株式会社ハケン",
    employee_name="山田 太郎",
    employee_number="E000001",
    period_start=dt.date(2026, 11, 1),
    period_end=dt.date(2026, 11, 30),
    pay_date=dt.date(2026, 12, 25),
    earnings=[
        SlipLine("基本給", 208_000, "160:00 × 1,300円"),
        SlipLine("時間外手当", 16_250, "10:00 × 1,300円 × 1.25"),
        SlipLine("通勤手当", 12_000, "非課税"),
    ],
    deductions=[
        SlipLine("健康保険料", 12_883, "標準報酬月額 260,000円 × 4.955%"),
        SlipLine("源泉所得税", 5_130, "月額表 甲欄 扶養0人"),
    ],
    attendance=AttendanceSummary(
        work_days=20,
        work_minutes=170 * 60,
        overtime=[OvertimeClass("法定時間外", 600), OvertimeClass("深夜", 90)],
        paid_leave_days=Decimal("1.5"),
    ),
)


def _text(pdf: bytes, tmp_path: Path, *, first: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian poppler-utils) is not installed")
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-layout"]
    if first is not None:
        args += ["-f", str(first), "-l", str(first)]
    return subprocess.run(
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_one_slip_has_its_labels_amounts_and_bases(tmp_path: Path) -> None:
    pdf = render_payslip(SLIP)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    for label in (
        "給与明細書",
        "2026年11月分",
        "山田 太郎",
        "E000001",
        "支給",
        "控除",
        "差引支給額",
        "出勤日数",
        "労働時間",
        "法定時間外",
        "深夜",
        "支給日",
    ):
        assert label in text, label
    # Amounts: each line, the totals (236,250 and 18,013 by hand) and the net 218,237.
    for amount in (
        "208,000円",
        "16,250円",
        "12,000円",
        "12,883円",
        "5,130円",
        "236,250円",
        "18,013円",
        "218,237円",
    ):
        assert amount in text, amount
    assert "標準報酬月額 260,000円 × 4.955%" in text
    assert "170:00" in text and "10:00" in text and "1:30" in text and "1.5日" in text
    assert "2026年12月25日" in text
    assert _pages(pdf, tmp_path) == 1


def test_totals_are_the_sums_of_the_lines() -> None:
    assert (SLIP.total_earnings, SLIP.total_deductions, SLIP.net_pay) == (236_250, 18_013, 218_237)


def test_bulk_has_a_page_per_slip_from_a_generator(tmp_path: Path) -> None:
    read: list[int] = []

    def slips():  # type: ignore[no-untyped-def]
        for n in range(1, 13):
            read.append(n)
            yield replace(SLIP, employee_number=f"E{n:06d}", employee_name=f"社員 {n}")

    pdf = render_payslips(slips())
    assert read == list(range(1, 13))
    assert _pages(pdf, tmp_path) == 12
    assert "E000007" in _text(pdf, tmp_path, first=7)
    assert "社員 7" in _text(pdf, tmp_path, first=7)


def test_a_long_slip_stays_on_one_page(tmp_path: Path) -> None:
    lines = [SlipLine(f"手当{n}", 1_000, "長い根拠の説明 " * 10) for n in range(40)]
    pdf = render_payslip(replace(SLIP, earnings=lines))
    assert _pages(pdf, tmp_path) == 1
    assert "40,000円" in _text(pdf, tmp_path)


def test_write_to_a_file_counts_pages(tmp_path: Path) -> None:
    path = tmp_path / "bulk.pdf"
    with path.open("wb") as out:
        assert write_payslips([SLIP, SLIP, SLIP], out) == 3
    assert _pages(path.read_bytes(), tmp_path) == 3
