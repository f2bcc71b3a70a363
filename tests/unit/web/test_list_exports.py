"""web.lists.export_response: the one export route helper every list page calls."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import FileResponse, StreamingResponse

from haken.platform.db import Database
from haken.platform.pagination import PageRequest, PageResult
from haken.web.lists import Column, export_response


@dataclass
class Row:
    name: str
    day: dt.date


PAGES = {
    None: PageResult(items=[1, 2], next_cursor="c1", has_more=True),
    "c1": PageResult(items=[3], next_cursor="c2", has_more=True),
    "c2": PageResult(items=[4], next_cursor=None, has_more=False),
}
NAMES = {1: "一郎", 2: "=SUM(A1)", 3: "三郎", 4: "四郎"}
COLUMNS = (
    Column[Row]("name", "Zz export name", lambda r: r.name),
    Column[Row]("day", "Zz export day", lambda r: r.day),
)


class Calls:
    def __init__(self) -> None:
        self.cursors: list[str | None] = []
        self.sessions: set[int] = set()

    async def fetch(self, session: AsyncSession, request: PageRequest) -> PageResult[int]:
        assert isinstance(session, AsyncSession)
        self.sessions.add(id(session))
        self.cursors.append(request.cursor)
        return PAGES[request.cursor]

    async def rows(self, session: AsyncSession, page: PageResult[int]) -> list[Row]:
        self.sessions.add(id(session))
        return [Row(NAMES[i], dt.date(2026, 4, i)) for i in page.items]


async def test_csv_walks_every_page_in_one_session_with_the_labels_and_safe_cells(
    tmp_path: Path,
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'export.db'}")
    calls = Calls()
    try:
        response = await export_response(
            "csv",
            database=database,
            columns=COLUMNS,
            fetch=calls.fetch,
            rows=calls.rows,
            stem="things",
            today=dt.date(2026, 4, 30),
            sheet_title="Things",
        )
        assert isinstance(response, StreamingResponse)
        assert calls.cursors == []  # nothing is read before the body is sent
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[misc]
    finally:
        await database.dispose()
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="things-2026-04-30.csv"' in response.headers["content-disposition"]
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table == [
        ["Zz export name", "Zz export day"],
        ["一郎", "2026-04-01"],
        ["'=SUM(A1)", "2026-04-02"],
        ["三郎", "2026-04-03"],
        ["四郎", "2026-04-04"],
    ]
    assert calls.cursors == [None, "c1", "c2"]
    assert len(calls.sessions) == 1  # fetch and rows share the export's own session


async def test_xlsx_without_a_row_converter_writes_the_page_items(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'export.db'}")
    pages = {
        None: PageResult(items=[Row("甲", dt.date(2026, 5, 1))], next_cursor="n", has_more=True),
        "n": PageResult(items=[Row("乙", dt.date(2026, 5, 2))], next_cursor=None, has_more=False),
    }

    async def fetch(session: AsyncSession, request: PageRequest) -> PageResult[Row]:
        return pages[request.cursor]

    try:
        response = await export_response(
            "xlsx",
            database=database,
            columns=COLUMNS,
            fetch=fetch,
            stem="things",
            today=dt.date(2026, 5, 2),
            sheet_title="Things",
        )
    finally:
        await database.dispose()
    assert isinstance(response, FileResponse)
    assert 'filename="things-2026-05-02.xlsx"' in response.headers["content-disposition"]
    try:
        workbook = load_workbook(str(response.path), read_only=True)
        assert workbook.sheetnames == ["Things"]
        cells = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
    finally:
        os.unlink(response.path)
    assert cells == [
        ["Zz export name", "Zz export day"],
        ["甲", dt.datetime(2026, 5, 1)],
        ["乙", dt.datetime(2026, 5, 2)],
    ]
