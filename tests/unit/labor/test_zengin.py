"""The Zengin 総合振込 file (labor.zengin): the record layout byte by byte, kana, refusals.

The layout is checked against a copy of the format reference
(``data/zengin_transfer_format.json``, the bank's published specification): each field's
offset is the sum of the lengths before it, computed here from the JSON, never from the code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from haken.labor import zengin

SPEC = json.loads(
    (Path(__file__).parent / "data" / "zengin_transfer_format.json").read_text(encoding="utf-8")
)
RECORDS = {record["kubun"]: record for record in SPEC["records"]}

REQUESTER = zengin.Requester(
    code="1234567890",
    name="ハケンショウジ（カ",
    bank_code="0001",
    bank_name="ミズホ",
    branch_code="001",
    branch_name="トウキヨウ",
    account_type=1,
    account_number="0123456",
)
TARO = zengin.Transfer(
    bank_code="0005",
    bank_name="ミツビシユ－エフジエイ",
    branch_code="123",
    branch_name="ヨコハマナカヤマ",
    account_type=1,
    account_number="0000123",
    payee_name="ヤマダ　タロウ",
    amount=250_000,
    customer_code1="E000001",
    ref="E000001",
)
HANAKO = zengin.Transfer(
    bank_code="0009",
    bank_name="ミツイスミトモ",
    branch_code="012",
    branch_name="ウシク",
    account_type=4,
    account_number="7654321",
    payee_name="すずき はなこ",
    amount=1_234_567,
    ref="E000002",
)
PAY_DATE = dt.date(2026, 12, 25)


def _fields(kubun: str, record: bytes) -> dict[int, bytes]:
    """The record cut at the spec's positions: field number → its bytes."""
    fields = RECORDS[kubun]["fields"]
    assert sum(f["len"] for f in fields) == SPEC["_meta"]["record_length"] == 120
    assert len(record) == 120
    cut: dict[int, bytes] = {}
    offset = 0
    for f in fields:
        cut[f["no"]] = record[offset : offset + f["len"]]
        offset += f["len"]
    return cut


def _sjis(text: str) -> bytes:
    return text.encode("shift_jis")


def _expect(kubun: str, record: bytes, expected: dict[int, str]) -> None:
    fields = _fields(kubun, record)
    assert set(expected) == set(fields), "every field of the spec is checked"
    for number, text in expected.items():
        spec = next(f for f in RECORDS[kubun]["fields"] if f["no"] == number)
        assert len(_sjis(text)) == spec["len"], (number, "test expectation has the wrong length")
        assert fields[number] == _sjis(text), (RECORDS[kubun]["name"], spec["name"])


def _records(content: bytes) -> list[bytes]:
    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) == 120 for line in lines)
    return lines


def test_file_layout_byte_by_byte() -> None:
    content = zengin.build_transfer_file(REQUESTER, [TARO, HANAKO], PAY_DATE)
    assert len(content) == 5 * 122  # header, 2 data, trailer, end; CRLF after each
    header, taro, hanako, trailer, end = _records(content)
    _expect(
        "1",
        header,
        {
            1: "1",
            2: "11",  # 給与振込
            3: "0",
            4: "1234567890",
            5: "ﾊｹﾝｼﾖｳｼﾞ(ｶ" + " " * 30,
            6: "1225",
            7: "0001",
            8: "ﾐｽﾞﾎ" + " " * 11,
            9: "001",
            10: "ﾄｳｷﾖｳ" + " " * 10,
            11: "1",
            12: "0123456",
            13: " " * 17,
        },
    )
    _expect(
        "2",
        taro,
        {
            1: "2",
            2: "0005",
            3: "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ" + " " * 2,
            4: "123",
            5: "ﾖｺﾊﾏﾅｶﾔﾏ" + " " * 7,
            6: "0000",
            7: "1",
            8: "0000123",
            9: "ﾔﾏﾀﾞ ﾀﾛｳ" + " " * 22,
            10: "0000250000",
            11: "0",
            12: "E000001   ",
            13: " " * 10,
            14: "7",
            15: " ",
            16: " " * 7,
        },
    )
    assert _fields("2", hanako)[7] == b"4"  # 貯蓄
    assert _fields("2", hanako)[9] == _sjis("ｽｽﾞｷ ﾊﾅｺ".ljust(30))
    _expect("8", trailer, {1: "8", 2: "000002", 3: "000001484567", 4: " " * 101})
    _expect("9", end, {1: "9", 2: " " * 119})


def test_half_width_kana_are_single_jis_x0201_bytes() -> None:
    record = zengin.data_record(TARO)
    # ﾔ ﾏ ﾀ ﾞ: JIS X 0201 0xD4 0xCF 0xC0 0xDE, at the 受取人名 offset (1+4+15+3+15+4+1+7 = 50).
    assert record[50:54] == bytes([0xD4, 0xCF, 0xC0, 0xDE])


