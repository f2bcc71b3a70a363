"""Catalog errors of the offices area (OFFICE_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class OfficeArchivedError(HakenError):
    code = "OFFICE_ARCHIVED"
    status_code = 409
    fields = ("office_id",)
    message_en = "The office {name} is archived: a contract cannot name it."
    message_ja = "派遣元事業所「{name}」はアーカイブ済みのため、個別契約に指定できません。"


class OfficeNotFoundError(HakenError):
    code = "OFFICE_NOT_FOUND"
    status_code = 422
    fields = ("office_id",)
    message_en = "No such office of the agency."
    message_ja = "指定された派遣元事業所がありません。"


class OfficeDefaultRequiredError(HakenError):
    code = "OFFICE_DEFAULT_REQUIRED"
    status_code = 409
    fields = ("is_default",)
    message_en = (
        "The default office cannot be archived or stop being the default: make another "
        "office the default first."
    )
    message_ja = (
        "既定の派遣元事業所はアーカイブや既定の解除ができません。"
        "先に別の派遣元事業所を既定にしてください。"
    )
