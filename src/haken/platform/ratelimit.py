"""Rate limits on every endpoint: named policies, haken's own FastAPI dependency.

Built on ``limits`` (async API). Counters live in Redis in production and in
memory on the embedded default. When Redis fails, a policy either fails open
(counts in this process's memory until Redis is back) or fails closed (login:
refuses with 503 rather than allow an unbounded password guessing window).

Every response carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (added by ``platform/front.py`` from the
decision stored on the request, so error responses carry them too). A refusal
is the error envelope ``RATE_LIMITED`` (429) with ``Retry-After``.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.storage import storage_from_string
from redis.asyncio import Redis

from haken.platform import metrics
from haken.platform.cache import active_cache
from haken.platform.errors import HakenError, ServiceUnavailableError
from haken.platform.logging import get_logger
from haken.platform.middleware import client_address

log = get_logger(__name__)


class RateLimitedError(HakenError):
    code = "RATE_LIMITED"
    status_code = 429
    message_en = "Too many requests; retry after {retry_after} seconds."
    message_ja = "リクエストが多すぎます。{retry_after} 秒後に再度お試しください。"


class RateLimitUnavailableError(ServiceUnavailableError):
    code = "RATE_LIMIT_UNAVAILABLE"
    message_en = "Sign-in is temporarily unavailable; try again shortly."
    message_ja = "一時的にログインできません。しばらくしてから再度お試しください。"


KeyKind = Literal["user_or_ip", "ip", "explicit"]


@dataclass(frozen=True)
class RateLimitPolicy:
    name: str
    limit: str
    key: KeyKind = "user_or_ip"
    strategy: Literal["sliding", "moving"] = "sliding"
    fail_closed: bool = False
    purpose: str = ""

    @functools.cached_property
    def item(self) -> RateLimitItem:
        return parse(self.limit)  # parsed once: this runs on every request


# The one table of policies. Limits are per key (a user, else a client address).
POLICIES: dict[str, RateLimitPolicy] = {
    policy.name: policy
    for policy in (
        RateLimitPolicy(
            "default", "600/minute", purpose="every read and ordinary write, per user or address"
        ),
        RateLimitPolicy(
            "auth",
            "30/minute",
            key="ip",
            fail_closed=True,
            purpose="token refresh, password reset and other anonymous auth calls, per address",
        ),
        RateLimitPolicy(
            "login_address",
            "20/minute",
            key="ip",
            strategy="moving",
            fail_closed=True,
            purpose="login attempts from one client address",
        ),
        RateLimitPolicy(
            "login_account",
            "10/minute",
            key="explicit",
            strategy="moving",
            fail_closed=True,
            purpose="login attempts against one account, from anywhere",
        ),
        RateLimitPolicy(
            "expensive",
            "20/minute",
            purpose="exports, imports, payroll runs: work that costs seconds",
        ),
        RateLimitPolicy("admin", "120/minute", purpose="cache and system administration, per user"),
        RateLimitPolicy(
            "telemetry", "120/minute", key="ip", purpose="web-vitals beacons from pages"
        ),
    )
}


class _MemoryStorage(MemoryStorage):
    """``limits``' memory storage, made safe to reset while its expiry task runs.

    The storage's background expiry task lists the moving-window keys, then awaits a
    thread per key; a ``reset`` or ``clear`` in between (an admin reset, a test that
    looks past a limit) made it read a key that was gone, and the task died with a
    ``KeyError`` that asyncio logs as "Task exception was never retrieved". Stopping
    the task first is harmless: the next hit schedules a new one.
    """

    def _stop_expiry(self) -> None:
        if self.timer is not None and not self.timer.done():
            self.timer.cancel()

    async def reset(self) -> int | None:
        self._stop_expiry()
        return await super().reset()

    async def clear(self, key: str) -> None:
        self._stop_expiry()
        await super().clear(key)


@dataclass
class Decision:
    policy: str
    limit: int
    remaining: int
    reset_seconds: int
    allowed: bool


# ``limits``' sliding window counter on Redis in one round trip (issue 21 item 2): its hit
# (acquire_sliding_window.lua) and its window (sliding_window.lua) were two scripts, so two
# round trips per request. Same keys, same arithmetic, so ``limits``' own reset and the
# memory fallback agree with it. KEYS: the previous and the current window; ARGV: the limit,
# the window's seconds, the cost. Replies {acquired, previous count, previous ms left,
# current count, current ms left}.
SLIDING_HIT_SCRIPT = """
local limit = tonumber(ARGV[1])
local expiry = tonumber(ARGV[2]) * 1000
local amount = tonumber(ARGV[3])
local current_ttl = tonumber(redis.call('pttl', KEYS[2]))
if current_ttl > 0 and current_ttl < expiry then
  redis.call('rename', KEYS[2], KEYS[1])
  redis.call('set', KEYS[2], 0, 'PX', current_ttl + expiry)
