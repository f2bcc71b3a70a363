"""Catalog errors of the employees area."""

from __future__ import annotations

from haken.platform.errors import HakenError


class EmployeeDuplicateError(HakenError):
    """Same normalised romaji name and birth date as an existing employee (never kana)."""

    code = "EMPLOYEE_DUPLICATE"
    status_code = 409
    fields = ("name_romaji",)
    message_en = "An employee with the same romaji name and birth date already exists."
    message_ja = "ローマ字氏名と生年月日が同じ社員が既に登録されています。"


class EmployeeNumberTakenError(HakenError):
    code = "EMPLOYEE_NUMBER_TAKEN"
    status_code = 409
    fields = ("employee_number",)
    message_en = "This employee number is already in use."
    message_ja = "この社員番号は既に使われています。"


class ContractPeriodsOverlapError(HakenError):
    code = "EMPLOYEE_CONTRACT_PERIODS_OVERLAP"
    status_code = 422
    message_en = "Contract periods must not overlap."
    message_ja = "契約期間が重複しています。"


class LeaveDateRequiredError(HakenError):
    code = "EMPLOYEE_LEAVE_DATE_REQUIRED"
    status_code = 422
    fields = ("leave_date",)
    message_en = "An employee who has left needs a leave date on or after the hire date."
    message_ja = "退職者には入社日以降の退職日が必要です。"


class EmployeeArchivedError(HakenError):
    code = "EMPLOYEE_ARCHIVED"
    status_code = 409
    message_en = "The employee record is archived; restore it before editing."
    message_ja = "この社員はアーカイブ済みです。編集する前に復元してください。"


class EmployeeBankUnknownError(HakenError):
    """Not in the 全銀協 code list (haken.platform.banks, from the zengin-code package)."""

    code = "EMPLOYEE_BANK_UNKNOWN"
    status_code = 422
    fields = ("bank_code",)
    message_en = "There is no bank with the code {bank_code}."
    message_ja = "金融機関コード {bank_code} の金融機関はありません。"


class EmployeeBranchUnknownError(HakenError):
    code = "EMPLOYEE_BANK_BRANCH_UNKNOWN"
    status_code = 422
    fields = ("branch_code",)
    message_en = "{bank_name} has no branch with the code {branch_code}."
    message_ja = "{bank_name}に支店コード {branch_code} の支店はありません。"
