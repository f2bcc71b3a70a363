"""The invoice PDF renders in each client layout (HeiseiKakuGo-W5, no I/O)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.modules.billing.pdf import _grouped, render_invoice
from haken.modules.billing.schemas import InvoiceDetail, InvoiceLineRead


def _line(
    position: int, worker: str, site: str, band: str, minutes: int, amount: int
) -> InvoiceLineRead:
    return InvoiceLineRead(
        position=position, kind="time", band=band, contract_id=1, assignment_id=position,
        employee_id=position, employee_name=worker, site_name=site, site_id=1,
        description="K-1", minutes=minutes, rate=Decimal("1800.00"), amount=amount,
        tax_rate=Decimal("0.10"),
    )  # fmt: skip


LINES = [
    _line(1, "山田 太郎", "第1工場", "regular", 600, 18000),
    _line(2, "佐藤 花子", "第1工場", "regular", 90, 2700),
    _line(3, "佐藤 花子", "第2工場", "overtime", 60, 2250),
]


def _invoice(layout: str) -> InvoiceDetail:
    return InvoiceDetail(
        id=1, kind="invoice", client_id=1, client_name="株式会社派遣先", cutoff_day=0,
        period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 4, 30), state="issued",
        number="2026-000001", issue_date=dt.date(2026, 5, 1), layout=layout,
        registration_number="T7000012050002", tax_rounding="down", subtotal=22950,
        taxable_10=22950, tax_10=2295, taxable_8=0, tax_8=0, total=25245, paid_amount=0,
        paid_on=None, credits_invoice_id=None, replaces_invoice_id=None, void_reason=None,
        version=2, lines=LINES, payments=[],
    )  # fmt: skip


@pytest.mark.parametrize("layout", ["by_worker", "by_site", "summary"])
def test_every_layout_renders(layout: str) -> None:
    pdf = render_invoice(_invoice(layout), agency_name="ハケン株式会社")
    assert pdf.startswith(b"%PDF") and b"HeiseiKakuGo-W5" in pdf


def test_grouping_sums_within_a_site_or_band() -> None:
    # by site: 第1工場 regular = 600 + 90 minutes, 18000 + 2700 yen
    assert _grouped(LINES, "by_site") == [
        ["第1工場", "通常", "11:30", "", "¥20,700"],
        ["第2工場", "時間外", "1:00", "", "¥2,250"],
    ]
    assert _grouped(LINES, "summary") == [
        ["", "通常", "11:30", "", "¥20,700"],
        ["", "時間外", "1:00", "", "¥2,250"],
    ]
