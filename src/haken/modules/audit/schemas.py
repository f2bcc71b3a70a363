from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from haken.platform.schemas import ListFilter, QueryModel


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


class AuditPageFilter(ListFilter):
    """The audit page's filters: days in the agency's zone (``until`` inclusive), turned
    into :class:`AuditFilter`'s instants by the page."""

    entity_type: Annotated[str | None, Field(max_length=64)] = None
    entity_id: Annotated[str | None, Field(max_length=64)] = None
    user_id: Annotated[int | None, Field(ge=1)] = None
    since: dt.date | None = None
    until: dt.date | None = None
