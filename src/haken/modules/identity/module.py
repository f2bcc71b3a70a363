"""How the identity area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.identity import tasks  # noqa: F401  (registers the area's jobs)
from haken.modules.identity.access import install_resolvers
from haken.modules.identity.endpoints import auth_router, users_router
from haken.modules.identity.pages import ROUTERS as PAGE_ROUTERS
from haken.modules.identity.pages import register_web
from haken.modules.registry import Module
from haken.web.errors import ApiCsrfError


def install(app: FastAPI) -> None:
    install_resolvers(app)
    # What the resolver itself may refuse on an API write (declared in the OpenAPI).
    app.state.principal_write_refusals = (ApiCsrfError,)
    app.include_router(auth_router)
    app.include_router(users_router)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    register_web()


module = Module(name="identity", install=install)
