"""Waiting on background work (in-process jobs, the mail relay) in integration tests.

A fixed count of short sleeps is a hidden time limit that a loaded CI machine can exceed
(the parallel suite shares two cores); a deadline states the limit and keeps the loop bounded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

BACKGROUND_DEADLINE_SECONDS = 60.0
# Polls back off from 50 ms to half a second: a brisk 50 ms loop spends the per-user limit of
# 600 requests a minute within about 30 s, and a job on a loaded CI machine took that long
# (the next poll was answered 429 and read as a malformed answer).
FIRST_POLL_SECONDS = 0.05
LAST_POLL_SECONDS = 0.5


async def eventually(
    condition: Callable[[], bool], what: str, seconds: float = BACKGROUND_DEADLINE_SECONDS
) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        await asyncio.sleep(0.05)


async def poll(
    fetch: Callable[[], Awaitable[httpx.Response]],
    done: Callable[[httpx.Response], bool],
    what: str,
    seconds: float = BACKGROUND_DEADLINE_SECONDS,
) -> httpx.Response:
    """Request ``fetch()`` until ``done(response)``; fail at once on an answer other than 200
    (with its body) and after ``seconds`` naming ``what`` and the last answer."""
    deadline = time.monotonic() + seconds
    pause = FIRST_POLL_SECONDS
    while True:
        response = await fetch()
        assert response.status_code == 200, (
            f"polling {what}: {response.status_code} {response.text}"
        )
        if done(response):
            return response
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {seconds:g} s waiting for {what}: {response.text}"
            )
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, LAST_POLL_SECONDS)
