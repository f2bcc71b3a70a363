"""Babel catalogs of the web UI (ja, en), loaded from the ``.po`` files at startup.

The ``.po`` files under ``locale/<lang>/LC_MESSAGES/messages.po`` are the only
source: they are compiled in memory when first used, so ``make run`` needs no
compile step and a stale ``.mo`` can never shadow an edited ``.po``.
Message ids are the English text; ``scripts/messages.py`` extracts them from
the templates and Python code and merges new ids into both catalogs, and a
test fails while any id lacks a translation in either.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from haken.platform import context

LOCALES = ("ja", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_ROOT = Path(__file__).resolve().parent.parent  # src/haken
# Which files carry translatable strings and how Babel reads them.
EXTRACT_METHODS = [
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
EXTRACT_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_": None,
    "ngettext": (1, 2),
    "ngettext_": (1, 2),
    "N_": None,
}


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of ``locale`` (English ids fall through unchanged)."""
    if locale not in LOCALES or not catalog_path(locale).exists():
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(locale))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_(message: str, **params: Any) -> str:
    """Translate into the request's locale; ``%(name)s`` placeholders from ``params``."""
    text = translations(context.locale()).gettext(message)
    return text % params if params else text


def ngettext_(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(context.locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def N_(message: str) -> str:  # noqa: N802 - the conventional name Babel extracts
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def extract_messages(root: Path = SOURCE_ROOT) -> Iterator[tuple[str, str, int]]:
    """Every translatable id in the source: ``(msgid, filename, line)``."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=EXTRACT_METHODS, options_map=EXTRACT_OPTIONS, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                yield msgid, filename, lineno
