"""HTTP API of system administration: /api/cache (super admins) and /api/admin/dashboard
(admins read it), rate limit "admin"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request

from haken.modules.admin.schemas import (
    CacheHealthRead,
    CacheInfoRead,
    CacheStatsRead,
    ClearResult,
    DashboardRead,
    InvalidateRequest,
    InvalidateResult,
)
from haken.modules.admin.service import admin_service
from haken.platform.access import AdminPrincipal, SuperAdminPrincipal
from haken.platform.cache import HakenCache, get_cache
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.ratelimit import admin_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/cache", tags=["admin"], dependencies=[Depends(admin_limit)])
dashboard_router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(admin_limit)]
)

CacheDep = Annotated[HakenCache, Depends(get_cache)]


@router.get("/stats", response_model=Envelope[CacheStatsRead])
async def cache_stats(_principal: SuperAdminPrincipal, cache: CacheDep) -> Any:
    """Hits, misses, errors, fallbacks, lock waits and latency per namespace and strategy
    (this process's counters; Prometheus sums them over processes)."""
    return ok(await admin_service.cache_stats(cache))


@router.get("/health", response_model=Envelope[CacheHealthRead])
async def cache_health(_principal: SuperAdminPrincipal, cache: CacheDep) -> Any:
    """Backend, degraded state, transitions and a live Redis round trip."""
    return ok(await admin_service.cache_health(cache))


@router.get("/info", response_model=Envelope[CacheInfoRead])
async def cache_info(_principal: SuperAdminPrincipal, cache: CacheDep) -> Any:
    """Key counts per namespace (SCAN, never KEYS) and the memory they use (sampled)."""
    return ok(await admin_service.cache_info(cache))


@router.post("/invalidate", response_model=Envelope[InvalidateResult])
async def invalidate(
    body: InvalidateRequest,
    principal: SuperAdminPrincipal,
    session: SessionDep,
    cache: CacheDep,
) -> Any:
    """Invalidate by ``{"tag"}``, ``{"entity", "id"}`` or ``{"pattern"}`` (audited)."""
    return ok(await admin_service.invalidate(session, principal, cache=cache, request=body))


@router.delete("", response_model=Envelope[ClearResult])
async def clear(principal: SuperAdminPrincipal, session: SessionDep, cache: CacheDep) -> Any:
    """Delete every haken cache entry, and only haken's (audited)."""
    return ok(await admin_service.clear(session, principal, cache=cache))


@dashboard_router.get("/dashboard", response_model=Envelope[DashboardRead])
async def dashboard(
    request: Request,
    _principal: AdminPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    cache: CacheDep,
) -> Any:
    """Users by role and active sessions, sign-ins and failed sign-ins, job state and dead
    letters, database size (cached, ``dashboard`` strategy; three statements cold); errors by
    code, rate-limit refusals and cache state from this server's counters (no SQL)."""
    return ok(
        await admin_service.dashboard(
            session,
            cache=cache,
            rate_limits=request.app.state.rate_limiter.state(),
            today=dt.datetime.now(ZoneInfo(settings.timezone)).date(),
            zone=settings.timezone,
        )
    )
