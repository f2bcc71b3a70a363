"""The web UI's cookie session and CSRF protection, through the real app and database."""

from __future__ import annotations

import httpx

from haken.modules.identity.access import ACCESS_COOKIE, REFRESH_COOKIE
from haken.web.csrf import CSRF_COOKIE
from tests.integration.web.conftest import PageLogin, csrf_token


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header
    return found


async def test_pages_redirect_to_login_with_next(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/users?q=abc")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users%3Fq%3Dabc"
    htmx = await client.get(
        "/admin/users", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/audit"}
    )
    assert htmx.headers["hx-redirect"] == "/login?next=/audit"


async def test_sign_in_sets_httponly_lax_cookies_and_lands_on_next(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    form_page = await client.get("/login?next=/admin/users")
    assert 'name="next" value="/admin/users"' in form_page.text
    response = await client.post(
        "/login",
        data={
            "email": user["email"],
            "password": "correct-horse-battery-staple",
            "csrf_token": csrf_token(form_page.text),
            "next": "/admin/users",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"
    cookies = _set_cookies(response)
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE):
        assert "HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=lax" in cookies[name] or "SameSite=Lax" in cookies[name]
        assert "Path=/" in cookies[name]
    page = await client.get("/admin/users")
    assert page.status_code == 200
    assert user["email"] in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_next_never_leaves_the_site(client: httpx.AsyncClient, make_user) -> None:
    user = await make_user("admin")
    form_page = await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": user["email"],
            "password": "correct-horse-battery-staple",
            "csrf_token": csrf_token(form_page.text),
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/"


async def test_failed_sign_in_shows_the_catalog_message_and_counts(
    client: httpx.AsyncClient, make_user
) -> None:
    user = await make_user("admin")
    form_page = await client.get("/login", headers={"Accept-Language": "en"})
    response = await client.post(
        "/login",
        data={
            "email": user["email"],
            "password": "wrong",
            "csrf_token": csrf_token(form_page.text),
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "The e-mail or password is incorrect." in response.text
    assert ACCESS_COOKIE not in _set_cookies(response)
    # The failure was committed although the page answered with an error.
    for _ in range(4):
        page = await client.get("/login")
        await client.post(
            "/login",
            data={"email": user["email"], "password": "wrong", "csrf_token": csrf_token(page.text)},
        )
    page = await client.get("/login")
    locked = await client.post(
        "/login",
        data={
            "email": user["email"],
            "password": "correct-horse-battery-staple",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert locked.status_code == 423
    assert "ロック" in locked.text


async def test_post_without_or_with_a_wrong_csrf_token_is_refused(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    await client.get("/login")  # the browser has its nonce cookie
    missing = await client.post(
        "/login", data={"email": user["email"], "password": "correct-horse-battery-staple"}
    )
    assert missing.status_code == 403
    assert missing.headers["x-error-code"] == "WEB_CSRF_INVALID"
    assert "WEB_CSRF_INVALID" in missing.text
    assert ACCESS_COOKIE not in _set_cookies(missing)
    wrong = await client.post(
        "/login",
        data={"email": user["email"], "password": "x", "csrf_token": "A" * 86},
    )
    assert wrong.status_code == 403
    assert wrong.headers["x-error-code"] == "WEB_CSRF_INVALID"

    # A token of another browser (another nonce) does not work here.
    transport = client._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        foreign = csrf_token((await other.get("/login")).text)
    stolen = await client.post(
        "/login",
        data={
            "email": user["email"],
            "password": "correct-horse-battery-staple",
            "csrf_token": foreign,
        },
    )
    assert stolen.status_code == 403

    # Signed in: a token minted before sign-in (bound to no session) is refused.
    anonymous_token = csrf_token((await client.get("/login")).text)
    await page_login(user["email"])
    refused = await client.post("/logout", data={"csrf_token": anonymous_token})
    assert refused.status_code == 403
    assert (await client.get("/account")).status_code == 200  # still signed in


async def test_htmx_header_variant_is_accepted(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    await page_login(user["email"])
    token = csrf_token((await client.get("/account")).text)
    no_token = await client.post("/logout", headers={"HX-Request": "true"})
    assert no_token.status_code == 403
    assert no_token.headers["x-error-code"] == "WEB_CSRF_INVALID"
    wrong = await client.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": "x" * 86})
    assert wrong.status_code == 403
    response = await client.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login"


async def test_masked_tokens_differ_on_every_render_and_all_work(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    await page_login(user["email"])
    first = csrf_token((await client.get("/account")).text)
    second = csrf_token((await client.get("/account")).text)
    assert first != second
    response = await client.post(
        "/account/password",
        data={
            "current_password": "x",
            "new_password": "y",
            "new_password_confirm": "y",
            "csrf_token": first,
        },
    )
    assert response.status_code == 422  # past the CSRF check, refused by the form
    response = await client.post(
        "/account/password",
        data={
            "current_password": "x",
            "new_password": "y",
            "new_password_confirm": "y",
            "csrf_token": second,
        },
    )
    assert response.status_code == 422


async def test_logout_ends_the_session_and_clears_cookies(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("coordinator")
    await page_login(user["email"])
    old_access = client.cookies[ACCESS_COOKIE]
    token = csrf_token((await client.get("/account")).text)
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    cleared = _set_cookies(response)
    assert "Max-Age=0" in cleared[ACCESS_COOKIE]
    assert "Max-Age=0" in cleared[REFRESH_COOKIE]
    assert (await client.get("/login")).status_code == 200
    # The old access token no longer works, even when replayed.
    client.cookies.clear()
    client.cookies.set(ACCESS_COOKIE, old_access)
    assert (await client.get("/account")).status_code == 303


async def test_expired_access_cookie_is_refreshed_transparently(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    await page_login(user["email"])
    old_refresh = client.cookies[REFRESH_COOKIE]
    client.cookies.delete(ACCESS_COOKIE)  # as the browser does when its max-age ran out
    page = await client.get("/account")
    assert page.status_code == 200, page.text
    rotated = _set_cookies(page)
    assert ACCESS_COOKIE in rotated and REFRESH_COOKIE in rotated
    assert client.cookies[REFRESH_COOKIE] != old_refresh
    # The refresh token was spent: presenting it again revokes the session (reuse detection).
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": old_refresh})
    assert reuse.json()["error"]["code"] == "AUTH_TOKEN_REUSED"
    assert (await client.get("/account")).status_code == 303


async def test_api_never_refreshes_from_cookies(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    user = await make_user("admin")
    await page_login(user["email"])
    client.cookies.delete(ACCESS_COOKIE)
    response = await client.get("/api/auth/me")
    assert response.status_code == 401
    assert ACCESS_COOKIE not in _set_cookies(response)


async def test_api_writes_with_the_session_cookie_need_the_csrf_header(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, auth_headers
) -> None:
    user = await make_user("coordinator")
    await page_login(user["email"])
    # Only the browser's cookies (what a cross-site form or fetch would carry): refused.
    refused = await client.post("/api/clients", json={"name": "株式会社クッキー"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "WEB_API_CSRF_REQUIRED"
    forged = await client.post(
        "/api/clients", json={"name": "株式会社クッキー"}, headers={"X-CSRF-Token": "x" * 86}
    )
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "WEB_API_CSRF_REQUIRED"
    # Cookie reads still work (the candidate photo <img>), and nothing was written.
    listed = await client.get("/api/clients")
    assert listed.status_code == 200
    assert listed.json()["data"] == []
    # The page's own token in the header (as htmx sends it) is accepted with the cookie.
    token = csrf_token((await client.get("/account")).text)
    with_token = await client.post(
        "/api/clients", json={"name": "株式会社ページ"}, headers={"X-CSRF-Token": token}
    )
    assert with_token.status_code == 201, with_token.text
    # A bearer token needs no CSRF token (the cookies in the jar are ignored then).
    bearer = await client.post(
        "/api/clients", json={"name": "株式会社ベアラー"}, headers=await auth_headers("coordinator")
    )
    assert bearer.status_code == 201, bearer.text
    # The public Web Vitals beacon (sendBeacon cannot add headers) keeps working with cookies.
    beacon = await client.post(
        "/api/telemetry/web-vitals",
        content=b'{"page_request_id": "0123456789abcdef", "path": "/account"}',
        headers={"content-type": "text/plain;charset=UTF-8"},
    )
    assert beacon.status_code == 202, beacon.text
    names = {row["name"] for row in (await client.get("/api/clients")).json()["data"]}
    assert names == {"株式会社ページ", "株式会社ベアラー"}
