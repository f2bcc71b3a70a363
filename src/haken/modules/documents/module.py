"""How the documents area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.documents import tasks  # noqa: F401 (registers the bulk job)
from haken.modules.documents.annual_routes import page_router as annual_page_router
from haken.modules.documents.annual_routes import register_annual_web
from haken.modules.documents.annual_routes import router as annual_router
from haken.modules.documents.bulk_routes import page_router as bulk_page_router
from haken.modules.documents.bulk_routes import router as bulk_router
from haken.modules.documents.endpoints import client_router, router
from haken.modules.documents.hire_notice_routes import page_router as hire_page_router
from haken.modules.documents.hire_notice_routes import router as hire_router
from haken.modules.documents.labels import register_labels
from haken.modules.documents.labour_notice import labour_notices
from haken.modules.documents.labour_notice_routes import page_router as labour_page_router
from haken.modules.documents.labour_notice_routes import router as labour_router
from haken.modules.documents.pages import register_web
from haken.modules.documents.pages import router as page_router
from haken.modules.documents.service import documents_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    settings = app.state.settings
    # The agency's name on every document: the one setting invoices and payslips read too.
    documents_service.configure(agency_name=settings.billing_agency_name.strip())
    labour_notices.configure(
        cutoff_day=settings.payroll_cutoff_day,
        pay_day=settings.payday,
        months_after=settings.payday_months_after,
    )
    app.include_router(labour_router)
    app.include_router(hire_router)
    app.include_router(annual_router)
    app.include_router(bulk_router)
    app.include_router(router)
    app.include_router(client_router)
    app.include_router(annual_page_router)
    app.include_router(bulk_page_router)
    app.include_router(labour_page_router)
    app.include_router(hire_page_router)
    app.include_router(page_router)
    register_labels()
    register_web()
    register_annual_web()


module = Module(name="documents", install=install)
