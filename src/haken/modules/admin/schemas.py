"""Pydantic shapes of the admin API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

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
