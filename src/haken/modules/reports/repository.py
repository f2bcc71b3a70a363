"""The reports' statements: the other areas' provider fragments (unexecuted ``SELECT``s from
their services) joined as subqueries, scoped and paged here in one statement each.

No model of another area is imported (docs/architecture.md, "Provider fragments"): the
employees, assignments, clients and attendance areas own their tables behind fixed columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Select, String, cast, func, literal, select, union_all

from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository


def _keys(*pairs: tuple[Any, str]) -> tuple[SortKey, ...]:
    return tuple(SortKey(column, direction) for column, direction in pairs)  # type: ignore[arg-type]


class ReportsRepository(Repository):
    async def headcount(
        self, employed: Select[Any], placed: Select[Any], site_ids: Sequence[int] | None
    ) -> list[Any]:
        """Workers on the books by (client, site, employment type) in one statement; without
        a placement on the day client and site are None (a site manager sees placed rows)."""
        e = employed.subquery("employed")
        p = placed.subquery("placed")
        statement = (
            select(
                p.c.client_id,
                func.max(p.c.client_name).label("client_name"),
                p.c.site_id,
                func.max(p.c.site_name).label("site_name"),
                e.c.employment_type,
                func.count().label("headcount"),
            )
            .select_from(e)
            .outerjoin(p, p.c.employee_id == e.c.employee_id)
            .group_by(p.c.client_id, p.c.site_id, e.c.employment_type)
        )
        if site_ids is not None:
            statement = statement.where(p.c.site_id.in_(list(site_ids) or [-1]))
        return list((await self.session.execute(statement)).all())

    async def overtime_page(
        self,
        ledger: Select[Any],
        names: Select[Any],
        *,
        readable: Select[Any] | None,
        status: str | None,
        month_limit: int,
        year_limit: int,
        ratio: float,
        request: PageRequest,
    ) -> PageResult[Any]:
        """A page of the period's ledger rows with the workers' names, most overtime first."""
        led = ledger.subquery("ledger")
        n = names.subquery("names")
        inner = select(
            led.c.employee_id,
            led.c.period_start,
            led.c.period_end,
            led.c.overtime,
            led.c.rest_day,
            led.c.year_overtime,
            n.c.name_kanji,
            n.c.name_kana,
            n.c.employee_number,
        ).join(n, n.c.employee_id == led.c.employee_id)
        if readable is not None:
            inner = inner.where(led.c.employee_id.in_(readable))
        over = (led.c.overtime > month_limit) | (led.c.year_overtime > year_limit)
        warning = (led.c.overtime >= month_limit * ratio) | (
            led.c.year_overtime >= year_limit * ratio
        )
        if status == "over":
            inner = inner.where(over)
        elif status == "warning":
            inner = inner.where(~over, warning)
        elif status == "ok":
            inner = inner.where(~over, ~warning)
        r = inner.subquery("overtime_report")
        keys = _keys((r.c.overtime, "desc"), (r.c.employee_id, "desc"))
        return await self.page(select(r), keys, request, item=lambda row: row)

    async def residence_page(
        self,
        cards: Select[Any],
        *,
        readable: Select[Any] | None,
        until: dt.date | None,
        permission: str | None,
        request: PageRequest,
    ) -> PageResult[Any]:
        """A page of the residence cards, the soonest end of lawful work first."""
        c = cards.subquery("cards")
        inner = select(c)
        if readable is not None:
            inner = inner.where(c.c.employee_id.in_(readable))
        if until is not None:
            inner = inner.where(c.c.permitted_until <= until)
        if permission is not None:
            inner = inner.where(c.c.permission == permission)
        r = inner.subquery("residence_report")
        keys = _keys((r.c.permitted_until, "asc"), (r.c.employee_id, "asc"))
        return await self.page(select(r), keys, request, item=lambda row: row)

    async def conflicts_page(
        self,
        sites: Select[Any],
        individuals: Select[Any],
        names: Select[Any],
        *,
        site_ids: Sequence[int] | None,
        kind: str | None,
        today: dt.date,
        until: dt.date | None,
        request: PageRequest,
    ) -> PageResult[Any]:
        """A page of site and individual 抵触日, the nearest first. Site rows from today on;
        individual rows of placements still running (a date already passed included)."""
        s = sites.subquery("sites")
        i = individuals.subquery("individuals")
        site_rows = select(
            literal("site", String).label("kind"),
            cast(s.c.site_id * 2, BigInteger).label("row_key"),
            s.c.client_name.label("client_name"),
            cast(s.c.site_id, BigInteger).label("site_id"),
            s.c.site_name.label("site_name"),
            cast(literal(None), String).label("unit_name"),
            cast(literal(None), BigInteger).label("employee_id"),
            s.c.conflict_date.label("conflict_date"),
        ).where(s.c.conflict_date >= today)
        individual_rows = select(
            literal("individual", String).label("kind"),
            cast(i.c.assignment_id * 2 + 1, BigInteger).label("row_key"),
            i.c.client_name.label("client_name"),
            cast(i.c.site_id, BigInteger).label("site_id"),
            i.c.site_name.label("site_name"),
            cast(i.c.unit_name, String).label("unit_name"),
            cast(i.c.employee_id, BigInteger).label("employee_id"),
            i.c.conflict_date.label("conflict_date"),
        )
        parts = []
        if kind in (None, "site"):
            parts.append(site_rows)
        if kind in (None, "individual"):
            parts.append(individual_rows)
        both = (
            union_all(*parts).subquery("conflicts")
            if len(parts) > 1
            else parts[0].subquery("conflicts")
        )
        n = names.subquery("names")
        inner = select(both, n.c.name_kanji, n.c.name_kana).outerjoin(
            n, n.c.employee_id == both.c.employee_id
        )
        if site_ids is not None:
            inner = inner.where(both.c.site_id.in_(list(site_ids) or [-1]))
        if until is not None:
            inner = inner.where(both.c.conflict_date <= until)
        r = inner.subquery("conflict_report")
        keys = _keys((r.c.conflict_date, "asc"), (r.c.row_key, "asc"))
        return await self.page(select(r), keys, request, item=lambda row: row)


__all__ = ["ReportsRepository"]
