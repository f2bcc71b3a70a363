"""The payslip (給与明細書) as a PDF in Japanese (reportlab, built-in CID font HeiseiKakuGo-W5).

Entry points (decoupled from the payroll models: the caller maps a payslip to the dataclasses):

- ``PayslipDocument`` (with ``SlipLine`` earnings and deductions, each with its basis text,
  and an ``AttendanceSummary``): the plain data of one slip; totals and net are sums of its
  lines (``total_earnings``, ``total_deductions``, ``net_pay``).
- ``render_payslip(slip)`` → the PDF bytes of one slip (one A4 page).
- ``write_payslips(slips, out)`` / ``render_payslips(slips)`` → one PDF with a page per slip.
  ``slips`` may be a generator: each slip is laid out, drawn and dropped before the next is
  read, so the caller never holds a run's slips at once; reportlab keeps the (compressed)
  page streams until the file is written, which is as far as it streams.

A slip always fits its page: a long slip (many lines, long bases) is shrunk to the page
(``KeepInFrame``) rather than continued. Labels are Japanese with the English word beside,
for workers who read English better; amounts are yen with thousands separators.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

FONT = "HeiseiKakuGo-W5"
MARGIN = 14 * mm


@dataclass(frozen=True, slots=True)
class SlipLine:
    """One earning or deduction: its name, the amount in yen and how it was reached."""

    label: str  # 基本給, 時間外手当, 健康保険料 …
    amount: int
    basis: str = ""  # 160:00 × 1,300円; 標準報酬月額 260,000円 × 4.955%; 月額表 甲欄 扶養1人 …


@dataclass(frozen=True, slots=True)
class OvertimeClass:
    """Minutes of one premium class (法定時間外, 60時間超, 深夜, 法定休日 …)."""

    label: str
    minutes: int


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    work_days: int
    work_minutes: int
    overtime: Sequence[OvertimeClass] = ()
    paid_leave_days: Decimal = Decimal(0)
    absence_days: int = 0


@dataclass(frozen=True, slots=True)
class PayslipDocument:
    agency_name: str
    employee_name: str
    employee_number: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    earnings: Sequence[SlipLine]
    deductions: Sequence[SlipLine]
    attendance: AttendanceSummary
    title: str = "給与明細書"
    notes: Sequence[str] = field(default_factory=tuple)
    show_attendance: bool = True
    """False on a bonus (賞与明細書): a bonus has no attendance of its own."""

    @property
    def total_earnings(self) -> int:
        return sum(line.amount for line in self.earnings)

    @property
    def total_deductions(self) -> int:
        return sum(line.amount for line in self.deductions)

    @property
    def net_pay(self) -> int:
        return self.total_earnings - self.total_deductions


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def yen(amount: int) -> str:
    return f"{amount:,}円"


def hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}日"


class _Styles:
    def __init__(self) -> None:
        self.base = ParagraphStyle("slip", fontName=FONT, fontSize=9, leading=12)
        self.small = ParagraphStyle("slip-small", parent=self.base, fontSize=7, leading=9)
        self.title = ParagraphStyle("slip-title", parent=self.base, fontSize=16, leading=20)
        self.net = ParagraphStyle("slip-net", parent=self.base, fontSize=13, leading=17)


_GRID = [
    ("FONT", (0, 0), (-1, -1), FONT, 9),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def _lines_table(heading: str, lines: Sequence[SlipLine], total: int, styles: _Styles) -> Table:
    rows: list[list[Any]] = [[heading, "根拠 Basis", "金額 Amount"]]
    for line in lines:
        rows.append(
            [
                Paragraph(escape(line.label), styles.base),
                Paragraph(escape(line.basis), styles.small),
                yen(line.amount),
            ]
        )
    rows.append([f"{heading.split()[0]}合計 Total", "", yen(total)])
    table = Table(rows, colWidths=[45 * mm, 100 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_GRID,
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("BACKGROUND", (0, -1), (-1, -1), colors.whitesmoke),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    return table


def _attendance_table(summary: AttendanceSummary) -> Table:
    labels = ["出勤日数 Days", "労働時間 Hours", "有給取得 Paid leave", "欠勤 Absence"]
    values = [
        f"{summary.work_days}日",
        hours(summary.work_minutes),
        _days(summary.paid_leave_days),
        f"{summary.absence_days}日",
    ]
    for overtime in summary.overtime:
        labels.append(overtime.label)
        values.append(hours(overtime.minutes))
    rows: list[list[str]] = []
    for start in range(0, len(labels), 4):
        rows.append(labels[start : start + 4] + [""] * (4 - len(labels[start : start + 4])))
        rows.append(values[start : start + 4] + [""] * (4 - len(values[start : start + 4])))
    table = Table(rows, colWidths=[45 * mm] * 4)
    style = [*_GRID, ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    style += [("BACKGROUND", (0, r), (-1, r), colors.lightgrey) for r in range(0, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def _story(slip: PayslipDocument, styles: _Styles) -> list[Any]:
    facts = Table(
        [
            ["氏名 Name", f"{slip.employee_name} 様", "社員番号 No.", slip.employee_number],
            [
                "対象期間 Period",
                f"{_date(slip.period_start)} 〜 {_date(slip.period_end)}",
                "支給日 Pay date",
                _date(slip.pay_date),
            ],
        ],
        colWidths=[30 * mm, 75 * mm, 30 * mm, 45 * mm],
    )
    facts.setStyle(
        TableStyle(
            [
                *_GRID,
                ("BACKGROUND", (0, 0), (0, -1), colors.lightgrey),
                ("BACKGROUND", (2, 0), (2, -1), colors.lightgrey),
            ]
        )
    )
    story: list[Any] = [
        Paragraph(
            f"{escape(slip.title)}（{slip.period_end.year}年{slip.period_end.month}月分）",
            styles.title,
        ),
        Paragraph(escape(slip.agency_name), styles.base),
        Spacer(1, 3 * mm),
        facts,
        Spacer(1, 4 * mm),
    ]
    if slip.show_attendance:
        story += [
            Paragraph("勤怠 Attendance", styles.base),
            _attendance_table(slip.attendance),
            Spacer(1, 4 * mm),
        ]
    story += [
        _lines_table("支給 Earnings", slip.earnings, slip.total_earnings, styles),
        Spacer(1, 4 * mm),
        _lines_table("控除 Deductions", slip.deductions, slip.total_deductions, styles),
        Spacer(1, 5 * mm),
        Paragraph(f"差引支給額 Net pay: {yen(slip.net_pay)}", styles.net),
    ]
    story += [Paragraph(escape(note), styles.small) for note in slip.notes]
    return story


def _draw(canvas: Canvas, slip: PayslipDocument, styles: _Styles) -> None:
    width, height = A4
    frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, showBoundary=0)
    frame.addFromList([KeepInFrame(0, 0, _story(slip, styles), mode="shrink")], canvas)


class PayslipWriter:
    """One PDF written a slip at a time (``add``), for a caller that reads its slips in
    batches from an asynchronous source; ``close`` finishes the file (a page saying there
    are none when nothing was added) and returns the number of pages."""

    def __init__(self, out: IO[bytes]) -> None:
        _font()
        self._styles = _Styles()
        self._canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
        self._canvas.setTitle("給与明細書")
        self.pages = 0

    def add(self, slip: PayslipDocument) -> None:
        _draw(self._canvas, slip, self._styles)
        self._canvas.showPage()
        self.pages += 1

    def close(self) -> int:
        if self.pages == 0:
            self._canvas.setFont(FONT, 10)
            self._canvas.drawString(MARGIN, A4[1] - MARGIN, "明細はありません No payslips")
            self._canvas.showPage()
        self._canvas.save()
        return self.pages


def write_payslips(slips: Iterable[PayslipDocument], out: IO[bytes]) -> int:
    """Write one PDF with a page per slip to ``out``; the number of pages."""
    _font()
    styles = _Styles()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle("給与明細書")
    pages = 0
    for slip in slips:
        _draw(canvas, slip, styles)
        canvas.showPage()
        pages += 1
    if pages == 0:
        canvas.setFont(FONT, 10)
        canvas.drawString(MARGIN, A4[1] - MARGIN, "明細はありません No payslips")
        canvas.showPage()
    canvas.save()
    return pages


def render_payslips(slips: Iterable[PayslipDocument]) -> bytes:
    buffer = io.BytesIO()
    write_payslips(slips, buffer)
    return buffer.getvalue()


def render_payslip(slip: PayslipDocument) -> bytes:
    return render_payslips([slip])
