"""Excel (.xlsx) of the statutory documents whose practice is a spreadsheet: the 派遣元管理台帳
and the 派遣先管理台帳 data (from the snapshot a version was issued from, so the sheet says
what the PDF says), the 外国人雇用状況届出 list and the annual report.

Every sheet goes through the list exports' write-only writer (``web.lists.xlsx_response``:
openpyxl's write-only workbook, each cell through ``platform.exports.neutralise_cell``, so a
name starting with ``=`` stays text). A document sheet is two columns, 項目 and 内容, in the
PDF's order: the heading lines first, then each section's title and its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, TypeVar

from fastapi.responses import FileResponse

from haken.modules.documents.service import (
    AGENCY_LEDGER,
    CLIENT_LEDGER,
    agency_ledger_items,
    client_ledger_items,
)
from haken.web.i18n import N_
from haken.web.lists import Column, xlsx_response

T = TypeVar("T")
TABULAR_KINDS = (AGENCY_LEDGER, CLIENT_LEDGER)
"""The kinds offered as Excel besides the PDF."""
Item = tuple[str, Any]
ITEM_COLUMNS: tuple[Column[Item], ...] = (
    Column("item", N_("Item"), lambda r: r[0]),
    Column("content", N_("Content"), lambda r: r[1]),
)


def document_items(kind: str, snapshot: dict[str, Any], issued_on: dt.date) -> list[Item]:
    """The (項目, 内容) rows of a tabular document's version, in the PDF's order."""
    if kind == AGENCY_LEDGER:
        heading, rows = agency_ledger_items(snapshot, issued_on)
        return [("", line) for line in heading] + list(rows)
    if kind == CLIENT_LEDGER:
        heading, sections = client_ledger_items(snapshot, issued_on)
        items: list[Item] = [("", line) for line in heading]
        for title, section in sections:
            items.append((title, ""))
            items += section
        return items
    raise ValueError(kind)


async def _once(rows: Sequence[Any]) -> AsyncIterator[Iterable[Any]]:
    yield rows


async def items_xlsx(items: Sequence[Item], filename: str, *, title: str) -> FileResponse:
    return await xlsx_response(ITEM_COLUMNS, _once(items), filename, sheet_title=title)


async def xlsx_rows(
    columns: Sequence[Column[T]], rows: Sequence[T], filename: str, *, title: str
) -> FileResponse:
    """A list already in memory as one sheet (a list page's columns and labels)."""
    return await xlsx_response(columns, _once(rows), filename, sheet_title=title)


__all__ = ["TABULAR_KINDS", "document_items", "items_xlsx", "xlsx_rows"]
