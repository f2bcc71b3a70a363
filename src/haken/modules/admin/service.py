"""Cache administration use cases: read the state, invalidate, clear (audited)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.admin.schemas import (
    CacheHealthRead,
    CacheInfoRead,
    CacheStatsRead,
    ClearResult,
    InvalidateRequest,
    InvalidateResult,
    StrategyRead,
)
from haken.modules.audit.service import audit_service
from haken.platform.access import Principal
from haken.platform.cache import STRATEGIES, HakenCache, entity_tag
from haken.platform.logging import get_logger

log = get_logger(__name__)

AUDIT_ENTITY = "cache"


class AdminService:
    async def cache_stats(self, cache: HakenCache) -> CacheStatsRead:
        snapshot = cache.stats.snapshot()
        strategies = [
            StrategyRead(name=s.name, ttl_seconds=s.ttl_seconds, purpose=s.purpose)
            for s in STRATEGIES.values()
        ]
        return CacheStatsRead.model_validate({**snapshot, "strategies": strategies})

    async def cache_health(self, cache: HakenCache) -> CacheHealthRead:
        return CacheHealthRead.model_validate(await cache.health())

    async def cache_info(self, cache: HakenCache) -> CacheInfoRead:
        return CacheInfoRead.model_validate(await cache.info())

    async def invalidate(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        cache: HakenCache,
        request: InvalidateRequest,
    ) -> InvalidateResult:
        """Invalidate now (an operator repairing stale data wants it gone before the answer)."""
        if request.pattern is not None:
            deleted = await cache.invalidate_pattern(request.pattern)
            result = InvalidateResult(kind="pattern", target=request.pattern, deleted_keys=deleted)
        else:
            tag = (
                request.tag
                if request.tag is not None
                else entity_tag(request.entity or "", request.id)
            )
            await cache.invalidate_tags(tag)
            result = InvalidateResult(kind="tag", target=tag, deleted_keys=None)
        await audit_service.record(
            session,
            principal,
            entity_type=AUDIT_ENTITY,
            entity_id=result.target[:64],
            action="invalidate",
            after=result.model_dump(),
        )
        log.warning("cache invalidated by an operator", kind=result.kind, target=result.target)
        return result

    async def clear(
        self, session: AsyncSession, principal: Principal, *, cache: HakenCache
    ) -> ClearResult:
        """Delete haken's keys only (``haken:v1:*``); the Redis db may hold other data."""
        deleted = await cache.clear()
        await audit_service.record(
            session,
            principal,
            entity_type=AUDIT_ENTITY,
            entity_id="namespace",
            action="clear",
            after={"deleted_keys": deleted},
        )
        log.warning("cache cleared by an operator", deleted_keys=deleted)
        return ClearResult(deleted_keys=deleted)


admin_service = AdminService()
