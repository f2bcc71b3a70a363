"""Cache administration use cases: read the state, invalidate, clear (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.admin.repository import AdminRepository
from haken.modules.admin.schemas import (
    CacheHealthRead,
    CacheInfoRead,
    CacheState,
    CacheStatsRead,
    ClearResult,
    CodeCount,
    DashboardCounts,
    DashboardLive,
    DashboardRead,
    InvalidateRequest,
    InvalidateResult,
    JobsState,
    PolicyCount,
    StrategyRead,
)
from haken.modules.audit.service import audit_service
from haken.modules.identity.service import ACTIVITY_TAG, identity_service
from haken.platform import job_records, metrics
from haken.platform.access import Principal
from haken.platform.cache import STRATEGIES, HakenCache, cached, entity_tag, invalidate_on_write
from haken.platform.db import utcnow
from haken.platform.job_records import JobRun
from haken.platform.logging import get_logger

log = get_logger(__name__)

AUDIT_ENTITY = "cache"
DASHBOARD_DAYS = 7
# Job outcomes (claims, successes, dead letters, retries) drop the dashboard's entry; the
# outbox's unsent rows are bounded by the strategy's TTL instead (a rule on job_outbox would
# tie every route that enqueues a job to this page).
JOBS_TAG = "jobs:state"
invalidate_on_write(JobRun, row_tags=lambda _row: (JOBS_TAG,), bulk_tags=(JOBS_TAG,))


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

    # --- the dashboard ------------------------------------------------------------

    @cached(
        "dashboard",
        key="dashboard:{today}:{zone}",
        tags=[ACTIVITY_TAG, JOBS_TAG],
        scope=None,
        invalidated_by=("identity",),
    )
    async def dashboard_counts(
        self, session: AsyncSession, *, today: dt.date, zone: str
    ) -> DashboardCounts:
        """Users, sessions, sign-ins, job state and database size: three statements (the
        identity service's one, the job records' one, the database size)."""
        days = [today - dt.timedelta(days=back) for back in range(DASHBOARD_DAYS - 1, -1, -1)]
        now = utcnow()
        identity = await identity_service.activity(session, now=now, days=days, zone=zone)
        jobs = await job_records.state_counts(session)
        size = await AdminRepository(session).database_size()
        return DashboardCounts(
            identity=identity,
            jobs=JobsState(**jobs),
            database_bytes=size,
            computed_at=now,
        )

    def dashboard_live(self, cache: HakenCache, rate_limits: dict[str, Any]) -> DashboardLive:
        """Errors, rate-limit refusals and cache state from this server's counters (no SQL)."""
        errors = [
            CodeCount(code=code, count=int(value))
            for (code,), value in metrics.counter_values(metrics.errors_total).items()
            if value
        ]
        errors.sort(key=lambda row: (-row.count, row.code))
        refused: dict[str, int] = {}
        for (policy, decision), value in metrics.counter_values(
            metrics.ratelimit_decisions_total
        ).items():
            if decision == "refused" and value:
                refused[policy] = refused.get(policy, 0) + int(value)
        totals = cache.stats.snapshot()["totals"]
        return DashboardLive(
            errors_total=sum(row.count for row in errors),
            errors_by_code=errors,
            rate_limit_refused=sum(refused.values()),
            rate_limit_refused_by_policy=[
                PolicyCount(policy=policy, count=count)
                for policy, count in sorted(refused.items(), key=lambda item: (-item[1], item[0]))
            ],
            rate_limit_backend=rate_limits["backend"],
            rate_limit_degraded=bool(rate_limits["degraded"]),
            cache=CacheState.model_validate(cache.state()),
            cache_hits=int(totals["hits"]),
            cache_misses=int(totals["misses"]),
            cache_hit_ratio=totals["hit_ratio"],
        )

    async def dashboard(
        self,
        session: AsyncSession,
        *,
        cache: HakenCache,
        rate_limits: dict[str, Any],
        today: dt.date,
        zone: str,
    ) -> DashboardRead:
        return DashboardRead(
            counts=await self.dashboard_counts(session, today=today, zone=zone),
            live=self.dashboard_live(cache, rate_limits),
        )


admin_service = AdminService()
