"""Catalog errors of the payroll area (PAYROLL_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class PayrollPeriodClosedError(HakenError):
    code = "PAYROLL_PERIOD_CLOSED"
    status_code = 409
    message_en = (
        "The payroll of {start} to {end} is closed; correct it with an adjustment in a "
        "later period."
    )
    message_ja = "{start}〜{end}の給与は締め済みです。訂正は次の期間の調整として登録してください。"


class PayrollRunInProgressError(HakenError):
    code = "PAYROLL_RUN_IN_PROGRESS"
    status_code = 409
    message_en = "The payroll run is still in progress ({processed} of {total} employees)."
    message_ja = "給与計算の実行中です（{total}人中{processed}人完了）。"


class PayrollRunHasErrorsError(HakenError):
    code = "PAYROLL_RUN_HAS_ERRORS"
    status_code = 409
    message_en = (
        "The payroll cannot be closed: {count} employees could not be calculated. Resolve "
        "them and run the payroll again."
    )
    message_ja = (
        "{count}人の給与を計算できなかったため締められません。原因を解消して再計算してください。"
    )


class PayrollPeriodNotFoundError(HakenError):
    code = "PAYROLL_NO_OPEN_PERIOD"
    status_code = 409
    message_en = "There is no open payroll period after {start} to carry the adjustment."
    message_ja = "{start}より後に、調整を計上できる未締めの給与期間がありません。"


# --- the salary transfer file (payroll/transfer.py) ------------------------------------------


class PayrollTransferSettingsError(HakenError):
    code = "PAYROLL_TRANSFER_SETTINGS_MISSING"
    status_code = 409
    message_en = (
        "The transfer file cannot be made: the agency's bank settings are missing or "
        "invalid ({settings})."
    )
    message_ja = (
        "事業者の振込設定が未設定か不正なため、振込ファイルを作成できません（{settings}）。"
    )


class PayrollTransferCharacterError(HakenError):
    code = "PAYROLL_TRANSFER_INVALID_CHARACTER"
    status_code = 422
    message_en = (
        "Employee {employee}: the account holder's name has a character banks do not accept "
        "(「{character}」); {count} employees to correct in all."
    )
    message_ja = (
        "社員 {employee}: 口座名義に銀行で使えない文字「{character}」があります"
        "（修正が必要な社員は計{count}人）。"
    )


class PayrollTransferBankUnknownError(HakenError):
    code = "PAYROLL_TRANSFER_BANK_UNKNOWN"
    status_code = 422
    message_en = (
        "Employee {employee}: bank {bank_code} branch {branch_code} is not in the bank code "
        "list; {count} employees to correct in all."
    )
    message_ja = (
        "社員 {employee}: 金融機関コード {bank_code}・支店コード {branch_code} が"
        "金融機関コード一覧にありません（修正が必要な社員は計{count}人）。"
    )


class PayrollTransferInvalidError(HakenError):
    code = "PAYROLL_TRANSFER_INVALID_ROW"
    status_code = 422
    message_en = (
        "Employee {employee}: the account or the amount cannot be written in the transfer "
        "file ({value}); {count} employees to correct in all."
    )
    message_ja = (
        "社員 {employee}: 口座または金額を振込ファイルに書けません（{value}）"
        "（修正が必要な社員は計{count}人）。"
    )


class PayrollTransferEmptyError(HakenError):
    code = "PAYROLL_TRANSFER_EMPTY"
    status_code = 422
    message_en = "Nothing to transfer: no employee has pay to receive."
    message_ja = "振込対象がありません（支給額のある社員がいません）。"


class PayrollPeriodOpenError(HakenError):
    code = "PAYROLL_PERIOD_OPEN"
    status_code = 409
    message_en = "The period is still open: correct the input and run the payroll again."
    message_ja = "この期間は未締めです。入力を訂正して給与計算をやり直してください。"


# --- delivery: payslip PDFs and the transfer file (payroll/delivery.py) ------------------------


class PayrollPaperDeliveryError(HakenError):
    code = "PAYROLL_PAYSLIP_PAPER_DELIVERY"
    status_code = 409
    message_en = (
        "Your payslips are handed over on paper: you have not agreed to receive them "
        "electronically. Ask the office to record your consent."
    )
    message_ja = (
        "給与明細書は書面で交付されます（電子交付への同意が登録されていません）。"
        "電子交付を希望する場合は事務所に同意を届け出てください。"
    )


class PayrollTransferRunOpenError(HakenError):
    code = "PAYROLL_TRANSFER_RUN_OPEN"
    status_code = 409
    message_en = "The transfer file is made from a closed payroll: close the payroll first."
    message_ja = "振込ファイルは締め済みの給与から作成します。先に給与を締めてください。"


class PayrollTransferBankMissingError(HakenError):
    code = "PAYROLL_TRANSFER_BANK_MISSING"
    status_code = 422
    message_en = (
        "The transfer file cannot be made: {count} employees have no salary account "
        "recorded ({employees})."
    )
    message_ja = (
        "給与振込口座が未登録の社員が{count}人いるため、振込ファイルを作成できません"
        "（{employees}）。"
    )


class PayrollGradeExistsError(HakenError):
    code = "PAYROLL_GRADE_EXISTS"
    status_code = 409
    message_en = "A standard monthly remuneration from {month} is already recorded."
    message_ja = "{month}からの標準報酬月額はすでに記録されています。"


class PayrollGradeMonthInvalidError(HakenError):
    code = "PAYROLL_GRADE_MONTH_INVALID"
    status_code = 422
    message_en = "The first month of a standard monthly remuneration is the first day of a month."
    message_ja = "標準報酬月額の適用開始月は月の初日で指定してください。"


class PayrollAnnualAverageNotApplicableError(HakenError):
    code = "PAYROLL_ANNUAL_AVERAGE_NOT_APPLICABLE"
    status_code = 422
    message_en = (
        "The annual average applies only to the annual decision, when the average of July to "
        "June is 2 or more grades away from the April–June average."
    )
    message_ja = (
        "年間平均による保険者算定は定時決定で、前年7月〜当年6月の平均が4〜6月の平均と"
        "2等級以上離れている場合にのみ適用できます。"
    )


# --- bonuses (賞与支給; payroll/bonuses.py) -------------------------------------------------


class PayrollBonusClosedError(HakenError):
    code = "PAYROLL_BONUS_CLOSED"
    status_code = 409
    message_en = "The bonus payment of {date} is closed and can no longer be changed."
    message_ja = "{date}支給の賞与は締め済みのため変更できません。"


class PayrollBonusNotCalculatedError(HakenError):
    code = "PAYROLL_BONUS_NOT_CALCULATED"
    status_code = 409
    message_en = "Calculate the bonus payment before closing it."
    message_ja = "賞与を締める前に計算してください。"


class PayrollBonusEmptyError(HakenError):
    code = "PAYROLL_BONUS_EMPTY"
    status_code = 422
    message_en = "The bonus payment has no employee to pay."
    message_ja = "賞与の支給対象の社員が登録されていません。"


class PayrollBonusDuplicateError(HakenError):
    code = "PAYROLL_BONUS_DUPLICATE_EMPLOYEE"
    status_code = 422
    message_en = "Employee {employee} is listed more than once in the bonus payment."
    message_ja = "社員 {employee} が賞与の支給対象に重複して登録されています。"


class PayrollBonusUnknownEmployeeError(HakenError):
    code = "PAYROLL_BONUS_UNKNOWN_EMPLOYEE"
    status_code = 422
    message_en = "Employee {employee} does not exist."
    message_ja = "社員 {employee} は登録されていません。"


class PayrollBonusCsvError(HakenError):
    code = "PAYROLL_BONUS_CSV_INVALID"
    status_code = 422
    message_en = (
        "Line {line} of the file cannot be read: each line is an employee number, an amount "
        "and a withholding rate in percent ({value})."
    )
    message_ja = (
        "ファイルの{line}行目を読めません。各行は社員番号・支給額・源泉徴収の算出率（%）"
        "の順に記入してください（{value}）。"
    )


class PayrollBonusCalculationError(HakenError):
    code = "PAYROLL_BONUS_CALCULATION"
    status_code = 422
    message_en = "The bonus of employee {employee} cannot be calculated ({reason})."
    message_ja = "社員 {employee} の賞与を計算できません（{reason}）。"


class PayrollBonusAdjustmentError(HakenError):
    code = "PAYROLL_BONUS_NOT_ADJUSTABLE"
    status_code = 409
    message_en = "A bonus payslip is not corrected by an adjustment: pay a new bonus instead."
    message_ja = "賞与明細は調整では訂正できません。新たな賞与支給として登録してください。"


class PayrollBonusTransferOpenError(HakenError):
    code = "PAYROLL_BONUS_TRANSFER_OPEN"
    status_code = 409
    message_en = (
        "The bonus transfer file is made from a closed bonus payment: close the bonus "
        "payment first."
    )
    message_ja = "賞与の振込ファイルは締め済みの賞与から作成します。先に賞与を締めてください。"


class PayrollBonusRateRequiredError(HakenError):
    code = "PAYROLL_BONUS_RATE_REQUIRED"
    status_code = 422
    message_en = (
        "Enter the withholding rate of employee {employee}'s bonus: it is computed from the "
        "monthly table only when there was no pay in the previous month or the bonus exceeds "
        "ten times that pay."
    )
    message_ja = (
        "社員 {employee} の賞与の算出率を入力してください。月額表から計算するのは、前月の給与"
        "がない場合と賞与が前月の給与の10倍を超える場合だけです。"
    )


class PayrollPdfExpiredError(HakenError):
    code = "PAYROLL_PDF_EXPIRED"
    status_code = 410
    message_en = (
        "The payslip PDF was deleted {days} days after it was made; start it again from "
        "the payroll run or bonus payment."
    )
    message_ja = (
        "明細書PDFは作成から{days}日を過ぎたため削除されました。給与計算または賞与の画面から"
        "もう一度作成してください。"
    )


class PayrollPdfNotReadyError(HakenError):
    code = "PAYROLL_PDF_NOT_READY"
    status_code = 409
    message_en = "The payslip PDF is not ready yet ({processed} of {total} payslips)."
    message_ja = "明細書PDFはまだ作成中です（{total}件中{processed}件完了）。"
