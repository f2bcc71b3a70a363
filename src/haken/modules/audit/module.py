"""How the audit area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.audit import tasks  # noqa: F401  (registers the area's jobs)
from haken.modules.audit.endpoints import router
from haken.modules.audit.pages import register_web
from haken.modules.audit.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(page_router)
    register_web()


module = Module(name="audit", install=install)
