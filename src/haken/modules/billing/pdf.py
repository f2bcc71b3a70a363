"""The invoice PDF in Japanese (reportlab, built-in CID font HeiseiKakuGo-W5).

The client's layout decides the lines: ``by_worker`` (worker × time band), ``by_site``
(site × time band, workers summed) or ``summary`` (time band only). Fixed items always follow.
A qualified invoice states the agency's registration number, the issue date, the period,
the taxable amount and the tax per rate (インボイス制度の記載事項).
"""

from __future__ import annotations

import io
from collections import OrderedDict

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from haken.modules.billing.schemas import InvoiceDetail, InvoiceLineRead

FONT = "HeiseiKakuGo-W5"
BAND_LABELS = {
    "regular": "通常",
    "overtime": "時間外",
    "overtime_over_60h": "時間外（60時間超）",
    "late_night": "深夜（加算）",
    "rest_day": "法定休日",
}


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


def _grouped(lines: list[InvoiceLineRead], layout: str) -> list[list[str]]:
    """Table rows of the time lines for the layout (amounts summed within a group)."""
    groups: OrderedDict[tuple[str, str], list[int]] = OrderedDict()
    for line in lines:
        band = BAND_LABELS.get(line.band or "", line.band or "")
        if layout == "by_worker":
            key = (f"{line.site_name} / {line.employee_name}", band)
        elif layout == "by_site":
            key = (line.site_name, band)
        else:
            key = ("", band)
        minutes, amount = groups.setdefault(key, [0, 0])
        groups[key] = [minutes + (line.minutes or 0), amount + line.amount]
    return [[who, band, _hours(m), "", _yen(a)] for (who, band), (m, a) in groups.items()]


def render_invoice(
    invoice: InvoiceDetail, *, agency_name: str, credited_number: str | None = None
) -> bytes:
    _font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=20)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"請求書 {invoice.number or ''}",
    )
    credit = invoice.kind == "credit_note"
    heading = "適格返還請求書（赤伝）" if credit else "請求書（適格請求書）"
    if invoice.state == "draft":
        heading += "【下書き】"
    story: list = [Paragraph(heading, title), Spacer(1, 4 * mm)]
    facts = [
        f"{invoice.client_name} 御中",
        f"請求書番号: {invoice.number or '（未発行）'}",
        f"発行日: {invoice.issue_date.isoformat() if invoice.issue_date else ''}",
        f"対象期間: {invoice.period_start.isoformat()} 〜 {invoice.period_end.isoformat()}",
        f"請求元: {agency_name}",
        f"登録番号: {invoice.registration_number or ''}",
    ]
    if credited_number:
        facts.append(f"取消対象の請求書: {credited_number}")
    story += [Paragraph(text, base) for text in facts]
    story += [Spacer(1, 4 * mm), Paragraph(f"ご請求金額（税込）: {_yen(invoice.total)}", title)]
    story.append(Spacer(1, 4 * mm))
    rows: list[list[str]] = [["就業先 / 氏名", "区分", "時間", "単価", "金額"]]
    time_lines = [line for line in invoice.lines if line.kind == "time"]
    if invoice.layout == "by_worker":
        rows += [
            [
                f"{line.site_name} / {line.employee_name}",
                BAND_LABELS.get(line.band or "", ""),
                _hours(line.minutes),
                f"{line.rate:,}" if line.rate is not None else "",
                _yen(line.amount),
            ]
            for line in time_lines
        ]
    else:
        rows += _grouped(time_lines, invoice.layout)
    rows += [
        [line.site_name, line.description, "", "", _yen(line.amount)]
        for line in invoice.lines
        if line.kind != "time"
    ]
    table = Table(rows, colWidths=[70 * mm, 35 * mm, 20 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    summary = [["税率", "対象金額（税抜）", "消費税"]]
    if invoice.taxable_10 or not invoice.taxable_8:
        summary.append(["10%", _yen(invoice.taxable_10), _yen(invoice.tax_10)])
    if invoice.taxable_8:
        summary.append(["8%（軽減税率）", _yen(invoice.taxable_8), _yen(invoice.tax_8)])
    summary.append(["合計", _yen(invoice.subtotal), _yen(invoice.tax_10 + invoice.tax_8)])
    summary.append(["税込合計", "", _yen(invoice.total)])
    tax_table = Table(summary, colWidths=[40 * mm, 40 * mm, 40 * mm], hAlign="RIGHT")
    tax_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story.append(tax_table)
    doc.build(story)
    return buffer.getvalue()
