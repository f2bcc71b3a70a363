"""Corporate numbers (法人番号) and qualified-invoice registration numbers (登録番号).

* 法人番号: 13 digits; the first is a check digit over the other 12 (the 基礎番号, for a
  company its 会社法人等番号). 法人番号の指定等に関する省令 (平成26年財務省令第70号) 第2条:
  ``9 − (Σ Pn × Qn mod 9)`` where Pn is the n-th digit counting from the lowest digit of
  the 基礎番号 and Qn is 1 for odd n, 2 for even n. The result is always 1–9.
* 登録番号 (インボイス制度, 国税庁 適格請求書発行事業者公表サイト "登録番号とは"):
  a corporation with a 法人番号 is ``T`` + its 法人番号; a sole proprietor or an
  unincorporated association gets ``T`` + 13 digits that are neither a My Number nor a
  法人番号, for which the NTA publishes no check rule — only the form is checked.
"""

from __future__ import annotations

import re

CORPORATE_NUMBER = re.compile(r"^[1-9]\d{12}$")
INVOICE_NUMBER = re.compile(r"^T\d{13}$")


def corporate_check_digit(base: str) -> int:
    """The check digit of a 12-digit 基礎番号.

    >>> corporate_check_digit("000012050002")  # 国税庁: 7000012050002
    7
    """
    if not re.fullmatch(r"\d{12}", base):
        raise ValueError("a 基礎番号 is 12 digits")
    total = sum(int(digit) * (1 if n % 2 == 1 else 2) for n, digit in enumerate(reversed(base), 1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    """13 digits whose first digit is the check digit of the other 12."""
    if not CORPORATE_NUMBER.fullmatch(number):
        return False
    return int(number[0]) == corporate_check_digit(number[1:])


def is_valid_invoice_number(number: str, *, corporation: bool) -> bool:
    """``T`` + 13 digits; for a corporation the digits must be a valid 法人番号."""
    if not INVOICE_NUMBER.fullmatch(number):
        return False
    return is_valid_corporate_number(number[1:]) if corporation else True
