"""The dashboard's one statement: every area's figure rows in a single ``UNION ALL``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.ext.asyncio import AsyncSession


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def figure_rows(
        self, statement: CompoundSelect
    ) -> list[tuple[str, str | None, str | None, int | None]]:
        """``(metric, key, label, value)`` of the areas' ``UNION ALL``, in one round trip."""
        result = await self.session.execute(statement)
        return [
            (str(m), k, label, None if v is None else int(v)) for m, k, label, v in result.all()
        ]

    async def rows(self, statement: Select[Any]) -> list[Any]:
        """The rows of one area's alert statement (the daily alerts' candidates)."""
        return list((await self.session.execute(statement)).all())
