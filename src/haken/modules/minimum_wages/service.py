"""Use cases of the minimum-wage area.

The amounts in force come from two places merged into one
:class:`haken.labor.minimum_wage.MinimumWageTable`: the fiscal years shipped with haken
(``haken/labor/tables``, each citing its source) and the years the agency enters itself
(``minimum_wage_amounts``). A shipped year can be neither entered again nor removed: the
shipped data is the published list, and a correction of it ships with haken. An entered
year is added whole (47 prefectures) and removed whole (to correct a typing error).
Never commits; every write records an audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.minimum_wage import (
    MinimumWage,
    MinimumWageTable,
    fiscal_year_bounds,
    shipped_amounts,
    shipped_fiscal_years,
)
from haken.modules.audit.service import audit_service
from haken.modules.minimum_wages.errors import (
    MinimumWageDateOutsideYearError,
    MinimumWageYearExistsError,
    MinimumWageYearShippedError,
)
from haken.modules.minimum_wages.models import MinimumWageAmount
from haken.modules.minimum_wages.repository import MinimumWagesRepository
from haken.modules.minimum_wages.schemas import (
    AmountRead,
    DeleteOutcome,
    FiscalYearCreate,
    FiscalYearRead,
    FiscalYearSummary,
)
from haken.platform.access import Principal
from haken.platform.db import utcnow
from haken.platform.errors import NotFoundError
from haken.platform.jptext import PREFECTURES


def _amount_read(amount: MinimumWage) -> AmountRead:
    return AmountRead(
        prefecture=amount.prefecture,
        fiscal_year=amount.fiscal_year,
        hourly_yen=amount.hourly_yen,
        effective_from=amount.effective_from,
        shipped=amount.shipped,
    )


class MinimumWagesService:
    async def amounts(self, session: AsyncSession) -> list[MinimumWage]:
        """Shipped and entered amounts (entered years never overlap shipped ones)."""
        shipped = shipped_fiscal_years()
        rows = await MinimumWagesRepository(session).all_amounts()
        entered = [
            MinimumWage(
                prefecture=row.prefecture,
                fiscal_year=row.fiscal_year,
                hourly_yen=row.hourly_yen,
                effective_from=row.effective_from,
                shipped=False,
            )
            for row in rows
            if row.fiscal_year not in shipped
        ]
        return [*shipped_amounts(), *entered]

    async def table(self, session: AsyncSession) -> MinimumWageTable:
        """Every known amount, for the checks of other areas (one small query)."""
        return MinimumWageTable(await self.amounts(session))

    async def list_years(self, session: AsyncSession) -> list[FiscalYearSummary]:
        by_year: dict[int, list[MinimumWage]] = defaultdict(list)
        for amount in await self.amounts(session):
            by_year[amount.fiscal_year].append(amount)
        summaries = []
        for fiscal_year in sorted(by_year, reverse=True):
            rows = by_year[fiscal_year]
            dates = [a.effective_from for a in rows if a.effective_from is not None]
            summaries.append(
                FiscalYearSummary(
                    fiscal_year=fiscal_year,
                    shipped=rows[0].shipped,
                    prefectures=len(rows),
                    lowest_yen=min(a.hourly_yen for a in rows),
                    highest_yen=max(a.hourly_yen for a in rows),
                    first_effective=min(dates) if dates else None,
                    last_effective=max(dates) if dates else None,
                )
            )
        return summaries

    async def get_year(self, session: AsyncSession, *, fiscal_year: int) -> FiscalYearRead:
        rows = [a for a in await self.amounts(session) if a.fiscal_year == fiscal_year]
        if not rows:
            raise NotFoundError()
        rows.sort(key=lambda a: a.prefecture)
        return FiscalYearRead(
            fiscal_year=fiscal_year,
            shipped=rows[0].shipped,
            amounts=[_amount_read(a) for a in rows],
        )

    async def add_year(
        self, session: AsyncSession, principal: Principal, *, data: FiscalYearCreate
    ) -> FiscalYearRead:
        """Enter a new fiscal year's amounts (all 47 prefectures, dates within the year)."""
        if data.fiscal_year in shipped_fiscal_years():
            raise MinimumWageYearShippedError(fiscal_year=data.fiscal_year)
        first, last = fiscal_year_bounds(data.fiscal_year)
        for row in data.amounts:
            if not first <= row.effective_from <= last:
                raise MinimumWageDateOutsideYearError(
                    prefecture=PREFECTURES[row.prefecture],
                    date=row.effective_from,
                    fiscal_year=data.fiscal_year,
                    first=first,
                    last=last,
                    details={"prefecture": row.prefecture},
                )
        repo = MinimumWagesRepository(session)
        if await repo.year_exists(data.fiscal_year):
            raise MinimumWageYearExistsError(fiscal_year=data.fiscal_year)
        now = utcnow()
        rows = [
            MinimumWageAmount(
                fiscal_year=data.fiscal_year,
                prefecture=row.prefecture,
                hourly_yen=row.hourly_yen,
                effective_from=row.effective_from,
                created_at=now,
                created_by=principal.user_id,
            )
            for row in sorted(data.amounts, key=lambda r: r.prefecture)
        ]
        repo.add_all(rows)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="minimum_wage_year",
            entity_id=data.fiscal_year,
            action="create",
            after={
                f"{row.prefecture}": f"{row.hourly_yen} from {row.effective_from.isoformat()}"
                for row in rows
            },
        )
        return await self.get_year(session, fiscal_year=data.fiscal_year)

    async def delete_year(
        self, session: AsyncSession, principal: Principal, *, fiscal_year: int
    ) -> DeleteOutcome:
        """Remove an entered year whole (to enter it again corrected)."""
        if fiscal_year in shipped_fiscal_years():
            raise MinimumWageYearShippedError(fiscal_year=fiscal_year)
        before = await self.get_year(session, fiscal_year=fiscal_year)
        removed = await MinimumWagesRepository(session).delete_year(fiscal_year)
        await audit_service.record(
            session,
            principal,
            entity_type="minimum_wage_year",
            entity_id=fiscal_year,
            action="delete",
            before={
                a.prefecture: f"{a.hourly_yen} from {a.effective_from}" for a in before.amounts
            },
        )
        return DeleteOutcome(fiscal_year=fiscal_year, outcome="deleted", removed=removed)

    async def missing_current_year(self, session: AsyncSession, *, today: dt.date) -> int | None:
        """The current fiscal year when its amounts are missing after October 1."""
        return (await self.table(session)).missing_current_year(today)


minimum_wages_service = MinimumWagesService()

__all__ = ["MinimumWagesService", "minimum_wages_service"]
