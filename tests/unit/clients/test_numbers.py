"""法人番号 check digits and 登録番号 forms, against numbers published with their digits.

* 7000012050002 — 国税庁 itself (法人番号公表サイト).
* 7123456789012 — the worked example of the NTA's check-digit note (checkdigit.pdf):
  Σ = 74, 74 mod 9 = 2, 9 − 2 = 7.
* 2120901007402 — a worked example from a tax accountant's page: Σ = 34, 9 − 7 = 2.
* 4011001098993 — a company number quoted with its own verification in a public article.
"""

from __future__ import annotations

import pytest

from haken.modules.clients.numbers import (
    corporate_check_digit,
    is_valid_corporate_number,
    is_valid_invoice_number,
)

PUBLISHED = ["7000012050002", "7123456789012", "2120901007402", "4011001098993"]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_numbers_are_valid(number: str) -> None:
    assert corporate_check_digit(number[1:]) == int(number[0])
    assert is_valid_corporate_number(number)
    assert is_valid_invoice_number("T" + number, corporation=True)


@pytest.mark.parametrize("number", PUBLISHED)
def test_every_other_check_digit_is_refused(number: str) -> None:
    for digit in "123456789":
        if digit != number[0]:
            assert not is_valid_corporate_number(digit + number[1:])


def test_a_swapped_pair_of_digits_is_caught() -> None:
    # 7000012050002 with "12" → "21": the weights 1 and 2 make the sum differ by 1.
    assert not is_valid_corporate_number("7000021050002")


@pytest.mark.parametrize(
    "number", ["", "700001205000", "70000120500021", "0000012050002", "70000120500O2"]
)
def test_malformed_corporate_numbers(number: str) -> None:
    assert not is_valid_corporate_number(number)


def test_invoice_number_form() -> None:
    assert not is_valid_invoice_number("7000012050002", corporation=True)  # no T
    assert not is_valid_invoice_number("t7000012050002", corporation=True)  # lower case
    assert not is_valid_invoice_number("T8000012050002", corporation=True)  # bad check digit
    # Sole proprietors: T + 13 digits, no published check rule.
    assert is_valid_invoice_number("T8000012050002", corporation=False)
    assert not is_valid_invoice_number("T800001205000", corporation=False)


def test_check_digit_needs_twelve_digits() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        corporate_check_digit("123")
