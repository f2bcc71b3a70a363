"""Routes of the annual report and the documents' Excel: /api/documents/annual (JSON),
/documents/annual (page; ``format=xlsx`` the sheet), and the Excel of a tabular document's
version (/api/documents/{id}/xlsx, /documents/{id}/xlsx). Exports are audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.documents.annual import AnnualReport, annual_service, default_year, report_items
from haken.modules.documents.auth import AnnualReports, DocumentsRead
from haken.modules.documents.excel import TABULAR_KINDS, document_items, items_xlsx
from haken.modules.documents.service import KIND_TITLES, documents_service
from haken.modules.offices.schemas import OfficeFilter
from haken.modules.offices.service import offices_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.errors import NotFoundError
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok
from haken.web.i18n import N_, gettext_
from haken.web.lists import export_filename
from haken.web.registry import NavItem, registry
from haken.web.render import render

router = APIRouter(prefix="/api/documents", tags=["documents"])
OfficeParam = Annotated[
    int | None,
    Query(ge=1, description="the office (派遣元事業所, /api/offices); default: the default office"),
]
page_router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Year = Annotated[
    int | None,
    Query(
        ge=2000,
        le=2099,
        description="business year (its April; it ends the next March, so 2099 at most)",
    ),
]


async def tabular_sheet(
    session: AsyncSession, principal: Principal, document_id: int
) -> FileResponse:
    """A 派遣元管理台帳 or 派遣先管理台帳 version as Excel, from its snapshot (audited); 404
    for a kind that is not a table."""
    row = await documents_service.get(session, principal, document_id=document_id)
    if row.kind not in TABULAR_KINDS:
        raise NotFoundError()
    await audit_service.record(
        session,
        principal,
        entity_type="document",
        entity_id=row.id,
        action="download",
        after={"kind": row.kind, "version": row.version, "format": "xlsx"},
    )
    items = document_items(row.kind, row.snapshot, row.issued_at.date())
    name = f"{row.kind}-{row.subject_id}-v{row.version}.xlsx"
    return await items_xlsx(items, name, title=KIND_TITLES[row.kind])


@router.get(
    "/annual",
    response_model=Envelope[AnnualReport],
    responses={404: {"description": "no such office"}},
    dependencies=[Depends(default_limit)],
)
async def annual_report(
    principal: AnnualReports, session: SessionDep, year: Year = None, office_id: OfficeParam = None
) -> Any:
    """The business year's 労働者派遣事業報告書 figures and the マージン率 disclosure of one
    事業所 over its contracts (weighted averages per 8-hour worker-day), with the due dates;
    default: the current business year (its figures so far) and the default office."""
    today = dt.date.today()
    chosen = year if year is not None else default_year(today)
    return ok(
        await annual_service.report(
            session, principal, year=chosen, today=today, office_id=office_id
        )
    )


@router.get(
    "/{document_id:int}/xlsx",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        404: {"description": "no such document, or not a table"},
    },
    dependencies=[Depends(default_limit)],
)
async def document_xlsx(
    document_id: int, principal: DocumentsRead, session: SessionDep
) -> FileResponse:
    """A 派遣元管理台帳 or 派遣先管理台帳 version as Excel (the PDF's items; audited)."""
    return await tabular_sheet(session, principal, document_id)


@page_router.get("/documents/annual")
async def annual_page(
    request: Request,
    principal: AnnualReports,
    session: SessionDep,
    year: Year = None,
    format: Annotated[str | None, Query(pattern="^xlsx$")] = None,
    office_id: OfficeParam = None,
) -> Any:
    today = dt.date.today()
    chosen = year if year is not None else default_year(today)
    report = await annual_service.report(
        session, principal, year=chosen, today=today, office_id=office_id
    )
    items = report_items(report, gettext_("This agency"))
    shown = report.offices[0].office_id if report.offices else None
    if format == "xlsx":
        await annual_service.record_export(
            session, principal, year=chosen, kind="annual_report", office_id=shown
        )
        stem = f"annual-report-{chosen}" + (f"-office-{shown}" if shown is not None else "")
        name = export_filename(stem, "xlsx", today)
        return await items_xlsx(items, name, title=f"事業報告書・マージン率 {chosen}")
    offices = await offices_service.list_offices(session, filters=OfficeFilter())
    return render(
        request,
        "documents/annual.html",
        {
            "report": report,
            "items": items,
            "year": chosen,
            "this_year": today.year,
            "offices": offices,
            "office_id": shown,
        },
    )


@page_router.get("/documents/{document_id:int}/xlsx")
async def document_xlsx_page(
    document_id: int, principal: DocumentsRead, session: SessionDep
) -> FileResponse:
    return await tabular_sheet(session, principal, document_id)


def register_annual_web() -> None:
    registry.add_nav(
        NavItem(
            "annual_report",
            N_("Annual report and margin rate"),
            "/documents/annual",
            minimum=Role.ADMIN,
            order=67,
        )
    )


__all__ = ["page_router", "register_annual_web", "router", "tabular_sheet"]
