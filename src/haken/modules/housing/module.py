"""How the housing area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.housing.endpoints import router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)


module = Module(name="housing", install=install)
