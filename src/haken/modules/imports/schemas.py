"""Pydantic models of the master-data imports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from haken.platform.schemas import InputModel


class ImportTarget(StrEnum):
    """What a file creates: each row one record through that area's own create."""

    EMPLOYEES = "employees"
    CANDIDATES = "candidates"
    CLIENTS = "clients"
    SITES = "sites"
    UNITS = "units"
    ASSIGNMENTS = "assignments"


class ImportState(StrEnum):
    UNMAPPED = "unmapped"  # stored; its source has no mapping yet
    CHECKING = "checking"  # the dry run runs as a background job
    CHECKED = "checked"  # dry run done (report), nothing written
    COMMITTING = "committing"  # the commit runs as a background job
    COMMITTED = "committed"  # every row written


Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Column = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class MappingUpdate(InputModel):
    """A source's layout for a target: each field → the column's header text or its letter
    (A, B, … AA); ``version`` when replacing a saved one."""

    target: ImportTarget
    source: Source
    columns: dict[str, Column] = Field(min_length=1, max_length=60)
    header_row: int = Field(default=1, ge=1, le=20)
    version: int | None = Field(default=None, ge=1)


class MappingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    target: ImportTarget
    source: str
    columns: dict[str, str]
    header_row: int
    version: int


class ImportProblem(BaseModel):
    """One problem of one row: the file's line (1 = first line), the column's letter and the
    field it was mapped to, a catalog code and its message in the reader's language."""

    line: int
    column: str | None
    field: str | None
    code: str
    message: str


class ImportRead(BaseModel):
    id: int
    target: ImportTarget
    source: str
    filename: str
    file_format: str
    sha256: str
    state: ImportState
    header: list[str]
    row_count: int
    processed: int
    error_count: int
    imported_count: int
    problems: list[ImportProblem]
    problems_total: int
    created_at: dt.datetime
    committed_at: dt.datetime | None
    version: int


class ImportSummary(BaseModel):
    """A row of the imports list (no report)."""

    id: int
    target: ImportTarget
    source: str
    filename: str
    state: ImportState
    row_count: int
    processed: int
    error_count: int
    imported_count: int
    created_at: dt.datetime
    committed_at: dt.datetime | None


__all__ = [
    "ImportProblem",
    "ImportRead",
    "ImportState",
    "ImportSummary",
    "ImportTarget",
    "MappingRead",
    "MappingUpdate",
]
