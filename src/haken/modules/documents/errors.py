"""Catalog errors of the documents area."""

from __future__ import annotations

from typing import Any

from haken.platform.errors import HakenError


class DocumentIncompleteError(HakenError):
    """A required item is empty: the document is not issued; the message lists the items."""

    code = "DOCUMENT_INCOMPLETE"
    status_code = 422
    message_en = "The document cannot be issued; these items are missing: {items}"
    message_ja = "次の記載事項が空欄のため発行できません: {items}"

    def __init__(self, items: list[str], **kwargs: Any) -> None:
        super().__init__(items="、".join(items), details={"items": items}, **kwargs)


class DocumentAgencyNameMissingError(HakenError):
    """The agency's name (派遣元事業主の名称) is not configured: no statutory document is issued
    with a blank sender (it is the one setting every document and invoice reads)."""

    code = "DOCUMENT_AGENCY_NAME_MISSING"
    status_code = 409
    message_en = (
        "The agency's name is not set (setting {setting}): a statutory document cannot be "
        "issued without it. Ask the operator to set it."
    )
    message_ja = (
        "派遣元事業主の名称が設定されていないため（設定 {setting}）、法定の書面を発行できません。"
        "運用担当者に設定を依頼してください。"
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(setting="HAKEN_BILLING_AGENCY_NAME", **kwargs)


class DocumentBulkExpiredError(HakenError):
    """A bulk run's ZIP is a copy of documents kept one by one; it is dropped after the
    retention period (``export_retention_days``), the documents themselves stay."""

    code = "DOCUMENT_BULK_EXPIRED"
    status_code = 410
    message_en = (
        "The ZIP of this bulk generation was deleted {days} days after it was made; the "
        "documents stay on each assignment. Generate it again for a new ZIP."
    )
    message_ja = (
        "この一括作成のZIPは作成から{days}日を過ぎたため削除されました。書面は各配置の画面に"
        "残っています。ZIPが必要なときはもう一度作成してください。"
    )
