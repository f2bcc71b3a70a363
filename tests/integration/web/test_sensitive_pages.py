"""Personal numbers, dependants, the audited reveal and the candidate photo, through the pages.

Numbers are shown masked everywhere except the reveal page (admins, a stated purpose, an
audit row, ``no-store``); edits go through the same service as the API, which the API sees.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.db import session_scope
from tests.images import png
from tests.integration.employees.factories import (
    ACCOUNT_NUMBER,
    CARD_NUMBER,
    MY_NUMBER,
    candidate_body,
    create_employee,
)
from tests.integration.web.conftest import PageLogin, csrf_token

NEW_MY_NUMBER = "987654321093"  # valid check digit
NEW_CARD_NUMBER = "CD87654321EF"
NEW_ACCOUNT_NUMBER = "1234567"
PNG = png()
TEXT_INPUT = re.compile(r'name="([a-z_0-9-]+)" type="(?:text|date|email|number)" value="([^"]*)"')


async def _audit(app: Any, entity_type: str, entity_id: int, action: str) -> list[AuditEntry]:
    async with session_scope(app.state.database, write=True) as session:
        statement = (
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == entity_type,
                AuditEntry.entity_id == str(entity_id),
                AuditEntry.action == action,
            )
            .order_by(AuditEntry.id)
        )
        return list((await session.scalars(statement)).all())


async def _form(client: httpx.AsyncClient, path: str) -> tuple[dict[str, str], str]:
    """The form's text inputs and hidden version as a browser posts them, and the page."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    values = dict(TEXT_INPUT.findall(page.text))
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, page.text
    values.update({"version": version.group(1), "csrf_token": csrf_token(page.text)})
    return values, page.text


