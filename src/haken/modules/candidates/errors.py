"""Catalog errors of the candidates area."""

from __future__ import annotations

from haken.platform.errors import HakenError


class InvalidTransitionError(HakenError):
    code = "CANDIDATE_INVALID_TRANSITION"
    status_code = 409
    message_en = "A candidate cannot move from {current} to {target}."
    message_ja = "応募者のステータスを {current} から {target} に変更することはできません。"


class CandidateArchivedError(HakenError):
    code = "CANDIDATE_ARCHIVED"
    status_code = 409
    message_en = "The candidate is archived and cannot be changed."
    message_ja = "この応募者はアーカイブ済みのため変更できません。"


class PhotoTypeError(HakenError):
    code = "CANDIDATE_PHOTO_TYPE"
    status_code = 415
    fields = ("photo",)
    message_en = "The photo must be a JPEG, PNG or WebP image."
    message_ja = "写真は JPEG・PNG・WebP 形式の画像にしてください。"


class PhotoTooLargeError(HakenError):
    code = "CANDIDATE_PHOTO_TOO_LARGE"
    status_code = 413
    fields = ("photo",)
    message_en = "The photo is too large (limit {limit} bytes)."
    message_ja = "写真のサイズが大きすぎます（上限 {limit} バイト）。"


class PhotoPixelsError(HakenError):
    code = "CANDIDATE_PHOTO_TOO_MANY_PIXELS"
    status_code = 413
    fields = ("photo",)
    message_en = "The photo has too many pixels (limit {limit})."
    message_ja = "写真の画素数が多すぎます（上限 {limit} 画素）。"


class NoPhotoError(HakenError):
    code = "CANDIDATE_NO_PHOTO"
    status_code = 404
    message_en = "This candidate has no photo."
    message_ja = "この応募者の写真は登録されていません。"


class CandidateLikelyDuplicateError(HakenError):
    """Same name in romaji and birth date as a registered candidate: confirm before saving."""

    code = "CANDIDATE_LIKELY_DUPLICATE"
    status_code = 409
    fields = ("name_romaji", "birth_date")
    override = "allow_duplicate"
    message_en = "A candidate with the same name and birth date is already registered."
    message_ja = "同じ氏名・生年月日の応募者がすでに登録されています。"
    override_en = "Register anyway: this is a different person."
    override_ja = "別人のため、このまま登録する。"
