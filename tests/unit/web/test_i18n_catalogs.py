"""The Babel catalogs are complete: every string the UI shows is translated in ja and en."""

from __future__ import annotations

import re

import pytest

from haken.web.i18n import LOCALES, extract_messages, read_catalog, translations

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_ids() -> dict[str, str]:
    return {msgid: f"{name}:{line}" for msgid, name, line in extract_messages()}


def test_extraction_sees_templates_and_python(source_ids: dict[str, str]) -> None:
    where = set(source_ids.values())
    assert any(".html:" in w for w in where)
    assert any(".py:" in w for w in where)
    assert "Sign in" in source_ids  # a template string
    assert "This field is required." in source_ids  # an N_() string of haken.web.forms


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str, source_ids: dict[str, str]) -> None:
    catalog = read_catalog(locale)
    missing = [
        f"{msgid!r} ({source_ids[msgid]})"
        for msgid in sorted(source_ids)
        if catalog.get(msgid) is None or not catalog.get(msgid).string
    ]
    assert not missing, f"untranslated in {locale} (run scripts/messages.py): {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for message in read_catalog(locale):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (locale, message.id, text)


def test_japanese_catalog_is_japanese() -> None:
    """A copied English string in the ja catalog would pass 'non-empty' and still be wrong."""
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    allowed_latin = {"Redis"}
    for message in read_catalog("ja"):
        if message.id and message.string and message.id not in allowed_latin:
            assert japanese.search(message.string), (message.id, message.string)


def test_compiled_catalog_translates() -> None:
    assert translations("ja").gettext("Sign in") == "ログイン"
    assert translations("en").gettext("Sign in") == "Sign in"
