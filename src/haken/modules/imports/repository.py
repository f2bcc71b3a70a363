"""Every query of the master-data imports."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, AsyncSessionTransaction

from haken.modules.imports.models import MasterImport, MasterImportMapping


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    def savepoint(self) -> AbstractAsyncContextManager[AsyncSessionTransaction]:
        """A SAVEPOINT: the dry run writes every row in one and rolls it back."""
        return self.session.begin_nested()

    # --- mappings -------------------------------------------------------------------------

    async def mapping(self, target: str, source: str) -> MasterImportMapping | None:
        statement = select(MasterImportMapping).where(
            MasterImportMapping.target == target, MasterImportMapping.source == source
        )
        return (await self.session.scalars(statement)).first()

    async def mappings(self, target: str | None = None) -> Sequence[MasterImportMapping]:
        statement = select(MasterImportMapping).order_by(
            MasterImportMapping.target, MasterImportMapping.source, MasterImportMapping.id
        )
        if target is not None:
            statement = statement.where(MasterImportMapping.target == target)
        return (await self.session.scalars(statement)).all()

    # --- files ----------------------------------------------------------------------------

    async def file(self, import_id: int, *, lock: bool = False) -> MasterImport | None:
        statement = select(MasterImport).where(MasterImport.id == import_id)
        if lock:
            statement = statement.with_for_update()
        return (await self.session.scalars(statement)).first()

    async def file_by_hash(self, target: str, sha256: str) -> MasterImport | None:
        statement = select(MasterImport).where(
            MasterImport.target == target, MasterImport.sha256 == sha256
        )
        return (await self.session.scalars(statement)).first()

    async def recent(self, *, limit: int, before: int | None = None) -> Sequence[Any]:
        """The list: newest first, without the content and report (one statement)."""
        statement = (
            select(
                MasterImport.id,
                MasterImport.target,
                MasterImport.source,
                MasterImport.filename,
                MasterImport.state,
                MasterImport.row_count,
                MasterImport.processed,
                MasterImport.error_count,
                MasterImport.imported_count,
                MasterImport.created_at,
                MasterImport.committed_at,
            )
            .order_by(MasterImport.id.desc())
            .limit(limit)
        )
        if before is not None:
            statement = statement.where(MasterImport.id < before)
        return (await self.session.execute(statement)).all()

    async def publish_progress(self, import_id: int, processed: int) -> None:
        """The rows done so far, written and committed on a connection of its own so the
        page sees them while the job's one transaction is still open. PostgreSQL only:
        SQLite has one writer, which the job's transaction holds (the page shows the state
        until the end)."""
        bind = self.session.bind
        if not isinstance(bind, AsyncEngine) or bind.dialect.name != "postgresql":
            return
        async with bind.begin() as connection:
            await connection.execute(
                update(MasterImport.__table__)  # type: ignore[arg-type]
                .where(MasterImport.__table__.c.id == import_id)
                .values(processed=processed)
            )


__all__ = ["ImportRepository"]
