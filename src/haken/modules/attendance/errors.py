"""Catalog errors of the attendance area (ATTENDANCE_)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class PeriodClosedError(HakenError):
    code = "ATTENDANCE_PERIOD_CLOSED"
    status_code = 409
    fields = ("work_date",)
    message_en = "The period containing {day} is closed; an administrator must reopen it first."
    message_ja = "{day} を含む期間は締め済みです。変更するには管理者による再開が必要です。"


class WorkNotPermittedError(HakenError):
    code = "ATTENDANCE_WORK_NOT_PERMITTED"
    status_code = 422
    fields = ("work_date",)
    message_en = (
        "The worker may not work on {day}: the permission to work (period of stay) ended on "
        "{until}."
    )
    message_ja = "{day} は就労できません。在留期間に基づく就労可能期限は {until} でした。"


class InvalidStateError(HakenError):
    code = "ATTENDANCE_INVALID_STATE"
    status_code = 409
    message_en = "This timecard is {state}: it cannot be {action} now."
    message_ja = "この勤怠は現在「{state}」のため、この操作（{action}）はできません。"


class DayTakenError(HakenError):
    code = "ATTENDANCE_DAY_TAKEN"
    status_code = 409
    fields = ("work_date",)
    message_en = "There is already a timecard for this placement on {day}."
    message_ja = "この配置の {day} の勤怠は既に登録されています。"


class OutsideAssignmentError(HakenError):
    code = "ATTENDANCE_OUTSIDE_ASSIGNMENT"
    status_code = 422
    fields = ("work_date",)
    message_en = "{day} is outside the placement ({start} – {end}) or the placement was cancelled."
    message_ja = "{day} は配置期間（{start}〜{end}）外か、配置が取り消されています。"


class TimesRequiredError(HakenError):
    code = "ATTENDANCE_TIMES_REQUIRED"
    status_code = 422
    fields = ("start", "end")
    message_en = (
        "A worked day needs a start and an end time, the end after the start, and breaks "
        "shorter than the time between them; a leave or absence day has no times."
    )
    message_ja = (
        "出勤日は開始・終了時刻が必要です（終了は開始より後、休憩は勤務時間より短く）。"
        "休暇・欠勤の日は時刻を入力しません。"
    )


class TimecardsOverlapError(HakenError):
    code = "ATTENDANCE_TIMECARDS_OVERLAP"
    status_code = 409
    fields = ("start", "end")
    message_en = "This timecard overlaps another timecard of the same worker."
    message_ja = "この勤怠は同じ社員の別の勤怠と時間が重なっています。"


class PeriodHasUnapprovedError(HakenError):
    code = "ATTENDANCE_PERIOD_HAS_UNAPPROVED"
    status_code = 409
    message_en = (
        "{count} timecard(s) of the period are not approved yet; approve or reject them first."
    )
    message_ja = "期間内に未承認の勤怠が {count} 件あります。先に承認または差し戻してください。"


class PeriodAlreadyClosedError(HakenError):
    code = "ATTENDANCE_PERIOD_ALREADY_CLOSED"
    status_code = 409
    message_en = "This period is already closed."
    message_ja = "この期間は既に締め済みです。"


class PeriodNotClosedError(HakenError):
    code = "ATTENDANCE_PERIOD_NOT_CLOSED"
    status_code = 409
    message_en = "This period is not closed."
    message_ja = "この期間は締められていません。"


class AgreementExistsError(HakenError):
    code = "ATTENDANCE_AGREEMENT_EXISTS"
    status_code = 409
    fields = ("period_start",)
    message_en = "The site already has a 36 agreement starting on this day."
    message_ja = "この事業所には同じ起算日の36協定が既に登録されています。"


class UnknownShiftError(HakenError):
    code = "ATTENDANCE_UNKNOWN_SHIFT"
    status_code = 422
    fields = ("shift_code",)
    message_en = "The site has no shift {shift}."
    message_ja = "この事業所にシフト「{shift}」はありません。"


# --- client timesheet imports (attendance/imports.py) ----------------------------------------
# The row-level codes below appear in a dry-run report (line, column, code, message); the
# file-level ones answer the request.


class ImportUnreadableError(HakenError):
    code = "ATTENDANCE_IMPORT_UNREADABLE"
    status_code = 422
    fields = ("file",)
    message_en = "The file could not be read as CSV (UTF-8 or Shift-JIS) or Excel (.xlsx): {reason}"
    message_ja = (
        "ファイルをCSV（UTF-8またはShift-JIS）またはExcel（.xlsx）として読めません：{reason}"
    )


class ImportNoMappingError(HakenError):
    code = "ATTENDANCE_IMPORT_NO_MAPPING"
    status_code = 409
    fields = ("client_id",)
    message_en = "This client has no column mapping yet; save one before uploading its timesheet."
    message_ja = "この派遣先の列の対応付けが未登録です。先に対応付けを保存してください。"


class ImportColumnMissingError(HakenError):
    code = "ATTENDANCE_IMPORT_COLUMN_MISSING"
    status_code = 422
    fields = ("file",)
    message_en = "The file has no column {column} (mapped to {field}) in its header row {row}."
    message_ja = "ファイルの見出し行（{row}行目）に列「{column}」（{field}）がありません。"


class ImportHasErrorsError(HakenError):
    code = "ATTENDANCE_IMPORT_HAS_ERRORS"
    status_code = 422
    message_en = "{count} row(s) of the file have problems; correct the file and upload it again."
    message_ja = (
        "ファイルの {count} 行に問題があります。ファイルを修正して再度アップロードしてください。"
    )


class ImportEmptyError(HakenError):
    code = "ATTENDANCE_IMPORT_EMPTY"
    status_code = 422
    fields = ("file",)
    message_en = "The file has no data rows below its header."
    message_ja = "ファイルに見出し行より下のデータ行がありません。"


class ImportUnknownEmployeeError(HakenError):
    code = "ATTENDANCE_IMPORT_UNKNOWN_EMPLOYEE"
    status_code = 422
    message_en = "No worker placed at this client in the file's dates is {value}."
    message_ja = "ファイルの期間にこの派遣先へ配置された社員に「{value}」は見つかりません。"


class ImportAmbiguousEmployeeError(HakenError):
    code = "ATTENDANCE_IMPORT_AMBIGUOUS_EMPLOYEE"
    status_code = 422
    message_en = "Several workers placed at this client are named {value}; map the employee number."
    message_ja = (
        "この派遣先に「{value}」という名前の社員が複数います。社員番号で対応付けてください。"
    )


class ImportNoAssignmentError(HakenError):
    code = "ATTENDANCE_IMPORT_NO_ASSIGNMENT"
    status_code = 422
    message_en = "The worker has no placement at this client on {day}."
    message_ja = "この社員は {day} にこの派遣先での配置がありません。"


class ImportBadDateError(HakenError):
    code = "ATTENDANCE_IMPORT_BAD_DATE"
    status_code = 422
    message_en = "{value} is not a date (write 2026-04-06 or 2026/4/6)."
    message_ja = "「{value}」は日付として読めません（2026-04-06 または 2026/4/6 の形式）。"


class ImportBadTimeError(HakenError):
    code = "ATTENDANCE_IMPORT_BAD_TIME"
    status_code = 422
    message_en = "{value} is not a time of day (write 8:00 or 17:30)."
    message_ja = "「{value}」は時刻として読めません（8:00 や 17:30 の形式）。"


class ImportBadNumberError(HakenError):
    code = "ATTENDANCE_IMPORT_BAD_NUMBER"
    status_code = 422
    message_en = "{value} is not a number of minutes between 0 and 1440 (or h:mm)."
    message_ja = "「{value}」は0〜1440の分数（またはh:mm）として読めません。"


class ImportDuplicateRowError(HakenError):
    code = "ATTENDANCE_IMPORT_DUPLICATE_ROW"
    status_code = 422
    message_en = "The file already has this worker on {day} (line {line})."
    message_ja = "同じ社員の {day} の行がファイル内に既にあります（{line}行目）。"


class LeaveDayTakenError(HakenError):
    code = "ATTENDANCE_LEAVE_DAY_TAKEN"
    status_code = 409
    fields = ("dates",)
    message_en = (
        "The timecard of {day} already has work or another mark: paid leave ({unit}) cannot "
        "be marked on it. Correct the timecard first."
    )
    message_ja = (
        "{day} の勤怠には既に勤務または別の区分が登録されているため、有給（{unit}）を"
        "記録できません。先に勤怠を修正してください。"
    )
