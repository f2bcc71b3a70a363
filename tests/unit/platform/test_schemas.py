"""The text normaliser of every request schema (haken.platform.schemas; docs/security.md)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError
from pydantic_core import PydanticCustomError

from haken.platform.schemas import (
    INVALID_CHARACTER,
    InputModel,
    Password,
    QueryModel,
    normalise_text,
)


def _forbidden(cp: int) -> bool:
    """The policy, written independently of the module's regular expressions."""
    if cp in (0x09, 0x0A):
        return False
    if cp < 0x20 or 0x7F <= cp <= 0x9F:  # C0, DEL, C1 (\r is turned into \n)
        return True
    if 0xD800 <= cp <= 0xDFFF or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
        return True
    bidi = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    zero_width = {0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF}
    other_format = {*range(0x206A, 0x2070), 0xFFF9, 0xFFFA, 0xFFFB, *range(0xE0000, 0xE0080)}
    return cp in bidi | zero_width | other_format | {0x2028, 0x2029}


# --- the policy, character class by character class ------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("山田\u202e太郎", "山田太郎"),  # right-to-left override
        ("a\u202ab\u202c", "ab"),  # embedding + pop
        ("\u2066x\u2069\u200e\u200f\u061c", "x"),  # isolates and marks
        ("\ufeff田中", "田中"),  # BOM pasted from a CSV
        ("ta\u200bna\u200cka\u200d\u2060", "tanaka"),  # zero-width characters
        ("tag\U000e0041\U000e007f", "tag"),  # tag characters (ASCII smuggling)
        ("line1\r\nline2\rline3\u2028line4", "line1\nline2\nline3\nline4"),
        ("col1\tcol2\nrow2", "col1\tcol2\nrow2"),  # tab and newline are kept
    ],
)
def test_invisible_characters_are_removed_and_line_breaks_unified(sent: str, stored: str) -> None:
    assert normalise_text(sent) == stored


@pytest.mark.parametrize(
    ("sent", "code_point"),
    [
        ("a\x00b", "U+0000"),
        ("\x1b[31mred", "U+001B"),
        ("bell\x07", "U+0007"),
        ("del\x7f", "U+007F"),
        ("nel\x85", "U+0085"),
        ("c1\x9b31m", "U+009B"),
        ("vt\x0b", "U+000B"),
        ("x\ufdd0", "U+FDD0"),
        ("x\uffff", "U+FFFF"),
        ("x\U0010fffe", "U+10FFFE"),
        ("x\ud800", "U+D800"),  # a lone surrogate ("\ud800" in JSON)
    ],
)
def test_controls_surrogates_and_noncharacters_are_refused(sent: str, code_point: str) -> None:
    with pytest.raises(PydanticCustomError) as raised:
        normalise_text(sent)
    assert raised.value.type == INVALID_CHARACTER
    assert raised.value.context == {"character": code_point}


def test_the_drop_policy_removes_what_refuse_refuses() -> None:
    assert normalise_text("a\x00b\x1b[31m\ufdd0c", policy="drop") == "ab[31mc"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Jose\u0301", "José"),  # e + combining acute → é
        ("Nguye\u0302\u0303n", "Nguyễn"),  # Vietnamese: two combining marks
        ("か\u3099", "が"),  # combining dakuten composes
        ("ハ\u309a", "パ"),  # combining handakuten composes
    ],
)
def test_nfc_composes_combining_marks(sent: str, stored: str) -> None:
    assert normalise_text(sent) == stored
    assert unicodedata.is_normalized("NFC", normalise_text(sent))


@pytest.mark.parametrize(
    "text",
    [
        "山田 太郎",
        "やまだ たろう",
        "ヤマダ タロウ",
        "ﾔﾏﾀﾞ ﾀﾛｳ",  # half-width kana: width folding is jaconv's job, later, not NFC's
        "佐々木",  # 々
        "コーヒー",  # ー
        "株式会社ＡＢＣ　本社",  # full-width letters and ideographic space stay
        "髙橋",
        "葛\U000e0100城",  # an ideographic variation sequence (異体字) is kept
        "神\ufa19社",  # CJK compatibility ideograph: NFC would turn it into U+795E
        "\U0002f800",  # CJK compatibility ideograph supplement
        "Đặng Thị Hương",  # Vietnamese, precomposed
    ],
)
def test_japanese_and_names_are_kept_as_sent(text: str) -> None:
    assert normalise_text(text) == text


