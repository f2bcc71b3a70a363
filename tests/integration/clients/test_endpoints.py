"""Clients, sites, units and contacts end to end: validation, scope, versions, archival,
pagination and exact query counts (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haken.modules.clients.service import clients_service
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from haken.platform.errors import NotFoundError

# 国税庁's own 法人番号 (published on its 法人番号公表サイト): check digit 7.
NTA_NUMBER = "7000012050002"


async def _post(http: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def make_client(http: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"name": "株式会社テスト", "prefecture": "23", **fields}
    return await _post(http, "/api/clients", headers, **body)


async def make_site(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, **fields: Any
) -> Any:
    body = {
        "client_id": client_id,
        "name": "本社工場",
        "prefecture": "23",
        "city": "豊田市",
        "address_line1": "トヨタ町1番地",
        **fields,
    }
    return await _post(http, "/api/sites", headers, **body)


async def make_unit(
    http: httpx.AsyncClient, headers: dict[str, str], site_id: int, **fields: Any
) -> Any:
    body = {"site_id": site_id, "name": "製造1課", "head_title": "課長", **fields}
    return await _post(http, "/api/units", headers, **body)


# --- validation of the numbers ---------------------------------------------------------------


async def test_create_client_with_corporate_and_invoice_numbers(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("coordinator")
    created = await make_client(
        client,
        admin,
        name="株式会社サンプル",
        name_kana="サンプル",
        corporate_number=NTA_NUMBER,
        # Full-width as pasted from a PDF: folded to the plain form.
        invoice_registration_number="Ｔ７０００－０１２０－５０００２",
        postal_code="4718571",
        city="豊田市",
    )
    assert created["invoice_registration_number"] == "T" + NTA_NUMBER
    assert created["postal_code"] == "471-8571"
    assert created["prefecture_name"] == "愛知県"
    assert created["version"] == 1
    assert created["archived"] is False


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"corporate_number": "8000012050002"}, "CLIENT_CORPORATE_NUMBER_INVALID"),
        ({"corporate_number": "700001205000"}, "CLIENT_CORPORATE_NUMBER_INVALID"),
        ({"invoice_registration_number": "T8000012050002"}, "CLIENT_INVOICE_NUMBER_INVALID"),
        ({"invoice_registration_number": "7000012050002"}, "CLIENT_INVOICE_NUMBER_INVALID"),
        (
            {"corporate_number": NTA_NUMBER, "invoice_registration_number": "T4011001098993"},
            "CLIENT_INVOICE_NUMBER_MISMATCH",
        ),
    ],
)
async def test_invalid_numbers_are_refused(
    client: httpx.AsyncClient, auth_headers: Any, fields: dict[str, str], code: str
) -> None:
    headers = await auth_headers("coordinator")
    response = await client.post(
        "/api/clients", headers=headers, json={"name": "株式会社X", **fields}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    listed = await client.get("/api/clients", headers=headers)
    assert listed.json()["data"] == []  # nothing half-written


async def test_sole_proprietor_number_is_checked_for_form_only(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    # No check rule is published for non-corporate numbers: a wrong "check digit" passes.
    created = await make_client(
        client,
        headers,
        name="山田商店",
        entity_kind="individual",
        invoice_registration_number="T8000012050002",
    )
    assert created["invoice_registration_number"] == "T8000012050002"


async def test_corporate_number_is_unique(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    await make_client(client, headers, corporate_number=NTA_NUMBER)
    response = await client.post(
        "/api/clients", headers=headers, json={"name": "別会社", "corporate_number": NTA_NUMBER}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CLIENT_CORPORATE_NUMBER_TAKEN"


# --- search, sort, pagination, query counts -------------------------------------------------


async def test_search_is_width_and_kana_insensitive_prefix(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    await make_client(client, headers, name="株式会社トヨタ精機", name_kana="トヨタセイキ")
    await make_client(client, headers, name="デンソー部品株式会社", name_kana="デンソーブヒン")
    await make_client(client, headers, name="アイシン", prefecture="13")

    async def names(**params: Any) -> list[str]:
        response = await client.get("/api/clients", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [row["name"] for row in response.json()["data"]]

    assert await names(q="ﾄﾖﾀ") == ["株式会社トヨタ精機"]  # half-width kana
    assert await names(q="とよた") == ["株式会社トヨタ精機"]  # hiragana
    assert await names(q="デンソー部") == ["デンソー部品株式会社"]  # kanji name, legal form dropped
    assert await names(q="精機") == []  # prefix, not substring
    assert await names(prefecture="13") == ["アイシン"]
    # Sorted by reading (あいしん < でんそー < とよた), then reversed.
    assert await names() == ["アイシン", "デンソー部品株式会社", "株式会社トヨタ精機"]
    assert await names(sort="-name") == ["株式会社トヨタ精機", "デンソー部品株式会社", "アイシン"]
    assert await names(sort="created") == ["株式会社トヨタ精機", "デンソー部品株式会社", "アイシン"]


async def _walk(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], queries: int, **params: Any
) -> list[Any]:
    """Every page of a list, asserting the exact query count of each page."""
    rows: list[Any] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        with cache_bypass(), assert_num_queries(queries):
            response = await http.get(path, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        cursor = body["pagination"]["next_cursor"]
        if not body["pagination"]["has_more"]:
            assert cursor is None
            return rows


async def test_list_queries_are_constant_per_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    headers = await auth_headers("admin")
    clients = [await make_client(client, headers, name=f"会社{i:02d}") for i in range(7)]
    site_ids = []
    for row in clients[:5]:
        site = await make_site(client, headers, row["id"], name=f"工場{row['id']}")
        site_ids.append(site["id"])
        await make_unit(client, headers, site["id"])
        await _post(client, f"/api/clients/{row['id']}/contacts", headers, name="担当 太郎")
        await _post(client, f"/api/clients/{row['id']}/contacts", headers, name="担当 花子")

    # Admin: 1 query resolves the caller, 1 reads the page (the total rides along).
    names = [r["name"] for r in await _walk(client, "/api/clients", headers, 2, limit=2)]
    assert names == [f"会社{i:02d}" for i in range(7)]
    counted = await _walk(client, "/api/clients", headers, 2, limit=3, count="true")
    assert len(counted) == 7
    assert len(await _walk(client, "/api/sites", headers, 2, limit=2)) == 5
    assert len(await _walk(client, "/api/units", headers, 2, limit=2)) == 5
    contacts = await _walk(client, f"/api/clients/{clients[0]['id']}/contacts", headers, 2, limit=1)
    # No reading given: ordered by the folded kanji (太 U+592A before 花 U+82B1).
    assert [c["name"] for c in contacts] == ["担当 太郎", "担当 花子"]
    # Site manager: 1 query resolves the caller with their sites, 1 reads the page.
    manager = await make_user("site_manager", site_ids=site_ids[:3])
    manager_headers = {"Authorization": (await login(manager["email"]))["Authorization"]}
    assert len(await _walk(client, "/api/clients", manager_headers, 2, limit=2)) == 3
    assert len(await _walk(client, "/api/sites", manager_headers, 2, limit=1, count="true")) == 3
    assert len(await _walk(client, "/api/units", manager_headers, 2, limit=2)) == 3
    assert (
        len(await _walk(client, f"/api/clients/{clients[0]['id']}/contacts", manager_headers, 2))
        == 2
    )


async def test_count_and_empty_pages(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("admin")
    for i in range(3):
        await make_client(client, headers, name=f"会社{i}")
    first = (await client.get("/api/clients?limit=2&count=true", headers=headers)).json()
    assert first["pagination"]["total"] == 3
    assert first["pagination"]["has_more"] is True
    empty = (await client.get("/api/clients?q=zzz&count=true", headers=headers)).json()
    assert empty["data"] == [] and empty["pagination"]["total"] == 0
    lonely = await make_client(client, headers, name="連絡先なし")
    contacts = await client.get(f"/api/clients/{lonely['id']}/contacts", headers=headers)
    assert contacts.status_code == 200 and contacts.json()["data"] == []
    missing = await client.get("/api/clients/999999/contacts", headers=headers)
    assert missing.status_code == 404


async def test_bad_cursor_is_400(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("admin")
    response = await client.get("/api/clients?cursor=bm9wZQ", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_CURSOR"


async def test_json_booleans_and_numbers_are_not_interchangeable(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: ``archived: 0`` was read as false and the edit saved (200)."""
    headers = await auth_headers("coordinator")
    created = await make_client(client, headers, name="型検査")
    path = f"/api/clients/{created['id']}"
    for body in ({"version": 1, "archived": 0}, {"version": 1, "archived": 1}, {"version": True}):
        refused = await client.patch(path, headers=headers, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["error"]["code"] == "VALIDATION_FAILED"
    unchanged = (await client.get(path, headers=headers)).json()["data"]
    assert (unchanged["version"], unchanged["archived"]) == (1, False)
    accepted = await client.patch(path, headers=headers, json={"version": 1, "archived": False})
    assert accepted.status_code == 200, accepted.text


# --- versions and archival ---------------------------------------------------------------------


async def test_stale_version_is_409_and_nothing_changes(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    created = await make_client(client, headers, name="旧名")
    path = f"/api/clients/{created['id']}"
    updated = await client.patch(path, headers=headers, json={"version": 1, "name": "新名"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["version"] == 2
    stale = await client.patch(path, headers=headers, json={"version": 1, "name": "別名"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "VERSION_CONFLICT"
    assert (await client.get(path, headers=headers)).json()["data"]["name"] == "新名"
    stale_delete = await client.delete(path, headers=headers, params={"version": 1})
    assert stale_delete.status_code == 409


async def test_delete_is_archival_when_referenced(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    unused = await make_client(client, headers, name="誤登録")
    gone = await client.delete(
        f"/api/clients/{unused['id']}", headers=headers, params={"version": 1}
    )
    assert gone.json()["data"] == {"id": unused["id"], "outcome": "deleted"}
    assert (await client.get(f"/api/clients/{unused['id']}", headers=headers)).status_code == 404

    used = await make_client(client, headers, name="取引先")
    site = await make_site(client, headers, used["id"])
    unit = await make_unit(client, headers, site["id"])
    archived = await client.delete(
        f"/api/clients/{used['id']}", headers=headers, params={"version": 1}
    )
    assert archived.json()["data"] == {"id": used["id"], "outcome": "archived"}
    record = (await client.get(f"/api/clients/{used['id']}", headers=headers)).json()["data"]
    assert record["archived"] is True and record["archived_at"] is not None
    assert record["version"] == 2
    active = (await client.get("/api/clients", headers=headers)).json()["data"]
    assert active == []
    listed = (await client.get("/api/clients?status=archived", headers=headers)).json()["data"]
    assert [r["id"] for r in listed] == [used["id"]]
    # Nothing new under an archived client or site.
    refused = await client.post(
        "/api/sites",
        headers=headers,
        json={"client_id": used["id"], "name": "新工場", "prefecture": "23", "address_line1": "1"},
    )
    assert refused.json()["error"]["code"] == "CLIENT_ARCHIVED"
    # The site (it has a unit) is archived too; then its unit may not be restored.
    site_gone = await client.delete(
        f"/api/sites/{site['id']}", headers=headers, params={"version": 1}
    )
    assert site_gone.json()["data"]["outcome"] == "archived"
    unit_gone = await client.delete(
        f"/api/units/{unit['id']}", headers=headers, params={"version": 1}
    )
    assert unit_gone.json()["data"]["outcome"] == "deleted"
    refused_unit = await client.post(
        "/api/units", headers=headers, json={"site_id": site["id"], "name": "2課"}
    )
    assert refused_unit.status_code == 409
    assert refused_unit.json()["error"]["code"] == "UNIT_SITE_ARCHIVED"
    # Restore: PATCH archived=false.
    restored = await client.patch(
        f"/api/clients/{used['id']}", headers=headers, json={"version": 2, "archived": False}
    )
    assert restored.json()["data"]["archived"] is False
    assert restored.json()["data"]["archived_at"] is None


# --- scope ------------------------------------------------------------------------------------


async def test_site_manager_sees_only_their_sites(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    mine = await make_client(client, admin, name="担当先")
    theirs = await make_client(client, admin, name="他社")
    my_site = await make_site(client, admin, mine["id"], name="A工場")
    other_site = await make_site(client, admin, mine["id"], name="B工場")
    their_site = await make_site(client, admin, theirs["id"], name="C工場")
    my_unit = await make_unit(client, admin, my_site["id"])
    other_unit = await make_unit(client, admin, other_site["id"])
    await _post(client, f"/api/clients/{theirs['id']}/contacts", admin, name="他社 担当")

    manager = await make_user("site_manager", site_ids=[my_site["id"]])
    headers = {"Authorization": (await login(manager["email"]))["Authorization"]}

    async def status(path: str) -> int:
        return (await client.get(path, headers=headers)).status_code

    assert [
        r["id"] for r in (await client.get("/api/clients", headers=headers)).json()["data"]
    ] == [mine["id"]]
    assert [r["id"] for r in (await client.get("/api/sites", headers=headers)).json()["data"]] == [
        my_site["id"]
    ]
    assert [r["id"] for r in (await client.get("/api/units", headers=headers)).json()["data"]] == [
        my_unit["id"]
    ]
    assert await status(f"/api/clients/{mine['id']}") == 200
    assert await status(f"/api/sites/{my_site['id']}") == 200
    assert await status(f"/api/units/{my_unit['id']}") == 200
    assert await status(f"/api/clients/{theirs['id']}") == 404
    assert await status(f"/api/clients/{theirs['id']}/contacts") == 404
    assert await status(f"/api/sites/{other_site['id']}") == 404
    assert await status(f"/api/sites/{their_site['id']}") == 404
    assert await status(f"/api/units/{other_unit['id']}") == 404
    # Writes are for coordinators and above.
    write = await client.patch(f"/api/sites/{my_site['id']}", headers=headers, json={"version": 1})
    assert write.status_code == 403

    employee = await auth_headers("employee")
    for path in ("/api/clients", "/api/sites", "/api/units", f"/api/clients/{mine['id']}"):
        response = await client.get(path, headers=employee)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "AUTH_FORBIDDEN"


# --- sites: 抵触日 ---------------------------------------------------------------------------


async def test_site_conflict_date_and_extension_hearings(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    owner = await make_client(client, headers)
    no_start = await make_site(client, headers, owner["id"], name="未開始")
    refused = await client.post(
        f"/api/sites/{no_start['id']}/extensions",
        headers=headers,
        json={"version": 1, "hearing_date": "2029-01-10", "heard_party": "過半数代表者 山田"},
    )
    assert refused.json()["error"]["code"] == "SITE_NO_DISPATCH_START"

    site = await make_site(client, headers, owner["id"], dispatch_started_on="2026-04-01")
    # Three years from 2026-04-01: the first day past them is 2029-04-01.
    assert site["conflict_date"] == "2029-04-01"
    assert site["hearing_deadline"] == "2029-03-01"  # one month before
    path = f"/api/sites/{site['id']}/extensions"
    late = await client.post(
        path,
        headers=headers,
        json={"version": 1, "hearing_date": "2029-03-02", "heard_party": "労働組合"},
    )
    assert late.status_code == 422
    assert late.json()["error"]["code"] == "SITE_EXTENSION_HEARING_LATE"
    extended = await client.post(
        path,
        headers=headers,
        json={
            "version": 1,
            "hearing_date": "2029-03-01",
            "heard_party": "過半数労働組合",
            "opinion": "異議なし",
        },
    )
    assert extended.status_code == 201, extended.text
    data = extended.json()["data"]
    assert data["conflict_date"] == "2032-04-01"  # extended by 3 years
    assert data["version"] == 2
    assert [e["hearing_date"] for e in data["extensions"]] == ["2029-03-01"]
    detail = (await client.get(f"/api/sites/{site['id']}", headers=headers)).json()["data"]
    assert detail["conflict_date"] == "2032-04-01"
    assert detail["extensions"][0]["opinion"] == "異議なし"
    # Sorted by 抵触日, sites without one left out.
    listed = (await client.get("/api/sites?sort=conflict_date", headers=headers)).json()["data"]
    assert [s["id"] for s in listed] == [site["id"]]
    # Moving the start date recomputes the date with the same hearing.
    moved = await client.patch(
        f"/api/sites/{site['id']}",
        headers=headers,
        json={"version": 2, "dispatch_started_on": "2026-06-01"},
    )
    assert moved.json()["data"]["conflict_date"] == "2032-06-01"


# --- units and placement ------------------------------------------------------------------------


async def test_unit_placement_for_other_modules(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    headers = await auth_headers("coordinator")
    owner = await make_client(client, headers, name="配置先")
    site = await make_site(
        client, headers, owner["id"], name="第2工場", dispatch_started_on="2026-04-01"
    )
    unit = await make_unit(
        client,
        headers,
        site["id"],
        name="組立課",
        supervisor_name="鈴木 一郎",
        supervisor_title="係長",
    )
    assert unit["client_id"] == owner["id"]
    assert unit["supervisor_name"] == "鈴木 一郎"
    async with session_scope(app.state.database, write=True) as session:
        with cache_bypass(), assert_num_queries(1):
            placement = await clients_service.get_unit_placement(session, unit["id"])
        with pytest.raises(NotFoundError):
            await clients_service.get_unit_placement(session, 999_999)
    assert placement.unit_name == "組立課"
    assert placement.site_name == "第2工場"
    assert placement.client_name == "配置先"
    assert placement.site_conflict_date is not None
    assert placement.site_conflict_date.isoformat() == "2029-04-01"
    assert placement.archived is False


async def test_contacts_crud(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    owner = await make_client(client, headers)
    contact = await _post(
        client,
        f"/api/clients/{owner['id']}/contacts",
        headers,
        name="佐藤 花子",
        name_kana="サトウ ハナコ",
        role="billing",
        email="sato@client.example",
        phone="052-000-0000",
    )
    path = f"/api/clients/{owner['id']}/contacts/{contact['id']}"
    updated = await client.patch(path, headers=headers, json={"version": 1, "title": "経理課長"})
    assert updated.json()["data"]["title"] == "経理課長"
    found = await client.get(f"/api/clients/{owner['id']}/contacts?q=さとう", headers=headers)
    assert [c["id"] for c in found.json()["data"]] == [contact["id"]]
    wrong_client = await client.patch(
        f"/api/clients/999999/contacts/{contact['id']}", headers=headers, json={"version": 2}
    )
    assert wrong_client.status_code == 404
    deleted = await client.delete(path, headers=headers, params={"version": 2})
    assert deleted.json()["data"]["outcome"] == "deleted"


async def test_writes_are_audited(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    created = await make_client(client, admin, name="監査対象")
    await client.patch(
        f"/api/clients/{created['id']}", headers=admin, json={"version": 1, "notes": "x"}
    )
    rows = (
        await client.get(
            "/api/audit",
            headers=admin,
            params={"entity_type": "client", "entity_id": created["id"]},
        )
    ).json()["data"]
    assert [r["action"] for r in rows] == ["update", "create"]
    assert rows[0]["changes"]["notes"] == ["", "x"]
