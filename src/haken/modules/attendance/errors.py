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
