"""Pages of generated documents: the office's list per contract/worker/client with the
notice's issue form, and the portal's documents page. Same services and access names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from haken.modules.documents.auth import ClientDocuments, DocumentsIssue, DocumentsRead
from haken.modules.documents.endpoints import pdf_response
from haken.modules.documents.schemas import ClientNoticeIssue, InsuranceReasons
from haken.modules.documents.service import KIND_TITLES, documents_service
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState
from haken.web.i18n import gettext_
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
    found = await documents_service.list_documents(
        session, principal, client_id=client_id, contract_id=contract_id, employee_id=employee_id
    )
    return render(
        request,
        "documents/list.html",
        {
            "documents": found,
            "titles": KIND_TITLES,
            "contract_id": contract_id,
            "form": FormState(),
        },
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
        state: FormState[Any] = FormState()
        state.add_error(error)
        found = await documents_service.list_documents(session, principal, contract_id=contract_id)
        raise FormRejected(
            render(
                request,
                "documents/list.html",
                {
                    "documents": found,
                    "titles": KIND_TITLES,
                    "contract_id": contract_id,
                    "form": state,
                },
                status_code=422,
            )
        ) from error
    flash(
        request,
        "success",
        gettext_(
            "The notice to the client was issued (version %(version)s).", version=issued.version
        ),
    )
    return redirect(request, f"/documents?contract_id={contract_id}")


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


__all__ = ["router"]
