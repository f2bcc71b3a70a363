"""One word per thing: the Japanese UI and error messages follow web/glossary.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

import haken.app
import haken.web
from haken.platform.errors import CATALOG
from haken.web.i18n import read_catalog

GLOSSARY = Path(haken.web.__file__).resolve().parent / "glossary.toml"
PLACEHOLDERS = re.compile(r"%\(\w+\)s|\{\w+\}")


@dataclass(frozen=True)
class Text:
    where: str
    en: str
    ja: str


def _terms() -> list[dict[str, object]]:
    terms = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]
    assert isinstance(terms, list)
    return terms


def _texts() -> list[Text]:
    """Every ja text a person reads, next to its English: the catalog's msgstr and every
    catalog error's message (and override label, where the class declares one)."""
    texts: list[Text] = []
    for message in read_catalog("ja"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for en in ids:
            for ja in strings:
                texts.append(Text(f"messages.po {ids[0]!r}", en, ja))
    for code, error in CATALOG.items():
        texts.append(Text(f"error {code}", error.message_en, error.message_ja))
        if "override_ja" in vars(error) or "override_en" in vars(error):
            texts.append(Text(f"error {code} (override)", error.override_en, error.override_ja))
    return texts


TEXTS = _texts()


def test_the_glossary_is_well_formed() -> None:
    seen: set[str] = set()
    for term in _terms():
        assert {"en", "ja", "forbidden", "en_pattern"} <= term.keys(), term
        ja, forbidden = term["ja"], term["forbidden"]
        assert isinstance(ja, str) and ja and ja not in seen, term
        seen.add(ja)
        assert isinstance(forbidden, list)
        assert all(variant not in ja for variant in forbidden), term  # a contradiction
        re.compile(str(term["en_pattern"]))
    # the catalog and the errors were both read
    assert sum(t.where.startswith("messages.po") for t in TEXTS) > 300
    assert sum(t.where.startswith("error ") for t in TEXTS) > 50


def test_the_check_sees_what_it_should() -> None:
    """The rules catch the variants they are meant to (else the tests below prove nothing)."""
    employee = next(t for t in _terms() if t["ja"] == "社員")
    assert "従業員" in employee["forbidden"]  # type: ignore[operator]
    assert re.search(str(employee["en_pattern"]), "The employee was placed.", re.I)
    contract = next(t for t in _terms() if t["ja"] == "個別契約")
    pattern = str(contract["en_pattern"])
    assert re.search(pattern, "Edit contract", re.I)
    assert not re.search(pattern, "Employment contracts", re.I)
    assert not re.search(pattern, "Contract work (請負)", re.I)


@pytest.mark.parametrize("term", _terms(), ids=lambda t: str(t["en"]))
def test_no_forbidden_variant(term: dict[str, object]) -> None:
    forbidden = term["forbidden"]
    allowed = term.get("allow", [])  # phrases that contain a variant but mean another thing
    assert isinstance(forbidden, list) and isinstance(allowed, list)
    wrong = [
        f"{text.where}: {text.ja!r} uses {variant}, write {term['ja']}"
        for text in TEXTS
        for variant in forbidden
        if variant in _without(text.ja, allowed)
    ]
    assert not wrong, "\n".join(wrong)


def _without(text: str, phrases: list[str]) -> str:
    for phrase in phrases:
        text = text.replace(phrase, "")
    return text


@pytest.mark.parametrize("term", _terms(), ids=lambda t: str(t["en"]))
def test_the_english_term_is_translated_with_the_preferred_word(term: dict[str, object]) -> None:
    """The catalog's msgids only: error messages speak of "API clients" and "this site"."""
    pattern = re.compile(str(term["en_pattern"]), re.IGNORECASE)
    exceptions = set(term.get("except", []))  # type: ignore[call-overload]
    wrong = [
        f"{text.where}: {text.ja!r} should use {term['ja']}"
        for text in TEXTS
        if text.where.startswith("messages.po")
        and text.en not in exceptions
        and pattern.search(PLACEHOLDERS.sub(" ", text.en))
        and term["ja"] not in text.ja
    ]
    assert not wrong, "\n".join(wrong)
