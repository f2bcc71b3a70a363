"""How the billing area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.billing import tasks  # noqa: F401 (registers the jobs)
from haken.modules.billing.endpoints import router
from haken.modules.billing.labels import register_labels
from haken.modules.billing.pages import register_web
from haken.modules.billing.pages import router as page_router
from haken.modules.billing.service import billing_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    settings = app.state.settings
    billing_service.configure(
        registration_number=settings.billing_registration_number,
        corporation=settings.billing_agency_corporation,
        tax_rounding=settings.billing_tax_rounding,
        agency_name=settings.billing_agency_name,
    )
    app.include_router(router)
    app.include_router(page_router)
    register_labels()
    register_web()


module = Module(name="billing", install=install)
