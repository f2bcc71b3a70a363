"""Routes of the bulk generation: /api/documents/bulk (start, progress, ZIP) and the page
/documents/bulk (a form, the run's progress refreshing itself, the ZIP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from haken.modules.documents.auth import BulkDocuments
from haken.modules.documents.bulk import BulkCreate, BulkRead, bulk_service
from haken.modules.documents.service import KIND_TITLES
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.errors import ValidationFailedError
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok
from haken.web.csrf import CsrfProtected
from haken.web.render import redirect, render

router = APIRouter(prefix="/api/documents", tags=["documents"])
page_router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
ZIP_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such run, or not finished"}}
BULK_KINDS = ("terms_notice", "labour_notice", "agency_ledger", "client_ledger")


def zip_response(content: bytes, filename: str) -> Response:
    return Response(
        content=content,
        media_type="application/zip",
        headers={**ZIP_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/bulk",
    response_model=Envelope[BulkRead],
    status_code=202,
    dependencies=[Depends(default_limit)],
)
async def start_bulk(data: BulkCreate, principal: BulkDocuments, session: SessionDep) -> Any:
    """Issue a document kind for every assignment running today (of one client, or all) as a
    background job; the run's progress at /bulk/{id}, its ZIP at /bulk/{id}/zip when done."""
    return ok(await bulk_service.start(session, principal, data=data, today=dt.date.today()))


@router.get(
    "/bulk/{run_id:int}",
    response_model=Envelope[BulkRead],
    responses=NOT_FOUND,
    dependencies=[Depends(default_limit)],
)
async def get_bulk(run_id: int, principal: BulkDocuments, session: SessionDep) -> Any:
    """A run's progress and the subjects refused, with the reason."""
    return ok(await bulk_service.get(session, principal, run_id=run_id))


@router.get(
    "/bulk/{run_id:int}/zip",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}},
        **NOT_FOUND,
        410: {"description": "DOCUMENT_BULK_EXPIRED: the ZIP was dropped after its retention"},
    },
    dependencies=[Depends(default_limit)],
)
async def bulk_zip(
    run_id: int, principal: BulkDocuments, session: SessionDep, settings: SettingsDep
) -> Response:
    """The finished run's PDFs as one ZIP (audited)."""
    content, name = await bulk_service.archive(
        session, principal, run_id=run_id, retention_days=settings.export_retention_days
    )
    return zip_response(content, name)


@page_router.get("/documents/bulk")
async def bulk_page(request: Request, principal: BulkDocuments) -> Any:
    return render(
        request,
        "documents/bulk.html",
        {"run": None, "kinds": BULK_KINDS, "titles": KIND_TITLES},
    )


@page_router.post("/documents/bulk")
async def bulk_start_page(
    request: Request, principal: BulkDocuments, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    raw_client = str(form.get("client_id") or "").strip()
    try:
        data = BulkCreate(
            kind=str(form.get("kind") or ""),  # validated here
            client_id=int(raw_client) if raw_client else None,
        )
    except ValueError as error:
        raise ValidationFailedError(
            details=[{"loc": ["body", "kind"], "msg": "a document kind and a client number"}]
        ) from error
    run = await bulk_service.start(session, principal, data=data, today=dt.date.today())
    return redirect(request, f"/documents/bulk/{run.id}")


@page_router.get("/documents/bulk/{run_id:int}")
async def bulk_run_page(
    request: Request, run_id: int, principal: BulkDocuments, session: SessionDep
) -> Any:
    run = await bulk_service.get(session, principal, run_id=run_id)
    return render(
        request,
        "documents/bulk.html",
        {"run": run, "kinds": BULK_KINDS, "titles": KIND_TITLES},
    )


@page_router.get("/documents/bulk/{run_id:int}/zip")
async def bulk_zip_page(
    run_id: int, principal: BulkDocuments, session: SessionDep, settings: SettingsDep
) -> Response:
    content, name = await bulk_service.archive(
        session, principal, run_id=run_id, retention_days=settings.export_retention_days
    )
    return zip_response(content, name)


__all__ = ["page_router", "router"]
