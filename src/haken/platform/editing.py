"""The mechanics every editable record shares: audit snapshots, partial updates,
optimistic locking, archival. Services of the business modules build on these
so that a version check or an archive behaves the same in every area.

Partial updates: an update schema has every field optional (absent = unchanged).
A field whose column is NOT NULL is marked ``Annotated[X | None, NotNull]``: it
may be absent but an explicit ``null`` is refused (``null_not_allowed``), and an
optional text column is cleared with ``""``. The web forms read the marker to
send an emptied field as ``""`` (NOT NULL) or ``None`` (nullable).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from sqlalchemy.orm.exc import StaleDataError

from haken.platform.db import utcnow
from haken.platform.errors import FieldError, ValidationFailedError, VersionConflictError

NULL_NOT_ALLOWED = "null_not_allowed"
_NULL_MESSAGE = "may not be null: send a value (an optional text is cleared with an empty string)"


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(NULL_NOT_ALLOWED, _NULL_MESSAGE)
    return value


@dataclass(frozen=True)
class _NotNull:
    """Pydantic metadata: refuse an explicit ``null``; the JSON schema drops ``null`` too."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        options = json_schema.get("anyOf")
        if isinstance(options, list):
            kept = [option for option in options if option != {"type": "null"}]
            if len(kept) < len(options):
                rest = {k: v for k, v in json_schema.items() if k != "anyOf"}
                json_schema = {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}
        return json_schema


NotNull = _NotNull()
"""Marks an update-schema field whose column is NOT NULL: ``Annotated[X | None, NotNull]``."""


def refuses_null(field: FieldInfo) -> bool:
    """Whether a schema field is marked :data:`NotNull`."""
    return any(isinstance(item, _NotNull) for item in field.metadata)


def check_not_null(row: Any, changes: Mapping[str, Any]) -> None:
    """Refuse a ``None`` for a NOT NULL column (schemas mark those fields :data:`NotNull`,
    so this is the last line): a field error, never a silently kept old value."""
    columns = row.__table__.columns
    refused = [
        FieldError(key, NULL_NOT_ALLOWED, _NULL_MESSAGE).as_dict()
        for key, value in changes.items()
        if value is None and key in columns and not columns[key].nullable
    ]
    if refused:
        raise ValidationFailedError(details=refused)


def snapshot(
    row: Any, exclude: Collection[str] = (), convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """The row's columns for an audit diff, without derived or bookkeeping columns."""
    return {
        column.key: convert(getattr(row, column.key)) if convert else getattr(row, column.key)
        for column in row.__table__.columns
        if column.key not in exclude
    }


def apply_changes(row: Any, changes: Mapping[str, Any]) -> None:
    """Set the fields sent; an explicit null clears a nullable column and is refused
    (VALIDATION_FAILED on the field, nothing set) for a NOT NULL one."""
    check_not_null(row, changes)
    for key, value in changes.items():
        setattr(row, key, value)


def check_version(row: Any, version: int) -> None:
    if row.version != version:
        raise VersionConflictError()


async def flush_or_conflict(flush: Callable[[], Awaitable[None]]) -> None:
    """Flush; a concurrent edit that won between our read and write is a 409."""
    try:
        await flush()
    except StaleDataError as error:
        raise VersionConflictError() from error


def set_archived(row: Any, archived: bool) -> None:
    """Archive or restore ``row`` (the ``archived_at`` convention: ``platform.repository``);
    archiving an archived row keeps its date."""
    if archived and row.archived_at is None:
        row.archived_at = utcnow()
    elif not archived:
        row.archived_at = None


class ArchivableRepository(Protocol):
    async def delete_if_unreferenced(self, model: Any, row_id: int) -> bool: ...

    async def flush(self) -> None: ...


AuditRecorder = Callable[..., Awaitable[None]]


async def delete_or_archive(
    repo: ArchivableRepository,
    row: Any,
    version: int,
    *,
    exclude: Collection[str],
    record: AuditRecorder,
) -> Literal["deleted", "archived"]:
    """Delete what nothing refers to; archive what is still referenced.

    ``record(action=..., before=..., after=...)`` writes the audit row of the
    outcome (the caller binds session, principal and entity).
    """
    check_version(row, version)
    before = snapshot(row, exclude)
    if await repo.delete_if_unreferenced(type(row), row.id):
        await record(action="delete", before=before)
        return "deleted"
    set_archived(row, True)
    await flush_or_conflict(repo.flush)
    await record(action="archive", before=before, after=snapshot(row, exclude))
    return "archived"
