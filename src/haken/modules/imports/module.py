"""How the master-data imports plug into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.imports import tasks  # noqa: F401 (registers the jobs)
from haken.modules.imports.endpoints import router
from haken.modules.imports.pages import register_web
from haken.modules.imports.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(page_router)
    register_web()


module = Module(name="imports", install=install)
