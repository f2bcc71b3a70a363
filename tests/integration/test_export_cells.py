"""Issue 13 item 6: every CSV and Excel export neutralises formula-like text cells.

A walk over every export route of the app (pages and API): each one must be listed in
``EXPORTS`` with the URLs that fetch it, so an export added later fails here until it is
walked. The demo data is generated and then every name a file can show is planted with a
formula prefix (``=``, ``+``, ``-``, ``@``) straight in the database (input normalisation
keeps those characters anyway). Every cell of every file, header row included, must then
be either a number or text that a spreadsheet will not run (``platform.exports``), and each
file must show at least one planted name, neutralised, so the walk can fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from haken.modules.demo.billing import seed_billing
from haken.modules.demo.generator import generate
from haken.modules.demo.leave import seed_leave
from haken.modules.demo.requests import seed_requests
from haken.platform.db import session_scope
from haken.platform.exports import FORMULA_PREFIXES
from haken.platform.routes import iter_routes

TODAY = dt.date.today()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
YEAR_AGO = (TODAY - dt.timedelta(days=400)).isoformat()
SOON = (TODAY + dt.timedelta(days=2)).isoformat()  # the agency's "today" may be JST's tomorrow

# Every export route → the URLs the walk fetches (both formats where the route has two).
EXPORTS: dict[str, list[str]] = {
    "/employees/export.{file_format}": ["/employees/export.csv", "/employees/export.xlsx"],
    "/candidates/export.{file_format}": ["/candidates/export.csv", "/candidates/export.xlsx"],
    "/clients/export.{file_format}": ["/clients/export.csv", "/clients/export.xlsx"],
    "/housing/export.{file_format}": ["/housing/export.csv", "/housing/export.xlsx"],
    "/contracts/export.{file_format}": ["/contracts/export.csv", "/contracts/export.xlsx"],
    "/assignments/export.{file_format}": ["/assignments/export.csv", "/assignments/export.xlsx"],
    "/requests/export.{file_format}": ["/requests/export.csv", "/requests/export.xlsx"],
    "/admin/users/export.{file_format}": ["/admin/users/export.csv", "/admin/users/export.xlsx"],
    "/audit/export.{file_format}": ["/audit/export.csv", "/audit/export.xlsx"],
    "/billing/margins/export.{file_format}": [
        f"/billing/margins/export.csv?month={LAST_MONTH}",
        f"/billing/margins/export.xlsx?month={LAST_MONTH}",
    ],
    # Reports (issue 19 item 4), each over the shared list export.
    "/reports/headcount/export.{file_format}": [
        "/reports/headcount/export.csv",
        "/reports/headcount/export.xlsx",
    ],
    "/reports/overtime/export.{file_format}": [
        "/reports/overtime/export.csv",
        "/reports/overtime/export.xlsx",
    ],
    "/reports/residence/export.{file_format}": [
        "/reports/residence/export.csv",
        "/reports/residence/export.xlsx",
    ],
    "/reports/conflicts/export.{file_format}": [
        "/reports/conflicts/export.csv",
        "/reports/conflicts/export.xlsx",
    ],
    "/api/billing/invoices/export.csv": [
        f"/api/billing/invoices/export.csv?from={YEAR_AGO}&to={SOON}"
    ],
    "/api/leave/ledger.xlsx": ["/api/leave/ledger.xlsx"],
    "/api/leave/employees/{employee_id}/ledger.xlsx": [
        "/api/leave/employees/{employee}/ledger.xlsx"
    ],
}
_EXPORT_PATH = re.compile(r"(\.csv|\.xlsx|\.\{file_format\})$")

# Text columns planted with a formula prefix (one prefix per column kind: all four used).
PLANTED = {
    "clients": {"name": "="},
    "client_sites": {"name": "="},
    "client_units": {"name": "="},
    "employees": {"name_kanji": "=", "name_kana": "+", "name_romaji": "-"},
    "candidates": {"name_kanji": "=", "name_kana": "+", "name_romaji": "-"},
    "housing_apartments": {"name": "="},
    "users": {"display_name": "@"},
    "dispatch_contracts": {"client_name": "=", "site_name": "="},
    "assignments": {"client_name": "=", "site_name": "="},
    "billing_invoices": {"client_name": "="},
}
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def export_routes(app: Any) -> set[str]:
    return {
        route.path
        for route in iter_routes(app)
        if "GET" in route.methods and _EXPORT_PATH.search(route.path)
    }


def test_every_export_route_is_walked(app: Any) -> None:
    assert export_routes(app) == set(EXPORTS), "add the new export's URLs to EXPORTS"


def _cells(response: httpx.Response) -> list[Any]:
    if response.headers["content-type"].startswith("text/csv"):
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        return [cell for row in rows for cell in row]
    sheets = load_workbook(io.BytesIO(response.content), read_only=True).worksheets
    return [cell for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row]


def unsafe(cell: Any) -> bool:
    """A text cell a spreadsheet would read as a formula (a number is a number)."""
    if not isinstance(cell, str) or not cell.startswith(FORMULA_PREFIXES):
        return False
    return _NUMBER.fullmatch(cell) is None  # CSV has no types: "-1200" is an amount


@pytest.fixture
async def planted(app: Any, make_user: Any) -> dict[str, Any]:
    """Demo data with every exported name given a formula prefix."""
    boss = await make_user("super_admin", display_name="監査 太郎")
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=12, today=TODAY)
    async with session_scope(app.state.database, write=True) as session:
        await seed_leave(session, today=TODAY, user_id=boss["id"])
    async with session_scope(app.state.database, write=True) as session:
        await seed_billing(session, today=TODAY, user_id=boss["id"])
    async with session_scope(app.state.database, write=True) as session:
        await seed_requests(session, today=TODAY, user_id=boss["id"])
    async with app.state.database.engine.begin() as connection:
        for table, columns in PLANTED.items():
            sets = ", ".join(
                f"{column} = '{prefix}' || {column}" for column, prefix in columns.items()
            )
            await connection.execute(text(f"UPDATE {table} SET {sets}"))
        employee = await connection.scalar(
            text("SELECT employee_id FROM leave_grants ORDER BY employee_id LIMIT 1")
        )
    await app.state.cache.clear()
    return {"boss": boss, "employee": employee}


async def test_every_export_writes_formula_like_text_as_text(
    client: httpx.AsyncClient, app: Any, login: Any, planted: dict[str, Any]
) -> None:
    headers = await login(planted["boss"]["email"])
    walked = 0
    for route, urls in EXPORTS.items():
        for url in urls:
            url = url.format(employee=planted["employee"])
            await app.state.rate_limiter.reset()  # exports are rate-limited "expensive"
            response = await client.get(url, headers={"Authorization": headers["Authorization"]})
            assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
            cells = _cells(response)
            bad = [cell for cell in cells if unsafe(cell)]
            assert bad == [], f"{url} ({route}) writes formula cells: {bad[:5]}"
            shown = [c for c in cells if isinstance(c, str) and c[:2] in {"'=", "'+", "'-", "'@"}]
            assert shown, f"{url}: no planted name reached the file, so the walk proves nothing"
            walked += 1
    assert walked == sum(len(urls) for urls in EXPORTS.values())
