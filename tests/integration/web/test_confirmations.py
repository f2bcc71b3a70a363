"""Destructive actions go through a confirmation page (issue 14, the form pattern).

Deactivating a user, ending your own or another user's session and clearing the cache: the
page's button is a link to a GET confirmation page (``web.render.confirmation``), which POSTs
the action; showing the confirmation changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token


def _no_post_to(html: str, path_pattern: str) -> bool:
    return not re.search(rf'<form[^>]*action="{path_pattern}"', html)


async def _audit_rows(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> int:
    response = await client.get("/api/audit", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return len(response.json()["data"])


async def test_deactivating_a_user_goes_through_a_confirmation_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, login: Any
) -> None:
    target = await make_user("coordinator", display_name="Taro Target")
    target_tokens = await login(target["email"])
    me = {"Authorization": target_tokens["Authorization"]}
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])

    detail = await client.get(f"/admin/users/{target['id']}")
    assert detail.status_code == 200
    path = f"/admin/users/{target['id']}/deactivate"
    assert f'href="{path}"' in detail.text
    assert _no_post_to(detail.text, path)

    confirm = await client.get(path)
    assert confirm.status_code == 200
    assert "Deactivate this user? Every session of theirs ends." in confirm.text
    assert target["email"] in confirm.text
    assert re.search(rf'<form method="post" action="{path}"', confirm.text)
    assert 'name="version" value="1"' in confirm.text
    # Nothing happened yet: the user still works.
    assert (await client.get("/api/auth/me", headers=me)).status_code == 200

    done = await client.post(path, data={"csrf_token": csrf_token(confirm.text), "version": "1"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/users/{target['id']}"
    assert (await client.get("/api/auth/me", headers=me)).status_code == 401
    after = await client.get(done.headers["location"])
    assert "Deactivated" in after.text and f'href="{path}"' not in after.text


async def test_the_deactivation_confirmation_of_an_unknown_user_is_not_found(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])
    assert (await client.get("/admin/users/999999/deactivate")).status_code == 404


async def test_signing_out_one_of_your_devices_goes_through_a_confirmation_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, login: Any
) -> None:
    user = await make_user("coordinator", locale="en")
    other_device = await login(user["email"])
    me = {"Authorization": other_device["Authorization"]}
    await page_login(user["email"], **{"User-Agent": "ThisBrowser/2.0"})

    account = await client.get("/account")
    assert account.status_code == 200
    link = re.search(r'href="(/account/sessions/([0-9a-f]+)/revoke)"', account.text)
    assert link
    assert _no_post_to(account.text, "/account/sessions/[0-9a-f]+/revoke")

    confirm = await client.get(link.group(1))
    assert confirm.status_code == 200
    assert "Sign out this device? It must sign in again." in confirm.text
    assert re.search(rf'<form method="post" action="{link.group(1)}"', confirm.text)
    assert (await client.get("/api/auth/me", headers=me)).status_code == 200

    done = await client.post(link.group(1), data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert (await client.get("/api/auth/me", headers=me)).status_code == 401
    # The page's own session stays signed in.
    assert (await client.get("/account")).status_code == 200


async def test_the_device_confirmation_refuses_another_users_session_and_your_current_one(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, login: Any
) -> None:
    stranger = await make_user("coordinator")
    await login(stranger["email"])
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])
    listing = await client.get("/admin/sessions", params={"q": stranger["email"]})
    theirs = re.search(r'href="/admin/sessions/([0-9a-f]+)/revoke', listing.text)
    assert theirs
    assert (await client.get(f"/account/sessions/{theirs.group(1)}/revoke")).status_code == 404

    account = await client.get("/account")
    assert "/account/sessions/" not in account.text  # only this device: nothing to end here


async def test_clearing_the_cache_goes_through_a_confirmation_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    superuser = await make_user("super_admin", locale="en")
    await page_login(superuser["email"])

    system = await client.get("/admin/system")
    assert system.status_code == 200
    assert 'href="/admin/system/cache/clear"' in system.text
    assert _no_post_to(system.text, "/admin/system/cache/clear")

    confirm = await client.get("/admin/system/cache/clear")
    assert confirm.status_code == 200
    assert "Clear every cache entry?" in confirm.text
    assert re.search(r'<form method="post" action="/admin/system/cache/clear"', confirm.text)
    assert await _audit_rows(client, headers, entity_type="cache") == 0

    done = await client.post(
        "/admin/system/cache/clear", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/system"
    assert await _audit_rows(client, headers, entity_type="cache") == 1


async def test_confirmation_pages_keep_their_access_policy(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    other = await make_user("employee")
    await page_login(coordinator["email"])
    assert (await client.get(f"/admin/users/{other['id']}/deactivate")).status_code == 403
    assert (await client.get("/admin/system/cache/clear")).status_code == 403
    assert (await client.get("/admin/sessions/abc/revoke")).status_code == 403
