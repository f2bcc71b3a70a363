"""How the offices area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.offices.endpoints import router
from haken.modules.offices.pages import register_web
from haken.modules.offices.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(page_router)
    register_web()


module = Module(name="offices", install=install)
