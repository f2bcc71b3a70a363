"""Documents as PDFs in Japanese (reportlab, built-in CID font HeiseiKakuGo-W5, as the
payslip): a title, the addressee and sender, a table of items, one table per worker."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "HeiseiKakuGo-W5"


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


_BASE = ParagraphStyle("doc", fontName=FONT, fontSize=9, leading=12)
_TITLE = ParagraphStyle("doc-title", parent=_BASE, fontSize=15, leading=20, alignment=1)
_GRID = [
    ("FONT", (0, 0), (-1, -1), FONT, 9),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
]


def _p(text: Any) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _BASE)


def items_table(rows: Sequence[tuple[str, str]]) -> Table:
    table = Table([[_p(k), _p(v)] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle(_GRID))
    return table


def render(
    title: str,
    heading: Sequence[str],
    sections: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    footer: Sequence[str] = (),
) -> bytes:
    """A4 portrait: title, heading lines, then each section's caption and item table."""
    _font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        invariant=1,
    )
    story: list[Any] = [Paragraph(escape(title), _TITLE), Spacer(1, 6 * mm)]
    story += [_p(line) for line in heading]
    for caption, rows in sections:
        story += [Spacer(1, 4 * mm), _p(caption), Spacer(1, 1 * mm), items_table(rows)]
    if footer:
        story.append(Spacer(1, 4 * mm))
        story += [_p(line) for line in footer]
    doc.build(story)
    return out.getvalue()
