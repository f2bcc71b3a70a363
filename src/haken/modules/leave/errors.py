"""Catalog errors of the leave area (LEAVE_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class LeaveInsufficientError(HakenError):
    code = "LEAVE_INSUFFICIENT"
    status_code = 409
    fields = ("dates",)
    message_en = "Not enough paid leave: {detail}"
    message_ja = "年次有給休暇の残日数が足りません（{detail}）。"


class LeaveHourlyCapError(HakenError):
    code = "LEAVE_HOURLY_CAP_EXCEEDED"
    status_code = 409
    message_en = (
        "Hourly leave beyond the agreed yearly cap (or no hourly-leave agreement): {detail}"
    )
    message_ja = "時間単位の年休が労使協定の上限を超えます（または協定がありません）: {detail}"


class LeaveInvalidError(HakenError):
    code = "LEAVE_INVALID"
    status_code = 422
    fields = ("dates",)
    message_en = "The leave cannot be recorded: {detail}"
    message_ja = "年次有給休暇を記録できません: {detail}"


class LeaveTakingNotFoundError(HakenError):
    code = "LEAVE_TAKING_NOT_FOUND"
    status_code = 404
    message_en = "No recorded leave matches (it may already be cancelled)."
    message_ja = "該当する年休の記録がありません（取消済みの可能性があります）。"


class LeaveHalfDayTakenError(HakenError):
    code = "LEAVE_HALF_DAY_TAKEN"
    status_code = 409
    fields = ("dates",)
    message_en = "The {half} of {day} is already taken as paid leave."
    message_ja = "{day} の{half_ja}はすでに年次有給休暇として取得済みです。"
