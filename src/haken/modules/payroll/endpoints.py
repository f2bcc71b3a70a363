"""HTTP API of payroll: /api/payroll/…

Admins start a period's run (a background job; ``status``/``processed``/``total`` show the
progress), read the results with the previous month's differences and any payslip, close
the period (locked from then on) and record adjustments of a closed period. Every signed-in
user reads their own payslips of closed periods.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from haken.modules.payroll.auth import OwnPayslips, PayrollRead, PayrollWrite
from haken.modules.payroll.bonuses import bonus_service
from haken.modules.payroll.delivery import delivery_service
from haken.modules.payroll.pdf_exports import pdf_export_service
from haken.modules.payroll.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    BonusAction,
    BonusCreate,
    BonusRead,
    BonusUpdate,
    GradeCreate,
    GradeProposal,
    GradeProposalFilter,
    GradeRead,
    PayslipRead,
    PayslipSummary,
    PdfExportRead,
    ProfileRead,
    ProfileWrite,
    RunClose,
    RunRead,
    RunStart,
)
from haken.modules.payroll.service import payroll_service
from haken.modules.payroll.transfer import AgencyBank
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.errors import ValidationFailedError
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import admin_limit, default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(prefix="/api/payroll", tags=["payroll"])


@router.get("/runs", response_model=PageEnvelope[RunRead], dependencies=[Depends(default_limit)])
async def list_runs(principal: PayrollRead, session: SessionDep, paging: PageQuery) -> Any:
    """Every payroll run, newest period first."""
    result = await payroll_service.list_runs(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))


@router.post(
    "/runs",
    response_model=Envelope[RunRead],
    status_code=202,
    dependencies=[Depends(admin_limit)],
)
async def start_run(body: RunStart, principal: PayrollWrite, session: SessionDep) -> Any:
    """Start, rerun or resume the payroll of the period containing ``day`` (a job)."""
    return ok(await payroll_service.start_run(session, principal, data=body))


@router.get(
    "/runs/{run_id:int}", response_model=Envelope[RunRead], dependencies=[Depends(default_limit)]
)
async def get_run(principal: PayrollRead, session: SessionDep, run_id: int) -> Any:
    """One run with its progress."""
    return ok(await payroll_service.get_run(session, principal, run_id=run_id))


@router.get(
    "/runs/{run_id:int}/payslips",
    response_model=PageEnvelope[PayslipSummary],
    dependencies=[Depends(default_limit)],
)
async def run_payslips(
    principal: PayrollRead,
    session: SessionDep,
    paging: PageQuery,
    run_id: int,
    errors: Annotated[bool, Query()] = False,
) -> Any:
    """The run's payslips by employee, with the previous month's net and the difference;
    ``errors=true``: only the employees whose pay could not be computed."""
    result = await payroll_service.run_results(
        session, principal, run_id=run_id, errors_only=errors, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post(
    "/runs/{run_id:int}/close",
    response_model=Envelope[RunRead],
    dependencies=[Depends(admin_limit)],
)
async def close_run(
    body: RunClose, principal: PayrollWrite, session: SessionDep, run_id: int
) -> Any:
    """Close the period: its payslips are locked; later corrections are adjustments."""
    return ok(
        await payroll_service.close_run(session, principal, run_id=run_id, version=body.version)
    )


@router.get(
    "/payslips/{payslip_id:int}",
    response_model=Envelope[PayslipRead],
    dependencies=[Depends(default_limit)],
)
async def get_payslip(principal: OwnPayslips, session: SessionDep, payslip_id: int) -> Any:
    """One payslip with every line and its basis (admins: any; others: their own, closed)."""
    return ok(await payroll_service.get_payslip(session, principal, payslip_id=payslip_id))


@router.get(
    "/me/payslips",
    response_model=PageEnvelope[PayslipSummary],
    dependencies=[Depends(default_limit)],
)
async def my_payslips(principal: OwnPayslips, session: SessionDep, paging: PageQuery) -> Any:
    """The caller's own payslips of closed periods, newest first."""
    result = await payroll_service.my_payslips(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))


@router.get(
    "/employees/{employee_id:int}/profile",
    response_model=Envelope[ProfileRead],
    dependencies=[Depends(default_limit)],
)
async def get_profile(principal: PayrollRead, session: SessionDep, employee_id: int) -> Any:
    """An employee's pay settings (defaults when none were entered)."""
    return ok(await payroll_service.get_profile(session, principal, employee_id=employee_id))


