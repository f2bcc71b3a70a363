"""The requests and inbox pages (SQLite and PostgreSQL): the worker's portal (list, a form per
type, cancel, withdraw), the site manager's queue and decision, the inbox and its header
count; an employee never sees another's requests or notifications."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.integration.leave.factories import granted_employee
from tests.integration.requests.factories import people, soon, submit
from tests.integration.web.conftest import PageLogin, csrf_token


async def _as(client: httpx.AsyncClient, page_login: PageLogin, user: dict[str, Any]) -> None:
    client.cookies.clear()
    await page_login(user["email"])


async def _post(
    client: httpx.AsyncClient, page: str, action: str, data: dict[str, Any]
) -> httpx.Response:
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    body: dict[str, Any] = {"csrf_token": csrf_token(shown.text), **data}
    token = re.search(r'name="submission_token" value="([^"]+)"', shown.text)
    if token:
        body["submission_token"] = token.group(1)
    return await client.post(action, data=body)


async def _remaining(client: httpx.AsyncClient, p: dict[str, Any]) -> str:
    found = await client.get(f"/api/leave/employees/{p['employee_id']}", headers=p["admin_headers"])
    value: str = found.json()["data"]["remaining"]
    return value


async def test_a_worker_requests_leave_the_site_manager_approves_and_the_worker_withdraws(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    p = await people(client, make_user, login)
    before = await _remaining(client, p)
    await _as(client, page_login, p["worker"])
    mine = await client.get("/me/requests")
    assert mine.status_code == 200 and "申請" in mine.text
    assert 'href="/me/requests/new/paid_leave"' in mine.text
    # A form without a day is refused on the field, nothing sent.
    empty = await _post(
        client, "/me/requests/new/paid_leave", "/me/requests/new/paid_leave", {"unit": "day"}
    )
    assert empty.status_code == 422 and 'id="f-dates-error"' in empty.text
    day = soon(12)
    sent = await _post(
        client,
        "/me/requests/new/paid_leave",
        "/me/requests/new/paid_leave",
        {"unit": "day", "dates": [day, "", ""], "reason": "通院"},
    )
    assert sent.status_code == 303, sent.text
    detail_path = sent.headers["location"]
    request_id = int(detail_path.rsplit("/", 1)[1])
    detail = await client.get(detail_path)
    assert "承認待ち" in detail.text and day in detail.text
    assert f'href="/me/requests/{request_id}/cancel"' in detail.text

    await _as(client, page_login, p["manager"])
    queue = await client.get("/requests")
    assert queue.status_code == 200 and f'href="/requests/{request_id}"' in queue.text
    # Rejecting needs a reason: refused on the form.
    silent = await _post(
        client,
        f"/requests/{request_id}",
        f"/requests/{request_id}/reject",
        {"version": "1", "comment": ""},
    )
    assert silent.status_code == 422 and 'id="f-comment-error"' in silent.text
    approved = await _post(
        client,
        f"/requests/{request_id}",
        f"/requests/{request_id}/approve",
        {"version": "1", "comment": "了解"},
    )
    assert approved.status_code == 303, approved.text
    assert (await client.get("/requests")).text.count(f'href="/requests/{request_id}"') == 0
    assert before != await _remaining(client, p)

    await _as(client, page_login, p["worker"])
    badge = await client.get("/inbox/badge")
    assert "badge-unread" in badge.text and ">1<" in badge.text
    detail = await client.get(detail_path)
    assert "承認済み" in detail.text
    confirm = await client.get(f"/me/requests/{request_id}/withdraw")
    assert confirm.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', confirm.text)
    assert version
    withdrawn = await client.post(
        f"/me/requests/{request_id}/withdraw",
        data={"csrf_token": csrf_token(confirm.text), "version": version.group(1)},
    )
    assert withdrawn.status_code == 303, withdrawn.text
    assert "取り下げ" in (await client.get(detail_path)).text
    assert await _remaining(client, p) == before


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("自分の申請", "申請する", "有給休暇", "一時帰国", "申請を取り消す")),
        ("en", ("My requests", "Make a request", "Paid leave", "Going home", "Cancel the request")),
    ],
)
async def test_the_worker_cancels_before_the_decision_in_their_language(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    login: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    made = await granted_employee(client, await auth_headers("admin"))
    worker = await make_user("employee", employee_id=made["employee"]["id"], locale=locale)
    headers = {"Authorization": (await login(worker["email"]))["Authorization"]}
    request = await submit(client, headers, {"type": "other", "subject": "制服"})
    await _as(client, page_login, worker)
    mine = await client.get("/me/requests")
    for word in words[:4]:
        assert word in mine.text, word
    confirm = await client.get(f"/me/requests/{request['id']}/cancel")
    assert confirm.status_code == 200 and words[4] in confirm.text
    done = await client.post(
        f"/me/requests/{request['id']}/cancel",
        data={"csrf_token": csrf_token(confirm.text), "version": str(request["version"])},
    )
    assert done.status_code == 303, done.text
    data = (await client.get(f"/api/requests/{request['id']}", headers=headers)).json()
    assert data["data"]["state"] == "cancelled"
    # Cancelled is final: the page offers neither cancel nor withdraw any more.
    detail = await client.get(f"/me/requests/{request['id']}")
    assert "/cancel" not in detail.text and "/withdraw" not in detail.text


async def test_an_employee_never_sees_another_s_requests_or_notifications(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    p = await people(client, make_user, login)
    q = await people(client, make_user, login)
    theirs = await submit(client, q["worker_headers"], {"type": "other", "subject": "秘密"})
    mine = await submit(client, p["worker_headers"], {"type": "other", "subject": "自分の"})
    # q's site manager has a notification; p's worker must not reach it.
    their_note = (await client.get("/api/notifications", headers=q["manager_headers"])).json()
    note_id = their_note["data"][0]["id"]

    await _as(client, page_login, p["worker"])
    listed = await client.get("/me/requests")
    assert f"/me/requests/{mine['id']}" in listed.text
    assert f"/me/requests/{theirs['id']}" not in listed.text
    for path in (
        f"/me/requests/{theirs['id']}",
        f"/me/requests/{theirs['id']}/cancel",
        f"/requests/{theirs['id']}",
        "/requests",
    ):
        response = await client.get(path)
        assert response.status_code in (403, 404), path
    inbox = await client.get("/inbox")
    assert inbox.status_code == 200 and f"/inbox/{note_id}/read" not in inbox.text
    stolen = await client.post(
        f"/inbox/{note_id}/read", data={"csrf_token": csrf_token(inbox.text)}
    )
    assert stolen.status_code == 404
    # q's manager still has it unread; p's site manager cannot open q's request either.
    assert (
        await client.get("/api/notifications/unread-count", headers=q["manager_headers"])
    ).json()["data"]["unread"] == 1
    await _as(client, page_login, p["manager"])
    assert (await client.get(f"/requests/{theirs['id']}")).status_code == 404


async def test_the_inbox_lists_marks_read_and_marks_all_read(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    p = await people(client, make_user, login)
    for subject in ("一", "二", "三"):
        await submit(client, p["worker_headers"], {"type": "other", "subject": subject})
    await _as(client, page_login, p["manager"])
    inbox = await client.get("/inbox")
    assert inbox.status_code == 200
    ids = [int(i) for i in re.findall(r'action="/inbox/(\d+)/read"', inbox.text)]
    assert len(ids) == 3 and ">3<" in (await client.get("/inbox/badge")).text
    opened = await client.post(f"/inbox/{ids[0]}/read", data={"csrf_token": csrf_token(inbox.text)})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/requests/")
    assert ">2<" in (await client.get("/inbox/badge")).text
    page = await client.get("/inbox")
    done = await client.post("/inbox/read-all", data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    assert "badge-unread" not in (await client.get("/inbox/badge")).text
    # The header loads the count after the page (no page pays for it).
    assert 'hx-get="/inbox/badge"' in (await client.get("/inbox")).text
