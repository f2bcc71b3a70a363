"""The requests and inbox pages on the shared list helper (``web.lists``; SQLite and
PostgreSQL): filters and the sort in the URL, the pager keeping them, a count, exactly 3
statements on the first page and on the next for the queue (the caller, the page with its
count and the site manager's scope folded in, the names; the worker's own list and the inbox
2), the approval queue's CSV and Excel (the same filtered rows, the
caller's scope, one audit row), and no export on the inbox."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from tests.integration.requests.factories import people, submit
from tests.integration.web.conftest import PageLogin

ROWS = re.compile(r'href="/requests/(\d+)"')
MINE = re.compile(r'href="/me/requests/(\d+)"')


def _next(path: str, html: str) -> str:
    """The pager's next link (a query string on the same page)."""
    found = re.search(r'href="([^"]*cursor=[^"]+)"[^>]*rel="next"', html)
    assert found, "no next page"
    link = found.group(1).replace("&amp;", "&")
    return path + link if link.startswith("?") else link


async def test_the_queue_mine_and_inbox_use_the_list_helper(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    p = await people(client, make_user, login)
    q = await people(client, make_user, login)  # another site: not the manager's
    made = [
        (await submit(client, p["worker_headers"], {"type": "other", "subject": f"相談{n}"}))["id"]
        for n in range(52)
    ]
    theirs = await submit(client, q["worker_headers"], {"type": "other", "subject": "他"})

    # The office's queue: newest first, 50 a page, the pager keeps the filters; the same
    # 3 statements on every page.
    client.cookies.clear()
    await page_login(p["manager"]["email"])
    await client.get("/requests")  # warm the principal
    with cache_bypass(), assert_num_queries(3):
        first = await client.get("/requests?type=other")
    assert first.status_code == 200, first.text
    shown = [int(i) for i in ROWS.findall(first.text)]
    assert shown == sorted(made, reverse=True)[:50] and theirs["id"] not in shown
    assert "52" in first.text  # the count
    link = _next("/requests", first.text)
    assert "type=other" in link
    with cache_bypass(), assert_num_queries(3):
        second = await client.get(link)
    assert [int(i) for i in ROWS.findall(second.text)] == sorted(made, reverse=True)[50:]
    # The sort header flips to oldest first, in the URL.
    assert 'href="/requests?sort=sent"' in first.text or "sort=sent" in first.text
    oldest = await client.get("/requests?sort=sent")
    assert [int(i) for i in ROWS.findall(oldest.text)][:2] == sorted(made)[:2]
    # A state filter: nothing is approved yet.
    none = await client.get("/requests?all=true&state=approved")
    assert ROWS.findall(none.text) == []

    # The export: every filtered row (both pages), the manager's scope, the screen's labels.
    exported = await client.get("/requests/export.csv?type=other")
    assert exported.status_code == 200, exported.text
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 52  # not q's worker's (another site)
    assert lines[0] == ["社員", "申請", "日付", "状態", "送信日時"]
    xlsx = await client.get("/requests/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    audit = await client.get(
        "/api/audit", headers=p["admin_headers"], params={"entity_type": "request"}
    )
    actions = [e["action"] for e in audit.json()["data"]]
    assert actions.count("export") == 2

    # The worker's own list: filtered by type in the URL, 2 statements a page (no names).
    client.cookies.clear()
    await page_login(p["worker"]["email"])
    await client.get("/me/requests")
    with cache_bypass(), assert_num_queries(2):
        mine = await client.get("/me/requests?type=other")
    assert [int(i) for i in MINE.findall(mine.text)][:50] == sorted(made, reverse=True)[:50]
    with cache_bypass(), assert_num_queries(2):
        older = await client.get(_next("/me/requests", mine.text))
    assert [int(i) for i in MINE.findall(older.text)] == sorted(made, reverse=True)[50:]
    assert MINE.findall((await client.get("/me/requests?type=resignation")).text) == []

    # The inbox: the manager's 52 notifications, an unread filter, no export link.
    client.cookies.clear()
    await page_login(p["manager"]["email"])
    await client.get("/inbox")
    with cache_bypass(), assert_num_queries(2):
        inbox = await client.get("/inbox?unread=true")
    reads = re.findall(r'action="/inbox/(\d+)/read"', inbox.text)
    assert len(reads) == 50 and "export" not in inbox.text
    with cache_bypass(), assert_num_queries(2):
        rest = await client.get(_next("/inbox", inbox.text))
    assert len(re.findall(r'action="/inbox/(\d+)/read"', rest.text)) == 2
