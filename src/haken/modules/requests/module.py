"""How the requests area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.registry import Module
from haken.modules.requests.endpoints import router
from haken.modules.requests.labels import register_labels
from haken.modules.requests.pages import register_web
from haken.modules.requests.pages import router as page_router
from haken.modules.requests.service import requests_service


def install(app: FastAPI) -> None:
    requests_service.configure(payroll_cutoff_day=app.state.settings.payroll_cutoff_day)
    app.include_router(router)
    app.include_router(page_router)
    register_labels()
    register_web()


module = Module(name="requests", install=install)
