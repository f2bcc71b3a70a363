"""The salary transfer file (全銀 総合振込, 種別コード 11 給与振込) from a run's net pay, and
the bonus transfer file (種別コード 12 賞与振込) from a bonus payment's.

Entry points (decoupled from the payroll models: the caller maps its rows):

- ``AgencyBank.from_settings(settings)`` — the agency's side of the file (振込依頼人): the
  ``HAKEN_TRANSFER_*`` settings (docs/operations.md); unset → ``PayrollTransferSettingsError``.
- ``build_salary_transfer(rows, agency, pay_date)`` / ``build_bonus_transfer`` (both
  ``build_transfer`` with their 種別コード) → ``TransferFile`` (``content`` bytes,
  ``filename``, ``count``, ``total``), from ``PaymentRow``s (employee id and number, the account
  holder's kana, bank, branch, account type and number as the employees area stores them,
  the amount in yen). Rows of 0 yen are left out (nothing to pay).

Every row is checked before anything is written: bank and branch against the 全銀協 code
list (``haken.platform.banks``; their kana names in the file come from it), the holder's name
against the characters banks accept, the amount and the account number against the
fields. Problems are collected for all rows: the error names the first (employee, character
or value) and ``details["problems"]`` lists every one. The caller records the audit row
(the file carries account numbers): this module does no I/O beyond the code list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haken.labor import zengin
from haken.modules.payroll.errors import (
    PayrollTransferBankUnknownError,
    PayrollTransferCharacterError,
    PayrollTransferEmptyError,
    PayrollTransferInvalidError,
    PayrollTransferSettingsError,
)
from haken.platform import banks
from haken.platform.errors import HakenError

if TYPE_CHECKING:
    from haken.config import Settings

# The employees area's account types (BankAccountType values) → 全銀 預金種目.
ACCOUNT_TYPES = {"ordinary": 1, "current": 2, "savings": 4, "other": 9}


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One employee's transfer: the account as stored on the employee, the net pay in yen."""

    employee_id: int
    payee_kana: str
    bank_code: str
    branch_code: str
    account_type: str  # ordinary | current | savings
    account_number: str  # the full number (revealed by the caller), up to 7 digits
    amount: int
    employee_number: str = ""  # 顧客番号1 in the file, and how errors name the employee


@dataclass(frozen=True, slots=True)
class AgencyBank:
    """The agency's side: 振込依頼人コード and name, and the account salaries leave from."""

    requester_code: str
    requester_name: str
    bank_code: str
    branch_code: str
    account_type: str  # ordinary | current | other
    account_number: str
    newline: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> AgencyBank:
        agency = cls(
            requester_code=settings.transfer_requester_code,
            requester_name=settings.transfer_requester_name,
            bank_code=settings.transfer_bank_code,
            branch_code=settings.transfer_branch_code,
            account_type=settings.transfer_account_type,
            account_number=settings.transfer_account_number,
            newline=settings.transfer_newline,
        )
        missing = [
            f"HAKEN_TRANSFER_{name.upper()}"
            for name in (
                "requester_code",
                "requester_name",
                "bank_code",
                "branch_code",
                "account_number",
            )
            if not getattr(agency, name)
        ]
        if missing:
            raise PayrollTransferSettingsError(settings=", ".join(missing))
        return agency


@dataclass(frozen=True, slots=True)
class TransferFile:
    content: bytes
    filename: str
    count: int
    total: int
    media_type: str = "text/plain; charset=Shift_JIS"


def _who(row: PaymentRow) -> str:
    return row.employee_number or f"#{row.employee_id}"


def _requester(agency: AgencyBank) -> zengin.Requester:
    bank = banks.find_bank(agency.bank_code)
    branch = banks.find_branch(agency.bank_code, agency.branch_code) if bank else None
    if bank is None or branch is None:
        raise PayrollTransferSettingsError(
            settings="HAKEN_TRANSFER_BANK_CODE, HAKEN_TRANSFER_BRANCH_CODE"
        )
    return zengin.Requester(
        code=agency.requester_code,
        name=agency.requester_name,
        bank_code=bank.code,
        bank_name=bank.kana,
        branch_code=branch.code,
        branch_name=branch.kana,
        account_type=ACCOUNT_TYPES[agency.account_type],
        account_number=agency.account_number.zfill(7),
    )


