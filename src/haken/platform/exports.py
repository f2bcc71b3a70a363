"""Cells of CSV and Excel exports, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which spreadsheets skip before reading a formula) is run as a formula when the file is
opened: ``=HYPERLINK(...)`` in a client's name would exfiltrate the sheet. Following the
OWASP guidance on CSV injection, such a cell gets a leading apostrophe, which spreadsheets
read as "text" and do not show. Numbers stay numbers (a negative amount is an ``int``,
not text), so only strings are ever changed. Every export writes its cells through
:func:`neutralise_cell` (or :func:`neutralise_row`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a text cell as a formula."""


def neutralise_cell(value: Any) -> Any:
    """``value`` for a CSV or Excel cell: a formula-like string gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`neutralise_cell`."""
    return [neutralise_cell(value) for value in values]
