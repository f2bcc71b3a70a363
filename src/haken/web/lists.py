"""The list helper every list page uses: filters in the URL, sort headers, count, exports.

A list page declares, once:

- its filters: the area's ``XFilter`` (a ``platform.schemas.ListFilter``), which the API
  takes as query parameters; the page reads it with :func:`parse_filters`, leniently (a
  stale or hand-edited value is dropped, not a 422: ``web.params``);
- its sorts: the area's ``platform.sorting.Sorting``; :meth:`ListState.sort` is read with
  ``Sorting.parse`` (unknown → default), and only the sorts in it have header links;
- its columns: a tuple of :class:`Column` — the label (one message id) is shown as the
  table header *and* written as the export's header row, and ``value`` gives the plain
  cell of the export, so the screen and the file cannot drift apart.

:class:`ListState` keeps every filter, the sort and the cursor as a flat dict for the
``query()`` template global: the pager, the sort headers and the export links all keep the
filters (``macros/lists.html``: ``pager``, ``sort_header``, ``count``, ``exports``).

Exports (:func:`export_response`, over :func:`csv_response` and :func:`xlsx_response`)
write the filtered rows of every page, walking the keyset pages (:func:`walk_pages`) in a
session of their own, in constant memory: CSV is streamed
as it is produced; Excel is an openpyxl write-only workbook written to a temporary file,
then sent from it (an .xlsx is a zip, whose directory is written last). Every text cell
goes through ``platform.exports.neutralise_cell`` (formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from enum import Enum
from typing import Any, Generic, TypeVar, cast
from urllib.parse import quote

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response, StreamingResponse

from haken.platform.db import Database, session_scope
from haken.platform.exports import neutralise_cell
from haken.platform.pagination import MAX_LIMIT, PageRequest, PageResult
from haken.platform.sorting import Sorting
from haken.web.i18n import gettext_

T = TypeVar("T")
R = TypeVar("R")
FilterT = TypeVar("FilterT", bound=BaseModel)

EXPORT_PAGE_SIZE = MAX_LIMIT
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of a list: header label (message id), export value, optional sort field."""

    key: str
    label: str
    value: Callable[[T], Any]
    sort: str | None = None
    numeric: bool = False  # right-aligned header (``th.num``), like its cells

    @property
    def text(self) -> str:
        return gettext_(self.label)


def parse_filters(model: type[FilterT], params: Mapping[str, Any]) -> FilterT:
    """``model`` from a page's query string; a field whose value does not validate is
    dropped (its default applies), so an old link still opens the page."""
    names = set(model.model_fields)
    data = {key: value for key, value in params.items() if key in names and value != ""}
    while True:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            if not data:
                raise
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]} & set(data)
            data = {key: value for key, value in data.items() if key not in bad} if bad else {}


