"""Lenient query parameters of pages: a link or bookmark with a stale value still opens the page.

The API is strict (an unknown ``sort`` is a 422 with the allowed values); a page is what a
person opens from a link, an old bookmark or a hand-edited address. A filter or sort value
the page does not know is ignored (the default applies) instead of a bare 422 page, and a
parent id that is missing or not a number is reported as ``None`` so that the route can
send the person to where it is chosen (see docs/architecture.md, "Web UI").
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def choice(kind: type[E], raw: str | None, default: E | None = None) -> E | None:
    """The member of ``kind`` whose value is ``raw``; ``default`` for an empty or unknown one."""
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        return default


def record_id(raw: str | None) -> int | None:
    """A positive record id, or ``None`` when ``raw`` is missing or not one."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    number = int(raw)
    return number if 1 <= number < 2**63 else None
