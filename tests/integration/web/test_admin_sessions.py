"""The administrators' sessions page: every user's devices, search, and ending one (CSRF)."""

from __future__ import annotations

import re

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token


async def test_admin_lists_and_ends_sessions_of_other_users(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    worker = await make_user("employee", display_name="Hanako Worker")
    worker_tokens = await login(worker["email"])
    other = await make_user("coordinator")
    await login(other["email"])
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"], **{"User-Agent": "AdminBrowser/1.0"})

    home = await client.get("/")
    assert 'href="/admin/sessions"' in home.text  # in the admin navigation
    page = await client.get("/admin/sessions")
    assert page.status_code == 200
    assert worker["email"] in page.text and other["email"] in page.text
    assert "Hanako Worker" in page.text and "AdminBrowser/1.0" in page.text
    # The admin's own session is marked and has no button (signing out is /logout).
    own_row = next(r for r in page.text.split("<tr>") if "AdminBrowser/1.0" in r)
    assert "this device" in own_row and "/revoke" not in own_row

    searched = await client.get("/admin/sessions", params={"q": "hanako"})
    assert worker["email"] in searched.text and other["email"] not in searched.text
    fragment = await client.get(
        "/admin/sessions", params={"q": "hanako"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text and worker["email"] in fragment.text

    # The row's button is a link to the confirmation page, never a one-click POST.
    assert not re.search(r'action="/admin/sessions/[0-9a-f]+/revoke"', searched.text)
    link = re.search(r'href="(/admin/sessions/([0-9a-f]+)/revoke\?next=[^"]+)"', searched.text)
    assert link
    confirm = await client.get(link.group(1).replace("&amp;", "&"))
    assert confirm.status_code == 200
    assert "End this session? The device is signed out." in confirm.text
    assert worker["email"] in confirm.text  # whose device
    assert 'name="next" value="/admin/sessions?q=hanako' in confirm.text
    action = re.search(
        r'<form method="post" action="(/admin/sessions/[0-9a-f]+/revoke)"', confirm.text
    )
    assert action and link.group(2) in action.group(1)
    me = {"Authorization": worker_tokens["Authorization"]}
    # Showing the confirmation ended nothing; without the CSRF token nothing happens either.
    assert (await client.get("/api/auth/me", headers=me)).status_code == 200
    forged = await client.post(action.group(1), data={"next": "/admin/sessions"})
    assert forged.status_code == 403
    assert (await client.get("/api/auth/me", headers=me)).status_code == 200

    ended = await client.post(
        action.group(1),
        data={"csrf_token": csrf_token(confirm.text), "next": "/admin/sessions?q=hanako"},
    )
    assert ended.status_code == 303 and ended.headers["location"] == "/admin/sessions?q=hanako"
    assert (await client.get("/api/auth/me", headers=me)).status_code == 401
    after = await client.get(ended.headers["location"])
    assert "The session was ended." in after.text
    assert worker["email"] not in after.text.split("<tbody>")[1]  # active only by default
    every = await client.get("/admin/sessions", params={"q": "hanako", "active": "false"})
    assert "Ended by an administrator" in every.text

    # A redirect elsewhere is not honoured.
    still = await client.get("/admin/sessions")
    action = re.search(r'href="(/admin/sessions/[0-9a-f]+/revoke)\?', still.text)
    assert action
    away = await client.post(
        action.group(1), data={"csrf_token": csrf_token(still.text), "next": "/admin/users"}
    )
    assert away.status_code == 303 and away.headers["location"] == "/admin/sessions"


async def test_sessions_page_is_for_admins_only(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    assert (await client.get("/admin/sessions")).headers["location"].startswith("/login")
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    assert (await client.get("/admin/sessions")).status_code == 403
    assert 'href="/admin/sessions"' not in (await client.get("/")).text