@router.put(
    "/employees/{employee_id:int}/profile",
    response_model=Envelope[ProfileRead],
    dependencies=[Depends(admin_limit)],
)
async def put_profile(
    body: ProfileWrite, principal: PayrollWrite, session: SessionDep, employee_id: int
) -> Any:
    """Replace an employee's pay settings (monthly pay, allowances, commuting, the stored
    標準報酬月額, insurance, the 12 resident-tax amounts June–May, other deductions)."""
    return ok(
        await payroll_service.put_profile(session, principal, employee_id=employee_id, data=body)
    )


@router.post(
    "/adjustments",
    response_model=Envelope[AdjustmentRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def add_adjustment(
    body: AdjustmentCreate, principal: PayrollWrite, session: SessionDep
) -> Any:
    """Correct a closed payslip: an adjustment line in the next open period."""
    return ok(await payroll_service.add_adjustment(session, principal, data=body))


# --- standard monthly remuneration: 定時決定 / 随時改定 ------------------------------------


@router.get(
    "/grade-proposals",
    response_model=Envelope[list[GradeProposal]],
    dependencies=[Depends(default_limit)],
)
async def grade_proposals(
    principal: PayrollRead,
    session: SessionDep,
    filters: Annotated[GradeProposalFilter, Query()],
) -> Any:
    """The standard monthly remunerations the pay history calls for, not yet recorded:
    ``kind=regular`` the 定時決定 of ``year`` (April–June pay, from September),
    ``kind=occasional`` the 随時改定 after changes of fixed pay paid in ``year``."""
    return ok(
        await payroll_service.grade_proposals(
            session, principal, year=filters.year, kind=filters.kind
        )
    )


@router.post(
    "/grades",
    response_model=Envelope[GradeRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def record_grade(body: GradeCreate, principal: PayrollWrite, session: SessionDep) -> Any:
    """Record a decided standard monthly remuneration from its first premium month (the
    grades are looked up from the average); later runs use it."""
    return ok(await payroll_service.record_grade(session, principal, data=body))


# --- downloads: payslip PDFs and the transfer file (payroll/delivery.py) ----------------------

NO_STORE = {"Cache-Control": "no-store"}
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The payslips as a PDF.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}
PAYSLIP_PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    **PDF_RESPONSE,
    409: {"description": "PAYROLL_PAYSLIP_PAPER_DELIVERY: no consent to electronic delivery"},
}
TRANSFER_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The 全銀 総合振込 (給与振込) file, Shift_JIS, 120-byte records.",
        "content": {"text/plain": {"schema": {"type": "string", "format": "binary"}}},
    },
    409: {
        "description": (
            "PAYROLL_TRANSFER_RUN_OPEN / PAYROLL_TRANSFER_SETTINGS_MISSING: the run is still "
            "open, or the agency's transfer settings are missing"
        )
    },
}


def _attachment(filename: str) -> dict[str, str]:
    return {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}


@router.get(
    "/payslips/{payslip_id:int}/pdf",
    response_class=Response,
    response_model=None,
    responses=PAYSLIP_PDF_RESPONSE,
    dependencies=[Depends(default_limit)],
)
async def payslip_pdf(principal: OwnPayslips, session: SessionDep, payslip_id: int) -> Response:
    """One payslip as a PDF (admins: any; others: their own of a closed period, with their
    consent to electronic delivery, else ``PAYROLL_PAYSLIP_PAPER_DELIVERY``)."""
    made = await delivery_service.payslip_pdf(session, principal, payslip_id=payslip_id)
    return Response(
        content=made.content, media_type="application/pdf", headers=_attachment(made.filename)
    )


@router.get(
    "/runs/{run_id:int}/transfer-file",
    response_class=Response,
    response_model=None,
    responses=TRANSFER_RESPONSE,
    dependencies=[Depends(admin_limit)],
)
async def transfer_file(
    principal: PayrollWrite, session: SessionDep, settings: SettingsDep, run_id: int
) -> Response:
    """The salary transfer file (全銀 総合振込, 種別 11) of a closed run (audited)."""
    made = await delivery_service.transfer_file(
        session, principal, run_id=run_id, agency=AgencyBank.from_settings(settings)
    )
    return Response(
        content=made.content, media_type=made.media_type, headers=_attachment(made.filename)
    )


# --- bonuses (賞与支給; payroll/bonuses.py) -------------------------------------------------