# --- properties -------------------------------------------------------------------------------

_any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
_japanese = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x3041, max_codepoint=0x3096),  # hiragana
        st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA),  # katakana
        st.characters(min_codepoint=0xFF66, max_codepoint=0xFF9F),  # half-width katakana
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK unified
        st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),  # CJK compatibility
        st.sampled_from("々ー〆ヶ、。・「」　"),
    ),
    max_size=30,
)


@given(_any_text)
def test_drop_output_is_nfc_free_of_forbidden_code_points_and_idempotent(text: str) -> None:
    once = normalise_text(text, policy="drop")
    assert not [hex(ord(c)) for c in once if _forbidden(ord(c))]
    assert normalise_text(once) == once  # the stored form passes the strict policy unchanged
    assert normalise_text(once, policy="drop") == once
    if not any(0xF900 <= ord(c) <= 0xFAFF or 0x2F800 <= ord(c) <= 0x2FA1F for c in once):
        assert unicodedata.is_normalized("NFC", once)


@given(_any_text)
def test_refuse_either_refuses_or_agrees_with_drop(text: str) -> None:
    try:
        strict = normalise_text(text)
    except PydanticCustomError:
        assert any(_forbidden(ord(c)) and c not in "\r\u2028\u2029" for c in text)
        return
    assert strict == normalise_text(text, policy="drop")


@given(_japanese)
def test_japanese_text_is_unchanged(text: str) -> None:
    assert normalise_text(text) == text


# --- the base models -------------------------------------------------------------------------


class Nested(InputModel):
    name: str


class Body(InputModel):
    name: Annotated[str, Field(max_length=5)]
    password: Password = "x"
    tags: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    note: str | None = None
    nested: list[Nested] = Field(default_factory=list)


def test_every_string_of_a_body_is_normalised_including_lists_dicts_and_optionals() -> None:
    body = Body.model_validate(
        {
            "name": " Jose\u0301\u200b ",
            "tags": ["\u202eabc"],
            "labels": {"k\u200b": "v\ufeff"},
            "note": "e\u0301",
            "nested": [{"name": "x\u2066y"}],
        }
    )
    assert body.name == "José"  # NFC first: 4 characters, within max_length=5
    assert body.tags == ["abc"]
    assert body.labels == {"k": "v"}
    assert body.note == "é"
    assert body.nested[0].name == "xy"


def test_a_refused_character_names_its_field() -> None:
    with pytest.raises(ValidationError) as raised:
        Body.model_validate({"name": "ok", "tags": ["fine", "bad\x00"]})
    [error] = raised.value.errors()
    assert error["type"] == INVALID_CHARACTER
    assert error["loc"] == ("tags",)


def test_passwords_are_taken_verbatim() -> None:
    password = " pa\u200bss\u0301word\x00 "
    assert Body.model_validate({"name": "a", "password": password}).password == password


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        Body.model_validate({"name": "a", "surprise": 1})


def test_query_models_drop_instead_of_refusing() -> None:
    class Filter(QueryModel):
        q: str | None = None

    assert Filter(q=" 山田\x00\u202e ").q == "山田"


class _Typed(InputModel):
    count: int | None = None
    amount: Annotated[Decimal, Field(ge=0)] | None = None
    ratio: float = 0
    flag: bool | None = None
    either: bool | int | None = None


@pytest.mark.parametrize(
    "body",
    [{"count": True}, {"amount": False}, {"ratio": True}, {"flag": 0}, {"flag": 1}, {"flag": 1.0}],
)
def test_json_booleans_and_numbers_are_not_interchangeable(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as refused:
        _Typed.model_validate(body)
    assert refused.value.errors()[0]["type"] in {"number_type", "bool_type"}


def test_strings_and_matching_json_types_still_pass() -> None:
    # Form fields arrive as strings; a union that admits both types takes either.
    typed = _Typed.model_validate(
        {"count": "3", "amount": 2, "ratio": 1, "flag": "on", "either": True}
    )
    assert (typed.count, typed.amount, typed.ratio, typed.flag, typed.either) == (
        3,
        Decimal(2),
        1.0,
        True,
        True,
    )
    assert _Typed.model_validate({"flag": False, "either": 5}).either == 5
