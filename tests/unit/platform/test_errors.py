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


def test_date_parameters_read_as_the_pages_print_them_in_the_messages_language() -> None:
    import datetime as dt

    from haken.modules.assignments.errors import (
        AssignmentOutsideContractError,
        AssignmentStayExpiredError,
    )

    error = AssignmentOutsideContractError(start=dt.date(2026, 4, 1), end=dt.date(2027, 3, 31))
    assert "（2026年4月1日〜2027年3月31日）" in error.message("ja")
    assert "(1 Apr 2026 to 31 Mar 2027)" in error.message("en")
    assert "2026-04-01" not in error.message("ja") + error.message("en")
    stay = AssignmentStayExpiredError(until=dt.date(2026, 3, 31))
    assert stay.message("ja") == "在留期間により就労できるのは2026年3月31日までです。"
    assert stay.message("en").endswith("only until 31 Mar 2026.")
    # An instant is shown in the agency's zone, to the minute (09:00 UTC = 18:00 in Tokyo).
    moment = AssignmentStayExpiredError(until=dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC))
    assert "2026年3月31日 18:00" in moment.message("ja")


def test_missing_parameter_falls_back_to_the_template() -> None:
    from haken.platform.errors import PayloadTooLargeError

    assert "{limit}" in PayloadTooLargeError().message("en")


def test_docs_errors_md_is_up_to_date() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
    assert docs.read_text(encoding="utf-8") == render_catalog_markdown(), (
        "docs/errors.md is out of date: run `haken docs errors`"
    )


# --- issue 14: errors name their fields; overrides; messages never name an API field --------

_API_NAME = re.compile(r"(?<![\w{])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+")


def test_no_message_names_an_api_field() -> None:
    """A snake_case token in a ja/en message is an API name the user cannot act on."""
    offenders = []
    for code, error in CATALOG.items():
        for text in (error.message_en, error.message_ja, error.override_en, error.override_ja):
            without_placeholders = re.sub(r"\{[^}]*\}", "", text)
            found = _API_NAME.findall(without_placeholders)
            if found:
                offenders.append((code, found))
    assert offenders == []


def test_the_api_name_check_catches_the_old_negative_margin_message() -> None:
    old = (
        "時給が請求単価を上回っています。意図的な場合は allow_negative_margin を指定してください。"
    )
    assert _API_NAME.findall(old) == ["allow_negative_margin"]


def test_every_override_is_a_body_flag_and_has_its_label() -> None:
    overridable = [e for e in CATALOG.values() if e.override is not None]
    assert {e.code for e in overridable} >= {"ASSIGNMENT_NEGATIVE_MARGIN"}
    for error in overridable:
        assert re.fullmatch(r"allow_[a-z_]+", str(error.override)), error.code
        assert error.override_en != HakenError.override_en, error.code
        assert error.override_ja != HakenError.override_ja, error.code


def test_fields_and_overrides_reach_the_envelope_details() -> None:
    from haken.modules.assignments.errors import (
        AssignmentEndDateInvalidError,
        AssignmentNegativeMarginError,
    )

    assert AssignmentEndDateInvalidError().public_details() == [
        {"loc": "end_date", "code": "ASSIGNMENT_END_DATE_INVALID"}
    ]
    # Per instance: the field of this occurrence.
    assert HakenError(fields=["a"]).public_details() == [{"loc": "a", "code": "INTERNAL_ERROR"}]
    details = AssignmentNegativeMarginError(details={"hourly_pay": "2"}).public_details()
    assert details == {
        "hourly_pay": "2",
        "override": "allow_negative_margin",
        "reason_required": True,
        "fields": ["hourly_pay", "hourly_bill"],
    }
    # An error without fields keeps its details as they were.
    assert HakenError(details={"x": 1}).public_details() == {"x": 1}


def test_check_override_refuses_then_asks_for_the_reason() -> None:
    from haken.modules.assignments.errors import AssignmentNegativeMarginError
    from haken.platform.errors import OverrideReasonRequiredError, check_override

    with pytest.raises(AssignmentNegativeMarginError):
        check_override(AssignmentNegativeMarginError, allowed=False, reason="because")
    with pytest.raises(OverrideReasonRequiredError) as missing:
        check_override(AssignmentNegativeMarginError, allowed=True, reason="  ")
    assert isinstance(missing.value.overridden, AssignmentNegativeMarginError)
    check_override(AssignmentNegativeMarginError, allowed=True, reason="agreed with the client")
