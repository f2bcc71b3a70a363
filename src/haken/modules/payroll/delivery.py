"""Use cases of payroll's delivery side: payslip PDFs (one; the pages of a run's or a bonus
payment's bulk file, which the job of ``pdf_exports.py`` draws a batch at a time; the
employee's own in the portal) and the 全銀 transfer files of a closed run (給与振込) and of a
closed bonus payment (賞与振込).

Electronic delivery of a payslip to the employee needs their consent (所得税法231条2項,
recorded on the pay settings); without it the payslip is handed over on paper and the
portal download is refused (``PAYROLL_PAYSLIP_PAPER_DELIVERY``). Admins download any
payslip (to print it). The transfer file is an admin's, of a closed run only, and each
download is audited with its count, total and SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.payroll.errors import (
    PayrollBonusTransferOpenError,
    PayrollPaperDeliveryError,
    PayrollTransferBankMissingError,
    PayrollTransferRunOpenError,
)
from haken.modules.payroll.labels import LINE_LABELS
from haken.modules.payroll.models import PayrollBonus, PayrollRun, Payslip
from haken.modules.payroll.payslip_pdf import (
    AttendanceSummary,
    OvertimeClass,
    PayslipDocument,
    SlipLine,
    render_payslip,
)
from haken.modules.payroll.repository import PayrollRepository
from haken.modules.payroll.schemas import (
    PayslipAttendance,
    PayslipLine,
    PayslipRead,
    ProfileRead,
    ProfileWrite,
)
from haken.modules.payroll.service import bonus_payslip_read, payroll_service, payslip_amounts
from haken.modules.payroll.transfer import (
    AgencyBank,
    PaymentRow,
    TransferFile,
    build_bonus_transfer,
    build_salary_transfer,
)
from haken.platform.access import Principal, Role
from haken.platform.errors import NotFoundError
from haken.web.i18n import translations

TRANSFER_BATCH = 1000
"""Payslips read per batch of the transfer file (two statements a batch)."""
MISSING_LISTED = 20
"""Employees named in the message of a refused transfer file (all are in the details)."""

# The premium classes the PDF's attendance block shows, with the ledger's field.
_CLASSES = (
    ("法定時間外 Overtime", "overtime"),
    ("60時間超 Over 60 h", "overtime_over_60h"),
    ("法定内残業 Within statutory", "within_statutory_overtime"),
    ("深夜 Late night", "night"),
    ("法定休日 Rest day", "rest_day"),
)


@dataclass(frozen=True, slots=True)
class PdfFile:
    content: bytes
    filename: str


def _ja(code: str) -> str:
    label = LINE_LABELS.get(code)
    return translations("ja").gettext(label) if label else code


def _attendance(found: PayslipAttendance | None) -> AttendanceSummary:
    if found is None:
        return AttendanceSummary(work_days=0, work_minutes=0)
    return AttendanceSummary(
        work_days=found.worked_days,
        work_minutes=found.worked_minutes,
        overtime=[
            OvertimeClass(label, getattr(found, name))
            for label, name in _CLASSES
            if getattr(found, name)
        ],
        paid_leave_days=Decimal(found.paid_leave_days) + Decimal(found.half_leave_days) / 2,
        absence_days=found.absence_days,
    )


def _slip_line(line: PayslipLine) -> SlipLine:
    return SlipLine(label=_ja(line.code), amount=line.amount, basis=line.text)


def document(slip: PayslipRead, agency_name: str) -> PayslipDocument:
    """The PDF's data of one payslip: the lines with their basis, the attendance."""
    return PayslipDocument(
        agency_name=agency_name,
        employee_name=slip.employee_name,
        employee_number=slip.employee_number or "",
        period_start=slip.period_start,
        period_end=slip.period_end,
        pay_date=slip.pay_date,
        earnings=[_slip_line(line) for line in slip.lines if line.section == "earning"],
        deductions=[_slip_line(line) for line in slip.lines if line.section == "deduction"],
        attendance=_attendance(slip.attendance),
        title="賞与明細書" if slip.kind == "bonus" else "給与明細書",
        show_attendance=slip.kind != "bonus",
    )


