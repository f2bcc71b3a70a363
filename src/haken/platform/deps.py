"""Dependencies every module uses: the settings and the request's database session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.platform.db import Database, session_scope

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Request state key of a reader's session opened before routing (by the edge).
READ_SESSION = "haken_read_session"


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: committed after the endpoint returns,
    before the response is sent (``scope="function"``), so a failed commit is
    still an error envelope and never a 200 for lost data. A request with an
    unsafe method is a writer (``BEGIN IMMEDIATE`` on SQLite: platform/db.py)."""
    write = request.method not in READ_METHODS
    # A read takes over the session the edge already read the principal with (one
    # connection per request: platform/edge.py).
    shared = None if write else request.scope.get("state", {}).pop(READ_SESSION, None)
    async with session_scope(request.app.state.database, write=write, session=shared) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
