"""PII never reaches a log sink: keys, values, nesting, stdlib and uvicorn records."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
import structlog

from haken.platform import context
from haken.platform.logging import (
    REDACTED,
    access_line,
    configure_logging,
    get_logger,
    redact,
    redact_text,
)


@pytest.fixture
def captured() -> io.StringIO:
    configure_logging("INFO", json_output=True)
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "haken")
    original = handler.stream  # type: ignore[attr-defined]
    handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    handler.setStream(original)  # type: ignore[attr-defined]


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_sensitive_keys_are_redacted_at_any_depth() -> None:
    data = {
        "employee": {
            "my_number": "123456789018",
            "contact": {"phone": "090-1234-5678", "email": "taro@example.jp"},
            "bank_account": {"number": "1234567"},
            "birth_date": "1990-01-01",
            "name": "山田太郎",
        },
        "items": [{"residence_card_number": "AB12345678CD"}, {"password": "hunter2hunter2"}],
        "token_type": "bearer",
    }
    cleaned = redact(data)
    employee = cleaned["employee"]
    assert employee["my_number"] == REDACTED
    assert employee["contact"]["phone"] == REDACTED
    assert employee["contact"]["email"] == REDACTED
    assert employee["bank_account"] == REDACTED
    assert employee["birth_date"] == REDACTED
    assert employee["name"] == "山田太郎"
    assert cleaned["items"][0]["residence_card_number"] == REDACTED
    assert cleaned["items"][1]["password"] == REDACTED
    assert cleaned["token_type"] == "bearer"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my number is 1234 5678 9018 ok", "1234 5678 9018"),
        ("card AB12345678CD expired", "AB12345678CD"),
        ("mail taro.yamada@example.co.jp now", "taro.yamada@example.co.jp"),
        ("call 090-1234-5678 please", "090-1234-5678"),
        ("call 09012345678 please", "09012345678"),
        ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbGciOiJIUzI1NiJ9"),
    ],
)
def test_values_that_look_like_pii_are_redacted(text: str, secret: str) -> None:
    cleaned = redact_text(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_ordinary_numbers_survive() -> None:
    assert redact_text("took 1234 ms for 50 rows") == "took 1234 ms for 50 rows"


@pytest.mark.parametrize(
    "text",
    [
        "ref 1234567890185 end",  # a My Number run into a 13th digit
        "ref 91234567890189 end",  # … or two more
        "file_1234_5678_9018.pdf",  # underscores
        "no 1234.5678.9018 ok",  # dots
        "no 1234-5678-9018 ok",
        "abc123456789018xyz",  # glued to letters
        "番号１２３４５６７８９０１８です",  # full-width digits
        "番号1234－5678－9018",  # full-width hyphen
        "法人番号 1234567890123",  # a corporate number (13)
    ],
)
def test_long_digit_runs_are_redacted_whatever_joins_them(text: str) -> None:
    cleaned = redact_text(text)
    assert REDACTED in cleaned
    digits = [c for c in cleaned if c.isdigit()]
    assert len(digits) < 12, cleaned


def test_digit_runs_under_twelve_and_identifiers_stay_readable() -> None:
    for text in [
        "at 2026-12-01T10:00:00.123456+00:00 done",  # ISO timestamp
        "2026-12-01 10:00:00",
        "request 0123456789abcdef0123456789abcdef",  # uuid4().hex request id
        "trace 9f1c2d3e-4b5a-4c6d-8e7f-112233445566",
        "from 192.168.100.200",  # IPv4
        "version 1.2.3 build 20261201",
        "bank 1234567",
    ]:
        assert redact_text(text) == text, text


def test_a_my_number_logged_as_an_integer_is_redacted() -> None:
    cleaned = redact({"input": 123456789018, "count": 42, "flag": True, "big_id": 10**11 - 1})
    assert cleaned == {"input": REDACTED, "count": 42, "flag": True, "big_id": 10**11 - 1}


def test_structlog_line_carries_request_id_and_is_redacted(captured: io.StringIO) -> None:
    context.set_request_id("req-abcdef123")
    get_logger("haken.test").info(
        "hired", employee={"my_number": "123456789018", "address": "東京都"}, note="AB12345678CD"
    )
    record = lines(captured)[-1]
    assert record["request_id"] == "req-abcdef123"
    assert record["event"] == "hired"
    assert record["employee"] == {"my_number": REDACTED, "address": REDACTED}
    assert "AB12345678CD" not in json.dumps(record)


def test_stdlib_and_uvicorn_records_go_through_the_same_chain(captured: io.StringIO) -> None:
    context.set_request_id("req-stdlib-0001")
    logging.getLogger("somelib").warning("user taro@example.jp failed with card AB12345678CD")
    logging.getLogger("uvicorn.error").error("client 090-1111-2222 disconnected")
    records = lines(captured)
    text = json.dumps(records, ensure_ascii=False)
    assert "taro@example.jp" not in text
    assert "AB12345678CD" not in text
    assert "090-1111-2222" not in text
    assert {r["logger"] for r in records} >= {"somelib", "uvicorn.error"}
    assert all(r["request_id"] == "req-stdlib-0001" for r in records)


def test_exception_text_is_redacted(captured: io.StringIO) -> None:
    try:
        raise ValueError("bad my number 123456789018")
    except ValueError:
        logging.getLogger("haken.x").exception("failed")
    record = lines(captured)[-1]
    assert "123456789018" not in json.dumps(record)
    assert "ValueError" in str(record["exception"])


def teardown_module() -> None:
    structlog.reset_defaults()


def test_the_access_line_is_byte_for_byte_what_the_chain_writes(captured: io.StringIO) -> None:
    """The front pass renders its access line itself (issue 21: the chain cost a sixth of a
    cached read); whatever it writes must be what the chain would have written."""
    context.set_request_id("req-access-0001")
    fields = {
        # A path can carry personal data (a search, a mistyped id): redacted the same way.
        "method": "GET",
        "path": "/api/employees/lookup/090-1234-5678/taro@example.jp",
        "route": "/api/employees/{employee_id}",
        "status": 200,
        "duration_ms": 1.25,
        "queries": 2,
    }
    get_logger("haken.request").info("request", **fields)
    access_line(**fields)
    by_chain, by_front = captured.getvalue().splitlines()[-2:]
    stamp = re.compile(r'"timestamp": "[^"]+"')
    assert stamp.sub("T", by_front) == stamp.sub("T", by_chain)
    record = json.loads(by_front)
    assert record["path"] == f"/api/employees/lookup/{REDACTED}/{REDACTED}"
    assert record["request_id"] == "req-access-0001" and record["logger"] == "haken.request"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", record["timestamp"])


def test_the_access_line_follows_the_level(captured: io.StringIO) -> None:
    logging.getLogger("haken.request").setLevel(logging.WARNING)
    try:
        access_line(method="GET", path="/api/health", status=200)
    finally:
        logging.getLogger("haken.request").setLevel(logging.NOTSET)
    assert captured.getvalue() == ""
