"""Queries of system administration: the database's own size (no table of haken's)."""

from __future__ import annotations

from sqlalchemy import Executable, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession


class AdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def database_size(self) -> int | None:
        """Bytes on disk: ``pg_database_size`` on PostgreSQL, pages × page size on SQLite
        (the main file; the WAL is not counted); None on another dialect. One statement."""
        dialect = self.session.get_bind().dialect.name
        statement: Executable
        if dialect == "postgresql":
            statement = select(func.pg_database_size(func.current_database()))
        elif dialect == "sqlite":
            # The table-valued PRAGMA functions: one SELECT instead of two PRAGMA statements.
            statement = text(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        else:
            return None
        size = await self.session.scalar(statement)
        return int(size) if size is not None else None
