"""One search key for every way a name is typed."""

from __future__ import annotations

import pytest

from haken.platform.jptext import normalize_postal_code, prefix_pattern, search_key


@pytest.mark.parametrize(
    "typed",
    [
        "トヨタ精機",
        "ﾄﾖﾀ精機",
        "とよた精機",
        "株式会社トヨタ精機",
        "トヨタ精機株式会社",
        "(株)トヨタ 精機",
        "㈱トヨタ　精機",
    ],
)
def test_widths_scripts_and_legal_forms_fold_together(typed: str) -> None:
    assert search_key(typed) == "とよた精機"


def test_latin_letters_fold_to_lower_half_width() -> None:
    assert search_key("ＡＢＣ Ｍotors") == "abcmotors"


def test_long_vowel_mark_is_kept() -> None:
    # コーヒー and コヒ are different names.
    assert search_key("コーヒー") != search_key("コヒ")


def test_like_wildcards_are_escaped() -> None:
    assert prefix_pattern("50%_off") == "50\\%\\_off%"


def test_postal_codes() -> None:
    assert normalize_postal_code("4718571") == "471-8571"
    assert normalize_postal_code("４７１－８５７１") == "471-8571"
    assert normalize_postal_code("471-857") == "471-857"  # left for validation to refuse
