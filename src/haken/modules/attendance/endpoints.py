"""HTTP API of attendance: /api/attendance/…

Timecards: employees enter and submit their own (portal), site managers see and approve
those of their sites, coordinators and above every one. Periods are closed and reopened by
admins; the ledger and the 36協定 limits are the office's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.datastructures import UploadFile as StarletteUpload

from haken.modules.attendance.auth import (
    AttendanceOffice,
    AttendanceRead,
    PeriodsClose,
    TimecardsApprove,
    TimecardsRead,
    TimecardsWrite,
)
from haken.modules.attendance.import_schemas import ImportRead, MappingRead, MappingUpdate
from haken.modules.attendance.imports import imports_service
from haken.modules.attendance.schemas import (
    AgreementCreate,
    AgreementFilter,
    AgreementRead,
    LedgerFilter,
    LedgerRead,
    MonthRead,
    PeriodClose,
    PeriodFilter,
    PeriodRead,
    PeriodReopen,
    PremiumsRead,
    PremiumsRequest,
    RejectBody,
    SiteSettingsRead,
    SiteSettingsUpdate,
    TimecardCreate,
    TimecardFilter,
    TimecardRead,
    TimecardUpdate,
    VersionBody,
)
from haken.modules.attendance.service import attendance_service
from haken.modules.attendance.sorting import TIMECARD_SORTING
from haken.platform.access import CoordinatorPrincipal
from haken.platform.deps import SessionDep
from haken.platform.errors import ValidationFailedError
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page
from haken.platform.types import YearMonth

router = APIRouter(
    prefix="/api/attendance", tags=["attendance"], dependencies=[Depends(default_limit)]
)

Id = Annotated[int, Path(ge=1)]
TimecardSort = Annotated[TIMECARD_SORTING.param | None, Query()]  # type: ignore[name-defined]


@router.get("/timecards", response_model=PageEnvelope[TimecardRead])
async def list_timecards(
    principal: TimecardsRead,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[TimecardFilter, Query()],
    sort: TimecardSort = None,
) -> Any:
    """Timecards in scope (own, own sites', or all), newest day first by default."""
    result = await attendance_service.list_timecards(
        session, principal, filters=filters, sort=sort, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/timecards", response_model=Envelope[TimecardRead], status_code=201)
async def create_timecard(
    body: TimecardCreate, principal: TimecardsWrite, session: SessionDep
) -> Any:
    return ok(await attendance_service.create_timecard(session, principal, data=body))


@router.get("/timecards/{timecard_id:int}", response_model=Envelope[TimecardRead])
async def get_timecard(principal: TimecardsRead, session: SessionDep, timecard_id: Id) -> Any:
    return ok(await attendance_service.get_timecard(session, principal, timecard_id=timecard_id))


@router.patch("/timecards/{timecard_id:int}", response_model=Envelope[TimecardRead])
async def update_timecard(
    body: TimecardUpdate, principal: TimecardsWrite, session: SessionDep, timecard_id: Id
) -> Any:
    """An edit of an approved card returns it to submitted; a locked one is refused."""
    return ok(
        await attendance_service.update_timecard(
            session, principal, timecard_id=timecard_id, data=body
        )
    )


@router.post("/timecards/{timecard_id:int}/submit", response_model=Envelope[TimecardRead])
async def submit_timecard(
    body: VersionBody, principal: TimecardsWrite, session: SessionDep, timecard_id: Id
) -> Any:
    return ok(
        await attendance_service.submit_timecard(
            session, principal, timecard_id=timecard_id, version=body.version
        )
    )


@router.post("/timecards/{timecard_id:int}/approve", response_model=Envelope[TimecardRead])
async def approve_timecard(
    body: VersionBody, principal: TimecardsApprove, session: SessionDep, timecard_id: Id
) -> Any:
    """Approve a submitted card (the site manager of its site, or the office); the
    response carries the 資格外活動 warnings of the worker's week."""
    return ok(
        await attendance_service.approve_timecard(
            session, principal, timecard_id=timecard_id, version=body.version
        )
    )


@router.post("/timecards/{timecard_id:int}/reject", response_model=Envelope[TimecardRead])
async def reject_timecard(
    body: RejectBody, principal: TimecardsApprove, session: SessionDep, timecard_id: Id
) -> Any:
    return ok(
        await attendance_service.reject_timecard(
            session, principal, timecard_id=timecard_id, data=body
        )
    )


@router.get("/periods", response_model=PageEnvelope[PeriodRead])
async def list_periods(
    principal: AttendanceOffice,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[PeriodFilter, Query()],
) -> Any:
    result = await attendance_service.list_periods(
        session, principal, filters=filters, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/periods/close", response_model=Envelope[PeriodRead])
async def close_period(body: PeriodClose, principal: PeriodsClose, session: SessionDep) -> Any:
    """Close the payroll period (every employee) or a contract's billing period containing
    ``day``: its cards are locked; refused while any is unapproved."""
    return ok(await attendance_service.close_period(session, principal, data=body))


@router.post("/periods/{period_id:int}/reopen", response_model=Envelope[PeriodRead])
async def reopen_period(
    body: PeriodReopen, principal: PeriodsClose, session: SessionDep, period_id: Id
) -> Any:
    return ok(
        await attendance_service.reopen_period(session, principal, period_id=period_id, data=body)
    )


@router.get("/ledger", response_model=PageEnvelope[LedgerRead])
async def list_ledger(
    principal: AttendanceOffice,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[LedgerFilter, Query()],
) -> Any:
    """Classified minutes per employee per payroll period, or per contract per billing
    period (what payslips, invoices and reports read)."""
    result = await attendance_service.list_ledger(
        session, principal, filters=filters, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/employees/{employee_id:int}/months/{month}", response_model=Envelope[MonthRead])
async def employee_month(
    principal: TimecardsRead,
    session: SessionDep,
    employee_id: Id,
    month: Annotated[YearMonth, Path()],
) -> Any:
    """A worker's payroll period named by the month of its cut-off: cards, classified
    minutes and the 36協定 status."""
    return ok(
        await attendance_service.employee_month(
            session, principal, employee_id=employee_id, month=month
        )
    )


@router.post("/premiums", response_model=Envelope[PremiumsRead])
async def premiums(body: PremiumsRequest, principal: TimecardsRead) -> Any:
    """Classify the cards given (``haken calc premiums``); nothing is stored."""
    return ok(attendance_service.premiums(body))


@router.get("/agreements", response_model=PageEnvelope[AgreementRead])
async def list_agreements(
    principal: AttendanceOffice,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[AgreementFilter, Query()],
) -> Any:
    result = await attendance_service.list_agreements(
        session, principal, site_id=filters.site_id, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/agreements", response_model=Envelope[AgreementRead], status_code=201)
async def create_agreement(
    body: AgreementCreate, principal: AttendanceOffice, session: SessionDep
) -> Any:
    """A 36協定's own limits for a site and agreement year (statutory caps when absent)."""
    return ok(await attendance_service.create_agreement(session, principal, data=body))


@router.get("/sites/{site_id:int}/settings", response_model=Envelope[SiteSettingsRead])
async def site_settings(principal: AttendanceRead, session: SessionDep, site_id: Id) -> Any:
    return ok(await attendance_service.site_settings(session, principal, site_id=site_id))


@router.put("/sites/{site_id:int}/settings", response_model=Envelope[SiteSettingsRead])
async def replace_site_settings(
    body: SiteSettingsUpdate, principal: AttendanceOffice, session: SessionDep, site_id: Id
) -> Any:
    """The site's time zone, day change (営業日分岐) and shifts (replaced whole)."""
    return ok(
        await attendance_service.replace_site_settings(
            session, principal, site_id=site_id, data=body
        )
    )


# --- client timesheet imports (attendance/imports.py) -----------------------------------------


@router.get("/imports/mappings", response_model=Envelope[list[MappingRead]])
async def list_import_mappings(principal: CoordinatorPrincipal, session: SessionDep) -> Any:
    """Every client's saved timesheet layout."""
    return ok(await imports_service.list_mappings(session, principal))


@router.get("/imports/mappings/{client_id:int}", response_model=Envelope[MappingRead])
async def get_import_mapping(
    principal: CoordinatorPrincipal, session: SessionDep, client_id: Id
) -> Any:
    return ok(await imports_service.get_mapping(session, principal, client_id=client_id))


@router.put("/imports/mappings/{client_id:int}", response_model=Envelope[MappingRead])
async def put_import_mapping(
    body: MappingUpdate, principal: CoordinatorPrincipal, session: SessionDep, client_id: Id
) -> Any:
    """Save the client's layout: each field → a header text or a column letter; ``version``
    when replacing one."""
    return ok(await imports_service.put_mapping(session, principal, client_id=client_id, data=body))


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["client_id", "file"],
                    "properties": {
                        "client_id": {"type": "integer", "minimum": 1},
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV (UTF-8 or Shift_JIS) or Excel .xlsx",
                        },
                    },
                }
            }
        },
    }
}


