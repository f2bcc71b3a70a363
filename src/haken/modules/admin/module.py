"""How the admin area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.admin.endpoints import dashboard_router, router
from haken.modules.admin.pages import dashboard_pages, register_web
from haken.modules.admin.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(dashboard_router)
    app.include_router(page_router)
    app.include_router(dashboard_pages)
    register_web()


module = Module(name="admin", install=install)
