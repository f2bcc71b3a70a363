"""Rate limits on every endpoint: named policies, haken's own FastAPI dependency.

Built on ``limits`` (async API). Counters live in Redis in production and in
memory on the embedded default. When Redis fails, a policy either fails open
(counts in this process's memory until Redis is back) or fails closed (login:
refuses with 503 rather than allow an unbounded password guessing window).

Every response carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (added by :class:`RateLimitHeadersMiddleware` from the
decision stored on the request, so error responses carry them too). A refusal
is the error envelope ``RATE_LIMITED`` (429) with ``Retry-After``.
"""

from __future__ import annotations

import functools
import math
import time
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
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haken.platform import metrics
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


class RateLimiterService:
    """Counters with Redis→memory failover; one per process, on ``app.state.rate_limiter``."""

    RETRY_REDIS_AFTER_SECONDS = 5.0

    def __init__(self, redis_url: str = "", *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.memory: Storage = _MemoryStorage()
        self.primary: Storage | None = None
        if redis_url:
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

    def _mark_degraded(self, error: Exception) -> None:
        self._degraded_until = time.monotonic() + self.RETRY_REDIS_AFTER_SECONDS
        if not self.degraded:
            self.degraded = True
            log.warning("rate-limit storage degraded to memory", error=type(error).__name__)

    def _count(self, decision: Decision) -> None:
        outcome = "allowed" if decision.allowed else "refused"
        self.decisions[outcome] += 1
        metrics.ratelimit_decisions_total.labels(decision.policy, outcome).inc()

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


async def enforce(request: Request, policy_name: str, key: str | None = None) -> Decision:
    """Count and enforce ``policy_name`` for this request (``key`` for explicit policies)."""
    policy = POLICIES[policy_name]
    caller = (
        key if policy.key == "explicit" and key is not None else _caller_key(request, policy.key)
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


class RateLimitHeadersMiddleware:
    """Copy the request's rate-limit decision into the response headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision: Decision | None = scope.get("state", {}).get("ratelimit")
                if decision is not None:
                    headers = MutableHeaders(scope=message)
                    headers["RateLimit-Limit"] = str(decision.limit)
                    headers["RateLimit-Remaining"] = str(decision.remaining)
                    headers["RateLimit-Reset"] = str(decision.reset_seconds)
            await send(message)

        await self.app(scope, receive, send_with_headers)