async def _api_employee(
    client: httpx.AsyncClient, headers: dict[str, str], employee_id: int
) -> Any:
    response = await client.get(f"/api/employees/{employee_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _reveal_api(client: httpx.AsyncClient, admin: dict[str, str], employee_id: int) -> Any:
    response = await client.post(
        f"/api/employees/{employee_id}/reveal",
        headers=admin,
        json={
            "fields": ["my_number", "residence_card_number", "bank_account_number"],
            "purpose": "test check",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _assert_no_clear_numbers(html: str, *numbers: str) -> None:
    for number in numbers:
        assert number not in html, number


async def test_numbers_are_masked_and_edited_through_the_form(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login, auth_headers, app: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    employee = await create_employee(client, api)
    path = f"/employees/{employee['id']}"
    await page_login(coordinator["email"])

    detail = await client.get(path)
    assert detail.status_code == 200
    assert "********9018" in detail.text  # My Number
    assert "********78CD" in detail.text  # residence card
    assert "***4321" in detail.text and "0001-001" in detail.text  # bank account
    assert "グエン ヴァン ドゥック" in detail.text  # holder, as the bank wrote it
    _assert_no_clear_numbers(detail.text, MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER)
    assert f'href="{path}/reveal"' not in detail.text  # a coordinator sees no reveal

    values, form = await _form(client, f"{path}/edit")
    _assert_no_clear_numbers(form, MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER)
    assert values["my_number"] == values["account_number"] == ""
    assert values["residence_card_number"] == ""
    assert values["bank_code"] == "0001" and "Recorded: ********9018" in form
    # The form posted back as shown changes no number.
    unchanged = await client.post(path, data=values)
    assert unchanged.status_code == 303, unchanged.text
    admin = await auth_headers("admin")
    assert await _reveal_api(client, admin, employee["id"]) == {
        "my_number": MY_NUMBER,
        "residence_card_number": CARD_NUMBER,
        "bank_account_number": ACCOUNT_NUMBER,
    }

    # A bad My Number and a bank change without the full account number are refused on
    # their fields; what was typed is not sent back; nothing is written.
    values, _ = await _form(client, f"{path}/edit")
    values.update({"my_number": "123456789012", "bank_code": "0005"})
    refused = await client.post(path, data=values)
    assert refused.status_code == 422
    assert re.search(r'id="f-my_number"[^>]*aria-invalid="true"', refused.text)
    assert re.search(r'id="f-account_number"[^>]*aria-invalid="true"', refused.text)
    assert "123456789012" not in refused.text
    assert 'name="bank_code" type="text" value="0005"' in refused.text  # the rest stays
    assert (await _api_employee(client, api, employee["id"]))["bank_account"]["bank_code"] == "0001"

    values.update(
        {
            "my_number": NEW_MY_NUMBER,
            "residence_card_number": NEW_CARD_NUMBER,
            "bank_code": "0005",
            "branch_code": "123",
            "account_type": "current",
            "account_number": NEW_ACCOUNT_NUMBER,
            "holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
        }
    )
    saved = await client.post(path, data=values)
    assert saved.status_code == 303, saved.text
    stored = await _api_employee(client, api, employee["id"])
    assert stored["my_number_masked"] == "********1093"
    assert stored["residence_card_number_masked"] == "********21EF"
    assert stored["bank_account"] == {
        "bank_code": "0005",
        "branch_code": "123",
        "account_type": "current",
        "account_number_masked": "***4567",
        "holder_kana": "ヤマダ タロウ",
    }
    assert await _reveal_api(client, admin, employee["id"]) == {
        "my_number": NEW_MY_NUMBER,
        "residence_card_number": NEW_CARD_NUMBER,
        "bank_account_number": NEW_ACCOUNT_NUMBER,
    }
    detail = await client.get(path)
    assert "********1093" in detail.text and "***4567" in detail.text
    _assert_no_clear_numbers(detail.text, NEW_MY_NUMBER, NEW_CARD_NUMBER, NEW_ACCOUNT_NUMBER)
    for row in await _audit(app, "employee", employee["id"], "update"):
        _assert_no_clear_numbers(repr(row.changes), NEW_MY_NUMBER, NEW_ACCOUNT_NUMBER)

    # The tick boxes delete a number (My Number after its retention period, a closed account).
    values, _ = await _form(client, f"{path}/edit")
    values.update({"clear_my_number": "on", "clear_bank_account": "on"})
    cleared = await client.post(path, data=values)
    assert cleared.status_code == 303, cleared.text
    stored = await _api_employee(client, api, employee["id"])
    assert stored["my_number_masked"] is None and stored["bank_account"] is None
    assert stored["residence_card_number_masked"] == "********21EF"
    assert 'name="clear_my_number"' not in (await client.get(f"{path}/edit")).text


async def test_numbers_given_at_registration(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    await page_login(coordinator["email"])
    form = await client.get("/employees/new")
    assert "マイナンバー" in form.text and "口座番号" in form.text
    created = await client.post(
        "/employees",
        data={
            "name_kana": "すずき いちろう",
            "name_romaji": "Suzuki Ichiro",
            "birth_date": "1980-01-01",
            "employment_type": "staff",
            "hire_date": "2026-04-01",
            "my_number": MY_NUMBER,
            "bank_code": "0009",
            "branch_code": "012",
            "account_type": "ordinary",
            "account_number": "765",
            "holder_kana": "スズキ イチロウ",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert created.status_code == 303, created.text
    employee_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = await _api_employee(client, api, employee_id)
    assert stored["my_number_masked"] == "********9018"
    assert stored["bank_account"]["account_number_masked"] == "***0765"  # padded to 7


async def test_dependants_are_added_edited_and_removed(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login, app: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    employee = await create_employee(client, api)
    path = f"/employees/{employee['id']}"
    await page_login(coordinator["email"])
    detail = await client.get(path)
    assert f'href="{path}/dependants"' in detail.text and "No dependants recorded." in detail.text

    values, page = await _form(client, f"{path}/dependants")
    assert "Add a dependant" in page and 'name="dependants-1-name"' not in page
    assert re.search(r'name="dependants-0-cohabiting" checked', page)  # the defaults
    values.update(
        {
            "dependants-0-name": "阮 氏花",
            "dependants-0-name_kana": "グエン ティ ホア",
            "dependants-0-relationship": "spouse",
            "dependants-0-disability": "none",
            "dependants-0-birth_date": "1996-02-03",
            "dependants-0-cohabiting": "on",
            "dependants-0-income_within_limit": "on",
        }
    )
    added = await client.post(f"{path}/dependants", data=values)
    assert added.status_code == 303 and added.headers["location"] == path, added.text
    detail = await client.get(path)
    assert "阮 氏花" in detail.text and "Spouse" in detail.text

    # Row 0 is the spouse now, row 1 the empty one: remove her, add a child who lives apart.
    values, page = await _form(client, f"{path}/dependants")
    assert values["dependants-0-name"] == "阮 氏花" and values["dependants-1-name"] == ""
    assert 'name="dependants-0-remove"' in page and 'name="dependants-1-remove"' not in page
    child = {
        "dependants-1-name": "阮 文安",
        "dependants-1-relationship": "child",
        "dependants-1-disability": "special",
        "dependants-1-income_within_limit": "on",
    }
    values.update({**child, "dependants-0-remove": "on", "dependants-0-relationship": "spouse"})
    missing_birth = await client.post(f"{path}/dependants", data=values)
    assert missing_birth.status_code == 422
    assert re.search(r'id="f-dependants-1-birth_date"[^>]*aria-invalid="true"', missing_birth.text)
    assert 'value="阮 文安"' in missing_birth.text  # the rows come back as typed
    assert len((await _api_employee(client, api, employee["id"]))["dependants"]) == 1

    values["dependants-1-birth_date"] = "2020-07-07"
    replaced = await client.post(f"{path}/dependants", data=values)
    assert replaced.status_code == 303, replaced.text
    dependants = (await _api_employee(client, api, employee["id"]))["dependants"]
    assert [
        (d["name"], d["relationship"], d["birth_date"], d["disability"], d["cohabiting"])
        for d in dependants
    ] == [("阮 文安", "child", "2020-07-07", "special", False)]
    assert dependants[0]["income_within_limit"] is True
    # The same form again holds a stale version: a conflict, nothing written.
    again = await client.post(f"{path}/dependants", data=values)
    assert again.status_code == 422
    assert len(await _audit(app, "employee", employee["id"], "dependants")) == 2

    # A site manager reads employees of their sites but edits no dependants.
    client.cookies.clear()
    manager = await make_user("site_manager", locale="en")
    await page_login(manager["email"])
    assert (await client.get(f"{path}/dependants")).status_code == 403


async def test_admin_reveals_numbers_once_with_a_purpose(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, auth_headers, app: Any
) -> None:
    employee = await create_employee(client, await auth_headers("coordinator"))
    path = f"/employees/{employee['id']}"
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])
    detail = await client.get(path)
    assert f'href="{path}/reveal"' in detail.text
    _assert_no_clear_numbers(detail.text, MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER)

    form = await client.get(f"{path}/reveal")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    assert "********9018" in form.text
    _assert_no_clear_numbers(form.text, MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER)
    token = csrf_token(form.text)

    # The purpose is required (3 characters at least, as the API says); nothing is shown.
    for purpose, message in (("", "This field is required."), (" ab ", "at least 3")):
        refused = await client.post(
            f"{path}/reveal",
            data={"fields": "my_number", "purpose": purpose, "csrf_token": token},
        )
        assert refused.status_code == 422
        assert re.search(r'id="f-purpose"[^>]*aria-invalid="true"', refused.text)
        assert message in refused.text
        _assert_no_clear_numbers(refused.text, MY_NUMBER)
    no_field = await client.post(f"{path}/reveal", data={"purpose": "check", "csrf_token": token})
    assert no_field.status_code == 422 and 'id="f-fields-error"' in no_field.text
    no_token = await client.post(f"{path}/reveal", data={"fields": "my_number", "purpose": "check"})
    assert no_token.status_code == 403
    assert await _audit(app, "employee", employee["id"], "reveal") == []

    shown = await client.post(
        f"{path}/reveal",
        data={
            "fields": ["my_number", "bank_account_number"],
            "purpose": "源泉徴収票の作成",
            "csrf_token": token,
        },
    )
    assert shown.status_code == 200, shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert MY_NUMBER in shown.text and ACCOUNT_NUMBER in shown.text
    assert CARD_NUMBER not in shown.text  # not asked for
    assert "源泉徴収票の作成" in shown.text
    rows = await _audit(app, "employee", employee["id"], "reveal")
    assert len(rows) == 1
    assert rows[0].changes == {
        "fields": [None, ["bank_account_number", "my_number"]],
        "purpose": [None, "源泉徴収票の作成"],
    }
    assert MY_NUMBER not in repr(rows[0].changes)


async def test_reveal_is_refused_to_a_coordinator_and_the_employee(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, auth_headers, app: Any
) -> None:
    employee = await create_employee(client, await auth_headers("coordinator"))
    path = f"/employees/{employee['id']}"
    for role, fields in (("coordinator", {}), ("employee", {"employee_id": employee["id"]})):
        client.cookies.clear()
        user = await make_user(role, locale="en", **fields)
        await page_login(user["email"])
        detail = await client.get(path)
        assert detail.status_code == 200
        assert f"{path}/reveal" not in detail.text
        _assert_no_clear_numbers(detail.text, MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER)
        denied = await client.get(f"{path}/reveal")
        assert denied.status_code == 403
        posted = await client.post(
            f"{path}/reveal",
            data={
                "fields": "my_number",
                "purpose": "curious",
                "csrf_token": csrf_token(detail.text),
            },
        )
        assert posted.status_code == 403
        assert MY_NUMBER not in posted.text
    # The employee sees their own numbers masked in the portal.
    assert "********9018" in (await client.get("/me")).text
    assert await _audit(app, "employee", employee["id"], "reveal") == []


async def test_candidate_photo_upload_and_display(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login, app: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    created = await client.post("/api/candidates", headers=api, json=candidate_body())
    assert created.status_code == 201, created.text
    candidate_id = created.json()["data"]["id"]
    path = f"/candidates/{candidate_id}"
    await page_login(coordinator["email"])
    detail = await client.get(path)
    assert 'enctype="multipart/form-data"' in detail.text and "No photo yet." in detail.text
    assert f"/api/candidates/{candidate_id}/photo" not in detail.text
    version = re.search(r'name="version" value="(\d+)"', detail.text)
    assert version
    form = {"version": version.group(1), "csrf_token": csrf_token(detail.text)}

    # Content decides, not the name or the declared type: the catalog's message on the field.
    bad = await client.post(
        f"{path}/photo",
        data=form,
        files={"photo": ("photo.png", b"<html>not an image</html>", "image/png")},
    )
    assert bad.status_code == 422
    assert re.search(r'id="f-photo"[^>]*aria-invalid="true"', bad.text)
    assert "The photo must be a JPEG, PNG or WebP image." in bad.text
    empty = await client.post(
        f"{path}/photo", data=form, files={"photo": ("", b"", "application/octet-stream")}
    )
    assert empty.status_code == 422 and "This field is required." in empty.text
    no_token = await client.post(
        f"{path}/photo",
        data={"version": form["version"]},
        files={"photo": ("p.png", PNG, "image/png")},
    )
    assert no_token.status_code == 403
    assert await _audit(app, "candidate", candidate_id, "photo") == []

    uploaded = await client.post(
        f"{path}/photo", data=form, files={"photo": ("me.gif", PNG, "image/gif")}
    )
    assert uploaded.status_code == 303 and uploaded.headers["location"] == path, uploaded.text
    detail = await client.get(path)
    assert f'src="/api/candidates/{candidate_id}/photo?v=' in detail.text
    assert "Replace the photo" in detail.text
    # The image request carries only the session cookie, as a browser's does.
    image = await client.get(f"/api/candidates/{candidate_id}/photo")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.headers["content-type"] == "image/png"
    assert len(await _audit(app, "candidate", candidate_id, "photo")) == 1

    # Japanese: the same catalog message, in Japanese.
    client.cookies.clear()
    japanese = await make_user("coordinator", locale="ja")
    await page_login(japanese["email"])
    detail = await client.get(path)
    version = re.search(r'name="version" value="(\d+)"', detail.text)
    assert version
    bad = await client.post(
        f"{path}/photo",
        data={"version": version.group(1), "csrf_token": csrf_token(detail.text)},
        files={"photo": ("x.jpg", b"GIF89a" + bytes(16), "image/jpeg")},
    )
    assert (
        bad.status_code == 422 and "写真は JPEG・PNG・WebP 形式の画像にしてください。" in bad.text
    )

    # A site manager may neither upload nor see the photo.
    client.cookies.clear()
    manager = await make_user("site_manager", locale="en")
    await page_login(manager["email"])
    assert (await client.get(f"/api/candidates/{candidate_id}/photo")).status_code == 403
    assert (await client.get(path)).status_code == 403
