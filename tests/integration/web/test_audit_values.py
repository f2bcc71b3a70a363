"""The audit log shows stored codes with their forms' labels in the UI language (issue 14):
roles, page languages and enum members, never ``coordinator`` or ``ja``."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token


def _changes_of(html: str) -> str:
    """The rows' text without markup (the filters' select lists every record type)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"<[^>]+>", " ", body)


async def test_roles_languages_and_preferences_read_as_labels(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    target = await make_user("coordinator", locale="ja", email="target@test.example")
    admin_api = await auth_headers("admin")
    changed = await client.put(
        f"/api/users/{target['id']}/role",
        headers=admin_api,
        json={"role": "admin", "version": 1},
    )
    assert changed.status_code == 200, changed.text
    await page_login(target["email"])
    account = await client.get("/account")
    found = re.search(r'name="version" value="(\d+)"', account.text)
    assert found
    version = found.group(1)
    prefs = await client.post(
        "/account/preferences",
        data={"locale": "en", "version": version, "csrf_token": csrf_token(account.text)},
    )
    assert prefs.status_code == 303, prefs.text
    client.cookies.clear()

    viewer = await make_user("admin", locale="ja")
    await page_login(viewer["email"])
    page = await client.get("/audit", params={"entity_type": "user", "entity_id": target["id"]})
    assert page.status_code == 200
    rows = _changes_of(page.text)
    assert (
        "営業・コーディネーター" in rows and "管理者（事務・経理）" in rows
    )  # the role, both sides
    assert "coordinator" not in rows and ">admin<" not in page.text
    assert "表示設定を変更" in rows and "preferences" not in rows  # the action's label
    assert "英語" in rows and "日本語" in rows  # en / ja by their names in Japanese

    client.cookies.clear()
    english = await make_user("admin", locale="en")
    await page_login(english["email"])
    rows = _changes_of(
        (await client.get("/audit", params={"entity_type": "user", "entity_id": target["id"]})).text
    )
    assert "Coordinator" in rows and "Administrator" in rows
    assert "Preferences changed" in rows and "English" in rows and "Japanese" in rows
