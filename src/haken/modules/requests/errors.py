"""Catalog errors of the requests area (REQUEST_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class RequestStateError(HakenError):
    code = "REQUEST_STATE_CONFLICT"
    status_code = 409
    message_en = "The request is {state}: it cannot be {action} now."
    message_ja = "この申請は現在「{state}」のため、{action}できません。"


class RequestNotYourStepError(HakenError):
    code = "REQUEST_NOT_YOUR_STEP"
    status_code = 403
    message_en = "This step of the approval belongs to {approver}."
    message_ja = "この承認段階の担当は{approver}です。"


class RequestNotRequesterError(HakenError):
    code = "REQUEST_NOT_REQUESTER"
    status_code = 403
    message_en = "Only the employee who made the request can cancel or withdraw it."
    message_ja = "申請の取消・取下げは申請した本人のみ行えます。"


class RequestInvalidError(HakenError):
    code = "REQUEST_INVALID"
    status_code = 422
    message_en = "The request cannot be made: {detail}"
    message_ja = "この申請はできません: {detail}"
