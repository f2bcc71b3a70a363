"""Name keys: every way of typing the same name gives the same key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haken.platform.names import (
    PREFIX_END,
    is_romaji,
    name_key,
    prefix_bounds,
    romaji_key,
)


@pytest.mark.parametrize(
    "variant",
    ["やまだ はなこ", "ヤマダ　ハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダハナコ", "やまだ・はなこ"],
)
def test_kana_in_any_width_and_script_folds_to_one_key(variant: str) -> None:
    assert name_key(variant) == "やまだはなこ"


@pytest.mark.parametrize(
    "variant",
    [
        "Nguyen Van Duc",
        "NGUYEN VAN DUC",
        "ＮＧＵＹＥＮ　ＶＡＮ　ＤＵＣ",
        "Nguyễn Văn Đức",
        "nguyen-van-duc",
    ],
)
def test_romaji_folds_case_width_spaces_and_accents(variant: str) -> None:
    assert romaji_key(variant) == "nguyenvanduc"


def test_foreign_names_in_kana_lose_their_separators() -> None:
    assert name_key("ジョン＝スミス") == name_key("じょん すみす") == "じょんすみす"
    assert name_key("グエン・ヴァン") == name_key("ｸﾞｴﾝ ｳﾞｧﾝ")


def test_kanji_keeps_kanji_and_none_stays_none() -> None:
    assert name_key("山田　太郎") == "山田太郎"
    assert name_key(None) is None and romaji_key(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Santos Maria", True),
        ("O'Brien", True),
        ("Ｓａｎｔｏｓ", True),
        ("山田", False),
        ("やまだ", False),
        ("Maria 2", False),
        ("", False),
    ],
)
def test_is_romaji(text: str, expected: bool) -> None:
    assert is_romaji(text) is expected


@given(st.text(max_size=40))
def test_keys_are_idempotent(text: str) -> None:
    key = name_key(text)
    assert key is not None and name_key(key) == key
    latin = romaji_key(text)
    assert latin is not None and romaji_key(latin) == latin


@given(st.text(min_size=1, max_size=10), st.text(max_size=10))
def test_prefix_bounds_contain_every_extension(prefix: str, rest: str) -> None:
    low, high = prefix_bounds(prefix)
    value = prefix + rest.replace(PREFIX_END, "")
    assert low <= value < high
