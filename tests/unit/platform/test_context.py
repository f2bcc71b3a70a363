from __future__ import annotations

import pytest

from haken.platform.context import accept_request_id, negotiate_locale


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ja"),
        ("", "ja"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5, ja;q=0.8", "ja"),
        ("fr-FR, de", "ja"),
        ("en;q=0, ja;q=0.1", "ja"),
        ("EN-gb", "en"),
        ("ja;q=abc, en;q=0.3", "en"),
    ],
)
def test_negotiate_locale(header: str | None, expected: str) -> None:
    assert negotiate_locale(header) == expected


def test_well_formed_request_id_is_kept() -> None:
    assert accept_request_id("abc-12345.trace:1") == "abc-12345.trace:1"


@pytest.mark.parametrize(
    "bad", [None, "", "short", "has space 123456", "x" * 200, "新しいID12345678", "a\nb12345678"]
)
def test_malformed_request_id_is_replaced(bad: str | None) -> None:
    replaced = accept_request_id(bad)
    assert replaced != bad
    assert len(replaced) == 32
