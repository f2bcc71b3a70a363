"""Every list of the employees and candidates areas reads its table through an index:
a few thousand rows, ANALYZE, then the plan of every statement each request ran, with
each offered filter and sort, on the first page and after a cursor (PostgreSQL: no
``Seq Scan``; SQLite: no bare ``SCAN``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import insert

from haken.modules.candidates.models import Candidate
from haken.modules.employees.models import Employee
from haken.platform.names import name_key, romaji_key
from tests.helpers_explain import analyze, assert_no_full_scan, capture_statements

N = 4000
LARGE = {"employees", "candidates"}
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
SURNAMES = ("山田", "鈴木", "佐藤", "阮", "陳", "高橋", "田中", "伊藤")
NATIONS = ("VN", "BR", "PH", "JP", "CN", "ID", "NP", "PE")
STATUSES = ("LONG_TERM_RESIDENT", "PERMANENT_RESIDENT", "STUDENT", "SPOUSE_OF_JAPANESE_NATIONAL")
PIPELINE = ("new", "screening", "interview", "offered", "hired", "rejected", "withdrawn")


def letters(number: int) -> str:
    out = ""
    while True:
        number, rest = divmod(number, 26)
        out = chr(97 + rest) + out
        if number == 0:
            return out


def person(i: int) -> dict[str, Any]:
    kana = KANA[i % len(KANA)] + KANA[(i * 7) % len(KANA)] + KANA[(i * 13) % len(KANA)]
    kanji = f"{SURNAMES[i % len(SURNAMES)]} {kana}"
    romaji = f"{letters(i * 7919 % 9973)} {letters(i)}"
    nationality = NATIONS[i % len(NATIONS)]
    expiry = None if nationality == "JP" else dt.date(2026, 1, 1) + dt.timedelta(days=i % 1100)
    return {
        "id": i,
        "name_kanji": kanji,
        "name_kana": kana,
        "name_romaji": romaji,
        "kanji_key": name_key(kanji),
        "kana_key": name_key(kana),
        "romaji_key": romaji_key(romaji),
        "birth_date": dt.date(1970, 1, 1) + dt.timedelta(days=i * 3 % 12000),
        "gender": "male" if i % 2 else "female",
        "nationality": nationality,
        "residence_status": None if nationality == "JP" else STATUSES[i % len(STATUSES)],
        "residence_card_expiry": expiry,
        "extra_activity_permission": "NONE",
        "created_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
        "updated_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
        "version": 1,
        "notes": "",
    }


async def _fill(app: Any) -> None:
    employees, candidates = [], []
    for i in range(1, N + 1):
        row = person(i)
        employees.append(
            {
                **row,
                "work_permitted_until": row["residence_card_expiry"],
                "employment_type": ("dispatch", "dispatch", "contract", "staff")[i % 4],
                "term_type": "indefinite" if i % 5 == 0 else "fixed",
                "hire_date": dt.date(2015, 1, 1) + dt.timedelta(days=i % 3600),
                "status": {8: "on_leave", 9: "left"}.get(i % 10, "active"),
                "client_worker_id": f"C{i:06d}",
                "current_client_id": i % 200 + 1,
                "current_site_id": i % 800 + 1,
                "withholding_column": "kou",
                "conversion_exempt": False,
                "archived_at": None if i % 25 else dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                "employee_number": f"E{i:06d}",
            }
        )
        candidates.append(
            {
                **row,
                "status": PIPELINE[i % len(PIPELINE)],
                "status_changed_at": row["created_at"],
                "reception_date": dt.date(2025, 1, 1) + dt.timedelta(days=i % 600),
                "licenses": [],
                "experience": [],
                "experience_notes": "",
                "family": [],
                "work_history": [],
                "archived_at": None if i % 30 else dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            }
        )
    async with app.state.database.engine.begin() as connection:
        await connection.execute(insert(Candidate.__table__), candidates)
        await connection.execute(insert(Employee.__table__), employees)
        if app.state.database.dialect == "postgresql":
            for table in ("candidates", "employees"):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {N + 1})"
                )
    await analyze(app)


async def _check(
    app: Any, http: httpx.AsyncClient, headers: dict[str, str], path: str, params: dict[str, Any]
) -> None:
    with capture_statements(app) as captured:
        response = await http.get(path, headers=headers, params=params)
        assert response.status_code == 200, response.text
        cursor = response.json()["pagination"]["next_cursor"]
        if cursor:  # the second page runs the keyset condition too
            second = await http.get(path, headers=headers, params={**params, "cursor": cursor})
            assert second.status_code == 200, second.text
    ours = [(s, p) for s, p in captured if any(t in s for t in LARGE)]
    assert ours, f"{path} {params}: no statement on the large tables was captured"
    await assert_no_full_scan(app, ours, LARGE)


async def test_every_people_list_uses_an_index(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    await _fill(app)
    admin = await auth_headers("admin")
    employee_filters: list[dict[str, Any]] = [
        {},
        {"q": "山田"},
        {"q": "ｱｲ"},
        {"q": "abc"},
        {"status": "left"},
        {"status": "active"},
        {"employment_type": "staff"},
        {"term_type": "indefinite"},
        {"client_id": 7},
        {"site_id": 70},
        {"nationality": "VN"},
        {"residence_status": "STUDENT"},
        {"employee_number": "E000123"},
        {"client_worker_id": "C000123"},
        {"include_archived": "true"},
        {"include_left": "true"},
        {"q": "abc def"},  # romaji in the other order: a range on "def", then the suffix
        {"q": "さ", "nationality": "BR", "status": "active"},
    ]
    for sort in ("kana", "romaji", "-hire_date", "-created"):
        for extra in employee_filters:
            await _check(app, client, admin, "/api/employees", {"limit": 20, "sort": sort, **extra})
    await _check(app, client, admin, "/api/employees", {"limit": 20, "count": "true", "q": "ア"})
    for days in (30, 90, 365):
        await _check(app, client, admin, "/api/employees/residence-expiring", {"days": days})
    manager = await auth_headers("site_manager", site_ids=[5, 6, 7])
    await _check(app, client, manager, "/api/employees", {"limit": 2})
    await _check(app, client, manager, "/api/employees/residence-expiring", {"days": 365})
    own = await auth_headers("employee", employee_id=123)
    await _check(app, client, own, "/api/employees", {})

    candidate_filters: list[dict[str, Any]] = [
        {},
        {"q": "鈴木"},
        {"q": "ｶｷ"},
        {"q": "ab"},
        {"status": "offered"},
        {"status": "new"},
        {"nationality": "PH"},
        {"residence_status": "PERMANENT_RESIDENT"},
        {"include_archived": "true"},
        {"q": "た", "status": "screening"},
    ]
    for sort in ("newest", "kana", "romaji"):
        for extra in candidate_filters:
            await _check(
                app, client, admin, "/api/candidates", {"limit": 20, "sort": sort, **extra}
            )
    for days in (30, 365):
        await _check(app, client, admin, "/api/candidates/residence-expiring", {"days": days})
