"""Pagination cursors on every list, API and pages: signed, bound to their list, never a 5xx.

The route walk finds every GET route with a ``cursor`` parameter; hypothesis feeds each of
them garbage, base64 of arbitrary JSON, the old unsigned format, tampered and foreign
cursors, and arbitrary values *signed* for the route's own sort (so the type checks, not
only the signature, are exercised up to the SQL). Every answer must be a 2xx or a 4xx with
``INVALID_CURSOR`` (or a validation error for an over-long cursor), JSON on ``/api`` and an
HTML error page elsewhere.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import importlib
import json
import logging
import pkgutil
import re
from collections.abc import Coroutine, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import haken.modules
from haken.modules.assignments.models import Assignment, AssignmentRate
from haken.modules.clients.models import Client, ClientContact, ClientSite
from haken.modules.demo.generator import generate
from haken.modules.housing.models import Apartment
from haken.modules.payroll.models import PayrollBonus, PayrollRun, Payslip
from haken.platform import pagination
from haken.platform.db import Base
from haken.platform.pagination import SortKey
from haken.platform.routes import iter_routes
from haken.platform.sorting import Sorting

TODAY = dt.date(2026, 11, 28)
# Routes that list the caller's own records: asked as an employee linked to a record.
OWN_ROUTES = {"/api/assignments/me", "/api/housing/me"}
# Query parameters a list requires.
REQUIRED: dict[str, dict[str, Any]] = {
    "/api/housing/deductions": {"year": TODAY.year, "month": TODAY.month},
    "/api/housing/rooms": {"apartment_id": Apartment.id},  # a column: its first id
}
# Path ids: the parent with the most rows in the nested list, so the list has a next page.
# (The demo has no client contacts: then the first client, whose list has one page.)
PATH_IDS = {
    "client_id": (ClientContact.client_id, Client.id),
    "assignment_id": (AssignmentRate.assignment_id, Assignment.id),
    "run_id": (Payslip.run_id, PayrollRun.id),
    "bonus_id": (Payslip.bonus_id, PayrollBonus.id),
    "site_id": (Assignment.site_id, ClientSite.id),  # the attendance month grid
}
CURSOR_IN_HTML = re.compile(r"cursor=([A-Za-z0-9_\-.]+)")

# The forged cursors: the old unsigned format with values no column can hold.
FORGED = [
    {"k": ["id"], "v": [True]},
    {"k": ["id"], "v": [[1, [2]]]},
    {"k": ["id"], "v": [2**80]},
    {"k": ["occurred_at", "id"], "v": [{"dt": "0000-01-01T00:00:00+00:00"}, 1]},
    {"k": ["created_at", "id"], "v": [{"dt": "2026-02-30T00:00:00"}, 1]},
    {"k": ["hire_date", "id"], "v": [{"d": "not a date"}, 1]},
]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _legacy(payload: Any) -> str:
    return _b64(json.dumps(payload).encode())


def _known_sorts() -> list[tuple[SortKey, ...]]:
    """Every sort a module declares at module level in its repository or sorting module:
    tuples of sort keys, dicts of them, and every value of a :class:`Sorting`."""
    found: dict[str, tuple[SortKey, ...]] = {}
    for info in pkgutil.iter_modules(haken.modules.__path__):
        for part in ("repository", "sorting"):
            try:
                module = importlib.import_module(f"haken.modules.{info.name}.{part}")
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if isinstance(value, Sorting):
                    candidates: Any = [value.keys(v) for v in value.values]
                else:
                    candidates = value.values() if isinstance(value, dict) else [value]
                for sort in candidates:
                    if (
                        isinstance(sort, tuple)
                        and sort
                        and all(isinstance(k, SortKey) for k in sort)
                    ):
                        found["|".join(k.identity for k in sort)] = sort
    # Sorts a service builds inline (attendance ledger, periods…): any column of a model,
    # either direction, alone or followed by the primary key as the tie-break.
    for mapper in Base.registry.mappers:
        primary = [getattr(mapper.class_, c.key) for c in mapper.primary_key if c.key]
        for prop in mapper.column_attrs:
            column = getattr(mapper.class_, prop.key)
            for direction in ("asc", "desc"):
                for sort in (
                    (SortKey(column, direction),),
                    (SortKey(column, direction), *(SortKey(k, direction) for k in primary)),
                ):
                    found.setdefault("|".join(k.identity for k in sort), sort)
    return list(found.values())


def _sort_of(cursor: str, sorts: list[tuple[SortKey, ...]]) -> tuple[SortKey, ...] | None:
    payload = cursor.split(".")[0]
    for sort in sorts:
        if cursor == f"{payload}.{pagination._mac(sort, payload)}":
            return sort
    return None


def _assert_refused_cleanly(route: Any, response: httpx.Response, cursor: str) -> None:
    where = f"{route.path} cursor={cursor!r}: {response.status_code}"
    assert response.status_code < 500, where + " " + response.text[:300]
    assert response.status_code in (200, 400, 422), where
    content_type = response.headers.get("content-type", "")
    if route.path.startswith("/api"):
        assert content_type.startswith("application/json"), where
        code = response.json()["error"]["code"] if response.status_code >= 400 else None
    else:
        assert content_type.startswith("text/html"), where  # never JSON on a page
        code = response.headers.get("x-error-code")
    if response.status_code == 400:
        assert code == "INVALID_CURSOR", where
    if response.status_code == 422:  # only a cursor past the length limit is not read at all
        assert len(cursor) > pagination.MAX_CURSOR_LENGTH, where
        assert code == "VALIDATION_FAILED", where


class Lists:
    """The routes with a cursor, a signed-in caller for each, and their real cursors."""

    def __init__(self, app: Any, super_admin: dict[str, str], employee: dict[str, str]) -> None:
        self.routes = sorted(
            (r for r in iter_routes(app) if "GET" in r.methods and "cursor" in r.query_params),
            key=lambda r: r.path,
        )
        self.super_admin, self.employee = super_admin, employee
        self.paths: dict[str, str] = {}
        self.required: dict[str, dict[str, Any]] = {}
        self.real: dict[str, str] = {}  # route path -> a next_cursor it gave
        self.sorts: dict[str, tuple[SortKey, ...]] = {}

    def headers(self, route: Any) -> dict[str, str]:
        return self.employee if route.path in OWN_ROUTES else self.super_admin

    async def get(
        self, client: httpx.AsyncClient, route: Any, cursor: str | None, **params: Any
    ) -> httpx.Response:
        query = {**self.required.get(route.path, {}), **params}
        if cursor is not None:
            query["cursor"] = cursor
        return await client.get(self.paths[route.path], params=query, headers=self.headers(route))

    def __iter__(self) -> Iterator[Any]:
        return iter(self.routes)


async def _prepare(app: Any, client: httpx.AsyncClient, make_user: Any, login: Any) -> Lists:
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=60, today=TODAY)
        # A payroll run (with no payslips) so the run's payslip list has a real path id.
        await connection.execute(
            PayrollRun.__table__.insert().values(
                period_start=TODAY.replace(day=1) - dt.timedelta(days=31),
                period_end=TODAY.replace(day=1) - dt.timedelta(days=1),
                pay_date=TODAY.replace(day=25),
            )
        )
        # A bonus payment (with no payslips) so its payslip list has a real path id.
        await connection.execute(
            PayrollBonus.__table__.insert().values(
                pay_date=TODAY.replace(day=10), title="賞与", state="draft", entries=[], version=1
            )
        )
    async with app.state.database.engine.connect() as connection:
        ids = {
            name: (
                await connection.execute(
                    select(column).group_by(column).order_by(func.count().desc(), column).limit(1)
                )
            ).scalar_one_or_none()
            or (await connection.execute(select(fallback).order_by(fallback).limit(1))).scalar_one()
            for name, (column, fallback) in PATH_IDS.items()
        }
        worker = (await connection.execute(select(Assignment.employee_id).limit(1))).scalar_one()
        required = {
            path: {
                name: value
                if not hasattr(value, "expression")
                else (await connection.execute(select(value).limit(1))).scalar_one()
                for name, value in params.items()
            }
            for path, params in REQUIRED.items()
        }
    admin = await make_user("super_admin")
    own = await make_user("employee", employee_id=worker)
    lists = Lists(
        app,
        {"Authorization": (await login(admin["email"]))["Authorization"]},
        {"Authorization": (await login(own["email"]))["Authorization"]},
    )
    lists.required = required
    assert len(lists.routes) >= 30, [r.path for r in lists.routes]  # the walk found the lists
    assert any(not r.path.startswith("/api") for r in lists.routes)  # pages included
    known = _known_sorts()
    for route in lists:
        path = route.path
        for name in re.findall(r"{(\w+)}", path):
            assert name in ids, f"{route.path}: add {name} to PATH_IDS"
            path = path.replace("{" + name + "}", str(ids[name]))
        lists.paths[route.path] = path
        params = {"limit": 1} if route.path.startswith("/api") else {}
        response = await lists.get(client, route, None, **params)
        assert response.status_code == 200, (route.path, response.text[:300])
        if route.path.startswith("/api"):
            cursor = response.json()["pagination"]["next_cursor"]
        else:
            found = CURSOR_IN_HTML.search(response.text)
            cursor = found.group(1) if found else None
        if cursor:
            assert "." in cursor  # signed: payload.mac
            lists.real[route.path] = cursor
            following = await lists.get(client, route, cursor, **params)
            assert following.status_code == 200, (route.path, following.text[:300])
            sort = _sort_of(cursor, known)
            if sort is not None:
                lists.sorts[route.path] = sort
    # Pages page 50 rows: find their sort by the API cursors they accept.
    for route in lists:
        if route.path in lists.sorts or route.path.startswith("/api"):
            continue
        for api_path, cursor in lists.real.items():
            if api_path not in lists.sorts:
                continue
            response = await lists.get(client, route, cursor)
            if response.status_code == 200:
                lists.sorts[route.path] = lists.sorts[api_path]
                break
    assert len(lists.real) >= 15, sorted(lists.real)  # enough real cursors to cross over
    missing = {r.path: ("no sort" if r.path in lists.real else "no cursor") for r in lists}
    assert len(lists.sorts) >= 20, sorted(
        set(missing.items()) - {(p, missing[p]) for p in lists.sorts}
    )
    return lists


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "0000-01-01",
            "2026-02-30",
            "2026-04-01",
            "2026-04-01T09:30:00",
            "2026-04-01T09:30:00+00:00",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "NaN",
            "1e999999",
            "a\x00b",
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
KINDS = (
    st.tuples(st.just("raw"), st.text(max_size=60)),
    st.tuples(st.just("raw"), st.text(alphabet="ABCDEFabcdef0123456789-_.=", max_size=1100)),
    st.tuples(st.just("b64"), json_values, st.binary(max_size=20) | st.none()),
    st.tuples(st.just("legacy"), st.lists(st.text(max_size=12), max_size=3), json_values),
    st.tuples(st.just("signed"), st.lists(json_values, min_size=1, max_size=3)),
    st.tuples(st.just("foreign"), st.integers(min_value=0, max_value=1000)),
    st.tuples(st.just("tampered"), st.integers(min_value=0), st.sampled_from("A_-.9z")),
)
# One cursor of every kind per example; route i gets kind (i + offset): every route sees
# every kind within a handful of examples, at one request per route and example.
cursor_specs = st.tuples(st.integers(min_value=0, max_value=len(KINDS) - 1), st.tuples(*KINDS))


def _cursor(spec: tuple[Any, ...], route: Any, lists: Lists) -> str:
    kind = spec[0]
    if kind == "raw":
        return str(spec[1])
    if kind == "b64":
        body = _b64(json.dumps(spec[1]).encode())
        return body if spec[2] is None else f"{body}.{_b64(spec[2])}"
    if kind == "legacy":
        return _legacy({"k": spec[1], "v": spec[2]})
    if kind == "signed":  # right list, right key: only the values can be wrong
        sort = lists.sorts.get(route.path)
        payload = _b64(json.dumps(spec[1]).encode())
        return f"{payload}.{pagination._mac(sort, payload)}" if sort else payload
    real = sorted(lists.real.values())
    cursor = real[spec[1] % len(real)]
    if kind == "foreign":
        return cursor
    position = spec[1] % len(cursor)
    return cursor[:position] + spec[2] + cursor[position + 1 :]


async def test_forged_cursors_are_refused_on_api_and_pages(
    app: Any,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The issue's cursors: 400 ``INVALID_CURSOR``; on a page the readable error page."""
    lists = await _prepare(app, client, make_user, login)
    for index, route in enumerate(lists):
        for number, forged in enumerate(FORGED):
            candidate = _legacy(forged)  # unsigned; every other one with a made-up MAC
            if (index + number) % 2:
                candidate += "." + _b64(b"0" * 16)
            caplog.clear()
            with caplog.at_level(logging.INFO):
                response = await lists.get(client, route, candidate)
            assert response.status_code == 400, (route.path, candidate, response.text[:200])
            _assert_refused_cleanly(route, response, candidate)
            if not route.path.startswith("/api"):
                assert "ページ送りのカーソルが不正です。" in response.text
            # One short warning line; no traceback, no error, no cursor text in the log.
            assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
            refused = [r for r in caplog.records if "cursor refused" in str(r.msg)]
            assert len(refused) == 1 and refused[0].levelno == logging.WARNING
            assert candidate not in str(refused[0].msg) and len(str(refused[0].msg)) < 400
        await app.state.rate_limiter.reset()


