"""How the documents area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.documents.endpoints import client_router, router
from haken.modules.documents.labels import register_labels
from haken.modules.documents.pages import register_web
from haken.modules.documents.pages import router as page_router
from haken.modules.documents.service import documents_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    documents_service.configure(agency_name=app.state.settings.billing_agency_name)
    app.include_router(router)
    app.include_router(client_router)
    app.include_router(page_router)
    register_labels()
    register_web()


module = Module(name="documents", install=install)
