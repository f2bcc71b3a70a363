"""Notifications as the API shows them (the text rendered in the reader's language)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from haken.platform.schemas import ListFilter


class InboxFilter(ListFilter):
    """The inbox page's filter: only the unread ones."""

    unread: bool = False


class InboxSortField(StrEnum):
    SENT = "sent"  # the notification's id (the index is (user_id, id))


class NotificationRead(BaseModel):
    id: int
    kind: str
    title: str
    params: dict[str, Any]
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedAll(BaseModel):
    marked: int
