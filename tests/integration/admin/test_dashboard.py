"""The admin dashboard: exact figures, three statements cold and none warm, fresh after the
writes that change it, admins only; the page in both languages with its charts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from haken.platform import job_records, metrics
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope, utcnow
from haken.platform.job_records import JobRun
from tests.conftest import TEST_PASSWORD
from tests.integration.web.conftest import PageLogin

PATH = "/api/admin/dashboard"


def _errors(code: str) -> float:
    return metrics.counter_values(metrics.errors_total).get((code,), 0.0)


async def _job_rows(app: Any, **statuses: int) -> None:
    """Job runs in the given states and one unsent outbox row (as the worker leaves them)."""
    async with session_scope(app.state.database, write=True) as session:
        for status, count in statuses.items():
            for index in range(count):
                session.add(
                    JobRun(
                        key=f"test:{status}:{index}",
                        job="test_job",
                        status=status,
                        attempts=3 if status == "dead" else 1,
                        arguments={},
                        request_id="test",
                        created_at=utcnow(),
                    )
                )
        job_records.add_to_outbox(
            session,
            job="test_job",
            key="test:outbox",
            arguments={},
            parent_request_id="test",
            hold_seconds=3600,
        )


async def _dashboard(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_dashboard_counts_users_sessions_sign_ins_failures_and_jobs(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    admin = await make_user("admin")
    first = await make_user("coordinator")
    second = await make_user("coordinator")
    await make_user("employee")
    gone = await make_user("site_manager")
    admin_headers = {"Authorization": (await login(admin["email"]))["Authorization"]}
    await login(first["email"])
    await login(first["email"])
    leaving = await login(second["email"])
    logout = await client.post(
        "/api/auth/logout", headers={"Authorization": leaving["Authorization"]}
    )
    assert logout.status_code in (200, 204), logout.text
    deactivated = await client.post(
        f"/api/users/{gone['id']}/deactivate", headers=admin_headers, json={"version": 1}
    )
    assert deactivated.status_code == 200, deactivated.text
    failures_before = _errors("AUTH_INVALID_CREDENTIALS")
    for email in (second["email"], "nobody@test.example", "nobody@test.example"):
        wrong = await client.post("/api/auth/login", json={"email": email, "password": "wrong-1"})
        assert wrong.status_code == 401
    await _job_rows(app, dead=2, succeeded=3, running=1, failed=1)

    data = await _dashboard(client, admin_headers)
    identity = data["counts"]["identity"]
    assert identity["users_by_role"] == {
        "super_admin": 0,
        "admin": 1,
        "coordinator": 2,
        "site_manager": 0,
        "employee": 1,
        "client_supervisor": 0,
    }
    assert identity["users_active"] == 4 and identity["users_inactive"] == 1
    # Four sign-ins today; the coordinator who signed out has no active session.
    assert identity["logins_24h"] == 4 and identity["logins_7d"] == 4
    assert identity["sessions_active"] == 3
    days = identity["logins_by_day"]
    assert len(days) == 7 and [d["count"] for d in days] == [0, 0, 0, 0, 0, 0, 4]
    assert dt.date.fromisoformat(days[-1]["day"]) - dt.date.fromisoformat(days[0]["day"]) == (
        dt.timedelta(days=6)
    )
    # Three failed sign-ins from one address: one against an account, two against an
    # e-mail without one.
    assert identity["address_failures_24h"] == 3
    assert identity["unknown_failures_24h"] == 2
    assert identity["users_failing"] == 1 and identity["users_locked"] == 0
    assert data["counts"]["jobs"] == {
        "running": 1,
        "failed": 1,
        "succeeded": 3,
        "dead": 2,
        "outbox_unsent": 1,
    }
    assert data["counts"]["database_bytes"] > 0
    live = data["live"]
    counted = {row["code"]: row["count"] for row in live["errors_by_code"]}
    assert counted["AUTH_INVALID_CREDENTIALS"] == failures_before + 3
    assert live["errors_total"] == sum(counted.values())
    assert live["cache"]["backend"] in ("memory", "redis")


async def test_dashboard_costs_three_statements_cold_and_none_warm(
    client: httpx.AsyncClient, auth_headers: Any, page_login: PageLogin, make_user: Any
) -> None:
    headers = await auth_headers("admin")
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 200  # principal
    with assert_num_queries(3):  # identity's statement, the job records', the database size
        await _dashboard(client, headers)
    with assert_num_queries(0):
        await _dashboard(client, headers)
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])
    assert (await client.get("/account")).status_code == 200  # the page session's principal
    # The sign-in above wrote a session (the dashboard counts them): one cold load again.
    with assert_num_queries(3):
        assert (await client.get("/admin/dashboard")).status_code == 200
    with assert_num_queries(0):
        assert (await client.get("/admin/dashboard")).status_code == 200


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    """What the cache holds and the database answers (the timestamp aside)."""
    return {"identity": data["counts"]["identity"], "jobs": data["counts"]["jobs"]}


async def _assert_fresh(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    served = _figures(await _dashboard(client, headers))
    with cache_bypass():
        truth = _figures(await _dashboard(client, headers))
    assert served == truth, "stale dashboard after the write"
    return served


async def test_dashboard_is_fresh_after_the_writes_that_change_it(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    admin = await make_user("admin")
    headers = {"Authorization": (await login(admin["email"]))["Authorization"]}
    primed = await _assert_fresh(client, headers)
    assert _figures(await _dashboard(client, headers)) == primed  # served from the cache

    created = await client.post(
        "/api/users",
        json={"email": "new@test.example", "password": TEST_PASSWORD, "role": "coordinator"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    after_create = await _assert_fresh(client, headers)
    assert after_create["identity"]["users_by_role"]["coordinator"] == 1

    await login("new@test.example")
    after_login = await _assert_fresh(client, headers)
    assert after_login["identity"]["sessions_active"] == primed["identity"]["sessions_active"] + 1

    wrong = await client.post(
        "/api/auth/login", json={"email": "new@test.example", "password": "wrong-1"}
    )
    assert wrong.status_code == 401
    after_failure = await _assert_fresh(client, headers)
    assert after_failure["identity"]["users_failing"] == 1

    await _job_rows(app, running=1)
    after_claim = await _assert_fresh(client, headers)
    assert after_claim["jobs"]["running"] == 1
    # A worker's dead letter: a bulk UPDATE of job_runs (mark_failed) drops the entry too.
    async with session_scope(app.state.database, write=True) as session:
        await job_records.mark_failed(
            session, key="test:running:0", attempts=3, error="boom", dead=True, lease_seconds=60
        )
    after_dead = await _assert_fresh(client, headers)
    assert after_dead["jobs"]["dead"] == 1 and after_dead["jobs"]["running"] == 0


async def test_only_administrators_read_the_dashboard(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await auth_headers("coordinator")
    refused = await client.get(PATH, headers=coordinator)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "AUTH_FORBIDDEN"
    assert (await client.get(PATH)).status_code == 401
    user = await make_user("coordinator", locale="en")
    await page_login(user["email"])
    page = await client.get("/admin/dashboard")
    assert page.status_code == 403
    assert 'href="/admin/dashboard"' not in (await client.get("/")).text


@pytest.mark.parametrize(
    ("locale", "heading", "chart_title"),
    [
        ("en", "Dashboard", "Sign-ins per day (last 7 days)"),
        ("ja", "ダッシュボード", "日別ログイン数（直近7日）"),
    ],
)
async def test_dashboard_page_links_every_figure_and_draws_accessible_charts(
    client: httpx.AsyncClient,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    heading: str,
    chart_title: str,
) -> None:
    admin = await make_user("admin", locale=locale)
    await make_user("coordinator")
    await page_login(admin["email"])
    home = await client.get("/")
    assert 'href="/admin/dashboard"' in home.text  # in the admin navigation
    page = await client.get("/admin/dashboard")
    assert page.status_code == 200
    html = page.text
    assert f"<h1>{heading}</h1>" in html
    # Counts link to the list they count.
    assert re.search(
        r'data-figure="role_coordinator"><a href="/admin/users\?role=coordinator">1</a>', html
    )
    assert re.search(r'data-figure="users_active"><a href="/admin/users">2</a>', html)
    assert re.search(r'data-figure="sessions_active"><a href="/admin/sessions">1</a>', html)
    assert 'href="/admin/sessions?active=false"' in html
    # An admin reads the cache and rate-limit figures; only a super admin gets the system page.
    assert 'href="/admin/system"' not in html
    # Charts: SVG with an accessible name, the numbers in a table, nothing the CSP refuses.
    assert html.count('role="img"') == 3
    assert f'<title id="chart-logins-title">{chart_title}</title>' in html
    assert html.count('<details class="chart-data">') == 3
    assert "style=" not in html and "<script>" not in html
    assert 'href="/admin/users?role=coordinator"><rect class="chart-bar"' in html
    assert "/audit?entity_type=auth_session&amp;since=" in html


async def test_super_admin_reaches_the_system_page_from_the_dashboard(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    root = await make_user("super_admin", locale="en")
    await page_login(root["email"])
    html = (await client.get("/admin/dashboard")).text
    assert re.search(r'data-figure="rate_limit_refused"><a href="/admin/system">\d+</a>', html)


async def test_a_locked_account_and_address_are_counted(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    admin = await make_user("admin")
    headers = {"Authorization": (await login(admin["email"]))["Authorization"]}
    locked = await make_user("coordinator")
    async with session_scope(app.state.database, write=True) as session:
        from haken.modules.identity.models import User

        await session.execute(
            update(User)
            .where(User.id == locked["id"])
            .values(failed_login_count=5, locked_until=utcnow() + dt.timedelta(minutes=5))
        )
    identity = (await _dashboard(client, headers))["counts"]["identity"]
    assert identity["users_locked"] == 1 and identity["users_failing"] == 1
