"""The Zengin (全銀協) 総合振込 file: fixed-length 120-byte records, 給与振込 by default.

Entry points:

- ``to_bank_kana(text)`` — a name as banks take it: half-width katakana (JIS X 0201), capitals,
  digits and a few symbols; voiced kana as two characters (ガ → ｶﾞ), small kana made large
  (ッ → ﾂ), the long vowel mark as a hyphen (ー → -), full-width brackets half-width.
- ``invalid_characters(text)`` — the characters of an already converted text banks refuse.
- ``build_transfer_file(requester, transfers, transfer_date)`` — the file's bytes: one header
  (1), a data record (2) per transfer, the trailer (8: count and total) and the end record (9),
  each 120 bytes in JIS X 0201 (Shift_JIS single bytes), CRLF after each record by default.

Layout: ``labor/tables`` has none; the reference is the 全銀協制定ファイルフォーマット as a bank
publishes it (../shared/data/reference/zengin_transfer_format.json, 群馬銀行's specification):
numeric fields (N) right-aligned and zero-filled, text fields (C) left-aligned and space-filled.
Banks differ in details (the requester code, newlines, 振込指定区分): the caller passes what
its bank prescribes. Text longer than its field is cut (a payee name keeps its first 30
characters, as banks read it); a number too long for its field is refused.

Pure (stdlib only, no I/O). Errors are ``ZenginError`` (a ``ValueError``) naming the field,
the record's reference (the employee) and the offending character or value; the payroll
module turns them into catalog errors.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

RECORD_LENGTH = 120
ENCODING = "shift_jis"  # JIS X 0201: ASCII and half-width katakana, one byte each
NEWLINE = b"\r\n"

KIND_SALARY = "11"  # 給与振込
KIND_BONUS = "12"  # 賞与振込
KIND_GENERAL = "21"  # 総合振込
CODE_JIS = "0"  # コード区分: JIS

# 預金種目: 1 普通, 2 当座, 4 貯蓄, 9 その他 (a requester's account: 1, 2 or 9).
ACCOUNT_TYPES = frozenset({1, 2, 4, 9})
REQUESTER_ACCOUNT_TYPES = frozenset({1, 2, 9})

MAX_AMOUNT = 9_999_999_999  # 振込金額: 10 digits
MAX_COUNT = 999_999  # 合計件数: 6 digits
MAX_TOTAL = 999_999_999_999  # 合計金額: 12 digits

# What banks accept in a name (全銀協 usable characters): half-width katakana ｱ–ﾝ and ｦ, the
# voiced and semi-voiced marks, capitals, digits, space and ( ) - . / , ｢ ｣ \ (JIS X 0201 ¥).
_ALLOWED = re.compile(r"[0-9A-Z\uff66\uff71-\uff9f ()\-./,\uff62\uff63\\]")
_SMALL_TO_LARGE = str.maketrans("ｧｨｩｪｫｬｭｮｯ", "ｱｲｳｴｵﾔﾕﾖﾂ")
# Before the half-width conversion: kana JIS X 0201 lacks, and punctuation banks spell otherwise.
_FULL_WIDTH = str.maketrans(
    {
        "ヰ": "イ",
        "ヱ": "エ",
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヮ": "ワ",
        "ー": "-",  # the long vowel mark
        "‐": "-",
        "−": "-",
        "―": "-",
        "–": "-",
        "—": "-",
        "・": ".",
        "「": "｢",
        "」": "｣",
    }
)
_DIGITS = re.compile(r"[0-9]*")
# Full-width katakana, the combining voiced marks and 「」 → their JIS X 0201 half-width forms:
# the inverse of what NFKC does to the half-width block (U+FF61–U+FF9F).
_HALF_WIDTH = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF61, 0xFFA0)}
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}  # ぁ–ゖ → ァ–ヶ


class ZenginError(ValueError):
    """A value the file cannot hold: ``field`` of the record ``ref`` (the employee)."""

    def __init__(self, reason: str, *, field: str, ref: str = "", value: str = "") -> None:
        self.reason = reason
        self.field = field
        self.ref = ref
        self.value = value
        where = f" ({ref})" if ref else ""
        super().__init__(f"{field}{where}: {reason} {value!r}")


class ZenginCharacterError(ZenginError):
    """A character banks refuse; ``character`` is the first one, ``characters`` all of them."""

    def __init__(self, characters: Sequence[str], *, field: str, ref: str = "", text: str) -> None:
        self.characters = tuple(characters)
        self.character = self.characters[0]
        self.text = text
        super().__init__("characters banks refuse", field=field, ref=ref, value="".join(characters))


@dataclass(frozen=True, slots=True)
class Requester:
    """振込依頼人: the agency, its bank account and the code its bank gave it."""

    code: str  # 振込依頼人コード (10 digits, the bank's)
    name: str  # 振込依頼人名 (kana)
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int  # 1 普通, 2 当座, 9 その他
    account_number: str


@dataclass(frozen=True, slots=True)
class Transfer:
    """One data record: a payee's account and the amount in yen. ``ref`` names it in errors."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int  # 1 普通, 2 当座, 4 貯蓄, 9 その他
    account_number: str
    payee_name: str
    amount: int
    customer_code1: str = ""  # 顧客番号1 (e.g. the employee number)
    customer_code2: str = ""
    ref: str = ""


