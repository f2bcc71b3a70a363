"""Every query of the assignments area, scoped by the principal.

Row scope lives in ``_contract_scope`` / ``_assignment_scope``: coordinators and above see
every row, a site manager the rows of the sites in ``principal.site_ids``, an employee
nothing here except through :meth:`AssignmentsRepository.page_own` (their own rows). A row
outside the scope is not found (404), never "forbidden".

Each list is one SELECT: the contract's names come from a join on this area's own table,
the rate in force comes from a correlated lookup on ``(assignment_id, effective_from)``,
and the optional total rides along as a scalar subquery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from haken.modules.assignments.models import (
    Assignment,
    AssignmentRate,
    DispatchContract,
    PriorDispatchPeriod,
)
from haken.modules.assignments.schemas import AssignmentFilter, ContractFilter
from haken.modules.assignments.sorting import (
    ASSIGNMENT_SORTING,
    CONTRACT_SORTING,
    AssignmentSortField,
)
from haken.platform.access import Principal, Role
from haken.platform.pagination import (
    PageRequest,
    PageResult,
    SortKey,
    build_page,
    decode_cursor,
    keyset_condition,
    order_by,
)
from haken.platform.repository import Repository, archived_filter


def _sort(column: Any, id_column: Any, descending: bool) -> tuple[SortKey, ...]:
    direction: Literal["asc", "desc"] = "desc" if descending else "asc"
    return (SortKey(column, direction), SortKey(id_column, direction))


C, A, P = DispatchContract, Assignment, PriorDispatchPeriod
ASSIGNMENTS = cast(Table, Assignment.__table__)
"""The table itself, for plain UPDATEs that must not bump the ORM ``version``."""
CONFLICT_SORT = _sort(A.conflict_date, A.id, False)
RATE_SORT = _sort(AssignmentRate.effective_from, AssignmentRate.id, True)
PRIOR_PERIOD_SORT = _sort(P.start_date, P.id, True)


DERIVED = (
    "exemption",
    "site_conflict_date",
    "individual_conflict_date",
    "conflict_date",
    "conflict_kind",
)
"""Columns recomputed from the labour rules: written without bumping ``version``."""


def _sees_everything(principal: Principal) -> bool:
    return principal.is_at_least(Role.COORDINATOR)


def _site_condition(column: Any, principal: Principal) -> ColumnElement[bool]:
    if _sees_everything(principal):
        return true()
    if principal.role is Role.SITE_MANAGER and principal.site_ids:
        return column.in_(sorted(principal.site_ids))  # type: ignore[no-any-return]
    return false()


class _Rated:
    """A page row: the assignment with the rate in force joined to it (``getattr`` reaches
    the sort keys, which key the cursor)."""

    def __init__(self, assignment: Assignment, rate: AssignmentRate | None) -> None:
        self.assignment = assignment
        self.rate = rate

    def __getattr__(self, name: str) -> Any:
        return getattr(self.assignment, name)


class AssignmentsRepository(Repository):
    """Contracts, assignments, rates and prior periods (several models: the plain base, not
    ModelRepository); paging, ``add``/``flush`` and ``delete_if_unreferenced`` come from
    the base."""

    async def contract_ref_by_number(self, contract_number: str) -> tuple[int, int] | None:
        statement = select(DispatchContract.id, DispatchContract.unit_id).where(
            DispatchContract.contract_number == contract_number
        )
        found = (await self.session.execute(statement)).first()
        return (int(found[0]), int(found[1])) if found is not None else None

    async def contract_numbers(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(C, ids, C.contract_number)

    def no_autoflush(self) -> Any:
        """Hold pending edits back while the checks read: the edit is flushed once, so its
        ``version`` moves by exactly one."""
        return self.session.no_autoflush

    # contracts ------------------------------------------------------------------------------

    async def readable_contract(
        self, principal: Principal, contract_id: int
    ) -> DispatchContract | None:
        statement = select(C).where(C.id == contract_id, _site_condition(C.site_id, principal))
        return (await self.session.scalars(statement)).first()

    async def contract_number_taken(self, number: str, except_id: int | None) -> bool:
        statement = select(C.id).where(C.contract_number == number)
        if except_id is not None:
            statement = statement.where(C.id != except_id)
        return (await self.session.scalar(statement.limit(1))) is not None

    async def page_contracts(
        self, principal: Principal, filters: ContractFilter, sort: str, request: PageRequest
    ) -> PageResult[DispatchContract]:
        statement = select(C).where(
            _site_condition(C.site_id, principal), archived_filter(C, filters.archived)
        )
        for column, value in (
            (C.client_id, filters.client_id),
            (C.site_id, filters.site_id),
            (C.unit_id, filters.unit_id),
            (C.status, filters.status.value if filters.status else None),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if filters.active_on is not None:
            statement = statement.where(
                C.period_start <= filters.active_on, C.period_end >= filters.active_on
            )
        return await self.page(statement, CONTRACT_SORTING.keys(sort), request)

    async def billing_contracts(
        self,
        principal: Principal,
        client_ids: Sequence[int],
        cutoff_day: int | Sequence[int] | None,
        start: dt.date,
        end: dt.date,
    ) -> Sequence[DispatchContract]:
        """The readable contracts (archived or not) of the clients with the billing cut-off
        (one day, any of several, or any: ``None``) that overlap [start, end]: one statement."""
        if not client_ids:
            return []
        statement = select(C).where(
            _site_condition(C.site_id, principal),
            C.client_id.in_(sorted(set(client_ids))),
            C.period_start <= end,
            C.period_end >= start,
        )
        if isinstance(cutoff_day, int):
            statement = statement.where(C.billing_cutoff_day == cutoff_day)
        elif cutoff_day is not None:
            statement = statement.where(C.billing_cutoff_day.in_(sorted(set(cutoff_day))))
        return (await self.session.scalars(statement.order_by(C.id))).all()

    async def contract_clients(
        self, start: dt.date, end: dt.date, client_ids: Sequence[int] | None
    ) -> list[int]:
        """The clients (ids, ascending) with a contract overlapping [start, end], among
        ``client_ids`` when given: one statement, unscoped (invoicing a period: admins)."""
        statement = (
            select(C.client_id).distinct().where(C.period_start <= end, C.period_end >= start)
        )
        if client_ids is not None:
            statement = statement.where(C.client_id.in_(sorted(set(client_ids))))
        return sorted(int(c) for c in (await self.session.scalars(statement)).all())

    async def assignments_outside(self, contract_id: int, start: dt.date, end: dt.date) -> bool:
        """Whether a live assignment of the contract would fall outside [start, end]."""
        statement = (
            select(A.id)
            .where(
                A.contract_id == contract_id,
                A.status != "cancelled",
                or_(A.start_date < start, A.end_date > end),
            )
            .limit(1)
        )
        return (await self.session.scalar(statement)) is not None

    async def delete_contract_if_unreferenced(self, contract_id: int) -> bool:
        """Delete unless an assignment (or anything else) refers to it; savepoint-guarded."""
        return await self.delete_if_unreferenced(C, contract_id)

    # assignments ----------------------------------------------------------------------------

    async def readable_assignment(
        self, principal: Principal, assignment_id: int
    ) -> tuple[Assignment, DispatchContract] | None:
        statement = (
            select(A, C)
            .join(C, C.id == A.contract_id)
            .where(A.id == assignment_id, _site_condition(A.site_id, principal))
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def billing_cutoff_terms(
        self, contract_id: int
    ) -> tuple[int, int, dt.date | None] | None:
        """The contract's client, its ``billing_cutoff_day`` and ``billing_cutoff_from``
        (one statement)."""
        statement = select(C.client_id, C.billing_cutoff_day, C.billing_cutoff_from).where(
            C.id == contract_id
        )
        row = (await self.session.execute(statement)).first()
        return (int(row[0]), int(row[1]), row[2]) if row is not None else None

    async def contracts_following_client(self, client_id: int) -> list[tuple[int, dt.date | None]]:
        """(id, billing_cutoff_from) of the client's contracts following its closing day."""
        statement = (
            select(C.id, C.billing_cutoff_from)
            .where(C.client_id == client_id, C.billing_cutoff_day == 0)
            .order_by(C.id)
        )
        return [(int(i), f) for i, f in (await self.session.execute(statement)).all()]

    def site_placements_statement(self, site_id: int, first: dt.date, last: dt.date) -> Any:
        """``SELECT`` the site's placements (not cancelled) overlapping ``first``–``last``,
        unexecuted and unscoped: another area's repository pages them in its own statement
        (the attendance month grid, joined to the workers' names)."""
        return select(
            A.id.label("assignment_id"),
            A.employee_id.label("employee_id"),
            A.start_date.label("start_date"),
            A.end_date.label("end_date"),
            A.client_name.label("client_name"),
            A.site_name.label("site_name"),
        ).where(
            A.site_id == site_id,
            A.status != "cancelled",
            A.start_date <= last,
            A.end_date >= first,
        )

    def placed_on_statement(self, on: dt.date) -> Any:
        """``SELECT employee_id, client_id, site_id, client_name, site_name``: each worker's
        placement running on ``on`` (not cancelled; the latest one when two overlap), one row
        per worker, unexecuted and unscoped: the reports' headcount by client and site."""
        latest = (
            select(func.max(A.id))
            .where(A.status != "cancelled", A.start_date <= on, A.end_date >= on)
            .group_by(A.employee_id)
        )
        return select(
            A.employee_id.label("employee_id"),
            A.client_id.label("client_id"),
            A.site_id.label("site_id"),
            A.client_name.label("client_name"),
            A.site_name.label("site_name"),
        ).where(A.id.in_(latest))

    def individual_conflicts_statement(self, today: dt.date) -> Any:
        """``SELECT assignment_id, employee_id, client_id, site_id, client_name, site_name,
        unit_name, conflict_date``: the individual 抵触日 of every placement not ended before
        ``today`` (active, with a date), unexecuted and unscoped: the 抵触日 schedule."""
        return select(
            A.id.label("assignment_id"),
            A.employee_id.label("employee_id"),
            A.client_id.label("client_id"),
            A.site_id.label("site_id"),
            A.client_name.label("client_name"),
            A.site_name.label("site_name"),
            A.unit_name.label("unit_name"),
            A.individual_conflict_date.label("conflict_date"),
        ).where(
            A.status == "active",
            A.end_date >= today,
            A.individual_conflict_date.is_not(None),
        )

    async def placed_at_site(
        self, site_id: int, first: dt.date, last: dt.date
    ) -> list[tuple[Assignment, DispatchContract]]:
        """The site's placements (not cancelled) overlapping ``first``–``last`` with their
        contracts, by start (unscoped: the attendance month grid scopes the site itself)."""
        statement = (
            select(A, C)
            .join(C, C.id == A.contract_id)
            .where(
                A.site_id == site_id,
                A.status != "cancelled",
                A.start_date <= last,
                A.end_date >= first,
            )
            .order_by(A.start_date, A.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def of_contract(self, contract_id: int) -> list[Assignment]:
        """The contract's placements (not cancelled), by start (unscoped: documents)."""
        statement = (
            select(A)
            .where(A.contract_id == contract_id, A.status != "cancelled")
            .order_by(A.start_date, A.id)
        )
        return list((await self.session.scalars(statement)).all())

    async def at_client(
        self, client_id: int, first: dt.date, last: dt.date
    ) -> list[tuple[Assignment, DispatchContract]]:
        """The client's placements (not cancelled) overlapping ``first``–``last`` with their
        contracts, by employee and start (unscoped: the timesheet import is the office's)."""
        statement = (
            select(A, C)
            .join(C, C.id == A.contract_id)
            .where(
                A.client_id == client_id,
                A.status != "cancelled",
                A.start_date <= last,
                A.end_date >= first,
            )
            .order_by(A.employee_id, A.start_date, A.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def with_contracts(
        self, assignment_ids: Sequence[int]
    ) -> list[tuple[Assignment, DispatchContract]]:
        """Assignments by id with their contracts, unscoped (other areas' internal reads)."""
        if not assignment_ids:
            return []
        statement = (
            select(A, C).join(C, C.id == A.contract_id).where(A.id.in_(sorted(set(assignment_ids))))
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def employment_periods(
        self, employee_ids: Sequence[int]
    ) -> list[tuple[Assignment, DispatchContract]]:
        """The employees' assignments that were not cancelled, with their contracts, by start
        (unscoped: the leave area's grants)."""
        if not employee_ids:
            return []
        statement = (
            select(A, C)
            .join(C, C.id == A.contract_id)
            .where(A.employee_id.in_(sorted(set(employee_ids))), A.status != "cancelled")
            .order_by(A.employee_id, A.start_date, A.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def page_assignments(
        self,
        principal: Principal,
        filters: AssignmentFilter,
        sort: str,
        request: PageRequest,
        *,
        rates_on: dt.date | None = None,
    ) -> tuple[PageResult[Assignment], dict[int, AssignmentRate]]:
        """One statement for the page, its total and (with ``rates_on``, the office's lists)
        each row's rate in force: today's, or the first day's of one not started yet
        (a LEFT JOIN on the rate a correlated lookup on ``(assignment_id, effective_from)``
        picks)."""
        conditions = [_site_condition(A.site_id, principal)]
        for column, value in (
            (A.client_id, filters.client_id),
            (A.site_id, filters.site_id),
            (A.unit_id, filters.unit_id),
            (A.employee_id, filters.employee_id),
            (A.contract_id, filters.contract_id),
            (A.status, filters.status.value if filters.status else None),
        ):
            if value is not None:
                conditions.append(column == value)
        if filters.active_on is not None:
            conditions += [
                A.start_date <= filters.active_on,
                A.end_date >= filters.active_on,
                A.status != "cancelled",
            ]
        if ASSIGNMENT_SORTING.field(sort) == AssignmentSortField.CONFLICT_DATE:
            conditions.append(A.conflict_date.is_not(None))
        statement = select(A)
        if rates_on is None:
            page = await self.page(
                statement.where(*conditions),
                ASSIGNMENT_SORTING.keys(sort),
                request,
                counted=select(func.count(A.id)).where(*conditions),
            )
            return page, {}
        day = case((A.start_date > rates_on, A.start_date), else_=rates_on)
        latest = (AssignmentRate.effective_from.desc(), AssignmentRate.id.desc())
        in_force = AssignmentRate.assignment_id == A.id, AssignmentRate.effective_from <= day
        rate: Any = AssignmentRate
        if self.session.get_bind().dialect.name == "postgresql":
            # LATERAL: one backward index probe on (assignment_id, effective_from) per row.
            lateral = select(AssignmentRate).where(*in_force).order_by(*latest).limit(1)
            found = lateral.lateral("rate_in_force")
            rate = aliased(AssignmentRate, found)
            statement = select(A, rate).outerjoin(found, true())
        else:  # SQLite has no LATERAL: the rate by the id its lookup picks (rowid probe)
            picked = (
                select(AssignmentRate.id)
                .where(*in_force)
                .order_by(*latest)
                .limit(1)
                .correlate(A)
                .scalar_subquery()
            )
            statement = select(A, rate).outerjoin(AssignmentRate, AssignmentRate.id == picked)
        rated = await self.page(
            statement.where(*conditions),
            ASSIGNMENT_SORTING.keys(sort),
            request,
            item=lambda row: _Rated(row[0], row[1]),
            counted=select(func.count(A.id)).where(*conditions),
        )
        rates = {row.assignment.id: row.rate for row in rated.items if row.rate is not None}
        return rated.with_items([row.assignment for row in rated.items]), rates

    async def page_own(self, employee_id: int, request: PageRequest) -> PageResult[Assignment]:
        statement = select(A).where(A.employee_id == employee_id, A.status != "cancelled")
        return await self.page(statement, ASSIGNMENT_SORTING.keys("-start_date"), request)

    async def page_conflicts(
        self, principal: Principal, *, today: dt.date, until: dt.date, request: PageRequest
    ) -> PageResult[Assignment]:
        """Running assignments whose binding 抵触日 is on or before ``until`` (passed included)."""
        statement = select(A).where(
            _site_condition(A.site_id, principal),
            A.conflict_date <= until,
            A.status == "active",
            A.end_date >= today,
        )
        return await self.page(statement, CONFLICT_SORT, request)

    async def rates_in_force(self, days: Mapping[int, dt.date]) -> dict[int, AssignmentRate]:
        """The rate in force of each assignment on its day (``{assignment id: day}``: today,
        or the first day of one not started yet), in one statement for a page."""
        if not days:
            return {}
        statement = (
            select(AssignmentRate)
            .where(
                AssignmentRate.assignment_id.in_(sorted(days)),
                AssignmentRate.effective_from <= max(days.values()),
            )
            .order_by(AssignmentRate.assignment_id, AssignmentRate.effective_from)
        )
        found: dict[int, AssignmentRate] = {}
        for rate in (await self.session.scalars(statement)).all():
            if rate.effective_from <= days[rate.assignment_id]:
                found[rate.assignment_id] = rate  # ascending dates: the last one wins
        return found

    async def running_below(
        self, thresholds: dict[int, list[int]], *, today: dt.date, until: dt.date
    ) -> Sequence[Assignment]:
        """Running assignments (or starting by ``until``) at the given sites having a rate,
        in force by ``until``, below the site's threshold (``{yen: [site ids]}``): the
        candidates of the minimum-wage warnings, checked exactly by the caller."""
        if not thresholds:
            return []
        below = or_(
            *(
                and_(A.site_id.in_(sorted(site_ids)), AssignmentRate.hourly_pay < yen)
                for yen, site_ids in sorted(thresholds.items())
            )
        )
        has_rate = (
            select(AssignmentRate.id)
            .where(
                AssignmentRate.assignment_id == A.id,
                AssignmentRate.effective_from <= until,
                below,
            )
            .exists()
        )
        statement = (
            select(A)
            .where(A.status == "active", A.end_date >= today, A.start_date <= until, has_rate)
            .order_by(A.id)
        )
        return (await self.session.scalars(statement)).all()

    async def rate_histories(
        self, assignment_ids: Sequence[int]
    ) -> dict[int, list[AssignmentRate]]:
        """Every rate of each assignment, oldest first, in one statement."""
        if not assignment_ids:
            return {}
        statement = (
            select(AssignmentRate)
            .where(AssignmentRate.assignment_id.in_(sorted(set(assignment_ids))))
            .order_by(AssignmentRate.assignment_id, AssignmentRate.effective_from)
        )
        found: dict[int, list[AssignmentRate]] = {}
        for rate in (await self.session.scalars(statement)).all():
            found.setdefault(rate.assignment_id, []).append(rate)
        return found

    async def rename_contract(self, contract_id: int, number: str) -> None:
        """Carry a corrected contract number to its assignments (not an edit of theirs)."""
        await self.session.execute(
            update(ASSIGNMENTS)
            .where(ASSIGNMENTS.c.contract_id == contract_id)
            .values(contract_number=number)
        )

    async def overlapping(
        self, employee_id: int, start: dt.date, end: dt.date, except_id: int | None = None
    ) -> int | None:
        """The id of a live assignment of the employee overlapping [start, end], if any."""
        statement = select(A.id).where(
            A.employee_id == employee_id,
            A.status != "cancelled",
            A.start_date <= end,
            A.end_date >= start,
        )
        if except_id is not None:
            statement = statement.where(A.id != except_id)
        return await self.session.scalar(statement.limit(1))

    async def at_site(self, site_id: int) -> Sequence[Assignment]:
        """Every live assignment at the site: the inputs of both clocks of each of them."""
        statement = (
            select(A)
            .where(A.site_id == site_id, A.status != "cancelled")
            .order_by(A.start_date, A.id)
        )
        return (await self.session.scalars(statement)).all()

    async def running_site_ids(self, today: dt.date) -> list[int]:
        """Sites with an assignment not yet over (the nightly refresh walks them)."""
        statement = (
            select(A.site_id)
            .where(A.status == "active", A.end_date >= today)
            .group_by(A.site_id)
            .order_by(A.site_id)
        )
        return list((await self.session.scalars(statement)).all())

    async def employees_changing_on(self, today: dt.date) -> list[int]:
        """Employees with an assignment starting today or having ended yesterday."""
        yesterday = today - dt.timedelta(days=1)
        statement = (
            select(A.employee_id)
            .where(A.status != "cancelled", or_(A.start_date == today, A.end_date == yesterday))
            .group_by(A.employee_id)
        )
        return list((await self.session.scalars(statement)).all())

    async def placement_of(self, employee_id: int, today: dt.date) -> Assignment | None:
        """The assignment that places the employee today (one not started yet does not: the
        nightly pass places the employee on its first day, ``employees_changing_on``)."""
        statement = (
            select(A)
            .where(
                A.employee_id == employee_id,
                A.status != "cancelled",
                A.start_date <= today,
                A.end_date >= today,
            )
            .order_by(A.start_date, A.id)
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def write_derived(self, changes: Sequence[dict[str, Any]]) -> None:
        """Store recomputed 抵触日 columns: a plain UPDATE, so ``version`` does not move
        (a coordinator editing another assignment must not get a conflict from it)."""
        if not changes:
            return
        table = ASSIGNMENTS
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(name) for name in DERIVED})
        )
        await self.session.execute(statement, [dict(change) for change in changes])

    # rates ---------------------------------------------------------------------------------

    async def rates(self, assignment_id: int) -> Sequence[AssignmentRate]:
        statement = (
            select(AssignmentRate)
            .where(AssignmentRate.assignment_id == assignment_id)
            .order_by(AssignmentRate.effective_from.desc(), AssignmentRate.id.desc())
        )
        return (await self.session.scalars(statement)).all()

    async def page_rates(
        self, principal: Principal, assignment_id: int, request: PageRequest
    ) -> PageResult[AssignmentRate] | None:
        """The rate history of a readable assignment, newest first; None when not found.

        One statement: the readable assignment LEFT JOIN its rates (page conditions in the
        join), so an empty page and a missing assignment are told apart without a second.
        """
        conditions: list[ColumnElement[bool]] = [AssignmentRate.assignment_id == A.id]
        if request.cursor:
            conditions.append(keyset_condition(RATE_SORT, decode_cursor(RATE_SORT, request.cursor)))
        statement = (
            select(A.id, AssignmentRate)
            .outerjoin(AssignmentRate, and_(*conditions))
            .where(A.id == assignment_id, _site_condition(A.site_id, principal))
            .order_by(*order_by(RATE_SORT))
            .limit(request.limit + 1)
        )
        rows = (await self.session.execute(statement)).all()
        if not rows:
            return None
        return build_page([row[1] for row in rows if row[1] is not None], RATE_SORT, request)

    async def rate_exists(self, assignment_id: int, effective_from: dt.date) -> bool:
        statement = select(AssignmentRate.id).where(
            AssignmentRate.assignment_id == assignment_id,
            AssignmentRate.effective_from == effective_from,
        )
        return (await self.session.scalar(statement.limit(1))) is not None

    # --- prior dispatch periods (through other agencies) ---------------------------------

    async def prior_periods(
        self, employee_ids: Sequence[int], unit_ids: Sequence[int]
    ) -> Sequence[PriorDispatchPeriod]:
        """Declared periods of these workers in these units (the individual clocks' input)."""
        if not employee_ids or not unit_ids:
            return []
        statement = (
            select(P)
            .where(
                P.employee_id.in_(sorted(set(employee_ids))),
                P.unit_id.in_(sorted(set(unit_ids))),
            )
            .order_by(P.start_date, P.id)
        )
        return (await self.session.scalars(statement)).all()

    async def page_prior_periods(
        self,
        principal: Principal,
        *,
        employee_id: int | None,
        unit_id: int | None,
        request: PageRequest,
    ) -> PageResult[PriorDispatchPeriod]:
        statement = select(P).where(_site_condition(P.site_id, principal))
        if employee_id is not None:
            statement = statement.where(P.employee_id == employee_id)
        if unit_id is not None:
            statement = statement.where(P.unit_id == unit_id)
        return await self.page(statement, PRIOR_PERIOD_SORT, request)

    async def readable_prior_period(
        self, principal: Principal, period_id: int
    ) -> PriorDispatchPeriod | None:
        statement = select(P).where(P.id == period_id, _site_condition(P.site_id, principal))
        return (await self.session.scalars(statement)).first()

    async def delete(self, row: object) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def running_site_ids_of(self, employee_id: int, today: dt.date) -> list[int]:
        """Sites where the worker has an assignment not yet over (their dates to refresh)."""
        statement = (
            select(A.site_id)
            .where(A.employee_id == employee_id, A.status == "active", A.end_date >= today)
            .group_by(A.site_id)
            .order_by(A.site_id)
        )
        return list((await self.session.scalars(statement)).all())