async def test_a_cursor_of_another_list_or_sort_is_refused(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    lists = await _prepare(app, client, make_user, login)
    checked = 0
    for route in lists:
        own_sort = lists.sorts.get(route.path)
        for other_path, cursor in lists.real.items():
            other_sort = lists.sorts.get(other_path)
            if own_sort is None or other_sort is None or other_sort == own_sort:
                continue
            response = await lists.get(client, route, cursor)
            assert response.status_code == 400, (route.path, other_path)
            _assert_refused_cleanly(route, response, cursor)
            checked += 1
            break
    assert checked >= 20
    # The same list under another sort: the cursor does not carry over.
    first = await client.get(
        "/api/employees", params={"limit": 1, "sort": "kana"}, headers=lists.super_admin
    )
    cursor = first.json()["pagination"]["next_cursor"]
    assert cursor
    moved = await client.get(
        "/api/employees", params={"cursor": cursor, "sort": "romaji"}, headers=lists.super_admin
    )
    assert moved.status_code == 400 and moved.json()["error"]["code"] == "INVALID_CURSOR"
    same = await client.get(
        "/api/employees", params={"cursor": cursor, "sort": "kana"}, headers=lists.super_admin
    )
    assert same.status_code == 200


async def test_arbitrary_cursors_never_give_a_server_error(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    lists = await _prepare(app, client, make_user, login)
    loop = asyncio.get_running_loop()

    def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=120)

    async def every_route(offset: int, specs: tuple[Any, ...]) -> None:
        for index, route in enumerate(lists):
            cursor = _cursor(specs[(index + offset) % len(specs)], route, lists)
            response = await lists.get(client, route, cursor)
            _assert_refused_cleanly(route, response, cursor)
        await app.state.rate_limiter.reset()

    @settings(
        max_examples=14,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(spec=cursor_specs)
    def check(spec: tuple[int, tuple[Any, ...]]) -> None:
        run(every_route(*spec))

    await asyncio.to_thread(check)
