"""Pydantic models of the client timesheet import (attendance/imports.py)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from haken.platform.schemas import InputModel


class ImportField(StrEnum):
    """A timecard field a client's timesheet column can hold."""

    EMPLOYEE = "employee"
    DATE = "date"
    START = "start"
    END = "end"
    BREAK_MINUTES = "break_minutes"
    SHIFT_CODE = "shift_code"
    NOTE = "note"


class EmployeeKey(StrEnum):
    """What the employee column holds: the employee number, or the name (kanji, kana or
    romaji, spaces ignored)."""

    NUMBER = "number"
    NAME = "name"


class ImportState(StrEnum):
    CHECKED = "checked"  # uploaded, dry run done, nothing written
    COMMITTED = "committed"  # timecards written


class MappingUpdate(InputModel):
    """A client's layout: each field → the column's header text or its letter (A, B, … AA).
    ``employee`` and ``date`` are required, and either ``start`` and ``end`` or
    ``shift_code``."""

    columns: dict[ImportField, str] = Field(min_length=2)
    employee_key: EmployeeKey = EmployeeKey.NUMBER
    header_row: int = Field(default=1, ge=1, le=20)
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _required_columns(self) -> MappingUpdate:
        fields = {f for f, column in self.columns.items() if column}
        missing = {ImportField.EMPLOYEE, ImportField.DATE} - fields
        times = {ImportField.START, ImportField.END} <= fields
        if missing or not (times or ImportField.SHIFT_CODE in fields):
            raise ValueError("map employee and date, and either start and end or shift_code")
        if any(len(column) > 100 for column in self.columns.values()):
            raise ValueError("a column name is at most 100 characters")
        return self


class MappingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: int
    columns: dict[str, str]
    employee_key: EmployeeKey
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
    client_id: int
    filename: str
    file_format: str
    sha256: str
    state: ImportState
    row_count: int
    error_count: int
    imported_count: int
    problems: list[ImportProblem]
    problems_total: int
    created_at: dt.datetime
    committed_at: dt.datetime | None
    version: int


__all__ = [
    "EmployeeKey",
    "ImportField",
    "ImportProblem",
    "ImportRead",
    "ImportState",
    "MappingRead",
    "MappingUpdate",
]
