"""The bonus CSV (employee number, amount, withholding rate %): encodings, a header line,
amounts written with separators, and a line that cannot be read refused with its number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haken.modules.payroll.bonuses import parse_csv
from haken.modules.payroll.errors import PayrollBonusCsvError


def test_a_header_is_skipped_and_amounts_and_rates_are_read() -> None:
    content = '社員番号,支給額,算出率\nE-001,"1,234,567",4.084%\nE-002,300000円,10.21\n\n'
    for encoding in ("utf-8-sig", "cp932"):
        assert parse_csv(content.encode(encoding)) == [
            (2, "E-001", 1_234_567, Decimal("4.084")),
            (3, "E-002", 300_000, Decimal("10.21")),
        ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"E-001,-5,4\n", 1),  # a negative amount: not a header (the header is line 1 only)
        (b"E-001,1000,4\nE-002,abc,4\n", 2),
        (b"E-001,1000,4\nE-002,1000,four\n", 2),
        (b"E-001,1000\n", 1),
        (b"\xff\xfe\xfa", 1),
    ],
)
def test_a_line_that_cannot_be_read_is_refused_with_its_number(content: bytes, line: int) -> None:
    with pytest.raises(PayrollBonusCsvError) as raised:
        parse_csv(content)
    assert raised.value.params["line"] == line


def test_a_blank_rate_is_left_to_the_monthly_table() -> None:
    # No rate: the bonus is computed from the 月額表 when the law says so (no pay in the
    # previous month, a bonus over ten times it); otherwise calculation asks for the rate.
    assert parse_csv(b"E-001,500000,\nE-002,400000, 4.084\n") == [
        (1, "E-001", 500_000, None),
        (2, "E-002", 400_000, Decimal("4.084")),
    ]
