"""Pages of the foundation: languages, roles, forms with field errors, htmx fragments, audit."""

from __future__ import annotations

import re

import httpx

from tests.conftest import mailed_body
from tests.integration.clients.test_endpoints import make_client, make_site
from tests.integration.web.conftest import PageLogin, csrf_token


async def test_language_follows_accept_language_then_the_users_setting(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    ja = await client.get("/login")
    assert '<html lang="ja">' in ja.text and "ログイン" in ja.text
    en = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in en.text and "Sign in" in en.text
    # The user's own setting (ja) beats the browser's English.
    user = await make_user("admin", locale="ja")
    await page_login(user["email"], **{"Accept-Language": "en"})
    account = await client.get("/account", headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in account.text and "アカウント設定" in account.text


async def test_visitor_language_choice_is_remembered(client: httpx.AsyncClient) -> None:
    chosen = await client.get("/lang/en?next=/login")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/login"
    assert '<html lang="en">' in (await client.get("/login")).text
    assert (await client.get("/lang/en?next=https://evil.example")).headers["location"] == "/"


async def test_user_changes_their_language(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    page = await client.get("/account")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    saved = await client.post(
        "/account/preferences",
        data={"locale": "en", "version": version, "csrf_token": csrf_token(page.text)},
    )
    assert saved.status_code == 303
    assert "My account" in (await client.get("/account")).text
    # A stale version is a conflict page, not a silent overwrite.
    stale = await client.post(
        "/account/preferences",
        data={"locale": "ja", "version": version, "csrf_token": csrf_token(page.text)},
    )
    assert stale.status_code == 409
    assert stale.headers["x-error-code"] == "VERSION_CONFLICT"


async def test_password_change_shows_field_errors_from_the_catalog(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin", locale="ja")
    await page_login(user["email"])
    token = csrf_token((await client.get("/account")).text)
    weak = await client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery-staple",
            "new_password": "short",
            "new_password_confirm": "short",
            "csrf_token": token,
        },
    )
    assert weak.status_code == 422
    error = re.search(r'<p class="error" id="f-new_password-error">([^<]+)</p>', weak.text)
    assert error and error.group(1) == "パスワードは 12 文字以上にしてください。"
    assert 'id="f-new_password" name="new_password" type="password"' in weak.text
    assert 'aria-invalid="true"' in weak.text
    wrong = await client.post(
        "/account/password",
        data={
            "current_password": "not-my-password",
            "new_password": "a-long-enough-password",
            "new_password_confirm": "a-long-enough-password",
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    assert "現在のパスワードが正しくありません。" in wrong.text
    missing = await client.post("/account/password", data={"csrf_token": token})
    # On current and new (confirm is compared), and each linked from the error summary.
    assert missing.text.count('class="error" id="f-') == 2
    assert missing.text.count('<a href="#f-current_password">必須項目です。</a>') == 1
    assert missing.text.count('<a href="#f-new_password">必須項目です。</a>') == 1
    changed = await client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery-staple",
            "new_password": "a-long-enough-password",
            "new_password_confirm": "a-long-enough-password",
            "csrf_token": token,
        },
    )
    assert changed.status_code == 303
    assert "パスワードを変更しました" in (await client.get("/account")).text  # the flash


async def test_employee_sees_only_their_portal(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    employee = await make_user("employee", locale="en", display_name="Nguyen Van A")
    landing = await page_login(employee["email"])
    assert landing.headers["location"] == "/me"
    assert (await client.get("/")).headers["location"] == "/me"
    portal = await client.get("/me")
    assert portal.status_code == 200
    assert "Nguyen Van A" in portal.text and employee["email"] in portal.text
    assert 'href="/admin/users"' not in portal.text and 'href="/audit"' not in portal.text
    for path in ("/admin/users", "/audit", "/admin/users/1", "/admin/outbox", "/admin/system"):
        refused = await client.get(path)
        assert refused.status_code == 403, path
        assert refused.headers["x-error-code"] == "AUTH_FORBIDDEN"
        assert "この操作を行う権限がありません" not in refused.text  # English user
        assert "You do not have permission" in refused.text


async def test_admin_creates_a_user_and_sees_it_in_the_audit_log(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    admin = await make_user("admin", locale="en")
    bearer = {"Authorization": (await login(admin["email"]))["Authorization"]}
    company = await make_client(client, bearer)
    made = [await make_site(client, bearer, company["id"]) for _ in range(2)]
    sites = [site["id"] for site in made]
    await page_login(admin["email"])
    form = await client.get("/admin/users/new")
    token = csrf_token(form.text)
    invalid = await client.post(
        "/admin/users",
        data={"email": "not-an-address", "password": "x", "role": "employee", "csrf_token": token},
    )
    assert invalid.status_code == 422
    assert "Enter a valid e-mail address." in invalid.text
    assert 'value="not-an-address"' in invalid.text  # the form keeps what was typed
    escalation = await client.post(
        "/admin/users",
        data={
            "email": "boss@test.example",
            "password": "a-long-enough-password",
            "role": "super_admin",
            "locale": "ja",
            "csrf_token": token,
        },
    )
    assert escalation.status_code == 422
    assert "You cannot grant a role higher than your own." in escalation.text
    # The sites are picked by name (issue 14 #16): the form posts one site_ids per box ticked.
    site_field = [str(sites[0]), str(sites[1])]
    for wrong_sites, message in (
        (["999999"], "Site 999999 does not exist."),
        (site_field, "Only a site manager can be given sites."),
    ):
        refused = await client.post(
            "/admin/users",
            data={
                "email": "staff@test.example",
                "password": "a-long-enough-password",
                "role": "site_manager" if wrong_sites == ["999999"] else "coordinator",
                "site_ids": wrong_sites,
                "csrf_token": token,
            },
        )
        assert refused.status_code == 422 and message in refused.text
    created = await client.post(
        "/admin/users",
        data={
            "email": "staff@test.example",
            "display_name": "山田 花子",
            "password": "a-long-enough-password",
            "role": "site_manager",
            "locale": "ja",
            "site_ids": site_field,
            "csrf_token": token,
        },
    )
    assert created.status_code == 303, created.text
    detail = await client.get(created.headers["location"])
    assert "山田 花子" in detail.text
    assert all(f'<a href="/sites/{site["id"]}">{site["name"]}</a>' in detail.text for site in made)
    user_id = created.headers["location"].rsplit("/", 1)[1]
    audit = await client.get(f"/audit?entity_type=user&entity_id={user_id}")
    assert audit.status_code == 200
    rows = re.findall(r"<tr>\s*<td>[^<]+</td>.*?</tr>", audit.text, flags=re.S)
    assert len(rows) == 1
    # Labelled in the UI language (issue 14 #12): the action and the form's field label.
    assert ">Record added<" in rows[0]
    # The stored code reads as the role select's label (never site_manager).
    assert '<span class="diff-field">Role</span>: — → Site manager' in rows[0]
    assert "staff@test.example" not in rows[0]  # the audit log masks personal data
    assert f'href="/admin/users/{admin["id"]}"' in rows[0]  # who did it


async def test_list_filters_answer_htmx_with_the_results_block_only(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    admin = await make_user("admin", locale="en")
    await make_user("coordinator", email="kato@test.example")
    await make_user("employee", email="sato@test.example")
    await page_login(admin["email"])
    full = await client.get("/admin/users?q=kato")
    assert full.text.startswith("<!doctype html>")
    fragment = await client.get("/admin/users?q=kato", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "<table>" in fragment.text
    assert "kato@test.example" in fragment.text and "sato@test.example" not in fragment.text
    untouched = await client.get("/admin/users?q=&role=&cursor=", headers={"HX-Request": "true"})
    assert untouched.status_code == 200  # a GET form's empty fields mean "no filter"
    assert "kato@test.example" in untouched.text and "sato@test.example" in untouched.text
    assert (await client.get("/audit?entity_type=&user_id=&since=&until=")).status_code == 200
    by_role = await client.get("/admin/users?role=employee", headers={"HX-Request": "true"})
    assert "sato@test.example" in by_role.text and "kato@test.example" not in by_role.text
    assert "HX-Request" in full.headers["vary"]


async def test_unknown_page_is_an_html_404_and_api_stays_json(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "WEB_PAGE_NOT_FOUND" in page.text and "No such page." in page.text
    api = await client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "ROUTE_NOT_FOUND"


async def test_password_reset_through_the_pages(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, app
) -> None:
    user = await make_user("coordinator", locale="en")
    admin = await make_user("admin")
    token = csrf_token((await client.get("/password-reset")).text)
    requested = await client.post(
        "/password-reset", data={"email": user["email"], "csrf_token": token}
    )
    assert requested.status_code == 303 and requested.headers["location"] == "/login"
    unknown = await client.post(
        "/password-reset", data={"email": "nobody@test.example", "csrf_token": token}
    )
    assert unknown.status_code == 303  # the same answer: no account enumeration
    await page_login(admin["email"])
    outbox = await client.get("/admin/outbox")
    assert user["email"] in outbox.text
    assert "token=" not in outbox.text  # the admin sees who got mail, never the link
    link = re.search(
        r"/password-reset\?token=([A-Za-z0-9_-]+)", await mailed_body(app, user["email"])
    )
    assert link
    await client.post("/logout", data={"csrf_token": csrf_token(outbox.text)})
    confirm_page = await client.get(f"/password-reset?token={link.group(1)}")
    assert f'value="{link.group(1)}"' in confirm_page.text
    weak = await client.post(
        "/password-reset/confirm",
        data={
            "token": link.group(1),
            "new_password": "short",
            "csrf_token": csrf_token(confirm_page.text),
        },
    )
    assert weak.status_code == 422
    done = await client.post(
        "/password-reset/confirm",
        data={
            "token": link.group(1),
            "new_password": "brand-new-password-1",
            "csrf_token": csrf_token(confirm_page.text),
        },
    )
    assert done.status_code == 303
    await page_login(user["email"], password="brand-new-password-1")
    assert (await client.get("/account")).status_code == 200