def _shown(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else ""
    if value is None:
        return ""
    return str(value)


@dataclass
class ListState(Generic[FilterT]):
    """What the list's URL holds: the filters, the sort and the cursor."""

    filters: FilterT
    sorting: Sorting[Any]
    sort: str
    cursor: str | None = None

    @classmethod
    def from_query(
        cls, model: type[FilterT], sorting: Sorting[Any], params: Mapping[str, Any]
    ) -> ListState[FilterT]:
        cursor = params.get("cursor") or None
        if cursor is not None and len(cursor) > 1024:
            cursor = None
        return cls(
            filters=parse_filters(model, params),
            sorting=sorting,
            sort=sorting.parse(params.get("sort")),
            cursor=cursor,
        )

    def url(self) -> dict[str, str]:
        """Flat parameters for ``query()``: defaults left out, so URLs stay short."""
        shown = {
            name: _shown(value)
            for name, value in self.filters.model_dump().items()
            if value != type(self.filters).model_fields[name].default
        }
        if self.sort != self.sorting.default:
            shown["sort"] = self.sort
        if self.cursor:
            shown["cursor"] = self.cursor
        return shown

    def values(self) -> dict[str, str]:
        """Every filter as the form shows it (empty string for unset)."""
        return {name: _shown(value) for name, value in self.filters.model_dump().items()} | {
            "sort": self.sort,
            "cursor": self.cursor or "",
        }

    def page_request(self, limit: int = 50) -> PageRequest:
        return PageRequest(limit=limit, cursor=self.cursor, count=True)


async def walk_pages(
    fetch: Callable[[PageRequest], Awaitable[PageResult[R]]], *, page_size: int = EXPORT_PAGE_SIZE
) -> AsyncIterator[PageResult[R]]:
    """Every page of a list, in order, by keyset cursor (one statement per page)."""
    cursor: str | None = None
    while True:
        page = await fetch(PageRequest(limit=page_size, cursor=cursor))
        yield page
        if not page.has_more or page.next_cursor is None:
            return
        cursor = page.next_cursor


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        value = value.value
    return neutralise_cell(value)


def _csv_text(value: Any) -> Any:
    value = _cell(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else value


def local_moment(value: dt.datetime | None, zone: tzinfo) -> dt.datetime | None:
    """A stored UTC instant as the agency's wall-clock time, for an export cell (a spreadsheet
    cell holds no zone; the screen shows the same moment with the ``datetime`` filter)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def export_filename(stem: str, extension: str, today: dt.date) -> str:
    return f"{stem}-{today.isoformat()}.{extension}"


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(
    columns: Sequence[Column[T]], rows: AsyncIterator[Iterable[T]], filename: str
) -> StreamingResponse:
    """CSV (UTF-8 with BOM, so Excel reads Japanese) streamed page by page."""
    header = [column.text for column in columns]

    async def body() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([_csv_text(text) for text in header])
        async for chunk in rows:
            for row in chunk:
                writer.writerow([_csv_text(column.value(row)) for column in columns])
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        rest = buffer.getvalue()
        if rest:
            yield rest.encode("utf-8")

    return StreamingResponse(
        body(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": _disposition(filename), "Cache-Control": "no-store"},
    )


async def xlsx_response(
    columns: Sequence[Column[T]],
    rows: AsyncIterator[Iterable[T]],
    filename: str,
    *,
    sheet_title: str,
) -> FileResponse:
    """An .xlsx built with openpyxl's write-only workbook (rows are written and forgotten)
    into a temporary file, sent from it and then deleted."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only exports need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([_cell(column.text) for column in columns])
    async for chunk in rows:
        for row in chunk:
            sheet.append([_cell(column.value(row)) for column in columns])
    handle, path = tempfile.mkstemp(prefix="haken-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=XLSX_MEDIA_TYPE,
        filename=filename,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(os.unlink, path),
    )


async def export_response(
    file_format: str,
    *,
    database: Database,
    columns: Sequence[Column[T]],
    fetch: Callable[[AsyncSession, PageRequest], Awaitable[PageResult[R]]],
    stem: str,
    today: dt.date,
    sheet_title: str,
    rows: Callable[[AsyncSession, PageResult[R]], Awaitable[Iterable[T]]] | None = None,
) -> Response:
    """A list page's export route in one call: every filtered row as ``csv`` or ``xlsx``.

    ``fetch(session, page)`` is the area's list query (the same service call as the
    screen, with the state's filters and sort); it runs page by page in a session of its
    own, opened when the body is produced (the request's session has committed the audit
    row by then). ``rows(session, page)`` turns a page into the columns' rows when they
    are not the page's items (names or labels read per page); ``columns`` give the header
    row (the screen's labels) and the cells; the file is ``{stem}-{today}.{format}``.
    """

    async def chunks() -> AsyncIterator[Iterable[T]]:
        async with session_scope(database) as session:

            async def page_of(request: PageRequest) -> PageResult[R]:
                return await fetch(session, request)

            async for page in walk_pages(page_of):
                if rows is None:
                    yield cast(list[T], list(page.items))
                else:
                    yield list(await rows(session, page))

    filename = export_filename(stem, file_format, today)
    if file_format == "csv":
        return csv_response(columns, chunks(), filename)
    return await xlsx_response(columns, chunks(), filename, sheet_title=sheet_title)
