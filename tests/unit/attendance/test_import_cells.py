"""The timesheet import's cell readers (no database): what a client's file may write for a
date, a time of day and a break, and the typed JSON an Excel file's cells are kept in."""

from __future__ import annotations

import datetime as dt

import pytest

from haken.modules.attendance.imports import parse_date, parse_minutes, parse_time
from haken.platform.tabular import column_letter, decode_cells, encode_cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-04-06", dt.date(2026, 4, 6)),
        ("2026/4/6", dt.date(2026, 4, 6)),
        ("2026年4月6日", dt.date(2026, 4, 6)),
        ("２０２６／０４／０６", dt.date(2026, 4, 6)),  # full-width digits (NFKC)
        ("20260406", dt.date(2026, 4, 6)),
        (dt.datetime(2026, 4, 6, 0, 0), dt.date(2026, 4, 6)),
        ("2026-02-30", None),
        ("4/6", None),
        ("", None),
    ],
)
def test_dates(cell: object, expected: dt.date | None) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("8:00", dt.time(8, 0)),
        ("08:30:00", dt.time(8, 30)),
        ("17時30分", dt.time(17, 30)),
        ("0830", dt.time(8, 30)),
        ("24:00", dt.time(0, 0)),
        (dt.time(22, 0, 15), dt.time(22, 0)),
        (dt.timedelta(hours=7, minutes=45), dt.time(7, 45)),
        ("25:00", None),
        ("8:75", None),
        ("朝", None),
    ],
)
def test_times(cell: object, expected: dt.time | None) -> None:
    assert parse_time(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(60, 60), ("45", 45), ("1:00", 60), ("", 0), (None, 0), ("1441", None), ("一時間", None)],
)
def test_break_minutes(cell: object, expected: int | None) -> None:
    assert parse_minutes(cell) == expected


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_excel_cells_survive_the_json_round_trip() -> None:
    rows = [
        ("E-1", dt.datetime(2026, 4, 6, 0, 0), dt.time(8, 0), dt.timedelta(hours=1), 60, 1.5),
        (None, dt.date(2026, 4, 7), "17:00", True, "", "備考"),
    ]
    assert decode_cells(encode_cells(rows)) == rows
