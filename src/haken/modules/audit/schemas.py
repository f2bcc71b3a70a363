from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from haken.platform.schemas import QueryModel


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: dt.datetime
    user_id: int | None
    request_id: str
    entity_type: str
    entity_id: str
    action: str
    changes: dict[str, Any]


class AuditFilter(QueryModel):
    entity_type: str | None = None
    entity_id: str | None = None
    user_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
