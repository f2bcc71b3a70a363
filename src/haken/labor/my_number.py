"""The individual number (個人番号, My Number): format and check digit.

Source: 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 8条 and
総務省令 (平成26年総務省令第85号) 5条, which fix the check digit of the 12-digit number:

    check = 11 − (Σ Pn × Qn mod 11), or 0 when the remainder is 0 or 1,

where Pn is the n-th digit counted from the right of the first 11 digits (n = 1 … 11) and
Qn = n + 1 for n ≤ 6, n − 5 for n ≥ 7. A well-formed number proves nothing about its
owner: the employer still does the 番号確認 and 身元確認 (JP_DISPATCH.md §3).
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"[0-9]{12}")


def normalise_my_number(raw: str) -> str:
    """Half-width digits without spaces or hyphens (staff copy it as 1234 5678 9012)."""
    text = unicodedata.normalize("NFKC", raw)
    return re.sub(r"[\s\-]", "", text)


def check_digit(first_eleven: str) -> int:
    """The 12th digit for the 11 digits given (most significant first)."""
    if len(first_eleven) != 11 or not first_eleven.isdigit():
        raise ValueError("eleven digits expected")
    total = 0
    for n, char in enumerate(reversed(first_eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(char) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(raw: str) -> bool:
    """True when ``raw`` is 12 digits (after normalisation) with a correct check digit."""
    number = normalise_my_number(raw)
    if _DIGITS.fullmatch(number) is None:
        return False
    return check_digit(number[:11]) == int(number[11])
