"""Waiting on background work (in-process jobs, the mail relay) in integration tests.

A fixed count of short sleeps is a hidden time limit that a loaded CI machine can exceed
(the parallel suite shares two cores); a deadline states the limit and keeps the loop bounded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

BACKGROUND_DEADLINE_SECONDS = 60.0


async def eventually(
    condition: Callable[[], bool], what: str, seconds: float = BACKGROUND_DEADLINE_SECONDS
) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        await asyncio.sleep(0.05)