def to_bank_kana(text: str) -> str:
    """``text`` as banks spell names: half-width katakana, capitals, digits, ( ) - . / ,.

    Hiragana become katakana, voiced kana two characters (ガ → ｶﾞ, ヴ → ｳﾞ), small kana
    large (ッ → ﾂ, ャ → ﾔ), the long vowel mark a hyphen, ・ a full stop, full-width letters,
    digits and brackets half-width, letters capitals. Characters without a bank spelling
    (kanji, ＠ …) are kept: ``invalid_characters`` names them.
    """
    value = unicodedata.normalize("NFKC", text)  # full-width letters, digits, () → ASCII
    value = value.translate(_HIRAGANA_TO_KATAKANA).translate(_FULL_WIDTH)
    value = "".join(
        "".join(_HALF_WIDTH.get(part, part) for part in unicodedata.normalize("NFD", char))
        if "\u30a0" <= char <= "\u30ff"  # a voiced kana splits into its base and mark
        else _HALF_WIDTH.get(char, char)
        for char in value
    )
    value = value.replace("ｰ", "-").replace("･", ".").translate(_SMALL_TO_LARGE)
    return " ".join(value.upper().split())


def invalid_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` banks refuse, in order of appearance."""
    seen: list[str] = []
    for char in text:
        if _ALLOWED.fullmatch(char) is None and char not in seen:
            seen.append(char)
    return seen


def bank_text(text: str, length: int, *, field: str, ref: str = "") -> str:
    """A C field: converted, checked, cut to ``length`` and space-filled on the right."""
    value = to_bank_kana(text)
    refused = invalid_characters(value)
    if refused:
        raise ZenginCharacterError(refused, field=field, ref=ref, text=value)
    return value[:length].ljust(length)


def bank_number(value: int | str, length: int, *, field: str, ref: str = "") -> str:
    """An N field: digits, right-aligned, zero-filled; refused when too long or not digits."""
    text = str(value)
    if not text or _DIGITS.fullmatch(text) is None:
        raise ZenginError("not a number", field=field, ref=ref, value=text)
    if len(text) > length:
        raise ZenginError(f"more than {length} digits", field=field, ref=ref, value=text)
    return text.zfill(length)


def _record(*parts: str) -> bytes:
    record = "".join(parts).encode(ENCODING)
    if len(record) != RECORD_LENGTH:  # pragma: no cover - every field is fixed above
        raise AssertionError(f"a record of {len(record)} bytes")
    return record


def header_record(
    requester: Requester, transfer_date: dt.date, *, kind: str = KIND_SALARY
) -> bytes:
    """The header (データ区分 1)."""
    if requester.account_type not in REQUESTER_ACCOUNT_TYPES:
        raise ZenginError(
            "not an account type", field="account_type", value=str(requester.account_type)
        )
    return _record(
        "1",
        bank_number(kind, 2, field="kind"),
        CODE_JIS,
        bank_number(requester.code, 10, field="requester_code"),
        bank_text(requester.name, 40, field="requester_name"),
        f"{transfer_date:%m%d}",
        bank_number(requester.bank_code, 4, field="bank_code"),
        bank_text(requester.bank_name, 15, field="bank_name"),
        bank_number(requester.branch_code, 3, field="branch_code"),
        bank_text(requester.branch_name, 15, field="branch_name"),
        str(requester.account_type),
        bank_number(requester.account_number, 7, field="account_number"),
        " " * 17,
    )


def data_record(transfer: Transfer) -> bytes:
    """One data record (データ区分 2); 振込指定区分 7 (電信), 識別表示 blank (no EDI)."""
    ref = transfer.ref
    if transfer.account_type not in ACCOUNT_TYPES:
        raise ZenginError(
            "not an account type", field="account_type", ref=ref, value=str(transfer.account_type)
        )
    if not 0 < transfer.amount <= MAX_AMOUNT:
        raise ZenginError(
            "amount out of range", field="amount", ref=ref, value=str(transfer.amount)
        )
    return _record(
        "2",
        bank_number(transfer.bank_code, 4, field="bank_code", ref=ref),
        bank_text(transfer.bank_name, 15, field="bank_name", ref=ref),
        bank_number(transfer.branch_code, 3, field="branch_code", ref=ref),
        bank_text(transfer.branch_name, 15, field="branch_name", ref=ref),
        "0000",
        str(transfer.account_type),
        bank_number(transfer.account_number, 7, field="account_number", ref=ref),
        bank_text(transfer.payee_name, 30, field="payee_name", ref=ref),
        bank_number(transfer.amount, 10, field="amount", ref=ref),
        "0",
        bank_text(transfer.customer_code1, 10, field="customer_code1", ref=ref),
        bank_text(transfer.customer_code2, 10, field="customer_code2", ref=ref),
        "7",
        " ",
        " " * 7,
    )


def trailer_record(count: int, total: int) -> bytes:
    """The trailer (データ区分 8): the number of data records and their total in yen."""
    if not 0 <= count <= MAX_COUNT:
        raise ZenginError("too many transfers", field="count", value=str(count))
    if not 0 <= total <= MAX_TOTAL:
        raise ZenginError("total out of range", field="total", value=str(total))
    return _record(
        "8", bank_number(count, 6, field="count"), bank_number(total, 12, field="total"), " " * 101
    )


def end_record() -> bytes:
    """The end record (データ区分 9)."""
    return _record("9", " " * 119)


def build_transfer_file(
    requester: Requester,
    transfers: Sequence[Transfer],
    transfer_date: dt.date,
    *,
    kind: str = KIND_SALARY,
    newline: bool = True,
) -> bytes:
    """The whole file: header, data records, trailer, end; CRLF after each record unless
    ``newline`` is false (banks that take one 120-byte stream). No transfer: refused."""
    if not transfers:
        raise ZenginError("no transfers", field="transfers")
    records = [header_record(requester, transfer_date, kind=kind)]
    records.extend(data_record(transfer) for transfer in transfers)
    records.append(trailer_record(len(transfers), sum(t.amount for t in transfers)))
    records.append(end_record())
    separator = NEWLINE if newline else b""
    return b"".join(record + separator for record in records)