def _transfer(row: PaymentRow) -> zengin.Transfer | dict[str, Any]:
    """The row as a data record's input, or the problem with it (a ``details`` entry)."""
    problem: dict[str, Any] = {"employee_id": row.employee_id, "employee": _who(row)}
    bank = banks.find_bank(row.bank_code)
    branch = banks.find_branch(row.bank_code, row.branch_code) if bank else None
    if bank is None or branch is None:
        field = "bank_code" if bank is None else "branch_code"
        return {
            **problem,
            "code": PayrollTransferBankUnknownError.code,
            "field": field,
            "bank_code": row.bank_code,
            "branch_code": row.branch_code,
        }
    if row.account_type not in ACCOUNT_TYPES:
        return {
            **problem,
            "code": PayrollTransferInvalidError.code,
            "field": "account_type",
            "value": row.account_type,
        }
    transfer = zengin.Transfer(
        bank_code=bank.code,
        bank_name=bank.kana,
        branch_code=branch.code,
        branch_name=branch.kana,
        account_type=ACCOUNT_TYPES[row.account_type],
        account_number=row.account_number.zfill(7),
        payee_name=row.payee_kana,
        amount=row.amount,
        customer_code1=row.employee_number,
        ref=_who(row),
    )
    try:
        zengin.data_record(transfer)
    except zengin.ZenginCharacterError as error:
        return {
            **problem,
            "code": PayrollTransferCharacterError.code,
            "field": error.field,
            "characters": list(error.characters),
        }
    except zengin.ZenginError as error:
        return {
            **problem,
            "code": PayrollTransferInvalidError.code,
            "field": error.field,
            "value": error.value,
        }
    return transfer


def _error(problems: list[dict[str, Any]]) -> HakenError:
    first = problems[0]
    details = {"problems": problems}
    if first["code"] == PayrollTransferCharacterError.code:
        return PayrollTransferCharacterError(
            details=details,
            employee=first["employee"],
            character=first["characters"][0],
            count=len(problems),
        )
    if first["code"] == PayrollTransferBankUnknownError.code:
        return PayrollTransferBankUnknownError(
            details=details,
            employee=first["employee"],
            bank_code=first["bank_code"],
            branch_code=first["branch_code"],
            count=len(problems),
        )
    return PayrollTransferInvalidError(
        details=details, employee=first["employee"], value=first["value"], count=len(problems)
    )


def build_salary_transfer(
    rows: Iterable[PaymentRow], agency: AgencyBank, pay_date: dt.date
) -> TransferFile:
    """The 給与振込 file (種別 11) for ``rows`` paid on ``pay_date``; every problem refused at
    once."""
    return build_transfer(
        rows, agency, pay_date, kind=zengin.KIND_SALARY, filename_prefix="salary_transfer"
    )


def build_bonus_transfer(
    rows: Iterable[PaymentRow], agency: AgencyBank, pay_date: dt.date
) -> TransferFile:
    """The 賞与振込 file (種別 12) of a bonus payment: the same checks, settings and layout."""
    return build_transfer(
        rows, agency, pay_date, kind=zengin.KIND_BONUS, filename_prefix="bonus_transfer"
    )


def build_transfer(
    rows: Iterable[PaymentRow],
    agency: AgencyBank,
    pay_date: dt.date,
    *,
    kind: str,
    filename_prefix: str,
) -> TransferFile:
    """The 全銀 file of ``kind`` (種別コード) for ``rows`` paid on ``pay_date``: rows of 0 yen
    left out, every problem of every row refused at once."""
    requester = _requester(agency)
    transfers: list[zengin.Transfer] = []
    problems: list[dict[str, Any]] = []
    for row in rows:
        if row.amount == 0:
            continue
        checked = _transfer(row)
        if isinstance(checked, dict):
            problems.append(checked)
        else:
            transfers.append(checked)
    if problems:
        raise _error(problems)
    if not transfers:
        raise PayrollTransferEmptyError()
    try:
        content = zengin.build_transfer_file(
            requester, transfers, pay_date, kind=kind, newline=agency.newline
        )
    except zengin.ZenginError as error:  # the agency's own fields (name, code) or the totals
        raise PayrollTransferSettingsError(
            settings=f"HAKEN_TRANSFER_{error.field.upper()}"
        ) from error
    return TransferFile(
        content=content,
        filename=f"{filename_prefix}_{pay_date:%Y%m%d}.txt",
        count=len(transfers),
        total=sum(t.amount for t in transfers),
    )
