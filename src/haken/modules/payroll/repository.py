"""Every query of the payroll area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from haken.modules.payroll.models import (
    PayrollAdjustment,
    PayrollBonus,
    PayrollGrade,
    PayrollPdfExport,
    PayrollProfile,
    PayrollRun,
    Payslip,
)
from haken.platform.db import utcnow
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository

KEPT_ON_ERROR = ("base_days", "worked_days")
"""Columns an error payslip leaves as they were (a rewritten payslip keeps its days)."""


class PayrollRepository(Repository):
    async def run(self, run_id: int) -> PayrollRun | None:
        return await self.session.get(PayrollRun, run_id)

    async def run_locked(self, run_id: int) -> PayrollRun | None:
        """The run, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite has
        one writer): two deliveries of a batch run one after the other, never together."""
        statement = (
            select(PayrollRun)
            .where(PayrollRun.id == run_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).first()

    async def run_fresh(self, run_id: int) -> PayrollRun | None:
        """The run as stored now (the batches move it with UPDATE statements)."""
        return await self.session.get(PayrollRun, run_id, populate_existing=True)

    async def run_for(self, period_start: dt.date) -> PayrollRun | None:
        statement = select(PayrollRun).where(PayrollRun.period_start == period_start)
        return (await self.session.scalars(statement)).first()

    async def run_before(self, period_start: dt.date) -> PayrollRun | None:
        statement = (
            select(PayrollRun)
            .where(PayrollRun.period_start < period_start)
            .order_by(PayrollRun.period_start.desc())
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def latest_closed(self) -> PayrollRun | None:
        statement = (
            select(PayrollRun)
            .where(PayrollRun.state == "closed")
            .order_by(PayrollRun.period_start.desc())
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def page_runs(self, request: PageRequest) -> PageResult[PayrollRun]:
        keys = (SortKey(PayrollRun.period_start, "desc"), SortKey(PayrollRun.id, "desc"))
        return await self.page(select(PayrollRun), keys, request)

    def _payslips(self, run_id: int, errors_only: bool) -> Select[Payslip]:
        statement = select(Payslip).where(Payslip.run_id == run_id)
        if errors_only:
            statement = statement.where(Payslip.status == "error")
        return statement

    async def page_payslips(
        self, run_id: int, errors_only: bool, request: PageRequest
    ) -> PageResult[Payslip]:
        keys = (SortKey(Payslip.employee_id, "asc"), SortKey(Payslip.id, "asc"))
        return await self.page(self._payslips(run_id, errors_only), keys, request)

    async def page_own(self, employee_id: int, request: PageRequest) -> PageResult[Payslip]:
        """The employee's computed payslips of closed runs and closed bonus payments."""
        statement = (
            select(Payslip)
            .outerjoin(PayrollRun, PayrollRun.id == Payslip.run_id)
            .outerjoin(PayrollBonus, PayrollBonus.id == Payslip.bonus_id)
            .where(
                Payslip.employee_id == employee_id,
                Payslip.status == "ok",
                or_(PayrollRun.state == "closed", PayrollBonus.state == "closed"),
            )
        )
        keys = (SortKey(Payslip.period_start, "desc"), SortKey(Payslip.id, "desc"))
        return await self.page(statement, keys, request)

    async def payslip(self, payslip_id: int) -> Payslip | None:
        return await self.session.get(Payslip, payslip_id)

    async def payslips_of(self, run_id: int, employee_ids: Sequence[int]) -> Sequence[Payslip]:
        if not employee_ids:
            return []
        statement = select(Payslip).where(
            Payslip.run_id == run_id, Payslip.employee_id.in_(sorted(set(employee_ids)))
        )
        return (await self.session.scalars(statement)).all()

    async def upsert_payslips(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write a batch's payslips (every row with the same keys: run, employee and every
        computed column): one ``INSERT … ON CONFLICT (run_id, employee_id) DO UPDATE`` sent
        as an executemany (SQLAlchemy's "insertmanyvalues": multi-row VALUES, compiled once
        and cached), so a rerun rewrites the payslip in place (same id) without reading it
        first and without ORM objects. An error payslip keeps the days of the payslip it
        replaces (``KEPT_ON_ERROR``), as it always did."""
        if not rows:
            return
        table = Payslip.__table__
        assert isinstance(table, Table)
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(table)
        excluded = statement.excluded
        updated: dict[str, Any] = {
            name: excluded[name]
            for name in rows[0]
            if name not in ("run_id", "employee_id") and name not in KEPT_ON_ERROR
        }
        for name in KEPT_ON_ERROR:
            if name in rows[0]:
                updated[name] = case(
                    (excluded["status"] == "error", table.c[name]), else_=excluded[name]
                )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.run_id, table.c.employee_id], set_=updated
            ),
            list(rows),
            execution_options={"synchronize_session": False},
        )

    async def closed_payslips_between(
        self, first: dt.date, last: dt.date, employee_ids: Sequence[int] | None
    ) -> Sequence[tuple[int, int, int, int, int, int]]:
        """(employee, gross, commuting pay, paid-leave pay, employer's social insurance,
        employer's employment insurance) of the computed payslips of the closed runs whose
        period ends between ``first`` and ``last`` and of the closed bonus payments paid
        between them, in one statement; ``employee_ids`` None: every employee."""
        wage_date = func.coalesce(PayrollRun.period_end, Payslip.pay_date)
        statement = (
            select(
                Payslip.employee_id,
                Payslip.gross,
                Payslip.commuting_pay,
                Payslip.paid_leave_pay,
                Payslip.employer_social_insurance,
                Payslip.employer_employment_insurance,
            )
            .outerjoin(PayrollRun, PayrollRun.id == Payslip.run_id)
            .outerjoin(PayrollBonus, PayrollBonus.id == Payslip.bonus_id)
            .where(
                or_(
                    and_(PayrollRun.state == "closed", PayrollRun.period_end.between(first, last)),
                    and_(PayrollBonus.state == "closed", Payslip.pay_date.between(first, last)),
                ),
                Payslip.status == "ok",
            )
            .order_by(Payslip.employee_id, wage_date, Payslip.id)
        )
        if employee_ids is not None:
            if not employee_ids:
                return []
            statement = statement.where(Payslip.employee_id.in_(sorted(set(employee_ids))))
        rows = (await self.session.execute(statement)).all()
        return [tuple(int(value) for value in row) for row in rows]  # type: ignore[misc]

    async def paid_after(self, run_id: int, after: int, limit: int) -> Sequence[Payslip]:
        """The run's computed payslips with pay to receive (net > 0) of the employees after
        id ``after``, at most ``limit``, in employee order (the transfer file's batches)."""
        statement = (
            select(Payslip)
            .where(
                Payslip.run_id == run_id,
                Payslip.status == "ok",
                Payslip.net > 0,
                Payslip.employee_id > after,
            )
            .order_by(Payslip.employee_id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def runs_before(self, period_start: dt.date, count: int) -> Sequence[PayrollRun]:
        """The ``count`` runs before ``period_start``, newest first (平均賃金's wage periods)."""
        statement = (
            select(PayrollRun)
            .where(PayrollRun.period_start < period_start)
            .order_by(PayrollRun.period_start.desc())
            .limit(count)
        )
        return (await self.session.scalars(statement)).all()

    async def payslips_of_runs(
        self, run_ids: Sequence[int], employee_ids: Sequence[int]
    ) -> Sequence[Payslip]:
        """The computed payslips of ``run_ids`` for ``employee_ids`` (one statement)."""
        if not run_ids or not employee_ids:
            return []
        statement = select(Payslip).where(
            Payslip.run_id.in_(sorted(set(run_ids))),
            Payslip.employee_id.in_(sorted(set(employee_ids))),
            Payslip.status == "ok",
        )
        return (await self.session.scalars(statement)).all()

    async def grades_until(
        self, employee_ids: Sequence[int], month: dt.date
    ) -> dict[int, PayrollGrade]:
        """Each employee's latest recorded grade with a first premium month ≤ ``month``."""
        if not employee_ids:
            return {}
        statement = (
            select(PayrollGrade)
            .where(
                PayrollGrade.employee_id.in_(sorted(set(employee_ids))),
                PayrollGrade.effective_from <= month,
            )
            .order_by(PayrollGrade.employee_id, PayrollGrade.effective_from)
        )
        return {g.employee_id: g for g in (await self.session.scalars(statement)).all()}

    async def pay_history(
        self, first: dt.date, last: dt.date
    ) -> Sequence[tuple[int, dt.date, int, int, list[dict[str, Any]], PayrollProfile | None]]:
        """(employee, pay date, gross, 支払基礎日数, lines, profile) of every computed payslip
        paid between ``first`` and ``last``, by employee and pay date (one statement)."""
        statement = (
            select(
                Payslip.employee_id,
                Payslip.pay_date,
                Payslip.gross,
                Payslip.base_days,
                Payslip.lines,
                PayrollProfile,
            )
            .outerjoin(PayrollProfile, PayrollProfile.employee_id == Payslip.employee_id)
            .where(
                Payslip.status == "ok",
                Payslip.kind == "monthly",  # a bonus is not 報酬 of 定時決定 / 随時改定
                Payslip.pay_date.between(first, last),
            )
            .order_by(Payslip.employee_id, Payslip.pay_date, Payslip.id)
        )
        rows = (await self.session.execute(statement)).all()
        return [(int(e), d, int(g), int(b), list(x or []), pr) for e, d, g, b, x, pr in rows]

    async def retroactive_pay(
        self, first: dt.date, last: dt.date
    ) -> Sequence[tuple[int, dt.date, int, dt.date]]:
        """(employee, pay date, amount, pay date of the corrected payslip) of every adjustment
        paid by a run whose pay date is between ``first`` and ``last``: pay for an earlier
        month (遅配分, a retroactive raise's 差額) that the grade averages may leave out (one
        statement)."""
        source = aliased(Payslip)
        statement = (
            select(
                PayrollAdjustment.employee_id,
                PayrollRun.pay_date,
                PayrollAdjustment.amount,
                source.pay_date,
            )
            .join(PayrollRun, PayrollRun.period_start == PayrollAdjustment.period_start)
            .join(source, source.id == PayrollAdjustment.source_payslip_id)
            .where(PayrollRun.pay_date.between(first, last))
            .order_by(PayrollAdjustment.employee_id, PayrollAdjustment.id)
        )
        rows = (await self.session.execute(statement)).all()
        return [(int(e), d, int(a), s) for e, d, a, s in rows]

    async def grades_of(self, employee_ids: Sequence[int]) -> Sequence[PayrollGrade]:
        """Every recorded grade of ``employee_ids`` by employee and first month."""
        if not employee_ids:
            return []
        statement = (
            select(PayrollGrade)
            .where(PayrollGrade.employee_id.in_(sorted(set(employee_ids))))
            .order_by(PayrollGrade.employee_id, PayrollGrade.effective_from)
        )
        return (await self.session.scalars(statement)).all()

    async def recent_grades(self, limit: int) -> Sequence[PayrollGrade]:
        """The latest recorded grades, newest first."""
        statement = select(PayrollGrade).order_by(PayrollGrade.id.desc()).limit(limit)
        return (await self.session.scalars(statement)).all()

    async def grade_at(self, employee_id: int, month: dt.date) -> PayrollGrade | None:
        statement = select(PayrollGrade).where(
            PayrollGrade.employee_id == employee_id, PayrollGrade.effective_from == month
        )
        return (await self.session.scalars(statement)).first()

    async def count_errors(self, run_id: int) -> int:
        statement = select(func.count()).where(Payslip.run_id == run_id, Payslip.status == "error")
        return int((await self.session.execute(statement)).scalar_one())

    async def profiles(self, employee_ids: Sequence[int]) -> Sequence[PayrollProfile]:
        if not employee_ids:
            return []
        statement = select(PayrollProfile).where(
            PayrollProfile.employee_id.in_(sorted(set(employee_ids)))
        )
        return (await self.session.scalars(statement)).all()

    async def profile(self, employee_id: int) -> PayrollProfile | None:
        statement = select(PayrollProfile).where(PayrollProfile.employee_id == employee_id)
        return (await self.session.scalars(statement)).first()

    async def adjustments(
        self, period_start: dt.date, employee_ids: Sequence[int]
    ) -> Sequence[PayrollAdjustment]:
        if not employee_ids:
            return []
        statement = (
            select(PayrollAdjustment)
            .where(
                PayrollAdjustment.period_start == period_start,
                PayrollAdjustment.employee_id.in_(sorted(set(employee_ids))),
            )
            .order_by(PayrollAdjustment.id)
        )
        return (await self.session.scalars(statement)).all()

    async def advance(
        self, run_id: int, *, cursor: int, processed: int, failed: int, done: bool
    ) -> None:
        """Move the run's cursor past a batch (one UPDATE; the counts are added)."""
        values: dict[str, object] = {
            "cursor": cursor,
            "processed": PayrollRun.processed + processed,
            "failed": PayrollRun.failed + failed,
            "version": PayrollRun.version + 1,
        }
        if done:
            values["status"] = "done"
            values["finished_at"] = utcnow()
        await self.session.execute(
            update(PayrollRun)
            .where(PayrollRun.id == run_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    # --- bonuses (賞与支給) ------------------------------------------------------------------

    async def bonus(self, bonus_id: int) -> PayrollBonus | None:
        return await self.session.get(PayrollBonus, bonus_id)

    async def bonus_locked(self, bonus_id: int) -> PayrollBonus | None:
        """The batch, locked until the transaction ends (PostgreSQL ``FOR UPDATE``)."""
        statement = (
            select(PayrollBonus)
            .where(PayrollBonus.id == bonus_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).first()

    async def page_bonuses(self, request: PageRequest) -> PageResult[PayrollBonus]:
        keys = (SortKey(PayrollBonus.pay_date, "desc"), SortKey(PayrollBonus.id, "desc"))
        return await self.page(select(PayrollBonus), keys, request)

    async def page_bonus_payslips(self, bonus_id: int, request: PageRequest) -> PageResult[Payslip]:
        keys = (SortKey(Payslip.employee_id, "asc"), SortKey(Payslip.id, "asc"))
        return await self.page(select(Payslip).where(Payslip.bonus_id == bonus_id), keys, request)

    async def delete_bonus_payslips(self, bonus_id: int) -> None:
        await self.session.execute(
            delete(Payslip)
            .where(Payslip.bonus_id == bonus_id)
            .execution_options(synchronize_session=False)
        )

    async def insert_payslips(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write computed payslips (one executemany INSERT)."""
        if not rows:
            return
        table = Payslip.__table__
        assert isinstance(table, Table)
        await self.session.execute(table.insert(), list(rows))

    async def earlier_bonuses(
        self,
        employee_ids: Sequence[int],
        *,
        first: dt.date,
        last: dt.date,
        bonus_id: int,
    ) -> Sequence[tuple[int, dt.date, int]]:
        """(employee, pay date, amount) of the computed bonus payslips of the other closed
        bonus payments paid between ``first`` and ``last`` (one statement): what the fiscal
        year's health cap and the month's pension cap have already counted."""
        if not employee_ids:
            return []
        statement = (
            select(Payslip.employee_id, Payslip.pay_date, Payslip.gross)
            .join(PayrollBonus, PayrollBonus.id == Payslip.bonus_id)
            .where(
                PayrollBonus.state == "closed",
                PayrollBonus.id != bonus_id,
                Payslip.status == "ok",
                Payslip.pay_date.between(first, last),
                Payslip.employee_id.in_(sorted(set(employee_ids))),
            )
            .order_by(Payslip.employee_id, Payslip.pay_date, Payslip.id)
        )
        rows = (await self.session.execute(statement)).all()
        return [(int(e), d, int(g)) for e, d, g in rows]

    async def monthly_paid_in(
        self, employee_ids: Sequence[int], *, first: dt.date, last: dt.date
    ) -> Sequence[Payslip]:
        """The computed monthly payslips of ``employee_ids`` paid between ``first`` and
        ``last`` (one statement): the previous month's pay a bonus's withholding reads."""
        if not employee_ids:
            return []
        statement = (
            select(Payslip)
            .where(
                Payslip.kind == "monthly",
                Payslip.status == "ok",
                Payslip.pay_date.between(first, last),
                Payslip.employee_id.in_(sorted(set(employee_ids))),
            )
            .order_by(Payslip.employee_id, Payslip.id)
        )
        return (await self.session.scalars(statement)).all()

    async def bonus_paid_after(self, bonus_id: int, after: int, limit: int) -> Sequence[Payslip]:
        """The bonus payment's computed payslips with pay to receive (net > 0) of the
        employees after id ``after``, at most ``limit``, in employee order (its transfer
        file's batches)."""
        statement = (
            select(Payslip)
            .where(
                Payslip.bonus_id == bonus_id,
                Payslip.status == "ok",
                Payslip.net > 0,
                Payslip.employee_id > after,
            )
            .order_by(Payslip.employee_id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def count_ok_payslips(self, *, run_id: int | None, bonus_id: int | None) -> int:
        """The computed payslips of a run or a bonus payment (a bulk PDF's pages)."""
        owner = Payslip.run_id == run_id if run_id is not None else Payslip.bonus_id == bonus_id
        statement = select(func.count()).select_from(Payslip).where(owner, Payslip.status == "ok")
        return int(await self.session.scalar(statement) or 0)

    async def pdf_export(self, export_id: int) -> PayrollPdfExport | None:
        return await self.session.get(PayrollPdfExport, export_id)

    async def pdf_exports_finished_before(self, cutoff: dt.datetime) -> Sequence[PayrollPdfExport]:
        """Bulk PDFs finished before ``cutoff`` (or started before it and never finished: a
        job that gave up): their files are due for deletion. Locked, so a download being
        answered meanwhile sees either the file or the mark."""
        statement = (
            select(PayrollPdfExport)
            .where(
                PayrollPdfExport.status != "expired",
                func.coalesce(PayrollPdfExport.finished_at, PayrollPdfExport.created_at) < cutoff,
            )
            .order_by(PayrollPdfExport.id)
            .with_for_update()
        )
        return (await self.session.scalars(statement)).all()

    async def pdf_export_locked(self, export_id: int) -> PayrollPdfExport | None:
        """The export, locked until the transaction ends (a redelivered batch waits)."""
        statement = (
            select(PayrollPdfExport)
            .where(PayrollPdfExport.id == export_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).first()

    async def bonus_payslips_after(
        self, bonus_id: int, after: int, limit: int
    ) -> Sequence[Payslip]:
        """The bonus payment's computed payslips after employee ``after`` (its bulk PDF)."""
        statement = (
            select(Payslip)
            .where(
                Payslip.bonus_id == bonus_id,
                Payslip.status == "ok",
                Payslip.employee_id > after,
            )
            .order_by(Payslip.employee_id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()
