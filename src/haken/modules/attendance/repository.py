"""Every query of the attendance area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg
from sqlalchemy import (
    DateTime,
    Select,
    Table,
    and_,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError

from haken.modules.attendance.models import (
    ImportFile,
    ImportMapping,
    LedgerEntry,
    OvertimeAgreement,
    Period,
    ShiftPattern,
    SiteSettings,
    Timecard,
)
from haken.modules.attendance.schemas import TimecardFilter
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import ModelRepository, Repository

COUNTED_STATES = ("approved", "locked")
"""The states whose cards the ledger counts."""


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


class _Named:
    """A queue row: the card with its names joined (``getattr`` reaches the card's sort keys,
    which key the cursor)."""

    def __init__(self, row: Any) -> None:
        self.card: Timecard = row[0]
        self.employee_name: str = row.name_kanji or row.name_kana or ""
        self.employee_number: str | None = row.employee_number
        self.site_name: str = row.site_name or ""
        self.client_name: str = row.client_name or ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.card, name)


class TimecardRepository(ModelRepository[Timecard]):
    model = Timecard

    def readable_statement(self, principal: Principal) -> Select[Any]:
        statement = select(Timecard)
        if principal.is_at_least(Role.COORDINATOR):
            return statement
        if principal.role is Role.SITE_MANAGER or principal.is_client:
            # A client supervisor reads its chosen sites' cards (the client portal).
            if not principal.site_ids:
                return statement.where(false())
            return statement.where(Timecard.site_id.in_(sorted(principal.site_ids)))
        if principal.employee_id is None:
            return statement.where(false())
        return statement.where(Timecard.employee_id == principal.employee_id)

    async def in_days(
        self, principal: Principal, first: dt.date, last: dt.date, *, limit: int
    ) -> Sequence[Timecard]:
        """The readable cards of ``first``–``last`` by day and worker, in one statement."""
        statement = (
            self.readable_statement(principal)
            .where(Timecard.work_date >= first, Timecard.work_date <= last)
            .order_by(Timecard.work_date, Timecard.employee_id, Timecard.id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def page_timecards(
        self,
        principal: Principal,
        filters: TimecardFilter,
        keys: Sequence[SortKey],
        request: PageRequest,
    ) -> PageResult[Timecard]:
        statement = self.readable_statement(principal)
        for column, value in (
            (Timecard.employee_id, filters.employee_id),
            (Timecard.site_id, filters.site_id),
            (Timecard.contract_id, filters.contract_id),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if filters.state is not None:
            statement = statement.where(Timecard.state == filters.state.value)
        if filters.warned is not None:
            statement = statement.where(Timecard.warned.is_(filters.warned))
        if filters.month is not None:
            first, last = _month_range(filters.month)
            statement = statement.where(Timecard.work_date.between(first, last))
        return await self.page(statement, keys, request)

    async def for_employee(
        self, employee_id: int, first: dt.date, last: dt.date, *, counted_only: bool
    ) -> Sequence[Timecard]:
        statement = select(Timecard).where(
            Timecard.employee_id == employee_id, Timecard.work_date.between(first, last)
        )
        if counted_only:
            statement = statement.where(Timecard.state.in_(COUNTED_STATES))
        return (await self.session.scalars(statement.order_by(Timecard.work_date))).all()

    async def for_employees(
        self, employee_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[Timecard]:
        """The submitted and approved cards of the employees between two days, one read
        (the residence-card report's hours of a page of workers)."""
        if not employee_ids:
            return []
        statement = select(Timecard).where(
            Timecard.employee_id.in_(sorted(set(employee_ids))),
            Timecard.work_date.between(first, last),
            Timecard.state != "draft",
        )
        return (await self.session.scalars(statement)).all()

    async def day_markers(
        self, employee_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[Any]:
        """(employee, date, marker, worked) of the counted cards between two days, one read:
        what the 80 % attendance rule of paid leave needs, without loading whole cards."""
        if not employee_ids:
            return []
        statement = select(
            Timecard.employee_id,
            Timecard.work_date,
            Timecard.marker,
            Timecard.start_at.is_not(None).label("worked"),
        ).where(
            Timecard.employee_id.in_(sorted(set(employee_ids))),
            Timecard.work_date.between(first, last),
            Timecard.state.in_(COUNTED_STATES),
        )
        return (await self.session.execute(statement)).all()

    async def remove(self, row: Timecard) -> None:
        """Delete a card (the leave card an approval created, when the leave is withdrawn)."""
        await self.session.delete(row)

    async def at_site(
        self,
        site_id: int,
        first: dt.date,
        last: dt.date,
        assignment_ids: Sequence[int] | None = None,
    ) -> Sequence[Timecard]:
        """The cards of a site between two days (the month grid; with ``assignment_ids`` only
        those placements': one page of the grid), in one indexed read."""
        statement = select(Timecard).where(
            Timecard.site_id == site_id, Timecard.work_date.between(first, last)
        )
        if assignment_ids is not None:
            statement = statement.where(Timecard.assignment_id.in_(sorted(set(assignment_ids))))
        return (await self.session.scalars(statement.order_by(Timecard.work_date))).all()

    async def page_roster(
        self,
        placements: Select[Any],
        names: Select[Any],
        request: PageRequest,
        *,
        assignment_id: int | None = None,
    ) -> PageResult[Any]:
        """One page of a site's month grid rows in one statement: the placements (the
        assignments area's fragment) joined to the workers' names (the employees area's
        fragment), by kana then assignment id (keyset on both, so every page costs the same).
        With ``assignment_id`` only that row (a cell)."""
        placed = placements.subquery("grid_placements")
        named = names.subquery("grid_names")
        statement = select(
            placed.c.assignment_id,
            placed.c.employee_id,
            placed.c.start_date,
            placed.c.end_date,
            placed.c.client_name,
            placed.c.site_name,
            named.c.name_kanji,
            named.c.name_kana,
            named.c.employee_number,
        ).join(named, named.c.employee_id == placed.c.employee_id)
        if assignment_id is not None:
            statement = statement.where(placed.c.assignment_id == assignment_id)
        keys = (SortKey(named.c.name_kana), SortKey(placed.c.assignment_id))  # type: ignore[arg-type]
        return await self.page(statement, keys, request, item=lambda row: row)

    async def page_queue(
        self,
        principal: Principal,
        keys: Sequence[SortKey],
        request: PageRequest,
        names: Select[Any],
        labels: Select[Any],
    ) -> PageResult[Any]:
        """The submitted cards in scope with their workers' and sites' names joined (the
        employees' and clients' fragments): one statement per page."""
        named = names.subquery("queue_names")
        labelled = labels.subquery("queue_sites")
        statement = (
            self.readable_statement(principal)
            .where(Timecard.state == "submitted")
            .add_columns(
                named.c.name_kanji,
                named.c.name_kana,
                named.c.employee_number,
                labelled.c.site_name,
                labelled.c.client_name,
            )
            .outerjoin(named, named.c.employee_id == Timecard.employee_id)
            .outerjoin(labelled, labelled.c.site_id == Timecard.site_id)
        )
        return await self.page(statement, keys, request, item=_Named)

    async def counted_for_contract(
        self, contract_id: int, first: dt.date, last: dt.date
    ) -> Sequence[Timecard]:
        statement = select(Timecard).where(
            Timecard.contract_id == contract_id,
            Timecard.work_date.between(first, last),
            Timecard.state.in_(COUNTED_STATES),
        )
        return (await self.session.scalars(statement.order_by(Timecard.work_date))).all()

    async def counted_for_contracts(
        self, contract_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[Any]:
        """The counted cards of many contracts between the dates, as plain rows of the columns
        the billing days need (no ORM objects: tens of thousands a batch), in no particular
        order (the classification orders each worker's cards; a sort of the batch's ~400,000
        rows spilled to disk on PostgreSQL, and the date column was not needed): one
        statement."""
        if not contract_ids:
            return []
        statement = select(
            Timecard.contract_id,
            Timecard.assignment_id,
            Timecard.employee_id,
            Timecard.site_id,
            # The driver's datetimes as they come (no UTCDateTime call per value): aware UTC
            # on PostgreSQL, naive UTC on SQLite (attendance.service._premium_cards).
            type_coerce(Timecard.start_at, DateTime(timezone=True)).label("start_at"),
            type_coerce(Timecard.end_at, DateTime(timezone=True)).label("end_at"),
            Timecard.timezone,
            Timecard.break_minutes,
        ).where(
            Timecard.contract_id.in_(sorted(set(contract_ids))),
            Timecard.work_date.between(first, last),
            Timecard.state.in_(COUNTED_STATES),
        )
        return (await self.session.execute(statement)).all()

    async def counted_of_contracts(
        self, contract_ids: Sequence[int], first: dt.date | None
    ) -> Sequence[Timecard]:
        """The counted cards of the contracts from ``first`` on (every one: None), by day:
        one statement (a changed billing cut-off regroups them)."""
        if not contract_ids:
            return []
        statement = select(Timecard).where(
            Timecard.contract_id.in_(sorted(set(contract_ids))),
            Timecard.state.in_(COUNTED_STATES),
        )
        if first is not None:
            statement = statement.where(Timecard.work_date >= first)
        return (await self.session.scalars(statement.order_by(Timecard.work_date))).all()

    async def recent_for_limited(
        self, assignment_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[Timecard]:
        statement = select(Timecard).where(
            Timecard.assignment_id.in_(sorted(set(assignment_ids))),
            Timecard.work_date.between(first, last),
        )
        return (await self.session.scalars(statement)).all()

    async def recent_employee_assignments(
        self, first: dt.date, last: dt.date
    ) -> Sequence[tuple[int, int]]:
        """(employee_id, assignment_id) of the cards worked between ``first`` and ``last``."""
        statement = (
            select(Timecard.employee_id, Timecard.assignment_id)
            .where(Timecard.work_date.between(first, last))
            .distinct()
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def count_unapproved(self, first: dt.date, last: dt.date, contract_id: int | None) -> int:
        statement = select(func.count()).where(
            Timecard.work_date.between(first, last),
            Timecard.state.in_(("draft", "submitted")),
        )
        if contract_id is not None:
            statement = statement.where(Timecard.contract_id == contract_id)
        return int(await self.session.scalar(statement) or 0)

    async def set_locked(
        self, first: dt.date, last: dt.date, contract_id: int | None, *, locked: bool
    ) -> None:
        """Lock the approved cards of a closed period, or unlock (``locked=False``) those of a
        reopened one that no other closed period still covers."""
        conditions: list[Any] = [Timecard.work_date.between(first, last)]
        if contract_id is not None:
            conditions.append(Timecard.contract_id == contract_id)
        if locked:
            conditions.append(Timecard.state == "approved")
            values = {"state": "locked"}
        else:
            conditions.append(Timecard.state == "locked")
            conditions.append(~_covered_by_closed(Timecard.work_date, Timecard.contract_id))
            values = {"state": "approved"}
        await self.session.execute(
            update(Timecard)
            .where(*conditions)
            .values(**values, version=Timecard.version + 1)
            .execution_options(synchronize_session=False)
        )


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _covered_by_closed(day: Any, contract_id: Any) -> Any:
    return (
        select(Period.id)
        .where(
            Period.state == "closed",
            Period.period_start <= day,
            Period.period_end >= day,
            or_(
                Period.kind == "payroll",
                and_(Period.kind == "billing", Period.subject_id == contract_id),
            ),
        )
        .exists()
    )


class AttendanceRepository(Repository):
    """Site settings, periods, the ledger and 36協定 limits."""

    async def site_settings(
        self, site_id: int
    ) -> tuple[SiteSettings | None, Sequence[ShiftPattern]]:
        settings = await self.session.get(SiteSettings, site_id)
        shifts = (
            await self.session.scalars(
                select(ShiftPattern)
                .where(ShiftPattern.site_id == site_id)
                .order_by(ShiftPattern.code)
            )
        ).all()
        return settings, shifts

    async def shifts(self, site_id: int) -> Sequence[ShiftPattern]:
        statement = select(ShiftPattern).where(ShiftPattern.site_id == site_id)
        return (await self.session.scalars(statement.order_by(ShiftPattern.code))).all()

    async def settings_only(self, site_id: int) -> SiteSettings | None:
        return await self.session.get(SiteSettings, site_id)

    async def settings_of_sites(self, site_ids: Sequence[int]) -> dict[int, SiteSettings]:
        """Many sites' settings by site id (the sites with none are absent): one statement."""
        if not site_ids:
            return {}
        statement = select(SiteSettings).where(SiteSettings.site_id.in_(sorted(set(site_ids))))
        return {row.site_id: row for row in (await self.session.scalars(statement)).all()}

    async def shift(self, site_id: int, code: str) -> ShiftPattern | None:
        return (
            await self.session.scalars(
                select(ShiftPattern).where(
                    ShiftPattern.site_id == site_id, ShiftPattern.code == code
                )
            )
        ).first()

    async def replace_shifts(self, site_id: int, shifts: Sequence[ShiftPattern]) -> None:
        existing = (
            await self.session.scalars(select(ShiftPattern).where(ShiftPattern.site_id == site_id))
        ).all()
        for row in existing:
            await self.session.delete(row)
        await self.session.flush()
        self.session.add_all(list(shifts))

    async def closed_covering(self, days: Sequence[dt.date], contract_id: int) -> Period | None:
        """A closed payroll period, or a closed billing period of ``contract_id``, that
        contains one of ``days`` (one query)."""
        statement = select(Period).where(
            Period.state == "closed",
            or_(*(and_(Period.period_start <= d, Period.period_end >= d) for d in days)),
            or_(
                Period.kind == "payroll",
                and_(Period.kind == "billing", Period.subject_id == contract_id),
            ),
        )
        return (await self.session.scalars(statement.limit(1))).first()

    async def period(self, kind: str, subject_id: int, start: dt.date) -> Period | None:
        return (
            await self.session.scalars(
                select(Period).where(
                    Period.kind == kind,
                    Period.subject_id == subject_id,
                    Period.period_start == start,
                )
            )
        ).first()

    async def period_by_id(self, period_id: int) -> Period | None:
        return await self.session.get(Period, period_id)

    async def page_periods(
        self,
        kind: str | None,
        state: str | None,
        keys: Sequence[SortKey],
        request: PageRequest,
        contract_id: int | None = None,
    ) -> PageResult[Period]:
        statement = select(Period)
        if kind is not None:
            statement = statement.where(Period.kind == kind)
        if state is not None:
            statement = statement.where(Period.state == state)
        if contract_id is not None:
            statement = statement.where(Period.kind == "billing", Period.subject_id == contract_id)
        return await self.page(statement, keys, request)

    async def billing_row_containing(self, contract_id: int, day: dt.date) -> LedgerEntry | None:
        """The contract's billing ledger row whose period holds ``day`` (one statement)."""
        statement = select(LedgerEntry).where(
            LedgerEntry.kind == "billing",
            LedgerEntry.subject_id == contract_id,
            LedgerEntry.period_start <= day,
            LedgerEntry.period_end >= day,
        )
        return (await self.session.scalars(statement.limit(1))).first()

    async def last_closed_billing_end(self, contract_ids: Sequence[int]) -> dt.date | None:
        """The last day of the latest closed billing period of these contracts (one statement)."""
        if not contract_ids:
            return None
        statement = select(func.max(Period.period_end)).where(
            Period.kind == "billing",
            Period.state == "closed",
            Period.subject_id.in_(sorted(set(contract_ids))),
        )
        found: dt.date | None = (await self.session.execute(statement)).scalar()
        return found

    async def delete_billing_rows(self, contract_ids: Sequence[int], since: dt.date | None) -> None:
        """The contracts' billing ledger rows ending on or after ``since`` (all: None): one
        statement."""
        statement = delete(LedgerEntry).where(
            LedgerEntry.kind == "billing", LedgerEntry.subject_id.in_(sorted(set(contract_ids)))
        )
        if since is not None:
            statement = statement.where(LedgerEntry.period_end >= since)
        await self.session.execute(statement.execution_options(synchronize_session=False))

    async def insert_ledger_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """New ledger rows in one multi-row ``INSERT`` (no ids read back): one statement."""
        if rows:
            await self.session.execute(insert(_table(LedgerEntry)), list(rows))

    async def ledger_entry(self, kind: str, subject_id: int, start: dt.date) -> LedgerEntry | None:
        return (
            await self.session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.kind == kind,
                    LedgerEntry.subject_id == subject_id,
                    LedgerEntry.period_start == start,
                )
            )
        ).first()

    async def payroll_ledger_after(
        self, start: dt.date, after: int, limit: int
    ) -> Sequence[LedgerEntry]:
        """Payroll ledger rows of the period starting ``start``, subjects after ``after``
        in id order (the payroll run's keyset batches; ix_attendance_ledger_period)."""
        statement = (
            select(LedgerEntry)
            .where(
                LedgerEntry.kind == "payroll",
                LedgerEntry.period_start == start,
                LedgerEntry.subject_id > after,
            )
            .order_by(LedgerEntry.subject_id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    def overtime_statement(self, start: dt.date, end: dt.date, year_first: dt.date) -> Any:
        """``SELECT employee_id, period_start, period_end, overtime, rest_day,
        year_overtime`` of the payroll period starting ``start`` (statutory overtime and
        statutory rest-day minutes as the ledger classified them; ``year_overtime``: the
        overtime of the periods ending from ``year_first`` to ``end``), unexecuted and
        unscoped: the overtime report scopes and pages it."""
        year = (
            select(
                LedgerEntry.subject_id.label("employee_id"),
                func.sum(LedgerEntry.overtime).label("year_overtime"),
            )
            .where(
                LedgerEntry.kind == "payroll",
                LedgerEntry.period_end >= year_first,
                LedgerEntry.period_end <= end,
            )
            .group_by(LedgerEntry.subject_id)
            .subquery("year_overtime")
        )
        return (
            select(
                LedgerEntry.subject_id.label("employee_id"),
                LedgerEntry.period_start.label("period_start"),
                LedgerEntry.period_end.label("period_end"),
                LedgerEntry.overtime.label("overtime"),
                LedgerEntry.rest_day.label("rest_day"),
                func.coalesce(year.c.year_overtime, LedgerEntry.overtime).label("year_overtime"),
            )
            .outerjoin(year, year.c.employee_id == LedgerEntry.subject_id)
            .where(LedgerEntry.kind == "payroll", LedgerEntry.period_start == start)
        )

    async def payroll_ledger_count(self, start: dt.date) -> int:
        statement = select(func.count()).where(
            LedgerEntry.kind == "payroll", LedgerEntry.period_start == start
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def ledger_between(
        self, kind: str, subject_id: int, first: dt.date, last: dt.date
    ) -> Sequence[LedgerEntry]:
        statement = select(LedgerEntry).where(
            LedgerEntry.kind == kind,
            LedgerEntry.subject_id == subject_id,
            LedgerEntry.period_start >= first,
            LedgerEntry.period_start <= last,
        )
        return (await self.session.scalars(statement.order_by(LedgerEntry.period_start))).all()

    async def page_ledger(
        self,
        kind: str,
        subject_id: int | None,
        subject_ids: Sequence[int] | None,
        end_range: tuple[dt.date, dt.date] | None,
        keys: Sequence[SortKey],
        request: PageRequest,
    ) -> PageResult[LedgerEntry]:
        statement = select(LedgerEntry).where(LedgerEntry.kind == kind)
        if subject_id is not None:
            statement = statement.where(LedgerEntry.subject_id == subject_id)
        if subject_ids is not None:
            statement = statement.where(LedgerEntry.subject_id.in_(sorted(subject_ids)))
        if end_range is not None:
            statement = statement.where(LedgerEntry.period_end.between(*end_range))
        return await self.page(statement, keys, request)

    async def agreement_on(self, site_id: int, day: dt.date) -> OvertimeAgreement | None:
        """The agreement of the site whose year contains ``day`` (the latest start ≤ day)."""
        statement = (
            select(OvertimeAgreement)
            .where(
                OvertimeAgreement.site_id == site_id,
                OvertimeAgreement.period_start <= day,
                OvertimeAgreement.period_start > day - dt.timedelta(days=366),
            )
            .order_by(OvertimeAgreement.period_start.desc())
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def unclosed_billing_periods(
        self, contract_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[tuple[int, dt.date, dt.date]]:
        """(contract, start, end) of the billing periods overlapping [first, last] whose
        ledger counts work but which are not closed: one statement."""
        if not contract_ids:
            return []
        statement = (
            select(LedgerEntry.subject_id, LedgerEntry.period_start, LedgerEntry.period_end)
            .outerjoin(
                Period,
                and_(
                    Period.kind == "billing",
                    Period.subject_id == LedgerEntry.subject_id,
                    Period.period_start == LedgerEntry.period_start,
                ),
            )
            .where(
                LedgerEntry.kind == "billing",
                LedgerEntry.subject_id.in_(sorted(set(contract_ids))),
                LedgerEntry.period_start <= last,
                LedgerEntry.period_end >= first,
                LedgerEntry.timecard_count > 0,
                or_(Period.id.is_(None), Period.state != "closed"),
            )
            .order_by(LedgerEntry.subject_id, LedgerEntry.period_start)
        )
        return [(int(c), s, e) for c, s, e in (await self.session.execute(statement)).all()]

    async def ledger_of_many(
        self, kind: str, subject_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[LedgerEntry]:
        """The ledger rows of several subjects starting between two days (one read)."""
        statement = select(LedgerEntry).where(
            LedgerEntry.kind == kind,
            LedgerEntry.subject_id.in_(sorted(set(subject_ids))),
            LedgerEntry.period_start.between(first, last),
        )
        return (await self.session.scalars(statement.order_by(LedgerEntry.period_start))).all()

    async def agreements_of_sites(
        self, site_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[OvertimeAgreement]:
        """The agreements of several sites whose year may contain a day between ``first`` and
        ``last`` (one read; the caller picks the latest start on or before its day)."""
        statement = select(OvertimeAgreement).where(
            OvertimeAgreement.site_id.in_(sorted(set(site_ids))),
            OvertimeAgreement.period_start <= last,
            OvertimeAgreement.period_start > first - dt.timedelta(days=366),
        )
        statement = statement.order_by(OvertimeAgreement.period_start)
        return (await self.session.scalars(statement)).all()

    async def agreement_exists(self, site_id: int, start: dt.date) -> bool:
        statement = select(OvertimeAgreement.id).where(
            OvertimeAgreement.site_id == site_id, OvertimeAgreement.period_start == start
        )
        return (await self.session.scalar(statement)) is not None

    async def page_agreements(
        self, site_id: int | None, keys: Sequence[SortKey], request: PageRequest
    ) -> PageResult[OvertimeAgreement]:
        statement = select(OvertimeAgreement)
        if site_id is not None:
            statement = statement.where(OvertimeAgreement.site_id == site_id)
        return await self.page(statement, keys, request)


IMPORT_BATCH = 2000
"""Timecards per INSERT statement of an import commit (executemany in batches)."""


class ImportRepository(Repository):
    """Client timesheet imports: mappings, uploaded files, and the set reads a dry run of a
    whole file needs (one query each, whatever the number of rows)."""

    async def mapping(self, client_id: int) -> ImportMapping | None:
        return await self.session.get(ImportMapping, client_id)

    async def mappings(self) -> Sequence[ImportMapping]:
        return (
            await self.session.scalars(select(ImportMapping).order_by(ImportMapping.client_id))
        ).all()

    async def file_by_hash(self, client_id: int, sha256: str) -> ImportFile | None:
        statement = select(ImportFile).where(
            ImportFile.client_id == client_id, ImportFile.sha256 == sha256
        )
        return (await self.session.scalars(statement)).first()

    async def file(self, import_id: int, *, lock: bool = False) -> ImportFile | None:
        statement = select(ImportFile).where(ImportFile.id == import_id)
        if lock:
            statement = statement.with_for_update()
        return (await self.session.scalars(statement)).first()

    async def recent_files(self, limit: int) -> Sequence[ImportFile]:
        statement = (
            select(ImportFile).order_by(ImportFile.created_at.desc(), ImportFile.id.desc())
        ).limit(limit)
        return (await self.session.scalars(statement)).all()

    async def closed_between(self, first: dt.date, last: dt.date) -> Sequence[Period]:
        statement = select(Period).where(
            Period.state == "closed", Period.period_start <= last, Period.period_end >= first
        )
        return (await self.session.scalars(statement)).all()

    async def taken_days(
        self, assignment_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> set[tuple[int, dt.date]]:
        if not assignment_ids:
            return set()
        statement = select(Timecard.assignment_id, Timecard.work_date).where(
            Timecard.assignment_id.in_(sorted(set(assignment_ids))),
            Timecard.work_date.between(first, last),
        )
        return {(row[0], row[1]) for row in (await self.session.execute(statement)).all()}

    async def site_shifts(
        self, site_ids: Sequence[int]
    ) -> tuple[dict[int, SiteSettings], dict[tuple[int, str], ShiftPattern]]:
        if not site_ids:
            return {}, {}
        ids = sorted(set(site_ids))
        settings = (
            await self.session.scalars(select(SiteSettings).where(SiteSettings.site_id.in_(ids)))
        ).all()
        shifts = (
            await self.session.scalars(select(ShiftPattern).where(ShiftPattern.site_id.in_(ids)))
        ).all()
        return {s.site_id: s for s in settings}, {(s.site_id, s.code): s for s in shifts}

    async def employees_cards(
        self, employee_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> Sequence[Timecard]:
        """Submitted and approved cards of the workers between the days (the 資格外活動
        windows of imported rows)."""
        if not employee_ids:
            return []
        statement = select(Timecard).where(
            Timecard.employee_id.in_(sorted(set(employee_ids))),
            Timecard.work_date.between(first, last),
            Timecard.state != "draft",
        )
        return (await self.session.scalars(statement)).all()

    async def insert_timecards(self, rows: Sequence[dict[str, Any]]) -> None:
        """The import's cards in the request's transaction. PostgreSQL: one ``COPY … FROM
        STDIN`` (binary, asyncpg ``copy_records_to_table``) on the session's own connection,
        every value through the column type's bind processor (what an INSERT would send: UTC
        instants, JSON text); a unique violation surfaces as ``IntegrityError`` like the
        INSERT's. SQLite: Core INSERTs in batches (executemany as multi-row VALUES; no ORM
        unit of work or identity map for thousands of rows)."""
        if not rows:
            return
        table = Timecard.__table__
        connection = await self.session.connection()
        dialect = connection.dialect
        if dialect.name == "postgresql":
            names = list(rows[0])
            # Only the columns whose type processes its value (instants, JSON) are touched;
            # the others go as they are (a generator over every cell cost 0.6 s a month).
            processed = [
                (index, processor)
                for index, processor in enumerate(
                    table.c[name].type.bind_processor(dialect) for name in names
                )
                if processor is not None
            ]
            records = []
            for row in rows:
                values = [row[name] for name in names]
                for index, processor in processed:
                    if values[index] is not None:
                        values[index] = processor(values[index])
                records.append(tuple(values))
            raw = await connection.get_raw_connection()
            try:
                await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                    table.name, records=records, columns=names
                )
            except asyncpg.exceptions.IntegrityConstraintViolationError as error:
                raise IntegrityError(f"COPY {table.name}", None, error) from error
            return
        for offset in range(0, len(rows), IMPORT_BATCH):
            await self.session.execute(insert(table), list(rows[offset : offset + IMPORT_BATCH]))
