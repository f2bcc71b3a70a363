"""Employee-number patterns (HAKEN_EMPLOYEE_NUMBER_PATTERN)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from haken.config import Settings
from haken.platform.numbering import NumberPattern, validate_pattern


def test_a_pattern_renders_scopes_and_parses_its_numbers() -> None:
    plain = NumberPattern("E{seq:06d}")
    assert plain.render(42, 2026) == "E000042"
    assert plain.scope(2026) == plain.scope(2027)  # no year: one count
    assert plain.prefix(2026) == "E"
    assert plain.parse("E000042", 2026) == 42
    assert plain.parse("E-42", 2026) is None
    yearly = NumberPattern("{yyyy}-{seq:05d}")
    assert yearly.render(7, 2026) == "2026-00007"
    assert yearly.scope(2026) != yearly.scope(2027)  # a new count each year
    assert yearly.parse("2026-00007", 2026) == 7
    assert yearly.parse("2025-00007", 2026) is None
    suffixed = NumberPattern("H{yy}{seq:04d}X")
    assert suffixed.render(3, 2026) == "H260003X"
    assert suffixed.parse("H260003X", 2026) == 3


@pytest.mark.parametrize("pattern", ["E", "E{id}", "{seq", "{seq:030d}", "{seq}{month}"])
def test_an_invalid_pattern_is_refused_at_start(pattern: str) -> None:
    with pytest.raises(ValueError):
        validate_pattern(pattern)
    with pytest.raises(ValidationError):
        Settings(employee_number_pattern=pattern)


def test_the_default_pattern() -> None:
    assert Settings().employee_number_pattern == "E{seq:06d}"
