"""Request and response shapes of the offices area."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from haken.platform.editing import NotNull
from haken.platform.schemas import InputModel, QueryModel

Name = Annotated[str, Field(min_length=1, max_length=200)]
Address = Annotated[str, Field(max_length=300)]
Phone = Annotated[str, Field(max_length=40)]
Manager = Annotated[str, Field(max_length=100)]


class OfficeCreate(InputModel):
    """A new 派遣元事業所; ``is_default`` moves the default to it."""

    name: Name
    address: Address = ""
    phone: Phone = ""
    manager_name: Manager = Field(default="", description="派遣元責任者")
    is_default: bool = False


class OfficeUpdate(InputModel):
    """Every field optional; ``version`` is the one the edit is based on. ``archived``
    archives or restores the office (the default office is never archived)."""

    version: Annotated[int, Field(ge=1)]
    name: Annotated[Name | None, NotNull] = None
    address: Annotated[Address | None, NotNull] = None
    phone: Annotated[Phone | None, NotNull] = None
    manager_name: Annotated[Manager | None, NotNull] = None
    is_default: Annotated[bool | None, NotNull] = None
    archived: Annotated[bool | None, NotNull] = None


class OfficeFilter(QueryModel):
    archived: bool = Field(default=False, description="the archived offices instead")


class OfficeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    address: str
    phone: str
    manager_name: str = Field(description="派遣元責任者")
    is_default: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @property
    def archived(self) -> bool:
        return self.archived_at is not None
