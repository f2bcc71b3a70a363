"""Every query of the payroll area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, func, select, update

from haken.modules.payroll.models import PayrollAdjustment, PayrollProfile, PayrollRun, Payslip
from haken.platform.db import utcnow
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository


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
        statement = (
            select(Payslip)
            .join(PayrollRun, PayrollRun.id == Payslip.run_id)
            .where(
                Payslip.employee_id == employee_id,
                Payslip.status == "ok",
                PayrollRun.state == "closed",
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
