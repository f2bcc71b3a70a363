"""Use cases of payroll's delivery side: payslip PDFs (one, a run's bulk file, the employee's
own in the portal) and the salary transfer file of a closed run.

Electronic delivery of a payslip to the employee needs their consent (所得税法231条2項,
recorded on the pay settings); without it the payslip is handed over on paper and the
portal download is refused (``PAYROLL_PAYSLIP_PAPER_DELIVERY``). Admins download any
payslip (to print it). The transfer file is an admin's, of a closed run only, and each
download is audited with its count, total and SHA-256.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.payroll.errors import (
    PayrollPaperDeliveryError,
    PayrollTransferBankMissingError,
    PayrollTransferRunOpenError,
)
from haken.modules.payroll.labels import LINE_LABELS
from haken.modules.payroll.payslip_pdf import (
    AttendanceSummary,
    OvertimeClass,
    PayslipDocument,
    PayslipWriter,
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
from haken.modules.payroll.service import payroll_service
from haken.modules.payroll.transfer import (
    AgencyBank,
    PaymentRow,
    TransferFile,
    build_salary_transfer,
)
from haken.platform.access import Principal, Role
from haken.platform.errors import NotFoundError
from haken.web.i18n import translations

PDF_BATCH = 200
"""Employees read per batch of the bulk PDF (three statements a batch)."""
TRANSFER_BATCH = 1000
"""Payslips read per batch of the transfer file (two statements a batch)."""
SPOOL_BYTES = 8 * 1024 * 1024
"""A bulk PDF larger than this goes to a temporary file rather than memory."""
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


@dataclass(slots=True)
class BulkPdf:
    """A run's payslips as one PDF in a (spooled) temporary file; ``chunks`` streams it and
    closes the file at the end."""

    file: IO[bytes]
    filename: str
    pages: int

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        try:
            self.file.seek(0)
            while chunk := self.file.read(size):
                yield chunk
        finally:
            self.file.close()


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

    async def run_pdf(self, session: AsyncSession, principal: Principal, *, run_id: int) -> BulkPdf:
        """Every computed payslip of a run in one PDF, a page each, in employee order: the
        ledger, the payslips and the employees read a batch at a time (three statements a
        batch), each page drawn before the next batch is read."""
        repo = PayrollRepository(session)
        run = await repo.run(run_id)
        if run is None:
            raise NotFoundError()
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by chunks)
        try:
            writer = PayslipWriter(out)
            cursor = 0
            while True:
                ledger = await attendance_service.payroll_ledger(
                    session, period_start=run.period_start, after=cursor, limit=PDF_BATCH
                )
                if not ledger:
                    break
                ids = [entry.subject_id for entry in ledger]
                slips = {p.employee_id: p for p in await repo.payslips_of(run.id, ids)}
                briefs = await employees_service.get_briefs(session, ids)
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
                        gross=row.gross,
                        social_insurance=row.social_insurance,
                        employment_insurance=row.employment_insurance,
                        income_tax=row.income_tax,
                        resident_tax=row.resident_tax,
                        deductions=row.deductions,
                        net=row.net,
                        lines=[PayslipLine.model_validate(line) for line in row.lines],
                    )
                    writer.add(document(read, self.agency_name))
                if len(ledger) < PDF_BATCH:
                    break
                cursor = ids[-1]
            pages = writer.close()
        except BaseException:
            out.close()
            raise
        return BulkPdf(out, f"payslips_{run.pay_date:%Y%m%d}.pdf", pages)

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
        rows: list[PaymentRow] = []
        missing: list[int] = []
        cursor = 0
        while True:
            slips = await repo.paid_after(run.id, cursor, TRANSFER_BATCH)
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

__all__ = ["BulkPdf", "DeliveryService", "PdfFile", "delivery_service", "document"]
