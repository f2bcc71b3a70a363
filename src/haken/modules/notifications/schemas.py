"""Notifications as the API shows them (the text rendered in the reader's language)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel


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
