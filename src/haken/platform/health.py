"""Liveness and readiness: what a load balancer and Kubernetes probe."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from haken import __version__
from haken.platform.access import PublicAccess
from haken.platform.errors import ServiceUnavailableError
from haken.platform.handlers import error_response
from haken.platform.ratelimit import RateLimitExempt
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api", tags=["system"])


class HealthRead(BaseModel):
    status: Literal["ok"]
    version: str
    cache: dict[str, Any]


class ReadyRead(BaseModel):
    status: Literal["ready"]
    database: Literal["ok"]
    cache: dict[str, Any]


def _cache_state(request: Request) -> dict[str, Any]:
    cache = getattr(request.app.state, "cache", None)
    if cache is None:
        return {"backend": "none", "degraded": False}
    state: dict[str, Any] = cache.state()
    return state


@router.get("/health", response_model=Envelope[HealthRead])
async def health(request: Request, _access: PublicAccess, _limit: RateLimitExempt) -> Any:
    """Liveness: the process answers. Never touches the database."""
    return ok(HealthRead(status="ok", version=__version__, cache=_cache_state(request)))


@router.get(
    "/ready",
    response_model=Envelope[ReadyRead],
    responses={503: {"description": "The database is unreachable"}},
)
async def ready(request: Request, _access: PublicAccess, _limit: RateLimitExempt) -> Any:
    """Readiness: the database answers; the cache state is reported (a degraded
    cache still serves from memory, so it does not make the worker unready)."""
    if not await request.app.state.database.ping():
        return error_response(ServiceUnavailableError(details={"database": "unreachable"}))
    return ok(ReadyRead(status="ready", database="ok", cache=_cache_state(request)))


__all__ = ["JSONResponse", "router"]
