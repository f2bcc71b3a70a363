from __future__ import annotations

import os
import re

import pytest

from haken.platform.context import accept_request_id, negotiate_locale, new_request_id
from haken.platform.logging import redact_text


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


def test_new_request_ids_are_unique_hex_and_never_read_as_a_number() -> None:
    ids = [new_request_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) and not i.isdigit() for i in ids)
    assert redact_text(f"request {ids[0]}") == f"request {ids[0]}"


def test_a_forked_process_takes_a_prefix_of_its_own() -> None:
    read, write = os.pipe()
    parent = new_request_id()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.waitpid(child, 0)
    forked = os.read(read, 64).decode()
    os.close(read)
    os.close(write)
    assert forked[:16] != parent[:16]