def test_without_newlines_the_records_run_on() -> None:
    content = zengin.build_transfer_file(REQUESTER, [TARO], PAY_DATE, newline=False)
    assert len(content) == 4 * 120 and b"\r" not in content and b"\n" not in content
    assert content[120:121] == b"2" and content[240:241] == b"8" and content[360:361] == b"9"


def test_the_kind_code_is_the_callers() -> None:
    header = zengin.header_record(REQUESTER, PAY_DATE, kind=zengin.KIND_GENERAL)
    assert _fields("1", header)[2] == b"21"


@pytest.mark.parametrize(
    ("name", "bank_kana"),
    [
        ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # 濁点 as its own half-width character
        ("パク ジヨン", "ﾊﾟｸ ｼﾞﾖﾝ"),  # 半濁点 likewise
        ("やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ"),  # hiragana
        ("ｶﾞｯｺｳ", "ｶﾞﾂｺｳ"),  # already half-width: small ｯ made large
        ("キョウコ", "ｷﾖｳｺ"),  # small ョ → ﾖ
        ("ファン ヴァン", "ﾌｱﾝ ｳﾞｱﾝ"),  # small ァ → ｱ, ヴ → ｳﾞ
        ("サトー ユーコ", "ｻﾄ- ﾕ-ｺ"),  # long vowel mark → hyphen
        ("（カ）ハケン", "(ｶ)ﾊｹﾝ"),  # full-width parentheses
        ("ジョン・スミス", "ｼﾞﾖﾝ.ｽﾐｽ"),  # 中黒 → full stop
        ("ＳＭＩＴＨ　ｊｏｈｎ", "SMITH JOHN"),  # full-width and small letters → capitals
        ("ヱビス ヶ", "ｴﾋﾞｽ ｹ"),  # kana JIS X 0201 lacks
        ("ヤマダ　　タロウ ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # runs of spaces collapse, ends trimmed
    ],
)
def test_names_become_bank_kana(name: str, bank_kana: str) -> None:
    converted = zengin.to_bank_kana(name)
    assert converted == bank_kana
    assert zengin.invalid_characters(converted) == []


@pytest.mark.parametrize(
    ("name", "refused"),
    [("山田 タロウ", ["山", "田"]), ("タロウ@", ["@"]), ("タロウ★ハナコ★", ["★"])],
)
def test_characters_banks_refuse_are_named_with_the_employee(name: str, refused: list[str]) -> None:
    transfer = zengin.Transfer(**{**_as_kwargs(TARO), "payee_name": name})
    with pytest.raises(zengin.ZenginCharacterError) as caught:
        zengin.data_record(transfer)
    assert caught.value.characters == tuple(refused)
    assert caught.value.character == refused[0]
    assert caught.value.field == "payee_name"
    assert caught.value.ref == "E000001"


def test_a_long_name_keeps_its_first_30_characters() -> None:
    transfer = zengin.Transfer(**{**_as_kwargs(TARO), "payee_name": "ア" * 35})
    assert _fields("2", zengin.data_record(transfer))[9] == _sjis("ｱ" * 30)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": 10_000_000_000}, "amount"),  # 11 digits
        ({"account_number": "12345678"}, "account_number"),
        ({"account_number": "12-3456"}, "account_number"),
        ({"bank_code": "12345"}, "bank_code"),
        ({"account_type": 3}, "account_type"),
    ],
)
def test_values_the_fields_cannot_hold_are_refused(change: dict[str, Any], field: str) -> None:
    transfer = zengin.Transfer(**{**_as_kwargs(TARO), **change})
    with pytest.raises(zengin.ZenginError) as caught:
        zengin.data_record(transfer)
    assert caught.value.field == field and caught.value.ref == "E000001"


def test_trailer_checks_count_and_total() -> None:
    assert _fields("8", zengin.trailer_record(999_999, 999_999_999_999))[2] == b"999999"
    with pytest.raises(zengin.ZenginError):
        zengin.trailer_record(1_000_000, 1)
    with pytest.raises(zengin.ZenginError):
        zengin.trailer_record(1, 1_000_000_000_000)


def test_trailer_total_is_the_sum_of_the_data_records() -> None:
    many = [zengin.Transfer(**{**_as_kwargs(TARO), "amount": 9_999_999_999})] * 3
    records = _records(zengin.build_transfer_file(REQUESTER, many, PAY_DATE))
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"2", b"8", b"9"]
    trailer = _fields("8", records[4])
    assert trailer[2] == b"000003" and trailer[3] == b"029999999997"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(zengin.ZenginError):
        zengin.build_transfer_file(REQUESTER, [], PAY_DATE)


def _as_kwargs(transfer: zengin.Transfer) -> dict[str, Any]:
    return {name: getattr(transfer, name) for name in transfer.__dataclass_fields__}