class DeliveryService:
    def __init__(self) -> None:
        self.agency_name = ""

    def configure(self, *, agency_name: str) -> None:
        self.agency_name = agency_name

    # --- consent --------------------------------------------------------------------------

    async def e_delivery(self, session: AsyncSession, employee_id: int | None) -> bool:
        """Whether the employee agreed to electronic payslips (no employee: no)."""
        if employee_id is None:
            return False
        profile = await PayrollRepository(session).profile(employee_id)
        return bool(profile and profile.payslip_e_delivery_consent)

    async def set_e_delivery(
        self, session: AsyncSession, principal: Principal, *, employee_id: int, consent: bool
    ) -> ProfileRead:
        """Record or withdraw the consent on the pay settings (audited like any change of
        them; the day is today when given, cleared when withdrawn)."""
        current = await payroll_service.get_profile(session, principal, employee_id=employee_id)
        data = ProfileWrite.model_validate(
            {
                **current.model_dump(exclude={"employee_id", "version"}),
                "payslip_e_delivery_consent": consent,
                "payslip_e_delivery_consent_on": (
                    current.payslip_e_delivery_consent_on
                    if consent and current.payslip_e_delivery_consent
                    else None
                ),
            }
        )
        return await payroll_service.put_profile(
            session, principal, employee_id=employee_id, data=data
        )

    # --- payslip PDFs ---------------------------------------------------------------------

    async def payslip_pdf(
        self, session: AsyncSession, principal: Principal, *, payslip_id: int
    ) -> PdfFile:
        """One payslip as a PDF: admins any computed payslip; an employee their own of a
        closed period, and only with their consent to electronic delivery."""
        slip = await payroll_service.get_payslip(session, principal, payslip_id=payslip_id)
        if slip.status != "ok":
            raise NotFoundError()
        if not principal.is_at_least(Role.ADMIN) and not await self.e_delivery(
            session, slip.employee_id
        ):
            raise PayrollPaperDeliveryError()
        content = render_payslip(document(slip, self.agency_name))
        prefix = "bonus" if slip.kind == "bonus" else "payslip"
        return PdfFile(content, f"{prefix}_{slip.pay_date:%Y%m%d}_{slip.employee_id}.pdf")

    async def run_documents(
        self, session: AsyncSession, run: PayrollRun, after: int, limit: int
    ) -> tuple[list[PayslipDocument], int | None]:
        """The PDF documents of the run's computed payslips of the next ``limit`` employees
        of the period's ledger after ``after`` (three statements), and the cursor of the
        batch after it (None: this was the last)."""
        repo = PayrollRepository(session)
        ledger = await attendance_service.payroll_ledger(
            session, period_start=run.period_start, after=after, limit=limit
        )
        if not ledger:
            return [], None
        ids = [entry.subject_id for entry in ledger]
        slips = {p.employee_id: p for p in await repo.payslips_of(run.id, ids)}
        briefs = await employees_service.get_briefs(session, ids)
        documents: list[PayslipDocument] = []
        for entry in ledger:
            row = slips.get(entry.subject_id)
            brief = briefs.get(entry.subject_id)
            if row is None or row.status != "ok" or brief is None:
                continue
            read = PayslipRead(
                id=row.id,
                run_id=row.run_id,
                employee_id=row.employee_id,
                employee_name=brief.display_name,
                employee_number=brief.employee_number,
                attendance=PayslipAttendance.model_validate(entry),
                period_start=run.period_start,
                period_end=run.period_end,
                pay_date=row.pay_date,
                state=run.state,
                status=row.status,
                error_code=None,
                error_detail=None,
                **payslip_amounts(row),
            )
            documents.append(document(read, self.agency_name))
        return documents, (ids[-1] if len(ledger) == limit else None)

    async def bonus_documents(
        self, session: AsyncSession, bonus: PayrollBonus, after: int, limit: int
    ) -> tuple[list[PayslipDocument], int | None]:
        """The PDF documents of the bonus payment's computed payslips of the next ``limit``
        employees after ``after`` (two statements), and the next cursor (None: the last)."""
        slips = await PayrollRepository(session).bonus_payslips_after(bonus.id, after, limit)
        if not slips:
            return [], None
        briefs = await employees_service.get_briefs(session, [s.employee_id for s in slips])
        documents: list[PayslipDocument] = []
        for row in slips:
            read = bonus_payslip_read(row, bonus, briefs.get(row.employee_id))
            documents.append(document(read, self.agency_name))
        return documents, (slips[-1].employee_id if len(slips) == limit else None)

    # --- the transfer file ----------------------------------------------------------------

    async def transfer_file(
        self, session: AsyncSession, principal: Principal, *, run_id: int, agency: AgencyBank
    ) -> TransferFile:
        """The 全銀 給与振込 file of a closed run's net pay (admins). The accounts are read in
        batches with the payslips (two statements a batch); employees without an account
        are all refused at once; the download is audited (count, total, SHA-256)."""
        repo = PayrollRepository(session)
        run = await repo.run(run_id)
        if run is None:
            raise NotFoundError()
        if run.state != "closed":
            raise PayrollTransferRunOpenError()
        rows = await self._payment_rows(
            session, lambda cursor: repo.paid_after(run.id, cursor, TRANSFER_BATCH)
        )
        made = build_salary_transfer(rows, agency, run.pay_date)
        digest = hashlib.sha256(made.content).hexdigest()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_run",
            entity_id=run.id,
            action="transfer_file",
            after={
                "pay_date": run.pay_date.isoformat(),
                "count": made.count,
                "total": made.total,
                "sha256": digest,
            },
        )
        return made

    async def bonus_transfer_file(
        self, session: AsyncSession, principal: Principal, *, bonus_id: int, agency: AgencyBank
    ) -> TransferFile:
        """The 全銀 賞与振込 file (種別 12) of a closed bonus payment's net pay (admins): the
        monthly file's settings, checks and batches; audited on the bonus payment."""
        repo = PayrollRepository(session)
        bonus = await repo.bonus(bonus_id)
        if bonus is None:
            raise NotFoundError()
        if bonus.state != "closed":
            raise PayrollBonusTransferOpenError()
        rows = await self._payment_rows(
            session, lambda cursor: repo.bonus_paid_after(bonus.id, cursor, TRANSFER_BATCH)
        )
        made = build_bonus_transfer(rows, agency, bonus.pay_date)
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_bonus",
            entity_id=bonus.id,
            action="transfer_file",
            after={
                "pay_date": bonus.pay_date.isoformat(),
                "count": made.count,
                "total": made.total,
                "sha256": hashlib.sha256(made.content).hexdigest(),
            },
        )
        return made

    async def _payment_rows(
        self,
        session: AsyncSession,
        batch: Callable[[int], Awaitable[Sequence[Payslip]]],
    ) -> list[PaymentRow]:
        """The transfer rows of the payslips ``batch(cursor)`` returns (employee order), each
        batch's accounts read with it (two statements a batch); employees without an account
        are all refused at once."""
        rows: list[PaymentRow] = []
        missing: list[int] = []
        cursor = 0
        while True:
            slips = await batch(cursor)
            if not slips:
                break
            accounts = await employees_service.payment_accounts(
                session, [s.employee_id for s in slips]
            )
            for slip in slips:
                account = accounts.get(slip.employee_id)
                if account is None:
                    missing.append(slip.employee_id)
                    continue
                rows.append(
                    PaymentRow(
                        employee_id=slip.employee_id,
                        payee_kana=account.holder_kana,
                        bank_code=account.bank_code,
                        branch_code=account.branch_code,
                        account_type=account.account_type,
                        account_number=account.account_number,
                        amount=slip.net,
                        employee_number=account.employee_number,
                    )
                )
            if len(slips) < TRANSFER_BATCH:
                break
            cursor = slips[-1].employee_id
        if missing:
            await self._refuse_missing(session, missing)
        return rows

    @staticmethod
    async def _refuse_missing(session: AsyncSession, missing: list[int]) -> None:
        briefs = await employees_service.get_briefs(session, missing[:MISSING_LISTED])
        named = [
            f"{b.employee_number or b.id} {b.display_name}"
            for b in (briefs.get(i) for i in missing[:MISSING_LISTED])
            if b is not None
        ]
        more = len(missing) - len(named)
        listed = "、".join(named) + (f" … +{more}" if more > 0 else "")
        raise PayrollTransferBankMissingError(
            count=len(missing),
            employees=listed,
            details={"employee_ids": missing},
        )


delivery_service = DeliveryService()

__all__ = ["DeliveryService", "PdfFile", "delivery_service", "document"]
