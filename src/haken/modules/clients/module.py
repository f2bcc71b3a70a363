"""How the clients area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.clients.endpoints import clients_router, sites_router, units_router
from haken.modules.clients.pages import register_web
from haken.modules.clients.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(clients_router)
    app.include_router(sites_router)
    app.include_router(units_router)
    app.include_router(page_router)
    register_web()


module = Module(name="clients", install=install)
