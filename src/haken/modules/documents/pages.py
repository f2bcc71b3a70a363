"""Pages of generated documents: the office's list per contract/worker/client with the
notice's issue form, and the portal's documents page. Same services and access names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from haken.modules.assignments.service import assignments_service
from haken.modules.documents.auth import (
    ClientDocuments,
    DocumentsIssue,
    DocumentsRead,
    ForeignReports,
    OwnDocuments,
)
from haken.modules.documents.endpoints import pdf_response
from haken.modules.documents.excel import xlsx_rows
from haken.modules.documents.hire_notice import hire_notices
from haken.modules.documents.schemas import (
    AgencyLedgerIssue,
    ClientLedgerIssue,
    ClientNoticeIssue,
    ForeignReportRow,
    InsuranceReasons,
    LedgerEntryIn,
)
from haken.modules.documents.service import (
    HIRE_NOTICE,
    KIND_TITLES,
    LABOUR_NOTICE,
    documents_service,
)
from haken.modules.employees.service import employees_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError, ValidationFailedError
from haken.platform.ratelimit import default_limit
from haken.platform.types import YearMonth, year_month
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState
from haken.web.i18n import N_, gettext_
from haken.web.lists import Column, csv_response, export_filename
from haken.web.registry import Panel, RecordSection, registry
from haken.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])


@router.get("/documents")
async def documents(
    request: Request,
    principal: DocumentsRead,
    session: SessionDep,
    client_id: Annotated[int | None, Query(ge=1)] = None,
    contract_id: Annotated[int | None, Query(ge=1)] = None,
    employee_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    return await _list_page(
        request,
        session,
        principal,
        FormState(),
        client_id=client_id,
        contract_id=contract_id,
        employee_id=employee_id,
    )


async def _list_page(
    request: Request,
    session: Any,
    principal: Principal,
    form: FormState[Any],
    *,
    client_id: int | None = None,
    contract_id: int | None = None,
    employee_id: int | None = None,
    status_code: int = 200,
    hire_values: dict[str, str] | None = None,
) -> Any:
    """The list; on a contract's page also its placements with the issue buttons of the
    就業条件明示書 and the 派遣元管理台帳, and the site's 派遣先管理台帳 data; on a worker's
    page the form of the 労働条件通知書 at hire (its items as on the worker's last notice)."""
    found = await documents_service.list_documents(
        session, principal, client_id=client_id, contract_id=contract_id, employee_id=employee_id
    )
    if employee_id is not None and hire_values is None:
        hire_values = await hire_notices.carried(session, employee_id)
    placements: list[Any] = []
    names: dict[int, str] = {}
    if contract_id is not None:
        placements = await assignments_service.contract_placements(session, contract_id=contract_id)
        names = await employees_service.names(session, [p.employee_id for p in placements])
    return render(
        request,
        "documents/list.html",
        {
            "documents": found,
            "titles": KIND_TITLES,
            "contract_id": contract_id,
            "placements": placements,
            "names": names,
            "site_id": placements[0].site_id if placements else None,
            "form": form,
            "employee_id": employee_id,
            "hire_values": hire_values,
        },
        status_code=status_code,
    )


async def _refused(
    request: Request,
    session: Any,
    principal: Principal,
    error: HakenError,
    contract_id: int | None,
) -> FormRejected:
    state: FormState[Any] = FormState()
    state.add_error(error)
    return FormRejected(
        await _list_page(
            request, session, principal, state, contract_id=contract_id, status_code=422
        )
    )


def _reasons(form: Any) -> list[InsuranceReasons]:
    """Fields ``reason-<employee id>-<kind>`` of the issue form."""
    by_worker: dict[int, dict[str, str]] = {}
    for key, value in form.multi_items():
        parts = str(key).split("-")
        if (
            len(parts) == 3
            and parts[0] == "reason"
            and parts[1].isdigit()
            and parts[2] in {"health", "pension", "employment"}
            and isinstance(value, str)
        ):
            by_worker.setdefault(int(parts[1]), {})[parts[2]] = value.strip()[:200]
    return [InsuranceReasons(employee_id=k, **v) for k, v in sorted(by_worker.items())]


@router.post("/documents/contracts/{contract_id:int}/client-notice")
async def issue_client_notice(
    request: Request,
    contract_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    agreement = [int(str(v)) for v in form.getlist("agreement_worker_ids") if str(v).isdigit()]
    data = ClientNoticeIssue(reasons=_reasons(form), agreement_worker_ids=agreement)
    try:
        issued = await documents_service.issue_client_notice(
            session, principal, contract_id=contract_id, data=data, today=dt.date.today()
        )
    except HakenError as error:
        if error.status_code == 404:
            raise
        # The whole list page with the refusal (its own thin render lacked what the page's
        # newer parts need and answered 500 instead of the catalog error).
        raise await _refused(request, session, principal, error, contract_id) from error
    flash(
        request,
        "success",
        gettext_(
            "The notice to the client was issued (version %(version)s).", version=issued.version
        ),
    )
    return redirect(request, f"/documents?contract_id={contract_id}")


def _contract_of(form: Any) -> int | None:
    value = str(form.get("contract_id") or "")
    return int(value) if value.isdigit() else None


def _back(contract_id: int | None) -> str:
    return f"/documents?contract_id={contract_id}" if contract_id else "/documents"


@router.post("/documents/assignments/{assignment_id:int}/terms-notice")
async def issue_terms_notice(
    request: Request,
    assignment_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    contract_id = _contract_of(await request.form())
    try:
        issued = await documents_service.issue_terms_notice(
            session, principal, assignment_id=assignment_id, today=dt.date.today()
        )
    except HakenError as error:
        if error.status_code == 404:
            raise
        raise await _refused(request, session, principal, error, contract_id) from error
    flash(
        request,
        "success",
        gettext_(
            "The terms-of-work notice was issued (version %(version)s).", version=issued.version
        ),
    )
    return redirect(request, _back(contract_id))


def _entry(form: Any) -> list[LedgerEntryIn]:
    """The optional row of the ledger form (kind, date, measure, content, method, reply)."""
    kind = str(form.get("entry_kind") or "")
    if not kind:
        return []
    try:
        return [
            LedgerEntryIn.model_validate(
                {
                    "kind": kind,
                    "occurred_on": str(form.get("entry_date") or ""),
                    "measure": str(form.get("entry_measure") or ""),
                    "content": str(form.get("entry_content") or ""),
                    "method": str(form.get("entry_method") or ""),
                    "response": str(form.get("entry_response") or ""),
                }
            )
        ]
    except ValueError as error:
        raise ValidationFailedError(
            details=[{"loc": ["body", "entry_date"], "msg": "a date is required"}]
        ) from error


@router.post("/documents/assignments/{assignment_id:int}/agency-ledger")
async def issue_agency_ledger(
    request: Request,
    assignment_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    contract_id = _contract_of(form)
    try:
        issued = await documents_service.issue_agency_ledger(
            session,
            principal,
            assignment_id=assignment_id,
            data=AgencyLedgerIssue(entries=_entry(form)),
            today=dt.date.today(),
        )
    except HakenError as error:
        if error.status_code == 404:
            raise
        raise await _refused(request, session, principal, error, contract_id) from error
    flash(
        request,
        "success",
        gettext_("The agency's ledger was issued (version %(version)s).", version=issued.version),
    )
    return redirect(request, _back(contract_id))


@router.post("/documents/sites/{site_id:int}/client-ledger")
async def issue_client_ledger(
    request: Request,
    site_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    contract_id = _contract_of(form)
    month = str(form.get("month") or "") or None
    try:
        data = ClientLedgerIssue(month=month)
        issued = await documents_service.issue_client_ledger(
            session, principal, site_id=site_id, data=data, today=dt.date.today()
        )
    except HakenError as error:
        if error.status_code == 404:
            raise
        raise await _refused(request, session, principal, error, contract_id) from error
    except ValueError as error:
        bad = ValidationFailedError(details=[{"loc": ["body", "month"], "msg": "YYYY-MM"}])
        raise await _refused(request, session, principal, bad, contract_id) from error
    flash(
        request,
        "success",
        gettext_(
            "The client's ledger data was issued (version %(version)s).", version=issued.version
        ),
    )
    return redirect(request, _back(contract_id))


EVENT_WORDS = {"hire": "雇入れ", "separation": "離職"}
FOREIGN_COLUMNS: list[Column[ForeignReportRow]] = [
    Column("employee_number", N_("Employee number"), lambda r: r.employee_number),
    Column("name", N_("Name"), lambda r: r.name),
    Column("event", N_("Event"), lambda r: EVENT_WORDS[r.event]),
    Column("event_date", N_("Date"), lambda r: r.event_date),
    Column("insured", N_("Employment insurance"), lambda r: "有" if r.insured else "無"),
    Column("form", N_("Form"), lambda r: r.form),
    Column("due", N_("Due"), lambda r: r.due or ""),
    Column("nationality", N_("Nationality"), lambda r: r.nationality),
    Column("birth_date", N_("Birth date"), lambda r: r.birth_date),
    Column("sex", N_("Sex"), lambda r: r.sex),
    Column("residence_status", N_("Status of residence"), lambda r: r.residence_status),
    Column("period", N_("Period of stay until"), lambda r: r.period_of_stay_until or ""),
    Column(
        "permission",
        N_("Permission for other activities"),
        lambda r: "有" if r.extra_activity_permission else "無",
    ),
    Column("card", N_("Residence card (last 4)"), lambda r: r.residence_card_last4),
]


@router.get("/documents/foreign-worker-reports")
async def foreign_worker_reports(
    request: Request,
    principal: ForeignReports,
    session: SessionDep,
    month: Annotated[YearMonth | None, Query()] = None,
    format: Annotated[str | None, Query(pattern="^(csv|xlsx)$")] = None,
) -> Any:
    """Hires and separations of foreign workers in a month with the due date of each report
    (overdue highlighted); ``format=csv`` or ``xlsx`` exports them (formula prefixes
    neutralised; audited)."""
    today = dt.date.today()
    first = dt.date(*year_month(month), 1) if month else today.replace(day=1)
    rows = await documents_service.foreign_worker_reports(session, month=first, today=today)
    if format is not None:
        await documents_service.record_foreign_report_export(
            session, principal, month=first, rows=len(rows), file_format=format
        )
    if format == "xlsx":
        return await xlsx_rows(
            FOREIGN_COLUMNS,
            rows,
            export_filename(f"foreign-worker-reports-{first:%Y-%m}", "xlsx", today),
            title="外国人雇用状況届出",
        )
    if format == "csv":

        async def chunks() -> Any:
            yield rows

        return csv_response(
            FOREIGN_COLUMNS,
            chunks(),
            export_filename(f"foreign-worker-reports-{first:%Y-%m}", "csv", today),
        )
    return render(
        request,
        "documents/foreign_reports.html",
        {
            "rows": rows,
            "month": f"{first:%Y-%m}",
            "events": EVENT_WORDS,
            "columns": FOREIGN_COLUMNS,
        },
    )


@router.get("/me/documents/{document_id:int}/pdf")
async def my_download(document_id: int, principal: OwnDocuments, session: SessionDep) -> Response:
    content, name = await documents_service.download_own(
        session, principal, document_id=document_id
    )
    return pdf_response(content, name)


async def _own_documents(
    request: Request, session: Any, principal: Principal
) -> dict[str, Any] | None:
    if principal.employee_id is None:
        return None
    return {"documents": await documents_service.list_own(session, principal)}


async def _employee_documents(
    request: Request, session: Any, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    """The worker's notices of working conditions (at hire and per assignment), one query."""
    found = await documents_service.list_documents(session, principal, employee_id=employee.id)
    notices = [d for d in found if d.kind in (HIRE_NOTICE, LABOUR_NOTICE)]
    return {"employee_id": employee.id, "notices": notices, "titles": KIND_TITLES}


def register_web() -> None:
    registry.add_portal_section(
        Panel("documents", "documents/_portal_documents.html", _own_documents, order=19)
    )
    registry.add_record_section(
        "employee",
        RecordSection(
            "documents",
            "documents/_employee_documents.html",
            _employee_documents,
            minimum=Role.COORDINATOR,
            order=70,
        ),
    )


@router.get("/documents/{document_id:int}/pdf")
async def download(document_id: int, principal: DocumentsRead, session: SessionDep) -> Response:
    content, name = await documents_service.download(session, principal, document_id=document_id)
    return pdf_response(content, name)


@router.get("/client/documents")
async def client_documents(
    request: Request, principal: ClientDocuments, session: SessionDep
) -> Any:
    found = await documents_service.list_documents(session, principal)
    return render(
        request, "documents/client_list.html", {"documents": found, "titles": KIND_TITLES}
    )


@router.get("/client/documents/{document_id:int}/pdf")
async def client_download(
    document_id: int, principal: ClientDocuments, session: SessionDep
) -> Response:
    content, name = await documents_service.download(session, principal, document_id=document_id)
    return pdf_response(content, name)


__all__ = ["register_web", "router"]
