"""Every query of the employees area, scoped by the principal.

Row scope lives in :meth:`EmployeeRepository._readable` only: admins and coordinators see
every employee, a site manager those currently placed at one of their sites, an employee
their own record. A row outside the scope is simply not found (404, never 403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.employees.models import (
    Employee,
    EmployeeContractPeriod,
    EmployeeDependant,
    EmployeeNumberCounter,
)
from haken.modules.employees.schemas import EmployeeFilter, EmployeeSort
from haken.platform.access import Principal, Role
from haken.platform.names import name_key, prefix_match, romaji_key
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page

SORTS: dict[EmployeeSort, tuple[SortKey, ...]] = {
    EmployeeSort.KANA: (SortKey(Employee.kana_key, "asc"), SortKey(Employee.id, "asc")),
    EmployeeSort.ROMAJI: (SortKey(Employee.romaji_key, "asc"), SortKey(Employee.id, "asc")),
    EmployeeSort.HIRE_DATE: (SortKey(Employee.hire_date, "desc"), SortKey(Employee.id, "desc")),
    EmployeeSort.NEWEST: (SortKey(Employee.created_at, "desc"), SortKey(Employee.id, "desc")),
}
EXPIRY_SORT = (SortKey(Employee.work_permitted_until, "asc"), SortKey(Employee.id, "asc"))


def name_condition(q: str, kanji: Any, kana: Any, romaji: Any) -> Any:
    """A prefix of any name form: one index range per form that can match."""
    clauses = []
    key = name_key(q)
    if key:
        clauses.append(prefix_match(kanji, key))
        clauses.append(prefix_match(kana, key))
    latin = romaji_key(q)
    if latin and latin.isascii():
        clauses.append(prefix_match(romaji, latin))
    return or_(*clauses) if clauses else false()


async def fetch_page(
    session: AsyncSession, statement: Select[Any], keys: Sequence[SortKey], request: PageRequest
) -> PageResult[Any]:
    """One query per page; with ``count`` the total rides along as a scalar subquery, so a
    counted page costs no extra round trip."""
    paged = apply_keyset(statement, keys, request)
    if not request.count:
        return build_page((await session.scalars(paged)).all(), keys, request)
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    result = (await session.execute(paged.add_columns(counted.scalar_subquery()))).all()
    if result:
        total = int(result[0][1])
    elif request.cursor is None:
        total = 0
    else:  # past the last row: the total needs its own query
        total = int(await session.scalar(counted) or 0)
    return build_page([row[0] for row in result], keys, request, total)


class EmployeeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _readable(self, principal: Principal) -> Select[tuple[Employee]]:
        statement = select(Employee)
        if principal.is_at_least(Role.COORDINATOR):
            return statement
        if principal.role is Role.SITE_MANAGER:
            if not principal.site_ids:
                return statement.where(false())
            return statement.where(Employee.current_site_id.in_(sorted(principal.site_ids)))
        if principal.employee_id is None:
            return statement.where(false())
        return statement.where(Employee.id == principal.employee_id)

    def list_statement(
        self, principal: Principal, filters: EmployeeFilter
    ) -> Select[tuple[Employee]]:
        """The filtered, scoped statement of the list (also what the EXPLAIN test plans)."""
        statement = self._readable(principal)
        if not filters.include_archived:
            statement = statement.where(Employee.archived_at.is_(None))
        if filters.q:
            statement = statement.where(
                name_condition(
                    filters.q, Employee.kanji_key, Employee.kana_key, Employee.romaji_key
                )
            )
        if filters.status is not None:
            statement = statement.where(Employee.status == filters.status.value)
        if filters.employment_type is not None:
            statement = statement.where(Employee.employment_type == filters.employment_type.value)
        if filters.term_type is not None:
            statement = statement.where(Employee.term_type == filters.term_type.value)
        if filters.client_id is not None:
            statement = statement.where(Employee.current_client_id == filters.client_id)
        if filters.site_id is not None:
            statement = statement.where(Employee.current_site_id == filters.site_id)
        if filters.nationality:
            statement = statement.where(Employee.nationality == filters.nationality.upper())
        if filters.residence_status is not None:
            statement = statement.where(Employee.residence_status == filters.residence_status.value)
        if filters.employee_number:
            statement = statement.where(Employee.employee_number == filters.employee_number)
        if filters.client_worker_id:
            statement = statement.where(Employee.client_worker_id == filters.client_worker_id)
        return statement

    async def page(
        self,
        principal: Principal,
        filters: EmployeeFilter,
        sort: EmployeeSort,
        request: PageRequest,
    ) -> PageResult[Employee]:
        statement = self.list_statement(principal, filters)
        keys = SORTS[sort]
        return await fetch_page(self.session, statement, keys, request)

    def expiring_statement(self, principal: Principal, until: dt.date) -> Select[tuple[Employee]]:
        return self._readable(principal).where(
            Employee.work_permitted_until <= until,
            Employee.archived_at.is_(None),
            Employee.status != "left",
        )

    async def page_expiring(
        self, principal: Principal, until: dt.date, request: PageRequest
    ) -> PageResult[Employee]:
        statement = self.expiring_statement(principal, until)
        return await fetch_page(self.session, statement, EXPIRY_SORT, request)

    async def headcount_by_site(self, principal: Principal) -> list[tuple[int | None, str, int]]:
        """Active employees per current site (None: not placed) and employment type, within
        the caller's scope: ``(site_id, employment_type, count)``, largest sites first."""
        scoped = (
            self._readable(principal)
            .where(Employee.archived_at.is_(None), Employee.status == "active")
            .subquery()
        )
        statement = (
            select(scoped.c.current_site_id, scoped.c.employment_type, func.count())
            .group_by(scoped.c.current_site_id, scoped.c.employment_type)
            .order_by(scoped.c.current_site_id, scoped.c.employment_type)
        )
        return [
            (row[0], str(row[1]), int(row[2]))
            for row in (await self.session.execute(statement)).all()
        ]

    async def readable(self, principal: Principal, employee_id: int) -> Employee | None:
        statement = self._readable(principal).where(Employee.id == employee_id)
        return (await self.session.scalars(statement)).first()

    async def by_id(self, employee_id: int) -> Employee | None:
        return await self.session.get(Employee, employee_id)

    async def by_ids(self, ids: Sequence[int]) -> Sequence[Employee]:
        if not ids:
            return []
        statement = select(Employee).where(Employee.id.in_(sorted(set(ids))))
        return (await self.session.scalars(statement)).all()

    async def duplicate_of(self, romaji: str, birth_date: dt.date) -> int | None:
        statement = select(Employee.id).where(
            Employee.romaji_key == romaji, Employee.birth_date == birth_date
        )
        return (await self.session.scalars(statement)).first()

    # 社員番号 counters (haken.platform.numbering) ---------------------------------------------

    async def advance_number_counter(self, scope: str) -> int | None:
        """The scope's next sequence (the row stays locked until the transaction ends), or
        None when the scope has no counter yet."""
        statement = (
            update(EmployeeNumberCounter)
            .where(EmployeeNumberCounter.scope == scope)
            .values(last_value=EmployeeNumberCounter.last_value + 1)
            .returning(EmployeeNumberCounter.last_value)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def raise_number_counter(self, scope: str, at_least: int) -> None:
        """Create the scope's counter at ``at_least`` or move it up to it (never down)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(EmployeeNumberCounter)
            .values(scope=scope, last_value=at_least)
            .on_conflict_do_nothing(index_elements=["scope"])
        )
        await self.session.execute(
            update(EmployeeNumberCounter)
            .where(
                EmployeeNumberCounter.scope == scope,
                EmployeeNumberCounter.last_value < at_least,
            )
            .values(last_value=at_least)
        )

    async def numbers_starting(self, prefix: str, limit: int = 50) -> list[str]:
        """The highest employee numbers beginning with ``prefix`` (longest, then greatest)."""
        statement = (
            select(Employee.employee_number)
            .where(Employee.employee_number.startswith(prefix, autoescape=True))
            .order_by(func.length(Employee.employee_number).desc(), Employee.employee_number.desc())
            .limit(limit)
        )
        return [n for n in (await self.session.scalars(statement)).all() if n is not None]

    async def number_taken(self, employee_number: str, except_id: int | None = None) -> bool:
        statement = select(Employee.id).where(Employee.employee_number == employee_number)
        if except_id is not None:
            statement = statement.where(Employee.id != except_id)
        return (await self.session.scalars(statement)).first() is not None

    def add(self, row: object) -> None:
        self.session.add(row)

    def add_all(self, rows: Sequence[object]) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        await self.session.flush()

    # children --------------------------------------------------------------------------

    async def periods(self, employee_id: int) -> Sequence[EmployeeContractPeriod]:
        statement = (
            select(EmployeeContractPeriod)
            .where(EmployeeContractPeriod.employee_id == employee_id)
            .order_by(EmployeeContractPeriod.start_date, EmployeeContractPeriod.id)
        )
        return (await self.session.scalars(statement)).all()

    async def dependants(self, employee_id: int) -> Sequence[EmployeeDependant]:
        statement = (
            select(EmployeeDependant)
            .where(EmployeeDependant.employee_id == employee_id)
            .order_by(EmployeeDependant.id)
        )
        return (await self.session.scalars(statement)).all()

    async def replace_periods(
        self, employee_id: int, periods: Sequence[EmployeeContractPeriod]
    ) -> None:
        await self.session.execute(
            delete(EmployeeContractPeriod).where(EmployeeContractPeriod.employee_id == employee_id)
        )
        self.session.add_all(periods)

    async def replace_dependants(
        self, employee_id: int, dependants: Sequence[EmployeeDependant]
    ) -> None:
        await self.session.execute(
            delete(EmployeeDependant).where(EmployeeDependant.employee_id == employee_id)
        )
        self.session.add_all(dependants)

    # internal writes (no principal: other modules' services call them) -------------------

    async def set_placement(
        self, employee_id: int, client_id: int | None, site_id: int | None
    ) -> bool:
        """Placement columns only, without bumping ``version``: a coordinator editing the
        person at the same time must not get a conflict from an assignment change."""
        result = await self.session.execute(
            update(Employee)
            .where(Employee.id == employee_id)
            .values(current_client_id=client_id, current_site_id=site_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def needing_rotation(
        self, columns: Sequence[str], primary_prefix: str, after_id: int, limit: int
    ) -> Sequence[Employee]:
        """Rows with ciphertext in any of ``columns`` not under the primary key, by id."""
        stale = []
        for column in columns:
            attribute = getattr(Employee, column)
            stale.append(
                attribute.is_not(None) & ~attribute.startswith(primary_prefix, autoescape=True)
            )
        statement = (
            select(Employee)
            .where(Employee.id > after_id, or_(*stale))
            .order_by(Employee.id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()