async def _upload_form(request: Request) -> tuple[int, str, bytes]:
    """The multipart body, read in the endpoint (not as FastAPI ``Form``/``File`` parameters):
    FastAPI would consume the stream before the access dependency, whose Idempotency-Key
    claim hashes the raw body; read here, the body it cached is parsed."""
    problems: list[dict[str, Any]] = []
    try:
        form = await request.form()
    except Exception as error:  # a body that is not multipart or urlencoded form data
        raise ValidationFailedError(
            details=[{"loc": ["body"], "code": "form", "message": "multipart form expected"}]
        ) from error
    raw_id = form.get("client_id")
    ok_id = isinstance(raw_id, str) and raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 16
    client_id = int(raw_id) if ok_id and isinstance(raw_id, str) else 0
    if not 1 <= client_id <= 2**53:
        problems.append(
            {"loc": ["body", "client_id"], "code": "int", "message": "a positive integer"}
        )
    file = form.get("file")
    if not isinstance(file, StarletteUpload):
        problems.append({"loc": ["body", "file"], "code": "missing", "message": "a file"})
    if problems:
        raise ValidationFailedError(details=problems)
    assert isinstance(file, StarletteUpload)
    return client_id, file.filename or "", await file.read()


@router.post("/imports", response_model=Envelope[ImportRead], openapi_extra=_UPLOAD_BODY)
async def upload_import(
    request: Request, principal: CoordinatorPrincipal, session: SessionDep
) -> Any:
    """Dry run (multipart ``client_id`` + ``file``): the file is stored and checked row by
    row against the client's mapping; no timecard is written. The same file again answers
    with the same import."""
    client_id, filename, content = await _upload_form(request)
    return ok(
        await imports_service.dry_run(
            session, principal, client_id=client_id, filename=filename, content=content
        )
    )


@router.get("/imports/{import_id:int}", response_model=Envelope[ImportRead])
async def get_import(principal: CoordinatorPrincipal, session: SessionDep, import_id: Id) -> Any:
    return ok(await imports_service.get_import(session, principal, import_id=import_id))


@router.post("/imports/{import_id:int}/commit", response_model=Envelope[ImportRead])
async def commit_import(principal: CoordinatorPrincipal, session: SessionDep, import_id: Id) -> Any:
    """All or nothing: every row becomes a submitted timecard, or with any problem none
    does (``ATTENDANCE_IMPORT_HAS_ERRORS``). A committed import answers with its result."""
    return ok(await imports_service.commit(session, principal, import_id=import_id))
