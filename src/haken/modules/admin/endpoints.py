"""HTTP API of system administration: /api/cache (super admins, rate limit "admin")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from haken.modules.admin.schemas import (
    CacheHealthRead,
    CacheInfoRead,
    CacheStatsRead,
    ClearResult,
    InvalidateRequest,
    InvalidateResult,
)
from haken.modules.admin.service import admin_service
from haken.platform.access import SuperAdminPrincipal
from haken.platform.cache import HakenCache, get_cache
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import admin_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/cache", tags=["admin"], dependencies=[Depends(admin_limit)])

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
