"""The reports (issue 19 item 4): headcount, overtime and 36協定, residence cards and the
抵触日 schedule — exact rows, a site manager's scope (a second site they must not see), the
exact statements of a page, CSV and Excel with the screen's labels (a formula-like client
name written as text), each export audited; the index links the margin and leave reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook

from haken.labor.dispatch import hearing_deadline
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from haken.web.registry import registry
from tests.integration.assignments.factories import (
    assign,
    foreign_employee,
    make_contract,
    make_employee,
    post,
)
from tests.integration.attendance.factories import approved
from tests.integration.web.conftest import PageLogin


def _today(app: Any) -> dt.date:
    return dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()


def _csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def _text(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.text


async def _site(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    today: dt.date,
    *,
    client_name: str,
    started: dt.date,
) -> dict[str, Any]:
    """A client, a site whose dispatch started on ``started`` (its 抵触日 three years on),
    a unit and a contract running from 60 days ago."""
    owner = await post(client, "/api/clients", admin, name=client_name, prefecture="23")
    site = await post(
        client,
        "/api/sites",
        admin,
        client_id=owner["id"],
        name=f"{client_name}工場",
        prefecture="23",
        city="豊田市",
        address_line1="トヨタ町1番地",
        dispatch_started_on=started.isoformat(),
    )
    unit = await post(client, "/api/units", admin, site_id=site["id"], name="製造課")
    contract = await make_contract(
        client,
        admin,
        unit["id"],
        start=(today - dt.timedelta(days=60)).isoformat(),
        end=(today + dt.timedelta(days=300)).isoformat(),
    )
    return {"client": owner, "site": site, "contract": contract}


async def _place(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    today: dt.date,
    place: dict[str, Any],
    worker: dict[str, Any],
) -> dict[str, Any]:
    return await assign(
        client,
        admin,
        place["contract"]["id"],
        worker["id"],
        start_date=(today - dt.timedelta(days=30)).isoformat(),
        end_date=(today + dt.timedelta(days=200)).isoformat(),
    )


async def _world(
    client: httpx.AsyncClient, admin: dict[str, str], today: dt.date
) -> dict[str, Any]:
    """Site A (two placed workers, one a permanent resident whose card ends in 45 days), site
    B of a client named like a formula (one placed worker whose card ends in 20 days), a
    student with 28 hours a week permitted and an in-house employee, both placed nowhere."""
    hired = (today - dt.timedelta(days=40)).isoformat()
    mine = await _site(
        client,
        admin,
        today,
        client_name="愛知部品",
        started=today - dt.timedelta(days=3 * 365 - 40),
    )
    other = await _site(
        client, admin, today, client_name="=cmd", started=today - dt.timedelta(days=3 * 365 - 80)
    )
    resident = await foreign_employee(
        client,
        admin,
        "PERMANENT_RESIDENT",
        hire_date=hired,
        residence_card_expiry=(today + dt.timedelta(days=45)).isoformat(),
    )
    local = await make_employee(client, admin, hire_date=hired)
    far = await foreign_employee(
        client,
        admin,
        "LONG_TERM_RESIDENT",
        hire_date=hired,
        residence_card_expiry=(today + dt.timedelta(days=20)).isoformat(),
    )
    student = await foreign_employee(
        client,
        admin,
        "STUDENT",
        hire_date=hired,
        residence_card_expiry=(today + dt.timedelta(days=100)).isoformat(),
        extra_activity_permission="BLANKET",
        extra_activity_weekly_hours=28,
    )
    staff = await make_employee(client, admin, hire_date=hired, employment_type="staff")
    placements = {
        "resident": await _place(client, admin, today, mine, resident),
        "local": await _place(client, admin, today, mine, local),
        "far": await _place(client, admin, today, other, far),
    }
    return {
        "mine": mine,
        "other": other,
        "resident": resident,
        "student": student,
        "local": local,
        "far": far,
        "staff": staff,
        "placements": placements,
    }


async def _as(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, role: str, **fields: Any
) -> None:
    client.cookies.clear()
    user = await make_user(role, **fields)
    await page_login(user["email"])


# --- headcount ------------------------------------------------------------------------------


async def test_headcount_by_client_site_and_type_in_the_callers_scope(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    world = await _world(client, admin, today)
    await _as(client, make_user, page_login, "coordinator", locale="en")
    await client.get("/reports/headcount")  # the caller warm
    with cache_bypass(), assert_num_queries(2):  # the caller, the one grouped statement
        html = await _text(client, "/reports/headcount")
    assert "5 workers on" in html
    table = _csv(await client.get("/reports/headcount/export.csv"))
    assert table[0] == ["Client", "Site", "Employment type", "Headcount"]
    assert table[1:] == [
        ["'=cmd", "'=cmd工場", "Dispatched worker", "1"],
        ["愛知部品", "愛知部品工場", "Dispatched worker", "2"],
        ["Not placed", "", "Dispatched worker", "1"],
        ["Not placed", "", "In-house staff", "1"],
    ]
    # Before anyone was hired: nobody.
    before = (today - dt.timedelta(days=41)).isoformat()
    assert _csv(await client.get(f"/reports/headcount/export.csv?on={before}"))[1:] == []
    sheet = _xlsx(await client.get("/reports/headcount/export.xlsx"))
    assert sheet[1] == ["'=cmd", "'=cmd工場", "Dispatched worker", 1]

    await _as(
        client,
        make_user,
        page_login,
        "site_manager",
        locale="ja",
        site_ids=[world["mine"]["site"]["id"]],
    )
    html = await _text(client, "/reports/headcount")
    assert "愛知部品工場" in html and "=cmd" not in html
    assert _csv(await client.get("/reports/headcount/export.csv"))[1:] == [
        ["愛知部品", "愛知部品工場", "派遣", "2"]
    ]


# --- overtime and 36協定 ------------------------------------------------------------------


async def test_overtime_against_the_36_agreement_in_the_callers_scope(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    world = await _world(client, admin, today)
    # 08:00–21:00 with an hour's break: 12 hours, 4 of them statutory overtime.
    for key in ("local", "far"):
        await approved(
            client, admin, world["placements"][key]["id"], today.isoformat(), end="21:00"
        )
    await approved(client, admin, world["placements"]["resident"]["id"], today.isoformat())
    await _as(client, make_user, page_login, "coordinator", locale="en")
    month = f"{today:%Y-%m}"
    await client.get("/reports/overtime")
    with cache_bypass(), assert_num_queries(2):  # the caller, the page (names joined)
        html = await _text(client, f"/reports/overtime?month={month}")
    assert "Within the limits" in html
    table = _csv(await client.get(f"/reports/overtime/export.csv?month={month}"))
    assert table[0] == [
        "Employee number",
        "Name",
        "Payroll period",
        "Statutory overtime (h)",
        "Overtime this business year (h)",
        "Statutory rest-day work (h)",
        "36 agreement",
    ]
    rows = table[1:]
    assert [r[3] for r in rows] == ["4.00", "4.00", "0.00"]
    assert {r[6] for r in rows} == {"Within the limits"}
    assert (
        _csv(await client.get(f"/reports/overtime/export.csv?month={month}&status=over"))[1:] == []
    )

    await _as(client, make_user, page_login, "site_manager", site_ids=[world["mine"]["site"]["id"]])
    html = await _text(client, f"/reports/overtime?month={month}")
    numbers = [
        r[0] for r in _csv(await client.get(f"/reports/overtime/export.csv?month={month}"))[1:]
    ]
    assert sorted(numbers) == sorted(
        [world["local"]["employee_number"] or "", world["resident"]["employee_number"] or ""]
    )
    assert f"/attendance/employees/{world['far']['id']}/" not in html


# --- residence cards ------------------------------------------------------------------------


async def test_residence_cards_with_hours_in_the_callers_scope(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    world = await _world(client, admin, today)
    await approved(client, admin, world["placements"]["resident"]["id"], today.isoformat())
    await _as(client, make_user, page_login, "coordinator", locale="en")
    await client.get("/reports/residence")
    with cache_bypass(), assert_num_queries(3):  # the caller, the page, the page's timecards
        html = await _text(client, "/reports/residence")
    ids = [int(i) for i in re.findall(r'<td><a href="/employees/(\d+)">', html)]
    # the soonest end of lawful work first
    assert ids == [world["far"]["id"], world["resident"]["id"], world["student"]["id"]]
    table = _csv(await client.get("/reports/residence/export.csv"))
    assert table[0] == [
        "Employee number",
        "Name",
        "Residence status",
        "Card expiry",
        "Lawful work until",
        "Days left",
        "Permission for activities outside the status",
        "Weekly hours permitted",
        "Hours, last 7 days",
        "Hours this month",
    ]
    resident = table[2]
    assert resident[3] == resident[4] == (today + dt.timedelta(days=45)).isoformat()
    assert resident[5] == "45"
    assert resident[8:] == ["8.00", "8.00"]  # one approved 8-hour day, today
    assert table[3][5:] == ["100", "Blanket permission (28 h a week)", "28", "0.00", "0.00"]
    soon = _csv(await client.get("/reports/residence/export.csv?within_days=30"))
    assert [r[5] for r in soon[1:]] == ["20"]
    sheet = _xlsx(await client.get("/reports/residence/export.xlsx?permission=BLANKET"))
    assert len(sheet) == 2 and sheet[1][5] == 100 and sheet[1][7] == 28

    await _as(client, make_user, page_login, "site_manager", site_ids=[world["mine"]["site"]["id"]])
    html = await _text(client, "/reports/residence")
    ids = [int(i) for i in re.findall(r'<td><a href="/employees/(\d+)">', html)]
    assert ids == [world["resident"]["id"]]


async def test_residence_cards_page_by_cursor_in_three_statements(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    for i in range(52):
        await foreign_employee(
            client,
            admin,
            "STUDENT",
            hire_date="2025-01-01",
            residence_card_expiry=(today + dt.timedelta(days=10 + i)).isoformat(),
        )
    await _as(client, make_user, page_login, "coordinator", locale="ja")
    await client.get("/reports/residence")
    with cache_bypass(), assert_num_queries(3):
        first = await _text(client, "/reports/residence")
    cursor = re.search(r'href="\?(?:[^"]*&amp;)?cursor=([^"&]+)"', first)
    assert cursor is not None
    with cache_bypass(), assert_num_queries(3):
        second = await _text(client, f"/reports/residence?cursor={cursor.group(1)}")
    assert len(re.findall(r'<td><a href="/employees/', first)) == 50
    assert len(re.findall(r'<td><a href="/employees/', second)) == 2
    assert "52 件" in second
    assert len(_csv(await client.get("/reports/residence/export.csv"))) == 53


# --- 抵触日 --------------------------------------------------------------------------------


async def test_conflict_dates_with_the_hearing_deadline_in_the_callers_scope(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    world = await _world(client, admin, today)
    mine = dt.date.fromisoformat(world["mine"]["site"]["conflict_date"])
    other = dt.date.fromisoformat(world["other"]["site"]["conflict_date"])
    await _as(client, make_user, page_login, "coordinator", locale="en")
    await client.get("/reports/conflicts")
    with cache_bypass(), assert_num_queries(2):  # the caller, the page (names joined)
        await _text(client, "/reports/conflicts")
    table = _csv(await client.get("/reports/conflicts/export.csv?kind=site"))
    assert table[0] == [
        "Kind",
        "Client",
        "Site",
        "Organisational unit",
        "Name",
        "Conflict date",
        "Hearing deadline",
        "Days left",
    ]
    assert table[1:] == [
        [
            "Site conflict date",
            "愛知部品",
            "愛知部品工場",
            "",
            "",
            mine.isoformat(),
            hearing_deadline(mine).isoformat(),
            str((mine - today).days),
        ],
        [
            "Site conflict date",
            "'=cmd",
            "'=cmd工場",
            "",
            "",
            other.isoformat(),
            hearing_deadline(other).isoformat(),
            str((other - today).days),
        ],
    ]
    individual = _csv(await client.get("/reports/conflicts/export.csv?kind=individual"))[1:]
    assert len(individual) == 3 and {r[0] for r in individual} == {"Individual conflict date"}
    assert all(r[6] == "" for r in individual)  # no hearing extends an individual date
    sheet = _xlsx(await client.get("/reports/conflicts/export.xlsx?kind=site&within_days=60"))
    assert [row[1] for row in sheet[1:]] == ["愛知部品"]

    await _as(client, make_user, page_login, "site_manager", site_ids=[world["mine"]["site"]["id"]])
    rows = _csv(await client.get("/reports/conflicts/export.csv"))[1:]
    assert {r[2] for r in rows} == {"愛知部品工場"} and len(rows) == 3


# --- access, audit, the index -------------------------------------------------------------


async def test_reports_access_audit_and_index(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    await _as(client, make_user, page_login, "employee")
    for path in ("/reports", "/reports/headcount", "/reports/residence/export.csv"):
        assert (await client.get(path)).status_code == 403, path
    await _as(client, make_user, page_login, "site_manager", locale="en")
    html = await _text(client, "/reports")
    assert 'href="/leave"' in html and 'href="/billing/margins"' not in html
    await _as(client, make_user, page_login, "coordinator", locale="ja")
    html = await _text(client, "/reports")
    assert 'href="/billing/margins"' in html and 'href="/reports/conflicts"' in html
    assert "レポート" in html
    for name in ("headcount", "overtime", "residence", "conflicts"):
        assert (await client.get(f"/reports/{name}/export.xlsx")).status_code == 200
    audit = await client.get(
        "/api/audit?action=export&entity_type=report_residence", headers=await auth_headers("admin")
    )
    assert [e["entity_id"] for e in audit.json()["data"]] == ["list"]
    labels = {name: registry.records[f"report_{name}"].label for name in ("residence", "headcount")}
    assert labels == {"residence": "Residence card report", "headcount": "Headcount report"}


async def test_the_dashboards_residence_and_site_conflict_links_open_the_reports_they_count(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    await _world(client, admin, today)
    data = (await client.get("/api/dashboard", headers=admin)).json()["data"]
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["residence_expiring"]["href"] == "/reports/residence?within_days=90"
    assert figures["conflict_sites"]["href"] == "/reports/conflicts?kind=site&within_days=90"
    await _as(client, make_user, page_login, "admin", locale="en")
    for key in ("residence_expiring", "conflict_sites"):
        html = await _text(client, figures[key]["href"])
        assert f"Results: {figures[key]['value']}" in html, key
    assert figures["residence_expiring"]["value"] == 2  # 20 and 45 days; 100 is outside
    assert figures["conflict_sites"]["value"] == 2


async def test_a_forged_cursor_is_refused_on_a_report(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    await _as(client, make_user, page_login, "coordinator", locale="en")
    for path in ("/reports/residence", "/reports/overtime", "/reports/conflicts"):
        response = await client.get(f"{path}?cursor=eyJrIjpbXX0.AAAA")
        assert response.status_code == 400, path
        assert response.headers["x-error-code"] == "INVALID_CURSOR"


async def test_overtime_status_and_the_business_year_total(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """Ledger rows as attendance classifies them (written straight to the ledger): the
    month's statutory overtime and the total since April against 45 h / 360 h."""
    from sqlalchemy import insert

    from haken.modules.attendance.models import LedgerEntry
    from haken.modules.attendance.service import attendance_service
    from haken.platform.db import session_scope, utcnow

    admin = await auth_headers("admin")
    workers = [await make_employee(client, admin, hire_date="2025-01-01") for _ in range(5)]
    # (June, May, March) minutes: March belongs to the business year before.
    figures = [(46 * 60, 0, 0), (36 * 60, 0, 0), (10 * 60, 300 * 60, 0), (5 * 60, 356 * 60, 0)]
    figures.append((60, 0, 400 * 60))
    periods = {
        m: attendance_service.overtime_statement(None, month=m)[1]
        for m in ("2026-06", "2026-05", "2026-03")
    }  # type: ignore[arg-type]
    async with session_scope(app.state.database, write=True) as session:
        for worker, minutes in zip(workers, figures, strict=True):
            for month, overtime in zip(("2026-06", "2026-05", "2026-03"), minutes, strict=True):
                await session.execute(
                    insert(LedgerEntry).values(
                        kind="payroll",
                        subject_id=worker["id"],
                        period_start=periods[month].start,
                        period_end=periods[month].end,
                        overtime=overtime,
                        computed_at=utcnow(),
                    )
                )
    await _as(client, make_user, page_login, "coordinator", locale="en")
    table = _csv(await client.get("/reports/overtime/export.csv?month=2026-06"))
    numbers = [w["employee_number"] for w in workers]
    assert [(r[0], r[3], r[4], r[6]) for r in table[1:]] == [
        (numbers[0], "46.00", "46.00", "Over the principle limit"),
        (numbers[1], "36.00", "36.00", "Near a limit"),
        (numbers[2], "10.00", "310.00", "Near a limit"),
        (numbers[3], "5.00", "361.00", "Over the principle limit"),
        (numbers[4], "1.00", "1.00", "Within the limits"),
    ]
    for status, expected in (("over", [0, 3]), ("warning", [1, 2]), ("ok", [4])):
        rows = _csv(await client.get(f"/reports/overtime/export.csv?month=2026-06&status={status}"))
        assert [r[0] for r in rows[1:]] == [numbers[i] for i in expected], status