end
local previous_count = tonumber(redis.call('get', KEYS[1])) or 0
local previous_ttl = tonumber(redis.call('pttl', KEYS[1])) or 0
local current_count = tonumber(redis.call('get', KEYS[2])) or 0
current_ttl = tonumber(redis.call('pttl', KEYS[2])) or 0
if previous_ttl <= 0 then previous_ttl = 0 end
if current_ttl <= 0 then current_ttl = 0 end
local acquired = 0
local weighted = math.floor(previous_count * previous_ttl / expiry) + current_count
if amount <= limit and weighted + amount <= limit then
  if redis.call('exists', KEYS[2]) == 1 then
    current_count = redis.call('incrby', KEYS[2], amount)
  else
    redis.call('set', KEYS[2], amount, 'PX', expiry * 2)
    current_count = amount
  end
  current_ttl = tonumber(redis.call('pttl', KEYS[2]))
  acquired = 1
end
return {acquired, previous_count, previous_ttl, current_count, current_ttl}
"""
# ``limits``' key prefix on Redis (its ``reset`` deletes ``LIMITS:*``).
LIMITS_PREFIX = "LIMITS"
# Decisions counted ahead for this request (the edge's or the first limit's pipeline, with
# the principal's read): ``enforce`` takes them instead of counting again.
_AHEAD = "ratelimit_ahead"
_TRIED = "ratelimit_ahead_tried"


def sliding_keys(policy: RateLimitPolicy, key: str) -> list[str]:
    """The previous and the current window's keys, as ``limits`` names them."""
    current = f"{LIMITS_PREFIX}:{{{policy.item.key_for(policy.name, key)}}}"
    return [current + "/-1", current]


def sliding_decision(policy: RateLimitPolicy, reply: Sequence[Any]) -> Decision:
    """A :data:`SLIDING_HIT_SCRIPT` reply as ``limits``' ``get_window_stats`` would say it."""
    acquired, previous_count, previous_ms, current_count, current_ms = (int(v) for v in reply)
    item = policy.item
    expiry = item.get_expiry()
    previous_in, current_in = max(0, previous_ms) / 1000, max(0, current_ms) / 1000
    weighted = previous_count * previous_in / expiry + current_count
    remaining = max(0, item.amount - math.floor(weighted))
    reset = 0.0
    if previous_count or current_count:
        # A remainder of exactly 0 is a boundary just begun (a key set this millisecond has
        # a TTL of exactly two windows): a whole step remains, not none. ``Retry-After: 0``
        # on a refusal told the client to retry at once.
        step = expiry / previous_count if previous_count else math.inf
        reset = min(
            (previous_in % step or step) if previous_count else math.inf,
            (current_in % expiry or expiry) if current_count else math.inf,
        )
    return Decision(policy.name, item.amount, remaining, max(0, math.ceil(reset)), bool(acquired))