_BONUS_CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["version", "file"],
                    "properties": {
                        "version": {"type": "integer", "minimum": 1},
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": (
                                "CSV (UTF-8 or Shift_JIS): employee number, amount, "
                                "withholding rate in percent; a header line is skipped"
                            ),
                        },
                    },
                }
            }
        },
    }
}


async def _csv_form(request: Request) -> tuple[int, bytes]:
    """The multipart body, read in the endpoint (after the access dependency's
    Idempotency-Key claim, which hashes the raw body; see attendance imports)."""
    problems: list[dict[str, Any]] = []
    try:
        form = await request.form()
    except Exception as error:  # a body that is not multipart or urlencoded form data
        raise ValidationFailedError(
            details=[{"loc": ["body"], "code": "form", "message": "multipart form expected"}]
        ) from error
    raw = form.get("version")
    ok_version = isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10
    version = int(raw) if ok_version and isinstance(raw, str) else 0
    if version < 1:
        problems.append({"loc": ["body", "version"], "code": "int", "message": "a version"})
    file = form.get("file")
    if not isinstance(file, StarletteUpload):
        problems.append({"loc": ["body", "file"], "code": "missing", "message": "a file"})
    if problems:
        raise ValidationFailedError(details=problems)
    assert isinstance(file, StarletteUpload)
    return version, await file.read()


@router.get(
    "/bonuses", response_model=PageEnvelope[BonusRead], dependencies=[Depends(default_limit)]
)
async def list_bonuses(principal: PayrollRead, session: SessionDep, paging: PageQuery) -> Any:
    """Every bonus payment (賞与支給), latest pay date first."""
    result = await bonus_service.list_bonuses(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))


@router.post(
    "/bonuses",
    response_model=Envelope[BonusRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def create_bonus(body: BonusCreate, principal: PayrollWrite, session: SessionDep) -> Any:
    """A draft bonus payment: the pay date, a title and each employee's amount with the
    withholding rate (算出率) the office looked up."""
    return ok(await bonus_service.create_bonus(session, principal, data=body))


@router.get(
    "/bonuses/{bonus_id:int}",
    response_model=Envelope[BonusRead],
    dependencies=[Depends(default_limit)],
)
async def get_bonus(principal: PayrollRead, session: SessionDep, bonus_id: int) -> Any:
    """One bonus payment with its entries."""
    return ok(await bonus_service.get_bonus(session, principal, bonus_id=bonus_id))


@router.put(
    "/bonuses/{bonus_id:int}",
    response_model=Envelope[BonusRead],
    dependencies=[Depends(admin_limit)],
)
async def update_bonus(
    body: BonusUpdate, principal: PayrollWrite, session: SessionDep, bonus_id: int
) -> Any:
    """Replace a bonus payment that is not closed (a calculated one goes back to draft)."""
    return ok(await bonus_service.update_bonus(session, principal, bonus_id=bonus_id, data=body))


@router.post(
    "/bonuses/{bonus_id:int}/csv",
    response_model=Envelope[BonusRead],
    openapi_extra=_BONUS_CSV_BODY,
    dependencies=[Depends(admin_limit)],
)
async def import_bonus_csv(
    request: Request, principal: PayrollWrite, session: SessionDep, bonus_id: int
) -> Any:
    """Replace the entries of a bonus payment that is not closed with a CSV file's
    (multipart ``version`` + ``file``: employee number, amount, rate %)."""
    version, content = await _csv_form(request)
    return ok(
        await bonus_service.import_csv(
            session, principal, bonus_id=bonus_id, version=version, content=content
        )
    )


@router.post(
    "/bonuses/{bonus_id:int}/calculate",
    response_model=Envelope[BonusRead],
    dependencies=[Depends(admin_limit)],
)
async def calculate_bonus(
    body: BonusAction, principal: PayrollWrite, session: SessionDep, bonus_id: int
) -> Any:
    """Compute the bonus payslips (again): all or none, in one transaction."""
    return ok(
        await bonus_service.calculate(session, principal, bonus_id=bonus_id, version=body.version)
    )


@router.post(
    "/bonuses/{bonus_id:int}/close",
    response_model=Envelope[BonusRead],
    dependencies=[Depends(admin_limit)],
)
async def close_bonus(
    body: BonusAction, principal: PayrollWrite, session: SessionDep, bonus_id: int
) -> Any:
    """Close a calculated bonus payment: locked, its payslips in the employees' portal."""
    return ok(
        await bonus_service.close(session, principal, bonus_id=bonus_id, version=body.version)
    )


@router.get(
    "/bonuses/{bonus_id:int}/payslips",
    response_model=PageEnvelope[PayslipSummary],
    dependencies=[Depends(default_limit)],
)
async def bonus_payslips(
    principal: PayrollRead, session: SessionDep, paging: PageQuery, bonus_id: int
) -> Any:
    """The bonus payment's payslips by employee."""
    result = await bonus_service.payslips(session, principal, bonus_id=bonus_id, request=paging)
    return page(result.items, result.pagination(paging.limit))


# --- the bonus transfer file and the bulk payslip PDF job (payroll/pdf_exports.py) -----------

BONUS_TRANSFER_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The 全銀 総合振込 (賞与振込, 種別 12) file, Shift_JIS, 120-byte records.",
        "content": {"text/plain": {"schema": {"type": "string", "format": "binary"}}},
    },
    404: {"description": "NOT_FOUND: no such bonus payment"},
    409: {
        "description": (
            "PAYROLL_BONUS_TRANSFER_OPEN / PAYROLL_TRANSFER_SETTINGS_MISSING: the bonus "
            "payment is not closed, or the agency's transfer settings are missing"
        )
    },
}
PDF_FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    **PDF_RESPONSE,
    404: {"description": "NOT_FOUND: no such bulk PDF"},
    409: {"description": "PAYROLL_PDF_NOT_READY: the job is still drawing the payslips"},
    410: {"description": "PAYROLL_PDF_EXPIRED: deleted after export_retention_days; start again"},
}


