"""Every query of the employees area, scoped by the principal.

Row scope lives in :meth:`EmployeeRepository._readable` only: admins and coordinators see
every employee, a site manager those currently placed at one of their sites, an employee
their own record. A row outside the scope is simply not found (404, never 403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    and_,
    delete,
    false,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from haken.modules.employees.models import (
    Employee,
    EmployeeContractPeriod,
    EmployeeDependant,
    EmployeeNumberCounter,
)
from haken.modules.employees.schemas import EmployeeFilter, EmployeeStatus
from haken.modules.employees.sorting import EMPLOYEE_SORTING
from haken.platform.access import Principal, Role
from haken.platform.names import name_key, prefix_match, romaji_key, romaji_orders
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import ModelRepository

EXPIRY_SORT = (SortKey(Employee.work_permitted_until, "asc"), SortKey(Employee.id, "asc"))
# The list's columns: all but the ciphertexts (never shown; the masks come from *_last4).
LIST_COLUMNS = tuple(
    attribute.class_attribute
    for attribute in inspect(Employee).column_attrs
    if not attribute.key.endswith("_enc")
)


def _row(row: Row[Any]) -> Row[Any]:
    return row


def name_condition(q: str, kanji: Any, kana: Any, romaji: Any) -> Any:
    """A prefix of any name form: one index range per form that can match; romaji also in
    the other order (``platform.names.romaji_orders``: a range on the prefix, the suffix
    checked on the rows of that range)."""
    clauses = []
    key = name_key(q)
    if key:
        clauses.append(prefix_match(kanji, key))
        clauses.append(prefix_match(kana, key))
    latin = romaji_key(q)
    if latin and latin.isascii():
        clauses.append(prefix_match(romaji, latin))
        for prefix, suffix in romaji_orders(q):
            clauses.append(
                and_(prefix_match(romaji, prefix), romaji.endswith(suffix, autoescape=True))
            )
    return or_(*clauses) if clauses else false()


class EmployeeRepository(ModelRepository[Employee]):
    model = Employee

    async def names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(
            Employee, ids, Employee.name_kanji, Employee.name_kana, Employee.name_romaji
        )

    async def name_forms(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """``{id: {name_kanji, name_kana, name_romaji}}`` of the rows among ``ids``: three
        columns, no entities (the assignment list's names)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        statement = select(
            Employee.id, Employee.name_kanji, Employee.name_kana, Employee.name_romaji
        ).where(Employee.id.in_(wanted))
        return {
            row.id: {
                "name_kanji": row.name_kanji,
                "name_kana": row.name_kana,
                "name_romaji": row.name_romaji,
            }
            for row in (await self.session.execute(statement)).all()
        }

    def readable_statement(self, principal: Principal) -> Select[tuple[Employee]]:
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

    _readable = readable_statement

    def list_statement(
        self, principal: Principal, filters: EmployeeFilter
    ) -> Select[tuple[Employee]]:
        """The filtered, scoped statement of the list (also what the EXPLAIN test plans)."""
        statement = self.readable_statement(principal)
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
        elif not filters.include_left:
            statement = statement.where(Employee.status != EmployeeStatus.LEFT.value)
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

    async def page_list(
        self,
        principal: Principal,
        filters: EmployeeFilter,
        sort: str,
        request: PageRequest,
    ) -> PageResult[Row[Any]]:
        """One page as rows of the list's columns (every column but the ciphertexts), not
        entities: no instance state, identity map or attribute instrumentation per row
        (≈ half of a cold list's CPU at 50 rows). The rows answer the same attribute names
        (the sort keys' too, for the cursor)."""
        statement = self.list_statement(principal, filters).with_only_columns(*LIST_COLUMNS)
        return await self.page(statement, EMPLOYEE_SORTING.keys(sort), request, item=_row)

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
        return await self.page(statement, EXPIRY_SORT, request)

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

    async def by_id(self, employee_id: int) -> Employee | None:
        return await self.get(employee_id)

    async def by_ids(self, ids: Sequence[int]) -> Sequence[Employee]:
        if not ids:
            return []
        statement = select(Employee).where(Employee.id.in_(sorted(set(ids))))
        return (await self.session.scalars(statement)).all()

    async def foreign_movements(self, first: dt.date, last: dt.date) -> Sequence[Employee]:
        """Employees with a residence status hired or left within ``first``–``last``
        (the 外国人雇用状況届出 list), by id."""
        statement = (
            select(Employee)
            .where(
                Employee.residence_status.is_not(None),
                or_(
                    Employee.hire_date.between(first, last),
                    Employee.leave_date.between(first, last),
                ),
            )
            .order_by(Employee.id)
        )
        return (await self.session.scalars(statement)).all()

    async def ids_by_number(self, numbers: Sequence[str]) -> dict[str, int]:
        """Employee ids by employee number, for the numbers that exist (one query)."""
        if not numbers:
            return {}
        statement = select(Employee.employee_number, Employee.id).where(
            Employee.employee_number.in_(sorted(set(numbers)))
        )
        return {str(n): int(i) for n, i in (await self.session.execute(statement)).all()}

    async def employed_ids(self, *, on: dt.date, left_since: dt.date) -> list[int]:
        statement = (
            select(Employee.id)
            .where(
                Employee.hire_date <= on,
                or_(Employee.leave_date.is_(None), Employee.leave_date >= left_since),
            )
            .order_by(Employee.id)
        )
        return list((await self.session.scalars(statement)).all())

    async def readable_ids(self, principal: Principal) -> list[int]:
        statement = self.readable_ids_statement(principal)
        return list((await self.session.scalars(statement)).all())

    def readable_ids_statement(self, principal: Principal) -> Select[Any]:
        """``SELECT id`` of the employees ``principal`` may read, unexecuted: another area's
        list puts it in its own statement (``… IN (subquery)``) instead of a round trip."""
        return self.readable_statement(principal).with_only_columns(Employee.id)

    def names_statement(self) -> Select[Any]:
        """``SELECT`` every employee's id and names, unexecuted and unscoped: another area's
        repository joins it as a subquery to name its rows in its own statement (the
        attendance month grid sorts and pages by these names)."""
        return select(
            Employee.id.label("employee_id"),
            Employee.name_kanji.label("name_kanji"),
            Employee.name_kana.label("name_kana"),
            Employee.employee_number.label("employee_number"),
        )

    def employed_on_statement(self, on: dt.date) -> Select[Any]:
        """``SELECT employee_id, employment_type`` of everyone on the books on ``on`` (hired
        by then, not left before; archived records left out), unexecuted and unscoped: the
        reports' headcount joins it to the placements of the day."""
        return select(
            Employee.id.label("employee_id"),
            Employee.employment_type.label("employment_type"),
        ).where(
            Employee.archived_at.is_(None),
            Employee.hire_date <= on,
            or_(Employee.leave_date.is_(None), Employee.leave_date >= on),
        )

    def residence_cards_statement(self) -> Select[Any]:
        """``SELECT`` the residence card of every worker who has one and has not left
        (``employee_id``, names, ``residence_status``, ``card_expiry``, ``permitted_until``:
        lawful work's end, the card's expiry when not derived, ``permission``,
        ``permitted_weekly_hours``), unexecuted and unscoped: the residence-card report."""
        return select(
            Employee.id.label("employee_id"),
            Employee.name_kanji.label("name_kanji"),
            Employee.name_kana.label("name_kana"),
            Employee.employee_number.label("employee_number"),
            Employee.nationality.label("nationality"),
            Employee.residence_status.label("residence_status"),
            Employee.residence_card_expiry.label("card_expiry"),
            Employee.renewal_applied_on.label("renewal_applied_on"),
            func.coalesce(Employee.work_permitted_until, Employee.residence_card_expiry).label(
                "permitted_until"
            ),
            Employee.extra_activity_permission.label("permission"),
            Employee.extra_activity_weekly_hours.label("permitted_weekly_hours"),
        ).where(
            Employee.archived_at.is_(None),
            Employee.status != EmployeeStatus.LEFT.value,
            Employee.residence_card_expiry.is_not(None),
        )

    async def duplicate_of(self, romaji: str, birth_date: dt.date) -> int | None:
        statement = select(Employee.id).where(
            Employee.romaji_key == romaji, Employee.birth_date == birth_date
        )
        return (await self.session.scalars(statement)).first()

    async def duplicates_among(
        self, keys: Sequence[tuple[str, dt.date]]
    ) -> dict[tuple[str, dt.date], int]:
        """:meth:`duplicate_of` for many people in one statement (the batched create)."""
        if not keys:
            return {}
        statement = select(Employee.romaji_key, Employee.birth_date, Employee.id).where(
            Employee.romaji_key.in_(sorted({romaji for romaji, _ in keys}))
        )
        wanted = set(keys)
        found: dict[tuple[str, dt.date], int] = {}
        for romaji, birth_date, employee_id in (await self.session.execute(statement)).all():
            key = (romaji, birth_date)
            if key in wanted:
                found.setdefault(key, employee_id)
        return found

    async def numbers_taken(self, numbers: Sequence[str]) -> set[str]:
        """Which of ``numbers`` are already an employee's 社員番号 (one statement)."""
        if not numbers:
            return set()
        statement = select(Employee.employee_number).where(
            Employee.employee_number.in_(sorted(set(numbers)))
        )
        return {n for n in (await self.session.scalars(statement)).all() if n is not None}

    async def insert_many(self, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert ``rows`` (column → value, each with its 社員番号) in one statement; the new
        ids by number (RETURNING in no promised order: matched by the unique number)."""
        if not rows:
            return {}
        statement = insert(Employee).returning(Employee.employee_number, Employee.id)
        result = await self.session.execute(statement, list(rows))
        return {str(number): int(i) for number, i in result.all()}

    # 社員番号 counters (haken.platform.numbering) ---------------------------------------------

    async def advance_number_counter(self, scope: str, by: int = 1) -> int | None:
        """The scope's next sequence (the row stays locked until the transaction ends), or
        None when the scope has no counter yet. ``by`` reserves that many at once (the
        batched create): the last of them is returned."""
        statement = (
            update(EmployeeNumberCounter)
            .where(EmployeeNumberCounter.scope == scope)
            .values(last_value=EmployeeNumberCounter.last_value + by)
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

    # children --------------------------------------------------------------------------

    async def periods(self, employee_id: int) -> Sequence[EmployeeContractPeriod]:
        statement = (
            select(EmployeeContractPeriod)
            .where(EmployeeContractPeriod.employee_id == employee_id)
            .order_by(EmployeeContractPeriod.start_date, EmployeeContractPeriod.id)
        )
        return (await self.session.scalars(statement)).all()

    async def dependants_of(self, ids: Sequence[int]) -> Sequence[EmployeeDependant]:
        """The dependants of several employees in one statement (payroll's batches)."""
        if not ids:
            return []
        statement = (
            select(EmployeeDependant)
            .where(EmployeeDependant.employee_id.in_(sorted(set(ids))))
            .order_by(EmployeeDependant.employee_id, EmployeeDependant.id)
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
