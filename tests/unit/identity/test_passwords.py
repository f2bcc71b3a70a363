"""The password policy (issue 13 item 4): each refusal has its own catalog code."""

from __future__ import annotations

import pytest

from haken.modules.identity.passwords import check_password
from haken.platform.errors import HakenError
from tests.conftest import TEST_PASSWORD


def refusal(password: str, **context: object) -> str | None:
    try:
        check_password(password, **context)  # type: ignore[arg-type]
    except HakenError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-one", "AUTH_PASSWORD_TOO_WEAK"),
        (" " * 12, "AUTH_PASSWORD_REPEATED_CHARACTER"),
        ("a" * 12, "AUTH_PASSWORD_REPEATED_CHARACTER"),
        ("123456789012", "AUTH_PASSWORD_TOO_COMMON"),
        ("passwordpassword", "AUTH_PASSWORD_TOO_COMMON"),
        ("password1234", "AUTH_PASSWORD_TOO_COMMON"),  # on the breached list itself
        ("QWERTYUIOP12", "AUTH_PASSWORD_TOO_COMMON"),
        ("iloveyou2024", "AUTH_PASSWORD_TOO_COMMON"),
    ],
)
def test_weak_passwords_are_refused(password: str, code: str) -> None:
    assert refusal(password, email="hanako@test.example", name="佐藤 花子") == code


def test_password_containing_the_email_or_name_is_refused() -> None:
    context = {"email": "hanako.sato@test.example", "name": "Hanako Sato"}
    assert refusal("hanako.sato@test.example", **context) == "AUTH_PASSWORD_CONTAINS_IDENTITY"
    assert refusal("My-HANAKO.SATO-1999!", **context) == "AUTH_PASSWORD_CONTAINS_IDENTITY"
    assert refusal("hanakosato-rules-ok", **context) == "AUTH_PASSWORD_CONTAINS_IDENTITY"


def test_the_current_password_is_refused() -> None:
    assert refusal(TEST_PASSWORD, current_hash_matches=True) == "AUTH_PASSWORD_REUSED"


@pytest.mark.parametrize(
    "password",
    [TEST_PASSWORD, "long-enough-password", "reset-passphrase-2026", "豊田の工場で働く夏の朝です"],
)
def test_strong_passwords_pass(password: str) -> None:
    assert refusal(password, email="hanako@test.example", name="Hanako") is None


def test_the_list_comes_from_the_package_not_from_haken() -> None:
    from haken.modules.identity import passwords

    assert len(passwords._common_passwords()) >= 10_000
    assert "letmein" in passwords._common_passwords()
