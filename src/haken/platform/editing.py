"""The mechanics every editable record shares: audit snapshots, partial updates,
optimistic locking, archival. Services of the business modules build on these
so that a version check or an archive behaves the same in every area.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, Literal, Protocol

from sqlalchemy.orm.exc import StaleDataError

from haken.platform.db import utcnow
from haken.platform.errors import VersionConflictError


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
    """Set the fields sent; an explicit null only clears a nullable column."""
    for key, value in changes.items():
        if value is None and not row.__table__.columns[key].nullable:
            continue
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
    if archived and not row.archived:
        row.archived, row.archived_at = True, utcnow()
    elif not archived and row.archived:
        row.archived, row.archived_at = False, None


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
