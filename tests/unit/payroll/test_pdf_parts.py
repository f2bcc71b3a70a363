"""Joining reportlab part files into one PDF (the bulk payslip job's last step): every page
in order, one page tree, a cross-reference table whose offsets point at their objects, and
parts that are not reportlab's output refused."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from haken.modules.payroll.payslip_pdf import FONT, _font
from haken.modules.payroll.pdf_parts import PdfPartError, join_parts


def _part(path: Path, labels: list[str]) -> Path:
    _font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1)
    for label in labels:
        canvas.setFont(FONT, 12)
        canvas.drawString(50, 700, label)
        canvas.showPage()
    canvas.save()
    path.write_bytes(buffer.getvalue())
    return path


def test_parts_join_in_order_with_offsets_that_point_at_their_objects(tmp_path: Path) -> None:
    parts = [
        _part(tmp_path / "1.pdf", ["給与 A-1"]),
        _part(tmp_path / "2.pdf", ["給与 B-1", "給与 B-2"]),
        _part(tmp_path / "3.pdf", ["給与 C-1", "給与 C-2", "給与 C-3"]),
    ]
    out = io.BytesIO()
    assert join_parts(parts, out) == 6
    content = out.getvalue()
    assert content.count(b"/Type /Pages") == 1 and content.count(b"/Type /Catalog") == 1
    start = int(re.findall(rb"startxref\n(\d+)", content)[-1])
    table = content[start:].split(b"\n")
    assert table[0] == b"xref"
    for number, entry in enumerate(table[3 : 3 + int(table[1].split()[1]) - 1], start=1):
        offset, _, kind = entry.split()
        if kind == b"n":
            assert content[int(offset) :].startswith(b"%d 0 obj" % number)
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    labels = [line for line in text.splitlines() if line.startswith("給与")]
    assert labels == ["給与 A-1", "給与 B-1", "給与 B-2", "給与 C-1", "給与 C-2", "給与 C-3"]
    assert text.count("\f") == 6


def test_a_part_that_is_not_reportlabs_pdf_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "x.pdf"
    broken.write_bytes(b"%PDF-1.3\nnot a pdf\n")
    with pytest.raises(PdfPartError):
        join_parts([broken], io.BytesIO())
