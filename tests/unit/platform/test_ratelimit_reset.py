"""``RateLimit-Reset`` and ``Retry-After`` of a sliding-window decision (``sliding_decision``).

CI caught ``reset_seconds == 0`` on a refusal: the window's key had been set in the same
millisecond, so its TTL was exactly two windows and the remainder of the division exactly 0,
which told the client to retry at once although the window had only begun.
"""

from __future__ import annotations

from haken.platform.ratelimit import RateLimitPolicy, sliding_decision

TIGHT = RateLimitPolicy("tight", "3/minute")


def test_a_window_begun_this_millisecond_resets_after_a_whole_window() -> None:
    # {acquired, previous count, previous ms left, current count, current ms left}
    decision = sliding_decision(TIGHT, [0, 0, 0, 3, 120_000])
    assert (decision.allowed, decision.remaining, decision.reset_seconds) == (False, 0, 60)


def test_a_window_under_way_resets_at_its_boundary() -> None:
    decision = sliding_decision(TIGHT, [0, 0, 0, 3, 95_500])  # 35.5 s before its boundary
    assert (decision.remaining, decision.reset_seconds) == (0, 36)


def test_the_previous_window_frees_one_call_per_step() -> None:
    # 3 calls last minute, 30 s of it still weighing: one frees every 20 s; 10 s to the next.
    decision = sliding_decision(TIGHT, [0, 3, 30_000, 0, 0])
    assert decision.reset_seconds == 10
    # Exactly on a step: a whole step (20 s) remains, never 0.
    assert sliding_decision(TIGHT, [0, 3, 40_000, 0, 0]).reset_seconds == 20
