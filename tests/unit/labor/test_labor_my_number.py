"""My Number check digit (番号法施行令8条 / 総務省令85号5条)."""

from __future__ import annotations

import pytest

from haken.labor.my_number import check_digit, is_valid_my_number


def test_check_digit_worked_by_hand() -> None:
    # 1 2 3 4 5 6 7 8 9 0 1 → weights from the right 2..7, then 2..6:
    # 1·2 + 0·3 + 9·4 + 8·5 + 7·6 + 6·7 + 5·2 + 4·3 + 3·4 + 2·5 + 1·6 = 212; 212 mod 11 = 3.
    assert check_digit("12345678901") == 8
    # Remainders 0 and 1 give 0: all zeros sum to 0.
    assert check_digit("00000000000") == 0


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("123456789018", True),
        ("1234 5678 9018", True),
        ("１２３４５６７８９０１８", True),
        ("1234-5678-9018", True),
        ("123456789012", False),
        ("12345678901", False),
        ("12345678901a", False),
        ("", False),
    ],
)
def test_is_valid_my_number(raw: str, valid: bool) -> None:
    assert is_valid_my_number(raw) is valid


def test_eleven_digits_are_required_for_the_check_digit() -> None:
    with pytest.raises(ValueError, match="eleven"):
        check_digit("123")
