"""HTTP API of generated documents: /api/documents/… (the office) and
/api/client/documents/… (a client supervisor: the documents addressed to its client)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from haken.modules.documents.auth import ClientDocuments, DocumentsIssue, DocumentsRead
from haken.modules.documents.schemas import (
    ClientNoticeIssue,
    DocumentDetail,
    DocumentRead,
    IndividualContractIssue,
)
from haken.modules.documents.service import documents_service
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok

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
