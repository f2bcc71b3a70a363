"""How the client portal plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.client_portal.endpoints import invite_router, router
from haken.modules.client_portal.labels import register_labels
from haken.modules.client_portal.pages import register_web
from haken.modules.client_portal.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(invite_router)
    app.include_router(router)
    app.include_router(page_router)
    register_labels()
    register_web()


module = Module(name="client_portal", install=install)
