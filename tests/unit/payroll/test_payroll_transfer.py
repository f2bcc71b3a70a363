"""The salary transfer file from payment rows (payroll.transfer): codes, names, refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from haken.config import Settings
from haken.modules.payroll.errors import (
    PayrollTransferBankUnknownError,
    PayrollTransferCharacterError,
    PayrollTransferEmptyError,
    PayrollTransferInvalidError,
    PayrollTransferSettingsError,
)
from haken.modules.payroll.transfer import AgencyBank, PaymentRow, build_salary_transfer
from haken.platform import banks

AGENCY = AgencyBank(
    requester_code="0000012345",
    requester_name="カ）ハケン",
    bank_code="0001",
    branch_code="001",
    account_type="ordinary",
    account_number="1234567",
)
TARO = PaymentRow(
    employee_id=1,
    employee_number="E000001",
    payee_kana="ヤマダ タロウ",
    bank_code="0005",
    branch_code="123",
    account_type="ordinary",
    account_number="123",
    amount=250_000,
)
HANAKO = PaymentRow(
    employee_id=2,
    employee_number="E000002",
    payee_kana="スズキ ハナコ",
    bank_code="0009",
    branch_code="012",
    account_type="savings",
    account_number="7654321",
    amount=180_500,
)
PAY_DATE = dt.date(2026, 12, 25)


def test_the_code_list_knows_banks_and_branches() -> None:
    mizuho = banks.find_bank("0001")
    assert mizuho is not None and mizuho.name == "みずほ" and mizuho.kana == "ミズホ"
    branch = banks.find_branch("0009", "012")
    assert branch is not None and branch.name == "牛久" and branch.kana == "ウシク"
    assert banks.find_bank("0000") is None
    assert banks.find_branch("0009", "010") is None  # no such branch
    assert banks.find_branch("0000", "001") is None
    assert banks.data_version().startswith("1.1.0.")


def test_the_file_has_the_names_of_the_code_list() -> None:
    made = build_salary_transfer([TARO, HANAKO], AGENCY, PAY_DATE)
    assert made.count == 2 and made.total == 430_500
    assert made.filename == "salary_transfer_20261225.txt"
    header, taro, hanako, trailer, end = made.content.split(b"\r\n")[:-1]
    assert header[:4] == b"1110"  # 給与振込, JIS
    assert header[14:54] == "ｶ)ﾊｹﾝ".ljust(40).encode("shift_jis")
    assert header[58:62] == b"0001" and header[62:77] == "ﾐｽﾞﾎ".ljust(15).encode("shift_jis")
    # 三菱UFJ 横浜中山: the bank's kana from zengin-code, converted (－ → -).
    assert taro[1:20] == "0005ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ  ".encode("shift_jis")
    assert taro[20:38] == "123ﾖｺﾊﾏﾅｶﾔﾏ       ".encode("shift_jis")
    assert taro[42:50] == b"10000123"  # 普通, the number zero-filled
    assert taro[80:90] == b"0000250000" and taro[91:101] == b"E000001   "
    assert hanako[42:50] == b"47654321"  # 貯蓄
    assert trailer[:19] == b"8000002000000430500"
    assert end[:1] == b"9"


def test_rows_of_no_pay_are_left_out() -> None:
    made = build_salary_transfer([TARO, replace(HANAKO, amount=0)], AGENCY, PAY_DATE)
    assert made.count == 1 and made.total == 250_000
    with pytest.raises(PayrollTransferEmptyError):
        build_salary_transfer([replace(TARO, amount=0)], AGENCY, PAY_DATE)


def test_a_character_banks_refuse_names_the_employee_and_the_character() -> None:
    rows = [
        replace(TARO, payee_kana="山田 タロウ"),
        HANAKO,
        replace(HANAKO, employee_id=3, employee_number="", payee_kana="スズキ★"),
    ]
    with pytest.raises(PayrollTransferCharacterError) as caught:
        build_salary_transfer(rows, AGENCY, PAY_DATE)
    error = caught.value
    assert error.params == {"employee": "E000001", "character": "山", "count": 2}
    assert "E000001" in error.message("ja") and "「山」" in error.message("ja")
    assert error.details == {
        "problems": [
            {
                "employee_id": 1,
                "employee": "E000001",
                "code": error.code,
                "field": "payee_name",
                "characters": ["山", "田"],
            },
            {
                "employee_id": 3,
                "employee": "#3",
                "code": error.code,
                "field": "payee_name",
                "characters": ["★"],
            },
        ]
    }


def test_an_unknown_bank_or_branch_is_refused() -> None:
    rows = [replace(TARO, branch_code="999"), replace(HANAKO, bank_code="0000")]
    with pytest.raises(PayrollTransferBankUnknownError) as caught:
        build_salary_transfer(rows, AGENCY, PAY_DATE)
    problems = caught.value.details["problems"]
    assert [(p["employee"], p["field"]) for p in problems] == [
        ("E000001", "branch_code"),
        ("E000002", "bank_code"),
    ]
    assert caught.value.status_code == 422


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ({"amount": -5}, "-5"),
        ({"account_number": "12345678"}, "12345678"),
        ({"account_type": "loan"}, "loan"),
    ],
)
def test_amounts_and_accounts_the_file_cannot_hold(change: dict[str, object], value: str) -> None:
    with pytest.raises(PayrollTransferInvalidError) as caught:
        build_salary_transfer([replace(TARO, **change), HANAKO], AGENCY, PAY_DATE)  # type: ignore[arg-type]
    assert caught.value.params["value"] == value
    assert caught.value.params["employee"] == "E000001"


def test_the_agency_settings_are_required() -> None:
    with pytest.raises(PayrollTransferSettingsError) as caught:
        AgencyBank.from_settings(Settings(transfer_requester_code="0000012345"))
    assert "HAKEN_TRANSFER_BANK_CODE" in caught.value.params["settings"]
    configured = Settings(
        transfer_requester_code="0000012345",
        transfer_requester_name="カ）ハケン",
        transfer_bank_code="0001",
        transfer_branch_code="001",
        transfer_account_number="1234567",
        transfer_newline=False,
    )
    agency = AgencyBank.from_settings(configured)
    content = build_salary_transfer([TARO], agency, PAY_DATE).content
    assert len(content) == 4 * 120
    with pytest.raises(PayrollTransferSettingsError):  # a branch the code list lacks
        build_salary_transfer([TARO], replace(agency, branch_code="999"), PAY_DATE)
    with pytest.raises(PayrollTransferSettingsError) as caught:  # a kanji name
        build_salary_transfer([TARO], replace(agency, requester_name="派遣"), PAY_DATE)
    assert caught.value.params["settings"] == "HAKEN_TRANSFER_REQUESTER_NAME"


def test_the_bonus_file_differs_from_the_salary_file_only_by_its_kind_code() -> None:
    # 種別コード 12 (賞与振込) in bytes 2–3 of the header; the same records otherwise, the
    # same checks (a name banks refuse is refused the same way).
    from haken.modules.payroll.transfer import build_bonus_transfer

    salary = build_salary_transfer([TARO, HANAKO], AGENCY, PAY_DATE)
    bonus = build_bonus_transfer([TARO, HANAKO], AGENCY, PAY_DATE)
    assert bonus.filename == "bonus_transfer_20261225.txt"
    assert (bonus.count, bonus.total) == (salary.count, salary.total)
    assert bonus.content[:4] == b"1120" and salary.content[:4] == b"1110"
    assert bonus.content[4:] == salary.content[4:]
    with pytest.raises(PayrollTransferCharacterError):
        build_bonus_transfer([replace(TARO, payee_kana="山田 タロウ")], AGENCY, PAY_DATE)
