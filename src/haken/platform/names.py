"""Keys of person names for search and for the hire-time duplicate check.

A name is recorded in up to three forms (kanji, kana, romaji) and typed back however the
keyboard or the OCR gives it: full-width or half-width, hiragana or katakana, upper or
lower case, with or without the spaces, middle dots (・) and equals signs (＝) that
separate the parts of a foreign name. Each form is stored next to its key, so a search is
one indexed ``LIKE 'key%'`` per form and the duplicate check one unique index.

The folding is :func:`haken.platform.jptext.search_key` (jaconv/NFKC width folding,
katakana → hiragana, lower case, spaces removed), the one used for client names too, plus
the separators that occur only in personal names. :func:`romaji_key` also strips accents
(Nguyễn → nguyen, Đặng → dang): a romanised name is typed with or without them depending
on the keyboard, and the duplicate check must not depend on that.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import and_

from haken.platform.jptext import search_key

_NAME_SEPARATORS = re.compile(r"[=＝'’`‑‒–—―]+")
# Latin letters that have no decomposition, so NFKD cannot strip them to ASCII.
_EXTRA_ASCII = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"})

NAME_KEY_MAX = 200


def name_key(text: str | None) -> str | None:
    """The key of a kanji or kana name (None stays None)."""
    if text is None:
        return None
    # NFKC once more: lower-casing after the first NFKC can leave decomposed letters
    # (İ → i + U+0307), and a key must be its own key.
    folded = unicodedata.normalize("NFKC", _NAME_SEPARATORS.sub("", search_key(text)))
    return folded[:NAME_KEY_MAX]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_ASCII))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def romaji_key(text: str | None) -> str | None:
    """The key of a romaji name: :func:`name_key` without accents."""
    if text is None:
        return None
    return strip_accents(name_key(text) or "")[:NAME_KEY_MAX]


def is_romaji(text: str) -> bool:
    """True when the name, folded and without accents, is Latin letters only."""
    key = romaji_key(text) or ""
    return bool(key) and key.isascii() and key.isalpha()


PREFIX_END = "\U0010ffff"
"""The largest code point: ``key <= value < key + PREFIX_END`` holds for every value that
starts with ``key`` (in byte order, the order of the keys' "C"/BINARY collation)."""


def prefix_bounds(key: str) -> tuple[str, str]:
    """``(low, high)`` of a prefix search as a range: an index range scan on PostgreSQL
    and SQLite alike (SQLite's LIKE cannot use a case-sensitive index), and no wildcard
    to escape."""
    return key, key + PREFIX_END


def prefix_match(column: Any, key: str) -> Any:
    """``column`` starts with ``key``, as an index range (see :func:`prefix_bounds`)."""
    low, high = prefix_bounds(key)
    return and_(column >= low, column < high)


_WORD_BREAKS = re.compile(r"[\s,、・･]+")
MAX_ORDER_WORDS = 4


def romaji_orders(text: str | None) -> list[tuple[str, str]]:
    """``(prefix, suffix)`` key pairs that find a romaji name typed in the other order.

    A romaji name is stored as written (``NGUYEN VAN AN`` family first, ``Maria Santos``
    given first) and typed either way. For the words ``w1 … wn`` of the query, each split
    ``k`` (1 ≤ k < n) asks for a key that starts with the key of ``w(k+1) … wn`` and ends
    with the key of ``w1 … wk``: "An Nguyen" finds ``nguyenvanan`` (starts ``nguyen``, ends
    ``an``), "Santos Maria" finds ``mariasantos``. The last word typed may be partial (it
    always falls in the prefix). The suffix is not bound to a word (keys drop the spaces), so
    a name whose last word merely ends with those letters matches too. Typed order itself is
    the plain prefix of :func:`romaji_key`; fewer than two Latin words give no pair.
    """
    if not text:
        return []
    words = [romaji_key(word) or "" for word in _WORD_BREAKS.split(text)]
    words = [word for word in words if word]
    if not 2 <= len(words) <= MAX_ORDER_WORDS or not all(w.isascii() for w in words):
        return []
    return [("".join(words[k:]), "".join(words[:k])) for k in range(1, len(words))]
