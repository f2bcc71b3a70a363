"""The in-memory rate-limit storage survives a reset while its expiry task is mid-way.

CI saw "Task exception was never retrieved … KeyError('LIMITER/login_account/…')": the
storage's expiry task had listed the moving-window keys and was awaiting its thread for
the first one when a reset emptied them, so the second key was gone when it got there.
"""

from __future__ import annotations

import asyncio

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from haken.platform.ratelimit import RateLimiterService, _MemoryStorage


async def _reset_while_expiry_runs(storage: MemoryStorage) -> asyncio.Task[None]:
    limiter = MovingWindowRateLimiter(storage)
    item = parse("5/minute")
    await limiter.hit(item, "login_account", "a@example.test")
    await limiter.hit(item, "login_account", "b@example.test")
    expiry = storage.timer
    assert expiry is not None
    await asyncio.sleep(0)  # the task lists both keys and awaits its thread for the first
    await storage.reset()
    await asyncio.wait({expiry}, timeout=5)
    return expiry


async def test_the_library_storage_loses_its_expiry_task_to_a_reset() -> None:
    """The defect itself, so this test notices when ``limits`` fixes it upstream."""
    expiry = await _reset_while_expiry_runs(MemoryStorage())
    assert expiry.done()
    assert isinstance(expiry.exception(), KeyError)


async def test_haken_storage_stops_its_expiry_task_before_a_reset() -> None:
    storage = _MemoryStorage()
    expiry = await _reset_while_expiry_runs(storage)
    assert expiry.done()
    assert expiry.cancelled() or expiry.exception() is None
    # The storage keeps working: a later hit counts from zero and schedules a new task.
    limiter = MovingWindowRateLimiter(storage)
    item = parse("1/minute")
    assert await limiter.hit(item, "login_account", "a@example.test")
    assert not await limiter.hit(item, "login_account", "a@example.test")
    assert storage.timer is not None and storage.timer is not expiry


async def test_the_service_counts_in_memory_with_haken_storage() -> None:
    assert isinstance(RateLimiterService("").memory, _MemoryStorage)
