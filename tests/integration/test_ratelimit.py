"""Rate limits against a real Redis: shared across workers, failing open or closed."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis

from haken.app import create_app
from haken.platform.ratelimit import (
    POLICIES,
    RateLimitedError,
    RateLimiterService,
    RateLimitUnavailableError,
    enforce,
)
from tests.conftest import REDIS_URL, make_settings, require_service, truncate_all

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


async def test_two_workers_share_one_counter(redis_url: str) -> None:
    first, second = RateLimiterService(redis_url), RateLimiterService(redis_url)
    policy = POLICIES["login_account"]  # 10 per minute
    decisions = [await (first if i % 2 else second).hit(policy, "acct:a") for i in range(11)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False]
    assert decisions[9].remaining == 0
    assert first.state()["backend"] == "redis"
    other = await first.hit(policy, "acct:b")
    assert other.allowed and other.remaining == 9


async def test_ordinary_policies_fail_open_to_memory() -> None:
    service = RateLimiterService(UNREACHABLE_REDIS)
    decision = await service.hit(POLICIES["default"], "ip:1")
    assert decision.allowed
    assert service.state()["degraded"] is True
    assert service.state()["decisions"]["fallback"] == 1


async def test_login_policies_fail_closed() -> None:
    service = RateLimiterService(UNREACHABLE_REDIS)
    with pytest.raises(RateLimitUnavailableError):
        await service.hit(POLICIES["login_account"], "acct:a")


async def test_disabled_limiter_never_refuses() -> None:
    service = RateLimiterService("", enabled=False)
    for _ in range(30):
        assert (await service.hit(POLICIES["login_account"], "acct:a")).allowed


async def test_unknown_policy_is_a_programming_error() -> None:
    from haken.platform.ratelimit import RateLimit

    with pytest.raises(KeyError):
        RateLimit("no-such-policy")


async def test_enforce_raises_429_with_retry_after() -> None:
    class FakeRequest:
        def __init__(self, app: Any) -> None:
            self.app = app
            self.scope: dict[str, Any] = {"client": ("10.1.1.1", 1), "headers": [], "state": {}}

    class FakeApp:
        class state:  # noqa: N801 (mirrors Starlette's app.state)
            rate_limiter = RateLimiterService("")
            settings = make_settings("sqlite+aiosqlite:///:memory:", Path("/tmp"))

    request = FakeRequest(FakeApp())
    for _ in range(10):
        await enforce(request, "login_account", key="acct")  # type: ignore[arg-type]
    with pytest.raises(RateLimitedError) as caught:
        await enforce(request, "login_account", key="acct")  # type: ignore[arg-type]
    assert caught.value.status_code == 429
    assert int(caught.value.headers["Retry-After"]) >= 1


async def test_app_with_redis_limits_login_and_sets_headers(
    redis_url: str, database_url: str, tmp_path: Path
) -> None:
    application = create_app(make_settings(database_url, tmp_path, redis_url=redis_url))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            health = await http.get("/api/ready")
            assert health.status_code == 200
            statuses = []
            for _ in range(11):
                response = await http.post(
                    "/api/auth/login", json={"email": "nobody@test.example", "password": "x" * 12}
                )
                statuses.append(response.status_code)
            # The account lockout answers an unknown address like a real one (401 ×5,
            # then 423); the per-account rate limit still counts every attempt.
            assert statuses[:10] == [401] * 5 + [423] * 5
            assert statuses[10] == 429
            assert response.json()["error"]["code"] == "RATE_LIMITED"
            assert int(response.headers["retry-after"]) >= 1
            assert response.headers["ratelimit-limit"] in {"10", "20"}
        await truncate_all(application)


async def test_one_script_counts_on_the_keys_and_arithmetic_of_limits(redis_url: str) -> None:
    """The sliding window's hit and window in one round trip (issue 21 item 2) share
    ``limits``' keys and arithmetic: each sees the other's counts, and a refusal is one."""
    from limits.aio.strategies import SlidingWindowCounterRateLimiter

    from haken.platform.ratelimit import RateLimitPolicy

    service = RateLimiterService(redis_url)
    caller = f"user:{uuid.uuid4().hex}"  # no count left by another test in this minute
    # The window is the clock's minute: the previous minute's count weighs on the next one,
    # so a run across the boundary would see other numbers. Start clear of it.
    if time.time() % 60 > 55:
        await asyncio.sleep(60.5 - time.time() % 60)
    try:
        policy = POLICIES["default"]  # 600 per minute
        for _ in range(5):
            decision = await service.hit(policy, caller)
        assert (decision.allowed, decision.remaining, decision.limit) == (True, 595, 600)
        assert service.primary is not None
        theirs = SlidingWindowCounterRateLimiter(service.primary)
        assert (await theirs.get_window_stats(policy.item, policy.name, caller)).remaining == 595
        assert await theirs.hit(policy.item, policy.name, caller)
        assert (await service.hit(policy, caller)).remaining == 593
        tight = RateLimitPolicy("tight", "3/minute")
        decisions = [await service.hit(tight, caller) for _ in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert decisions[-1].remaining == 0 and decisions[-1].reset_seconds >= 1
    finally:
        await service.close()
