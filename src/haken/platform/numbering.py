"""Record numbers from an agency-configured pattern (社員番号: ``HAKEN_EMPLOYEE_NUMBER_PATTERN``).

A pattern is a Python format string with ``{seq}`` (required, e.g. ``{seq:06d}``) and
optionally ``{yyyy}`` / ``{yy}`` (the year of the record's date, e.g. the hire date):
``E{seq:06d}`` → ``E000042``; ``{yyyy}-{seq:05d}`` → ``2026-00042``. The counter is kept per
*scope*: the pattern with the year filled in and the sequence left out, so a pattern with a
year starts again at 1 each year. The caller keeps the counters (a row per scope, locked
while it is advanced) and skips numbers already taken by hand.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

ALLOWED_FIELDS = frozenset({"seq", "yyyy", "yy"})
MAX_LENGTH = 20
"""``employees.employee_number`` is ``String(20)``."""
MAX_PATTERN_LENGTH = 60
"""The counters' scope column."""


def validate_pattern(pattern: str) -> str:
    """The pattern, or ValueError when it lacks ``{seq}``, names another field, or renders
    longer than ``MAX_LENGTH`` for a six-digit sequence."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as error:
        raise ValueError(f"invalid number pattern {pattern!r}: {error}") from error
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"the number pattern is longer than {MAX_PATTERN_LENGTH} characters")
    if "seq" not in fields:
        raise ValueError(f"the number pattern {pattern!r} must contain {{seq}}")
    unknown = set(fields) - ALLOWED_FIELDS
    if unknown:
        raise ValueError(f"the number pattern may use only {{seq}}, {{yyyy}}, {{yy}}: {unknown}")
    try:
        sample = NumberPattern(pattern).render(999_999, 2026)
    except (ValueError, TypeError) as error:
        raise ValueError(f"invalid number pattern {pattern!r}: {error}") from error
    if len(sample) > MAX_LENGTH:
        raise ValueError(f"the number pattern renders longer than {MAX_LENGTH} characters")
    return pattern


@dataclass(frozen=True)
class NumberPattern:
    pattern: str

    def render(self, seq: int, year: int) -> str:
        return self.pattern.format(seq=seq, yyyy=f"{year:04d}", yy=f"{year % 100:02d}")

    def scope(self, year: int) -> str:
        """The counter's key: the pattern with the year filled in (the sequence left as is)."""
        return self.pattern.replace("{yyyy}", f"{year:04d}").replace("{yy}", f"{year % 100:02d}")

    def prefix(self, year: int) -> str:
        """The literal text before the sequence (for a LIKE range over existing numbers)."""
        head = self.pattern.split("{seq", 1)[0]
        return head.replace("{yyyy}", f"{year:04d}").replace("{yy}", f"{year % 100:02d}")

    def parse(self, number: str, year: int) -> int | None:
        """The sequence of a number this pattern made in ``year``, or None."""
        parts = re.split(r"(\{seq[^}]*\})", self.pattern, maxsplit=1)
        before, after = parts[0], parts[2] if len(parts) > 2 else ""

        def literal(text: str) -> str:
            text = text.replace("{yyyy}", f"{year:04d}").replace("{yy}", f"{year % 100:02d}")
            return re.escape(text.replace("{{", "{").replace("}}", "}"))

        match = re.fullmatch(f"{literal(before)}(\\d+){literal(after)}", number)
        return int(match.group(1)) if match else None