class RateLimiterService:
    """Counters with Redis→memory failover; one per process, on ``app.state.rate_limiter``."""

    RETRY_REDIS_AFTER_SECONDS = 5.0

    def __init__(self, redis_url: str = "", *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.memory: Storage = _MemoryStorage()
        self.primary: Storage | None = None
        self.redis_url = redis_url
        # The sliding-window policies count with one script of our own on this client
        # (SLIDING_HIT_SCRIPT); ``limits``' storage keeps the moving window and the reset.
        self.redis: Redis | None = None
        if redis_url:
            self.redis = Redis.from_url(
                redis_url.removeprefix("async+"),
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
                client_name="haken-ratelimit",
            )
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            storage = storage_from_string(
                uri,
                implementation="redispy",  # redis-py is already a dependency; coredis is not
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
            )
            assert isinstance(storage, Storage)
            self.primary = storage
        self._degraded_until = 0.0
        self.degraded = False
        self.decisions = {"allowed": 0, "refused": 0, "fallback": 0}

    def _limiter(self, storage: Storage, policy: RateLimitPolicy) -> RateLimiter:
        if policy.strategy == "moving":
            return MovingWindowRateLimiter(storage)
        return SlidingWindowCounterRateLimiter(storage)

    async def _hit(self, storage: Storage, policy: RateLimitPolicy, key: str) -> Decision:
        if storage is self.primary and self.redis is not None and policy.strategy == "sliding":
            keys = sliding_keys(policy, key)
            reply = await self.redis.eval(
                SLIDING_HIT_SCRIPT, 2, *keys, policy.item.amount, policy.item.get_expiry(), 1
            )
            return sliding_decision(policy, reply)
        limiter = self._limiter(storage, policy)
        item = policy.item
        allowed = await limiter.hit(item, policy.name, key)
        stats = await limiter.get_window_stats(item, policy.name, key)
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(policy.name, item.amount, max(0, stats.remaining), reset, allowed)

    async def hit(self, policy: RateLimitPolicy, key: str) -> Decision:
        """Count one call of ``key`` under ``policy`` and say whether it may proceed."""
        if not self.enabled:
            return Decision(policy.name, policy.item.amount, policy.item.amount, 0, True)
        use_primary = self.primary is not None and time.monotonic() >= self._degraded_until
        if use_primary:
            assert self.primary is not None
            try:
                decision = await self._hit(self.primary, policy, key)
                if self.degraded:
                    self.degraded = False
                    log.warning("rate-limit storage recovered", backend="redis")
                self._count(decision)
                return decision
            except Exception as error:  # any storage failure: decide by the policy
                self._mark_degraded(error)
        if self.primary is not None and policy.fail_closed:
            metrics.ratelimit_fallbacks_total.labels(policy.name, "closed").inc()
            raise RateLimitUnavailableError()
        if self.primary is not None:
            self.decisions["fallback"] += 1
            metrics.ratelimit_fallbacks_total.labels(policy.name, "open").inc()
        decision = await self._hit(self.memory, policy, key)
        self._count(decision)
        return decision

    def ahead(self, policy: RateLimitPolicy, key: str) -> tuple[str, list[str], list[Any]] | None:
        """The script that counts ``key`` under ``policy`` on Redis, for a caller to send with
        its own commands in one round trip (:func:`count_ahead`); None when this count must
        take the usual way (memory, degraded, a moving window)."""
        if (
            not self.enabled
            or self.redis is None
            or policy.strategy != "sliding"
            or time.monotonic() < self._degraded_until
        ):
            return None
        item = policy.item
        return SLIDING_HIT_SCRIPT, sliding_keys(policy, key), [item.amount, item.get_expiry(), 1]

    def counted_ahead(self, policy: RateLimitPolicy, reply: Sequence[Any]) -> Decision:
        """The decision of a script sent by :meth:`ahead`, counted as :meth:`hit` counts."""
        decision = sliding_decision(policy, reply)
        if self.degraded:
            self.degraded = False
            log.warning("rate-limit storage recovered", backend="redis")
        self._count(decision)
        return decision

    async def close(self) -> None:
        if self.redis is not None:
            try:
                await self.redis.aclose()
            except Exception:  # closing a client of a Redis that is gone
                log.warning("rate-limit redis close failed")

    def _mark_degraded(self, error: Exception) -> None:
        self._degraded_until = time.monotonic() + self.RETRY_REDIS_AFTER_SECONDS
        if not self.degraded:
            self.degraded = True
            log.warning("rate-limit storage degraded to memory", error=type(error).__name__)

    def _count(self, decision: Decision) -> None:
        outcome = "allowed" if decision.allowed else "refused"
        self.decisions[outcome] += 1
        metrics.child(metrics.ratelimit_decisions_total, decision.policy, outcome).inc()

    async def reset(self) -> None:
        await self.memory.reset()
        if self.primary is not None:
            try:
                await self.primary.reset()
            except Exception:
                log.warning("rate-limit reset of redis failed")

    def state(self) -> dict[str, Any]:
        return {
            "backend": "redis" if self.primary is not None else "memory",
            "degraded": self.degraded,
            "decisions": dict(self.decisions),
        }


def _service(request: Request) -> RateLimiterService:
    service: RateLimiterService = request.app.state.rate_limiter
    return service


def _caller_key(request: Request, kind: KeyKind) -> str:
    if kind == "user_or_ip":
        identify = getattr(request.app.state, "rate_limit_identity", None)
        user_key = identify(request) if identify is not None else None
        if user_key:
            return str(user_key)
    settings = request.app.state.settings
    return "ip:" + client_address(request.scope, settings.trusted_proxies)


def _remember(request: Request, decision: Decision) -> None:
    """Keep the tightest decision of this request for the response headers."""
    previous: Decision | None = request.scope.setdefault("state", {}).get("ratelimit")
    if previous is None or decision.remaining / max(decision.limit, 1) <= previous.remaining / max(
        previous.limit, 1
    ):
        request.scope["state"]["ratelimit"] = decision


async def count_ahead(
    request: Request,
    policy_names: Sequence[str],
    reads: Sequence[tuple[str | None, Sequence[str]]] = (),
) -> list[Any] | None:
    """Count this request's limits *and* make ``reads`` of the cache in one Redis round trip
    (issue 21 item 2): the edge's, and every request's first limit, which adds the read of
    the caller's principal (``app.state.principal_read_ahead``). The decisions wait in the
    request for :func:`enforce`, which then counts nothing again; refusals are raised there,
    in the route's order, as before. Whatever cannot ride along (another Redis, a moving
    window, the limiter or the cache degraded, an error of either) takes its usual way with
    its usual failover: a fail-closed policy still refuses while its Redis is down.

    Returns the results of ``reads`` (None each when not read), or None when nothing was sent.
    """
    service = _service(request)
    cache = active_cache()
    if cache is None or not cache.redis_url:
        return None
    planned: list[tuple[RateLimitPolicy, tuple[str, list[str], list[Any]]]] = []
    for name in policy_names:
        policy = POLICIES[name]
        if policy.key == "explicit" or cache.redis_url != service.redis_url:
            continue  # counted the usual way (explicit keys; counters on another store)
        script = service.ahead(policy, _caller_key(request, policy.key))
        if script is not None:
            planned.append((policy, script))
    if not planned and not reads:
        return None
    outcome = await cache.batch(reads, [script for _, script in planned])
    if outcome is None:
        return None
    results, replies = outcome
    ahead: dict[str, list[Decision]] = request.scope.setdefault("state", {}).setdefault(_AHEAD, {})
    for (policy, _), reply in zip(planned, replies, strict=True):
        if not isinstance(reply, Exception):
            ahead.setdefault(policy.name, []).append(service.counted_ahead(policy, reply))
    return list(results)


def principal_read(request: Request) -> tuple[str, Sequence[str]] | None:
    """The cache read of the caller's principal (key, tags) when it is not resolved yet and
    the request carries a validly signed token; None otherwise."""
    state = request.scope.get("state", {})
    if "principal" in state:
        return None
    hook = getattr(request.app.state, "principal_read_ahead", None)
    read: tuple[str, Sequence[str]] | None = hook(request) if hook is not None else None
    return read


def tried_ahead(request: Request) -> bool:
    """Whether this request has had its one :func:`count_ahead` (and marks that it has)."""
    state = request.scope.setdefault("state", {})
    tried = bool(state.get(_TRIED))
    state[_TRIED] = True
    return tried


def _counted_ahead(request: Request, policy: RateLimitPolicy) -> Decision | None:
    ahead: dict[str, list[Decision]] | None = request.scope.get("state", {}).get(_AHEAD)
    if ahead and ahead.get(policy.name):
        return ahead[policy.name].pop(0)
    return None


async def enforce(request: Request, policy_name: str, key: str | None = None) -> Decision:
    """Count and enforce ``policy_name`` for this request (``key`` for explicit policies)."""
    policy = POLICIES[policy_name]
    decision = None if policy.key == "explicit" else _counted_ahead(request, policy)
    if decision is None:
        caller = (
            key
            if policy.key == "explicit" and key is not None
            else _caller_key(request, policy.key)
        )
        decision = await _service(request).hit(policy, caller)
    _remember(request, decision)
    if not decision.allowed:
        retry_after = max(1, decision.reset_seconds)
        raise RateLimitedError(retry_after=retry_after, headers={"Retry-After": str(retry_after)})
    return decision


class RateLimit:
    """The dependency a route declares: ``Depends(RateLimit("default"))``."""

    def __init__(self, policy_name: str) -> None:
        if policy_name not in POLICIES:
            raise KeyError(f"unknown rate-limit policy {policy_name}")
        self.policy_name = policy_name

    def describe(self) -> str:
        return self.policy_name

    def refusals(self) -> tuple[type[HakenError], ...]:
        """429 when over the limit; 503 when a fail-closed policy cannot count."""
        if POLICIES[self.policy_name].fail_closed:
            return (RateLimitedError, RateLimitUnavailableError)
        return (RateLimitedError,)

    async def __call__(self, request: Request) -> None:
        if not tried_ahead(request):  # the request's first limit: with the principal's read
            read = principal_read(request)
            await count_ahead(request, [self.policy_name], [read] if read else [])
        await enforce(request, self.policy_name)


class _Exempt:
    """Explicit exemption (health, readiness, metrics): probes must never be refused."""

    policy_name = "exempt"

    def describe(self) -> str:
        return "exempt"

    async def __call__(self) -> None:
        return None


default_limit = RateLimit("default")
auth_limit = RateLimit("auth")
login_limit = RateLimit("login_address")
expensive_limit = RateLimit("expensive")
admin_limit = RateLimit("admin")
telemetry_limit = RateLimit("telemetry")
exempt = _Exempt()

DefaultRateLimit = Annotated[None, Depends(default_limit)]
AuthRateLimit = Annotated[None, Depends(auth_limit)]
LoginRateLimit = Annotated[None, Depends(login_limit)]
ExpensiveRateLimit = Annotated[None, Depends(expensive_limit)]
AdminRateLimit = Annotated[None, Depends(admin_limit)]
TelemetryRateLimit = Annotated[None, Depends(telemetry_limit)]
RateLimitExempt = Annotated[None, Depends(exempt)]


def decision_headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    """``RateLimit-Limit``, ``-Remaining`` and ``-Reset`` of a decision, as raw headers
    (``platform/front.py`` adds them to every response of a counted request)."""
    return [
        (b"ratelimit-limit", str(decision.limit).encode()),
        (b"ratelimit-remaining", str(decision.remaining).encode()),
        (b"ratelimit-reset", str(decision.reset_seconds).encode()),
    ]
