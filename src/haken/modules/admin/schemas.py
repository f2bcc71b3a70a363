"""Pydantic shapes of the admin API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from haken.modules.identity.schemas import IdentityActivity
from haken.platform.cache import PATTERN_RE
from haken.platform.schemas import InputModel

TAG_PATTERN = r"^[a-z][a-z0-9_]*(:[A-Za-z0-9_.@-]+)*$"
ENTITY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
ID_PATTERN = r"^[A-Za-z0-9_.@-]{1,64}$"


class LatencyRead(BaseModel):
    count: int
    mean: float | None
    p50: float | None
    p95: float | None
    max: float | None


class CacheCounts(BaseModel):
    hits: int
    misses: int
    hit_ratio: float | None
    errors: int
    fallbacks: int
    lock_waits: int
    bypassed: int
    latency_ms: LatencyRead


class CacheCountsRow(CacheCounts):
    namespace: str
    strategy: str


class CacheTotals(CacheCounts):
    backend_errors: int


class StrategyRead(BaseModel):
    name: str
    ttl_seconds: int
    purpose: str


class CacheStatsRead(BaseModel):
    totals: CacheTotals
    by_namespace_strategy: list[CacheCountsRow]
    transitions: dict[str, int]
    invalidations: dict[str, int]
    strategies: list[StrategyRead]


class CacheState(BaseModel):
    backend: Literal["redis", "memory"]
    active: Literal["redis", "memory"]
    degraded: bool
    degraded_since: dt.datetime | None
    transitions: dict[str, int]
    pending_invalidations: int


class RedisPing(BaseModel):
    reachable: bool
    ping_ms: float | None = None
    error: str | None = None


class CacheHealthRead(CacheState):
    redis: RedisPing | None = Field(description="null when haken runs without Redis")


class CacheInfoRead(CacheState):
    keys: int
    keys_by_namespace: dict[str, int]
    scan_truncated: bool
    memory_bytes_sampled: int
    memory_sampled_keys: int
    memory_bytes_estimated: int


class InvalidateRequest(InputModel):
    """Exactly one of: ``{"tag"}``, ``{"entity", "id"}``, ``{"pattern"}``."""

    tag: str | None = Field(default=None, max_length=200, pattern=TAG_PATTERN)
    entity: str | None = Field(default=None, pattern=ENTITY_PATTERN)
    id: str | int | None = Field(default=None, description="the entity's id")
    pattern: str | None = Field(
        default=None,
        max_length=200,
        pattern=PATTERN_RE.pattern,
        description="glob over keys after `haken:v1:`, e.g. `identity:user:*`",
    )

    @model_validator(mode="after")
    def _one_form(self) -> InvalidateRequest:
        forms = [self.tag is not None, self.entity is not None, self.pattern is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of tag, entity (with id) or pattern")
        if (self.entity is None) != (self.id is None):
            raise ValueError("entity and id go together")
        if self.id is not None and not re.match(ID_PATTERN, str(self.id)):
            raise ValueError("id may hold only letters, digits and _.@-")
        return self


class InvalidateResult(BaseModel):
    kind: Literal["tag", "pattern"]
    target: str
    deleted_keys: int | None = Field(
        description="keys deleted by a pattern; null for a tag (its entries become stale at once)"
    )


class ClearResult(BaseModel):
    deleted_keys: int


# --- the admin dashboard ----------------------------------------------------------


class JobsState(BaseModel):
    """``job_runs`` by status and the outbox rows not yet accepted by the broker."""

    running: int
    failed: int = Field(description="dead letters released for another try, waiting for it")
    succeeded: int = Field(description="kept for job_record_retention_days, then purged")
    dead: int = Field(description="dead letters: `haken jobs dead` lists them")
    outbox_unsent: int


class DashboardCounts(BaseModel):
    """The figures that cost SQL (three statements), cached with the ``dashboard`` strategy."""

    identity: IdentityActivity
    jobs: JobsState
    database_bytes: int | None = Field(description="null on a database haken cannot size")
    computed_at: dt.datetime


class CodeCount(BaseModel):
    code: str
    count: int


class PolicyCount(BaseModel):
    policy: str
    count: int


class DashboardLive(BaseModel):
    """Read from this server's counters on every request (no SQL): since the server
    started, summed over its processes in multiprocess mode."""

    errors_total: int
    errors_by_code: list[CodeCount]
    rate_limit_refused: int
    rate_limit_refused_by_policy: list[PolicyCount]
    rate_limit_backend: Literal["redis", "memory"]
    rate_limit_degraded: bool
    cache: CacheState
    cache_hits: int
    cache_misses: int
    cache_hit_ratio: float | None


class DashboardRead(BaseModel):
    counts: DashboardCounts
    live: DashboardLive
