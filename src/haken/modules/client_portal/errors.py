"""Catalog errors of the client portal."""

from __future__ import annotations

from haken.platform.errors import HakenError


class SupervisorSitesError(HakenError):
    code = "CLIENT_PORTAL_SITES"
    status_code = 422
    message_en = "Choose at least one site of this client."
    message_ja = "この派遣先の事業所を1つ以上選んでください。"
    fields = ("site_ids",)


class DisputeCommentError(HakenError):
    code = "CLIENT_PORTAL_DISPUTE_COMMENT"
    status_code = 422
    message_en = "Say what is wrong with the timecard."
    message_ja = "タイムカードの誤りの内容を入力してください。"
    fields = ("comment",)


class SupervisorUnitsError(HakenError):
    code = "CLIENT_PORTAL_UNITS"
    status_code = 422
    message_en = "Choose only organisational units of the chosen sites."
    message_ja = "選んだ事業所の組織単位だけを選んでください。"
    fields = ("unit_ids",)


class SupervisorForeignUnitError(HakenError):
    code = "CLIENT_PORTAL_UNIT_OTHER_CLIENT"
    status_code = 422
    message_en = "An organisational unit of another client cannot be chosen."
    message_ja = "他の派遣先の組織単位は選べません。"
    fields = ("unit_ids",)


class SupervisorNotInChargeError(HakenError):
    code = "CLIENT_PORTAL_NOT_IN_CHARGE"
    status_code = 403
    message_en = (
        "Only an administrator or the coordinator in charge of this client can change "
        "what its supervisors see."
    )
    message_ja = (
        "派遣先の指揮命令者の表示範囲を変更できるのは、"
        "管理者とこの派遣先の担当コーディネーターだけです。"
    )
