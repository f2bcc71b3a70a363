"""HTTP API of generated documents: /api/documents/… (the office) and
/api/client/documents/… (a client supervisor: the documents addressed to its client)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from haken.modules.documents.auth import (
    ClientDocuments,
    DocumentsIssue,
    DocumentsRead,
    ForeignReports,
    OwnDocuments,
)
from haken.modules.documents.schemas import (
    AgencyLedgerIssue,
    ClientLedgerIssue,
    ClientNoticeIssue,
    DocumentDetail,
    DocumentRead,
    ForeignReportRow,
    IndividualContractIssue,
)
from haken.modules.documents.service import documents_service
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok
from haken.platform.types import YearMonth, year_month

router = APIRouter(prefix="/api/documents", tags=["documents"])
client_router = APIRouter(prefix="/api/client/documents", tags=["client portal"])
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def pdf_response(content: bytes, filename: str) -> Response:
    return Response(
        content=content,
        media_type="application/pdf",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/contracts/{contract_id:int}/client-notice",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_client_notice(
    contract_id: int, payload: ClientNoticeIssue, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 派遣先への通知 (派遣法35条) of a contract: a new version when its data
    changed, else the current one; refused naming every missing item."""
    return ok(
        await documents_service.issue_client_notice(
            session, principal, contract_id=contract_id, data=payload, today=dt.date.today()
        )
    )


@router.post(
    "/contracts/{contract_id:int}/individual-contract",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_individual_contract(
    contract_id: int,
    payload: IndividualContractIssue,
    principal: DocumentsIssue,
    session: SessionDep,
) -> Any:
    """Issue the 労働者派遣個別契約書 (則21–22条) of a contract: refused naming every empty
    item; the 紛争防止措置 is never optional and may not forbid hiring (派遣法33条2項)."""
    return ok(
        await documents_service.issue_individual_contract(
            session, principal, contract_id=contract_id, data=payload, today=dt.date.today()
        )
    )


@router.post(
    "/assignments/{assignment_id:int}/terms-notice",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_terms_notice(
    assignment_id: int, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 就業条件明示書 (派遣法34条) of an assignment with the dispatch fee (34条の2):
    a new version when its data (a bill rate included) changed; refused naming every missing
    item."""
    return ok(
        await documents_service.issue_terms_notice(
            session, principal, assignment_id=assignment_id, today=dt.date.today()
        )
    )


@router.post(
    "/assignments/{assignment_id:int}/agency-ledger",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_agency_ledger(
    assignment_id: int, payload: AgencyLedgerIssue, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 派遣元管理台帳 (派遣法37条, 則31条) of an assignment, appending the given
    complaints, training, career consultations and employment-stability measures first."""
    return ok(
        await documents_service.issue_agency_ledger(
            session,
            principal,
            assignment_id=assignment_id,
            data=payload,
            today=dt.date.today(),
        )
    )


@router.post(
    "/sites/{site_id:int}/client-ledger",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_client_ledger(
    site_id: int, payload: ClientLedgerIssue, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 派遣先管理台帳 data (派遣法42条, 則35–38条) of a site for a month, offered to
    the client, with whether the client needs a ledger (則35条3項)."""
    return ok(
        await documents_service.issue_client_ledger(
            session, principal, site_id=site_id, data=payload, today=dt.date.today()
        )
    )


@router.get(
    "/foreign-worker-reports",
    response_model=Envelope[list[ForeignReportRow]],
    dependencies=[Depends(default_limit)],
)
async def foreign_worker_reports(
    principal: ForeignReports,
    session: SessionDep,
    month: Annotated[YearMonth | None, Query()] = None,
) -> Any:
    """The month's hires and separations of foreign workers with the due date of each
    外国人雇用状況届出 (none for 特別永住者, 外交, 公用)."""
    today = dt.date.today()
    first = dt.date(*year_month(month), 1) if month else today.replace(day=1)
    return ok(await documents_service.foreign_worker_reports(session, month=first, today=today))


@router.get(
    "/mine", response_model=Envelope[list[DocumentRead]], dependencies=[Depends(default_limit)]
)
async def my_documents(principal: OwnDocuments, session: SessionDep) -> Any:
    """The caller's own 就業条件明示書, newest first."""
    return ok(await documents_service.list_own(session, principal))


@router.get(
    "/mine/{document_id:int}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    dependencies=[Depends(default_limit)],
)
async def my_download(document_id: int, principal: OwnDocuments, session: SessionDep) -> Response:
    """The caller's own 就業条件明示書 as issued (audited); 404 for anyone else's."""
    content, name = await documents_service.download_own(
        session, principal, document_id=document_id
    )
    return pdf_response(content, name)


@router.get("", response_model=Envelope[list[DocumentRead]], dependencies=[Depends(default_limit)])
async def list_documents(
    principal: DocumentsRead,
    session: SessionDep,
    client_id: Annotated[int | None, Query(ge=1)] = None,
    contract_id: Annotated[int | None, Query(ge=1)] = None,
    employee_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    """Every issued version, newest first, per contract, worker or client."""
    return ok(
        await documents_service.list_documents(
            session,
            principal,
            client_id=client_id,
            contract_id=contract_id,
            employee_id=employee_id,
        )
    )


@router.get(
    "/{document_id:int}",
    response_model=Envelope[DocumentDetail],
    dependencies=[Depends(default_limit)],
)
async def get_document(document_id: int, principal: DocumentsRead, session: SessionDep) -> Any:
    """One version with the data it was written from."""
    return ok(await documents_service.get(session, principal, document_id=document_id))


@router.get(
    "/{document_id:int}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    dependencies=[Depends(default_limit)],
)
async def download(document_id: int, principal: DocumentsRead, session: SessionDep) -> Response:
    """The PDF as issued (audited)."""
    content, name = await documents_service.download(session, principal, document_id=document_id)
    return pdf_response(content, name)


@client_router.get(
    "", response_model=Envelope[list[DocumentRead]], dependencies=[Depends(default_limit)]
)
async def client_documents(principal: ClientDocuments, session: SessionDep) -> Any:
    """The documents addressed to the supervisor's client, newest first."""
    return ok(await documents_service.list_documents(session, principal))


@client_router.get(
    "/{document_id:int}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    dependencies=[Depends(default_limit)],
)
async def client_download(
    document_id: int, principal: ClientDocuments, session: SessionDep
) -> Response:
    """The PDF as issued (audited)."""
    content, name = await documents_service.download(session, principal, document_id=document_id)
    return pdf_response(content, name)


__all__ = ["client_router", "pdf_response", "router"]
