from __future__ import annotations

import re
from pathlib import Path

import pytest

import haken.app  # noqa: F401  (registers every module's errors)
from haken.platform.errors import CATALOG, HakenError, render_catalog_markdown


def test_codes_are_upper_snake_with_status_and_both_messages() -> None:
    assert len(CATALOG) >= 20
    for code, error in CATALOG.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", code), code
        assert 400 <= error.status_code <= 599, code
        assert error.message_en and error.message_ja, code
        assert error.message_en != error.message_ja, code


def test_duplicate_code_is_refused() -> None:
    with pytest.raises(RuntimeError, match="defined twice"):

        class Clash(HakenError):
            code = "NOT_FOUND"
            status_code = 404


def test_message_is_formatted_in_the_locale() -> None:
    from haken.platform.errors import PayloadTooLargeError

    error = PayloadTooLargeError(limit=10)
    assert error.message("en") == "The request body is too large (limit 10 bytes)."
    assert "10" in error.message("ja") and "上限" in error.message("ja")


def test_missing_parameter_falls_back_to_the_template() -> None:
    from haken.platform.errors import PayloadTooLargeError

    assert "{limit}" in PayloadTooLargeError().message("en")


def test_docs_errors_md_is_up_to_date() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
    assert docs.read_text(encoding="utf-8") == render_catalog_markdown(), (
        "docs/errors.md is out of date: run `haken docs errors`"
    )
