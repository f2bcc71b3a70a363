"""Reading a spreadsheet a person uploads: CSV (UTF-8 with or without BOM, Shift_JIS/CP932) or
the first sheet of an .xlsx, as rows of cell values, and naming columns by letter.

Generic (no business area): the master-data imports (``modules/imports``) and the attendance
timesheet import read their files with it. Formulas are never evaluated (an .xlsx is read with
its cached values).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from typing import Any

DEFAULT_MAX_ROWS = 100_000

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LETTERS = re.compile(r"^[A-Z]{1,3}$")


class UnreadableFile(ValueError):
    """The content is not a CSV or .xlsx this module reads; ``reason`` says why (plain words:
    ``encoding``, ``binary``, ``xlsx``, ``too many rows``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def file_format(content: bytes) -> str:
    """``xlsx`` for a zip container (what .xlsx is), else ``csv``."""
    return "xlsx" if content[:4] == b"PK\x03\x04" else "csv"


def read_rows(content: bytes, *, max_rows: int = DEFAULT_MAX_ROWS) -> list[tuple[Any, ...]]:
    """Every row of the file (the first sheet of a workbook) as a tuple of cell values."""
    if file_format(content) == "xlsx":
        return _read_xlsx(content, max_rows)
    return _read_csv(content, max_rows)


def decode_text(content: bytes) -> str:
    """UTF-8 (a BOM dropped), else CP932 (Shift_JIS with the Windows extensions)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


def _read_csv(content: bytes, max_rows: int) -> list[tuple[Any, ...]]:
    text = decode_text(content)
    if "\x00" in text:
        raise UnreadableFile("binary")
    rows: list[tuple[Any, ...]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(tuple(row))
            if len(rows) > max_rows:
                raise UnreadableFile("too many rows")
    except csv.Error as error:
        raise UnreadableFile(str(error)) from error
    return rows


def _read_xlsx(content: bytes, max_rows: int) -> list[tuple[Any, ...]]:
    """The first worksheet's values, streamed once by openpyxl's sheet parser (shared and
    inline strings, dates by the cell's number format, formulas as their cached values; a gap
    in the row numbers keeps its empty rows, so line numbers stay the sheet's)."""
    from openpyxl.reader.excel import ExcelReader  # type: ignore[import-untyped]
    from openpyxl.styles.stylesheet import apply_stylesheet  # type: ignore[import-untyped]
    from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped]

    # Whatever a damaged or hostile workbook makes openpyxl raise is the sender's file.
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        target = next(
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
    except Exception as error:
        raise UnreadableFile("xlsx") from error
    book = reader.wb
    rows: list[tuple[Any, ...]] = []
    try:
        with reader.archive.open(target) as source:
            parser = WorkSheetParser(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                while len(rows) < number - 1 and len(rows) <= max_rows:
                    rows.append(())
                if len(rows) > max_rows:
                    break
                if not cells:
                    rows.append(())
                    continue
                values: list[Any] = [None] * cells[-1]["column"]
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                rows.append(tuple(values))
    except Exception as error:
        raise UnreadableFile("xlsx") from error
    finally:
        reader.archive.close()
    if len(rows) > max_rows:
        raise UnreadableFile("too many rows")
    return rows


def encode_cells(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Workbook cells as JSON, typed: dates, times and durations keep their kind."""
    return [[_encode(cell) for cell in row] for row in rows]


def decode_cells(stored: list[list[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(_decode(cell) for cell in row) for row in stored]


def _encode(cell: Any) -> Any:
    if isinstance(cell, dt.datetime):
        return {"dt": cell.isoformat()}
    if isinstance(cell, dt.date):
        return {"d": cell.isoformat()}
    if isinstance(cell, dt.time):
        return {"t": cell.isoformat()}
    if isinstance(cell, dt.timedelta):
        return {"s": cell.total_seconds()}
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _decode(cell: Any) -> Any:
    if not isinstance(cell, dict):
        return cell
    if "dt" in cell:
        return dt.datetime.fromisoformat(cell["dt"])
    if "d" in cell:
        return dt.date.fromisoformat(cell["d"])
    if "t" in cell:
        return dt.time.fromisoformat(cell["t"])
    return dt.timedelta(seconds=cell["s"])


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def letter_index(letters: str) -> int | None:
    """A → 0, AA → 26; None when ``letters`` is not a column letter (A–ZZZ)."""
    letters = letters.strip().upper()
    if _LETTERS.match(letters) is None:
        return None
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def cell_text(value: Any) -> str:
    """A cell as the text a person reads: NFKC (full-width digits and letters folded), trimmed;
    a whole float (Excel's numbers) without its ``.0``; dates as ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_date(value: Any) -> dt.date | None:
    """A date cell, or text as 2026-04-01, 2026/4/1, 2026.4.1, 2026年4月1日, 20260401."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def header_index(header: tuple[Any, ...]) -> dict[str, int]:
    """The header row's texts → their column index (the first of two equal headers wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = cell_text(cell)
        if text and text not in found:
            found[text] = index
    return found


def resolve_column(header: dict[str, int], column: str) -> int | None:
    """A mapped column (a header text, else a letter) → its index; None when the file lacks it."""
    text = cell_text(column)
    if text in header:
        return header[text]
    return letter_index(text)


__all__ = [
    "DEFAULT_MAX_ROWS",
    "UnreadableFile",
    "cell_text",
    "column_letter",
    "decode_cells",
    "decode_text",
    "encode_cells",
    "file_format",
    "header_index",
    "letter_index",
    "parse_date",
    "read_rows",
    "resolve_column",
]
