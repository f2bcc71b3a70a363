"""Keep the web UI's Babel catalogs in step with the source.

    python scripts/messages.py            # extract, add new ids to ja and en, drop unused ones
    python scripts/messages.py --check    # exit 1 when an id lacks a translation (as the test does)

Message ids are the English text. New ids arrive with an empty ``msgstr`` in
both catalogs; ``--fill-en`` copies the id into the English catalog for ids
whose English text is the id itself (the usual case). Japanese is always
written by a person.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from haken.web.i18n import LOCALES, catalog_path, extract_messages, read_catalog


def source_ids() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for msgid, filename, line in extract_messages():
        found.setdefault(msgid, []).append((filename, line))
    return found


def update(fill_en: bool) -> None:
    ids = source_ids()
    for locale in LOCALES:
        path = catalog_path(locale)
        old = read_catalog(locale) if path.exists() else Catalog(locale=locale)
        new = Catalog(locale=locale, project="haken", fuzzy=False)
        for msgid in sorted(ids):
            previous = old.get(msgid)
            text = previous.string if previous is not None else ""
            if not text and fill_en and locale == "en":
                text = msgid
            new.add(msgid, text, locations=[(f, n) for f, n in ids[msgid][:3]])
        path.parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("wb") as handle:
            write_po(handle, new, width=100, sort_output=True, omit_header=False)


def missing() -> dict[str, list[str]]:
    ids = source_ids()
    result: dict[str, list[str]] = {}
    for locale in LOCALES:
        catalog = read_catalog(locale)
        result[locale] = sorted(
            msgid for msgid in ids if not (catalog.get(msgid) and catalog.get(msgid).string)
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--fill-en", action="store_true")
    args = parser.parse_args()
    if not args.check:
        update(args.fill_en)
    gaps = missing()
    for locale, ids in gaps.items():
        for msgid in ids:
            sys.stdout.write(f"{locale}: untranslated: {msgid}\n")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
