"""Demo data of payroll: the two closed payroll periods of the attendance demo paid and
closed through the payroll service (pay settings for a few workers: commuting, resident
tax), so /payroll shows closed runs with payslips and the portal a worker's own payslips.
The batches run inline here; the job queued by each start finds its batch done and skips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.attendance.service import attendance_service
from haken.modules.demo.attendance import periods
from haken.modules.payroll import tasks  # noqa: F401 (registers the batch job each start queues)
from haken.modules.payroll.bonuses import bonus_service
from haken.modules.payroll.errors import PayrollRunHasErrorsError
from haken.modules.payroll.pdf_exports import pdf_export_service
from haken.modules.payroll.schemas import (
    BonusCreate,
    BonusEntry,
    GradeCreate,
    GradeKind,
    ProfileWrite,
)
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role

PROFILES = 20
SUMMER_BONUS = dt.date(2026, 7, 10)
"""The pay date of the demo's closed summer bonus (賞与支給)."""
BONUS_RATES = ("2.042", "4.084", "6.126", "8.168", "10.21")
"""Withholding rates (算出率 %) of the NTA bonus table, as the office would enter them."""


async def seed_payroll(
    session: AsyncSession,
    *,
    today: dt.date,
    user_id: int,
    cutoff_day: int,
    data_dir: Path | None = None,
) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    closed = periods(today, cutoff_day)[:2]
    first = await attendance_service.payroll_ledger(
        session, period_start=closed[0].start, after=0, limit=PROFILES
    )
    for n, entry in enumerate(first):
        await payroll_service.put_profile(
            session,
            office,
            employee_id=entry.subject_id,
            data=ProfileWrite(
                commuting=(n % 4) * 5_000,
                resident_tax=[9_100 + n * 100] + [9_000 + n * 100] * 11 if n % 3 == 0 else [],
                # every other worker agreed to electronic payslips (所得税法231条2項)
                payslip_e_delivery_consent=n % 2 == 0,
            ),
        )
    payslips = closed_runs = 0
    for period in closed:
        run = await payroll_service.run_inline(session, office, day=period.start)
        payslips += run.processed
        try:
            await payroll_service.close_run(session, office, run_id=run.id, version=None)
            closed_runs += 1
        except PayrollRunHasErrorsError:
            pass  # left open with its error list, as the office would find it
    grades = await _acquisition_grades(session, office, closed[0].start, first)
    bonuses, bonus_id = await _summer_bonus(session, office, [e.subject_id for e in first])
    pdf_pages = 0
    if data_dir is not None and bonus_id is not None:
        # The summer bonus's payslips as one PDF, so /payroll/pdf-exports/<id> has a file.
        made = await pdf_export_service.run_inline(
            session, office, data_dir=data_dir, bonus_id=bonus_id
        )
        pdf_pages = made.pages
    return {
        "payroll_pdf_pages": pdf_pages,
        "payroll_closed": closed_runs,
        "payslips": payslips,
        "payroll_grades": grades,
        "bonus_payslips": bonuses,
    }


async def _summer_bonus(
    session: AsyncSession, office: Principal, ids: list[int]
) -> tuple[int, int | None]:
    """One closed summer bonus payment (2026-07) for the profiled workers, so
    /payroll/bonuses and the portal show bonus payslips (the count and the payment)."""
    if not ids:
        return 0, None
    entries = [
        BonusEntry(
            employee_id=employee_id,
            amount=250_000 + (n % 5) * 50_000 + n * 1_234,
            rate_pct=BONUS_RATES[n % len(BONUS_RATES)],
        )
        for n, employee_id in enumerate(sorted(ids))
    ]
    made = await bonus_service.create_bonus(
        session,
        office,
        data=BonusCreate(pay_date=SUMMER_BONUS, title="夏季賞与", entries=entries),
    )
    made = await bonus_service.calculate(session, office, bonus_id=made.id, version=made.version)
    await bonus_service.close(session, office, bonus_id=made.id, version=made.version)
    return len(entries), made.id


async def _acquisition_grades(
    session: AsyncSession, office: Principal, month: dt.date, entries: list[Any]
) -> int:
    """The 資格取得時決定 of the profiled workers, recorded from their first demo month's pay
    (so /payroll/grades lists recorded grades; its proposals need April–June pay)."""
    ids = [e.subject_id for e in entries]
    first = month.replace(day=1)
    recorded = 0
    for employee_id, gross in (await payroll_service.gross_of_period(session, month, ids)).items():
        if gross <= 0:
            continue
        await payroll_service.record_grade(
            session,
            office,
            data=GradeCreate(
                employee_id=employee_id,
                effective_from=first,
                kind=GradeKind.ACQUISITION,
                average=gross,
            ),
        )
        recorded += 1
    return recorded
