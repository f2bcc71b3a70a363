"""The dashboard's statements: every area's figure rows in two ``UNION ALL`` halves."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.ext.asyncio import AsyncSession

from haken.platform.db import reader_beside


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def figure_rows(
        self, statements: Sequence[CompoundSelect[Any]]
    ) -> list[tuple[str, str | None, str | None, int | None]]:
        """``(metric, key, label, value)`` of the areas' ``UNION ALL`` statements, one round
        trip each. On PostgreSQL they run at the same time, each on a backend of its own
        (the first on the request's session): the figures cost the slowest half, not the
        sum. SQLite has one connection's worth of work to give: one after the other."""
        if self.session.get_bind().dialect.name != "postgresql" or len(statements) < 2:
            results = [(await self.session.execute(s)).all() for s in statements]
        else:
            results = list(
                await asyncio.gather(
                    self._rows_on(self.session, statements[0]),
                    *(self._rows_beside(s) for s in statements[1:]),
                )
            )
        return [
            (str(m), k, label, None if v is None else int(v))
            for rows in results
            for m, k, label, v in rows
        ]

    @staticmethod
    async def _rows_on(session: AsyncSession, statement: CompoundSelect[Any]) -> Sequence[Any]:
        return list((await session.execute(statement)).all())

    async def _rows_beside(self, statement: CompoundSelect[Any]) -> Sequence[Any]:
        async with reader_beside(self.session) as other:
            return list((await other.execute(statement)).all())

    async def rows(self, statement: Select[Any]) -> list[Any]:
        """The rows of one area's alert statement (the daily alerts' candidates)."""
        return list((await self.session.execute(statement)).all())