@router.get(
    "/bonuses/{bonus_id:int}/transfer-file",
    response_class=Response,
    response_model=None,
    responses=BONUS_TRANSFER_RESPONSE,
    dependencies=[Depends(admin_limit)],
)
async def bonus_transfer_file(
    principal: PayrollWrite, session: SessionDep, settings: SettingsDep, bonus_id: int
) -> Response:
    """The bonus transfer file (全銀 総合振込, 種別 12 賞与振込) of a closed bonus payment
    (audited)."""
    made = await delivery_service.bonus_transfer_file(
        session, principal, bonus_id=bonus_id, agency=AgencyBank.from_settings(settings)
    )
    return Response(
        content=made.content, media_type=made.media_type, headers=_attachment(made.filename)
    )


@router.post(
    "/runs/{run_id:int}/pdf-exports",
    status_code=202,
    response_model=Envelope[PdfExportRead],
    responses={404: {"description": "NOT_FOUND: no such run"}},
    dependencies=[Depends(admin_limit)],
)
async def start_run_pdf(principal: PayrollWrite, session: SessionDep, run_id: int) -> Any:
    """Start the bulk payslip PDF of a run (a background job; poll the export)."""
    return ok(await pdf_export_service.start(session, principal, run_id=run_id))


@router.post(
    "/bonuses/{bonus_id:int}/pdf-exports",
    status_code=202,
    response_model=Envelope[PdfExportRead],
    responses={404: {"description": "NOT_FOUND: no such bonus payment"}},
    dependencies=[Depends(admin_limit)],
)
async def start_bonus_pdf(principal: PayrollWrite, session: SessionDep, bonus_id: int) -> Any:
    """Start the bulk payslip PDF of a bonus payment (a background job)."""
    return ok(await pdf_export_service.start(session, principal, bonus_id=bonus_id))


@router.get(
    "/pdf-exports/{export_id:int}",
    response_model=Envelope[PdfExportRead],
    responses={404: {"description": "NOT_FOUND: no such bulk PDF"}},
    dependencies=[Depends(default_limit)],
)
async def get_pdf_export(principal: PayrollRead, session: SessionDep, export_id: int) -> Any:
    """A bulk payslip PDF's progress (``processed`` of ``total``); ``download`` when done."""
    return ok(await pdf_export_service.get(session, principal, export_id=export_id))


@router.get(
    "/pdf-exports/{export_id:int}/file",
    response_class=FileResponse,
    response_model=None,
    responses=PDF_FILE_RESPONSE,
    dependencies=[Depends(admin_limit)],
)
async def pdf_export_file(
    principal: PayrollRead, session: SessionDep, settings: SettingsDep, export_id: int
) -> FileResponse:
    """The finished bulk payslip PDF (streamed from the private data directory)."""
    path, filename = await pdf_export_service.file(
        session,
        principal,
        export_id=export_id,
        data_dir=settings.data_dir,
        retention_days=settings.export_retention_days,
    )
    return FileResponse(path, media_type="application/pdf", headers=_attachment(filename))
