"""Every query of the minimum-wage area (agency-wide reference data: no row scope)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.minimum_wages.models import MinimumWageAmount


class MinimumWagesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all_amounts(self) -> Sequence[MinimumWageAmount]:
        """Every entered amount (47 rows a year: small)."""
        statement = select(MinimumWageAmount).order_by(
            MinimumWageAmount.fiscal_year, MinimumWageAmount.prefecture
        )
        return (await self.session.scalars(statement)).all()

    async def year_exists(self, fiscal_year: int) -> bool:
        statement = select(MinimumWageAmount.id).where(MinimumWageAmount.fiscal_year == fiscal_year)
        return (await self.session.scalars(statement.limit(1))).first() is not None

    def add_all(self, rows: Sequence[MinimumWageAmount]) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        await self.session.flush()

    async def delete_year(self, fiscal_year: int) -> int:
        result = await self.session.execute(
            delete(MinimumWageAmount).where(MinimumWageAmount.fiscal_year == fiscal_year)
        )
        return int(getattr(result, "rowcount", 0) or 0)
