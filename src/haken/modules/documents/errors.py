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
