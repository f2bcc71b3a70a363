"""`make bench-mixed`: 200 users on PostgreSQL + Redis; PostgreSQL restarted, Redis killed.

1. its own PostgreSQL cluster (``initdb`` in a temp dir, run as the ``postgres`` OS
   user when root) and its own ``redis-server``, both on spare loopback ports;
2. ``haken demo seed`` of the size, ``haken serve --workers 2`` on both, rate limits
   off (every load user would otherwise share a few throttled accounts), and one
   ``haken worker`` (consumes the Redis job stream, relays the job outbox);
3. role accounts made through the API (coordinators, site managers with their sites,
   employees linked to their records), each signed in once;
4. ONE separate client process (aiohttp) runs the virtual users without a pause
   across the phases; each user acts, then thinks (exponential, ``--think-ms`` mean);
5. phases of ``--phase-seconds``: ``baseline`` (no fault), ``postgres`` (``pg_ctl
   stop -m fast`` at ``--fault-at`` s, started again ``--outage-seconds`` later) and
   ``redis`` (SIGKILL, restarted empty ``--outage-seconds`` later). PostgreSQL goes
   first by default: after a Redis restart the cache keeps flapping for tens of
   seconds (stale pooled connections, see bench/README.md), which would otherwise
   be counted against the PostgreSQL phase;
6. per phase: requests, failures by status and envelope code, p50/p95/p99, the
   seconds until latency is back within the baseline's p95, worker RSS and CPU;
7. afterwards SQL invariants: every write that commits together is all there or all
   absent (entity + children + audit row), every acknowledged write has its audit
   row, every failed one none; and the jobs: outbox rows committed (enqueued) vs sent
   to Redis vs run by the worker, per phase (coordinators move a site's dispatch start,
   which enqueues ``assignments.refresh_site``); lost = enqueued and never run.
   Written to bench/results/mixed-load.json.

Only 127.0.0.1; everything started is stopped and the temp dir removed (also on
Ctrl-C). ``--keep`` keeps the temp dir (logs) for a post-mortem.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import random
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ROOT,
    VENV_BIN,
    Postgres,
    RedisServer,
    Server,
    free_port,
    haken,
    machine,
    start_server,
    worker_pids,
    write_results,
)

SIZES = {"S": 500, "M": 5_000, "L": 20_000}
RESERVED_PORTS = {55432, 56379}  # the test suite's PostgreSQL and Redis
DATABASE = "haken_mixed"
PASSWORD = "mixed-load-passphrase-2026"  # noqa: S105 (throw-away accounts in a throw-away cluster)
ADMIN_EMAIL = "bench-admin@haken.example"
ROLE_SHARES = {"coordinator": 0.4, "site_manager": 0.2, "employee": 0.4}
RESULT_FILE = "mixed-load.json"
# A window of this length is "good" when none of its requests failed and its median
# latency is within the baseline phase's p95 (see _recovery).
WINDOW_SECONDS = 1.0
GOOD_RUN = 3  # consecutive good windows that count as recovered


# =====================================================================================
# The client process: virtual users
# =====================================================================================

# (op name, weight, is_write). Reads a coordinator does all day, and the writes.
COORDINATOR_OPS: list[tuple[str, int, bool]] = [
    ("employees_list", 14, False),
    ("employees_search", 8, False),
    ("employees_list_by_hire", 4, False),
    ("employee_detail", 14, False),
    ("candidates_list", 6, False),
    ("candidate_detail", 5, False),
    ("assignments_list", 8, False),
    ("assignment_detail", 5, False),
    ("occupancies_list", 5, False),
    ("apartment_occupancy", 3, False),
    ("apartments_list", 3, False),
    ("headcount", 3, False),
    ("residence_expiring", 2, False),
    ("employee_edit", 7, True),
    ("employee_create", 3, True),
    ("candidate_create", 4, True),
    ("housing_move", 3, True),
    ("rate_change", 3, True),
    ("site_start_move", 10, True),
]
SITE_MANAGER_OPS: list[tuple[str, int, bool]] = [
    ("sm_employees_list", 30, False),
    ("sm_employee_detail", 25, False),
    ("sm_headcount", 15, False),
    ("sm_site_detail", 15, False),
    ("sm_assignments_list", 15, False),
]
EMPLOYEE_OPS: list[tuple[str, int, bool]] = [
    ("me", 25, False),
    ("me_employee", 25, False),
    ("me_assignments", 25, False),
    ("me_housing", 25, False),
]
OPS_BY_ROLE = {
    "coordinator": COORDINATOR_OPS,
    "site_manager": SITE_MANAGER_OPS,
    "employee": EMPLOYEE_OPS,
}
SEARCHES = ["山田", "ヤマダ", "yamada", "佐藤", "サトウ", "sato", "鈴木", "suzuki"]


def _romaji_word(rng: random.Random, length: int = 9) -> str:
    return rng.choice(string.ascii_uppercase) + "".join(
        rng.choice(string.ascii_lowercase) for _ in range(length - 1)
    )


def _birth_date(rng: random.Random) -> str:
    return (dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(12_000))).isoformat()


class VirtualUser:
    """One person at a browser: acts, reads the answer, thinks, acts again."""

    def __init__(
        self, index: int, role: str, account: dict[str, Any], plan: dict[str, Any], run: ClientRun
    ) -> None:
        self.index = index
        self.role = role
        self.account = account
        self.plan = plan
        self.run = run
        self.rng = random.Random(index * 7919 + 17)
        self.headers = {"Authorization": "Bearer " + account["token"]}
        self.ops = OPS_BY_ROLE[role]
        self.weights = [weight for _, weight, _ in self.ops]
        # Coordinators own a slice of the rows they write, so two users never edit the
        # same row: any 409 in the results is then haken's doing, not the load's.
        self.occupancies: list[dict[str, Any]] = list(plan.get("occupancies", []))
        self.assignments: list[dict[str, Any]] = list(plan.get("assignments", []))
        self.edit_ids: list[int] = list(plan.get("edit_ids", []))
        self.site_ids: list[int] = list(plan.get("site_ids", []))
        self.seq = 0

    def request_id(self) -> str:
        self.seq += 1
        return f"mixed-{self.index:04d}-{self.seq:06d}"

    async def call(
        self,
        method: str,
        path: str,
        op: str,
        *,
        body: Any = None,
        write: bool = False,
        want_json: bool = False,
    ) -> tuple[int, Any]:
        return await self.run.call(self, method, path, op, body=body, write=write, want=want_json)

    async def act(self) -> None:
        name = self.rng.choices(self.ops, weights=self.weights)[0][0]
        await getattr(self, "op_" + name)()

    # --- coordinator reads -----------------------------------------------------------

    def _any_employee(self) -> int:
        return int(self.rng.choice(self.run.data["employee_ids"]))

    async def op_employees_list(self) -> None:
        await self.call("GET", "/api/employees?limit=50", "employees_list")

    async def op_employees_search(self) -> None:
        q = self.rng.choice(SEARCHES)
        await self.call("GET", f"/api/employees?limit=50&q={q}", "employees_search")

    async def op_employees_list_by_hire(self) -> None:
        await self.call("GET", "/api/employees?limit=50&sort=hire_date", "employees_list_by_hire")

    async def op_employee_detail(self) -> None:
        await self.call("GET", f"/api/employees/{self._any_employee()}", "employee_detail")

    async def op_candidates_list(self) -> None:
        await self.call("GET", "/api/candidates?limit=50", "candidates_list")

    async def op_candidate_detail(self) -> None:
        candidate = self.rng.choice(self.run.data["candidate_ids"])
        await self.call("GET", f"/api/candidates/{candidate}", "candidate_detail")

    async def op_assignments_list(self) -> None:
        await self.call("GET", "/api/assignments?limit=50", "assignments_list")

    async def op_assignment_detail(self) -> None:
        assignment = self.rng.choice(self.run.data["assignment_ids"])
        await self.call("GET", f"/api/assignments/{assignment}", "assignment_detail")

    async def op_occupancies_list(self) -> None:
        await self.call("GET", "/api/housing/occupancies?limit=50", "occupancies_list")

    async def op_apartment_occupancy(self) -> None:
        await self.call("GET", "/api/housing/occupancy?limit=50", "apartment_occupancy")

    async def op_apartments_list(self) -> None:
        await self.call("GET", "/api/housing/apartments?limit=50", "apartments_list")

    async def op_headcount(self) -> None:
        await self.call("GET", "/api/employees/headcount", "headcount")

    async def op_residence_expiring(self) -> None:
        await self.call("GET", "/api/employees/residence-expiring?limit=50", "residence_expiring")

    # --- coordinator writes ----------------------------------------------------------

    async def op_employee_edit(self) -> None:
        """Open the record, change the phone number, save with the version read."""
        if not self.edit_ids:
            return await self.op_employee_detail()
        employee_id = self.rng.choice(self.edit_ids)
        status, body = await self.call(
            "GET", f"/api/employees/{employee_id}", "employee_edit:read", want_json=True
        )
        if status != 200 or body is None:
            return None
        phone = f"090-{self.rng.randrange(1000, 9999)}-{self.rng.randrange(1000, 9999)}"
        await self.call(
            "PATCH",
            f"/api/employees/{employee_id}",
            "employee_edit:save",
            body={"version": body["data"]["version"], "phone": phone},
            write=True,
        )
        return None

    async def op_site_start_move(self) -> None:
        """Move a site's dispatch start by a day: its 抵触日 moves, so the save enqueues the
        ``assignments.refresh_site`` job (through the job outbox) in its transaction."""
        if not self.site_ids:
            return await self.op_employee_detail()
        site_id = self.rng.choice(self.site_ids)
        status, body = await self.call(
            "GET", f"/api/sites/{site_id}", "site_start_move:read", want_json=True
        )
        if status != 200 or body is None:
            return None
        site = body["data"]
        started = site.get("dispatch_started_on")
        day = dt.date.fromisoformat(started) if started else dt.date.today() - dt.timedelta(400)
        moved = day + dt.timedelta(days=1 if day.toordinal() % 2 == 0 else -1)
        await self.call(
            "PATCH",
            f"/api/sites/{site_id}",
            "site_start_move:save",
            body={"version": site["version"], "dispatch_started_on": moved.isoformat()},
            write=True,
        )
        return None

    async def op_employee_create(self) -> None:
        today = dt.date.today()
        body = {
            "name_kanji": "負荷 太郎",
            "name_kana": "フカ タロウ",
            "name_romaji": f"Load {_romaji_word(self.rng)} {_romaji_word(self.rng, 6)}",
            "birth_date": _birth_date(self.rng),
            "employment_type": "dispatch",
            "hire_date": today.isoformat(),
            "contract_periods": [
                {
                    "start_date": today.isoformat(),
                    "end_date": (today + dt.timedelta(days=180)).isoformat(),
                }
            ],
            "dependants": [
                {"name": "負荷 花子", "relationship": "child", "birth_date": "2015-04-01"}
            ],
        }
        await self.call("POST", "/api/employees", "employee_create", body=body, write=True)

    async def op_candidate_create(self) -> None:
        body = {
            "name_kanji": "候補 次郎",
            "name_kana": "コウホ ジロウ",
            "name_romaji": f"Load {_romaji_word(self.rng)} {_romaji_word(self.rng, 6)}",
            "birth_date": _birth_date(self.rng),
            "nationality": "VN",
        }
        await self.call("POST", "/api/candidates", "candidate_create", body=body, write=True)

    async def op_housing_move(self) -> None:
        """Move an employee out of their room, or (next time) back in the day after."""
        if not self.occupancies:
            return await self.op_occupancies_list()
        stay = self.rng.choice(self.occupancies)
        if stay.get("stale"):
            status, body = await self.call(
                "GET",
                f"/api/housing/occupancies?employee_id={stay['employee_id']}&limit=50",
                "housing_move:reload",
                want_json=True,
            )
            if status != 200 or body is None:
                return None
            rows = sorted(body["data"], key=lambda row: (row["move_in"], row["id"]))
            if not rows:
                return None
            latest = rows[-1]
            stay.update(
                id=latest["id"],
                version=latest["version"],
                move_in=latest["move_in"],
                move_out=latest["move_out"],
                stale=False,
            )
        if stay["move_out"] is None:
            move_out = dt.date.fromisoformat(stay["move_in"]) + dt.timedelta(days=1)
            status, body = await self.call(
                "POST",
                f"/api/housing/occupancies/{stay['id']}/move-out",
                "housing_move:out",
                body={"version": stay["version"], "move_out": move_out.isoformat()},
                write=True,
                want_json=True,
            )
            if status == 200 and body is not None:
                stay.update(move_out=body["data"]["move_out"], version=body["data"]["version"])
            else:
                stay["stale"] = True
            return None
        move_in = dt.date.fromisoformat(stay["move_out"]) + dt.timedelta(days=1)
        status, body = await self.call(
            "POST",
            "/api/housing/occupancies",
            "housing_move:in",
            body={
                "employee_id": stay["employee_id"],
                "room_id": stay["room_id"],
                "move_in": move_in.isoformat(),
            },
            write=True,
            want_json=True,
        )
        if status == 201 and body is not None:
            data = body["data"]
            stay.update(id=data["id"], version=data["version"], move_in=data["move_in"])
            stay["move_out"] = None
        else:
            stay["stale"] = True
        return None

    async def op_rate_change(self) -> None:
        """Open the assignment, then record a raise from the next free day."""
        if not self.assignments:
            return await self.op_assignment_detail()
        item = self.rng.choice(self.assignments)
        status, body = await self.call(
            "GET", f"/api/assignments/{item['id']}", "rate_change:read", want_json=True
        )
        if status != 200 or body is None:
            return None
        data = body["data"]
        if item.get("next_from") is None:
            status, rates = await self.call(
                "GET",
                f"/api/assignments/{item['id']}/rates?limit=200",
                "rate_change:history",
                want_json=True,
            )
            if status != 200 or rates is None or not rates["data"]:
                return None
            latest = max(dt.date.fromisoformat(r["effective_from"]) for r in rates["data"])
            item["next_from"] = (latest + dt.timedelta(days=1)).isoformat()
        effective = dt.date.fromisoformat(item["next_from"])
        if effective > dt.date.fromisoformat(data["end_date"]):
            self.assignments.remove(item)
            return None
        rate = data["rate"]
        pay = float(rate["hourly_pay"]) + 10
        bill = max(float(rate["hourly_bill"]), pay + 100)
        status, _ = await self.call(
            "POST",
            f"/api/assignments/{item['id']}/rates",
            "rate_change:save",
            body={
                "version": data["version"],
                "effective_from": effective.isoformat(),
                "hourly_pay": f"{pay:.2f}",
                "hourly_bill": f"{bill:.2f}",
                "note": "mixed load",
            },
            write=True,
        )
        if status == 201:
            item["next_from"] = (effective + dt.timedelta(days=1)).isoformat()
        else:
            item["next_from"] = None  # read the history again next time
        return None

    # --- site managers ---------------------------------------------------------------

    async def op_sm_employees_list(self) -> None:
        await self.call("GET", "/api/employees?limit=50", "sm_employees_list")

    async def op_sm_employee_detail(self) -> None:
        employee = self.rng.choice(self.account["employee_ids"])
        await self.call("GET", f"/api/employees/{employee}", "sm_employee_detail")

    async def op_sm_headcount(self) -> None:
        await self.call("GET", "/api/employees/headcount", "sm_headcount")

    async def op_sm_site_detail(self) -> None:
        site = self.rng.choice(self.account["site_ids"])
        await self.call("GET", f"/api/sites/{site}", "sm_site_detail")

    async def op_sm_assignments_list(self) -> None:
        await self.call("GET", "/api/assignments?limit=50", "sm_assignments_list")

    # --- employees (self-service) ----------------------------------------------------

    async def op_me(self) -> None:
        await self.call("GET", "/api/auth/me", "me")

    async def op_me_employee(self) -> None:
        await self.call("GET", f"/api/employees/{self.account['employee_id']}", "me_employee")

    async def op_me_assignments(self) -> None:
        await self.call("GET", "/api/assignments/me", "me_assignments")

    async def op_me_housing(self) -> None:
        await self.call("GET", "/api/housing/me", "me_housing")


@dataclass
class ClientRun:
    base_url: str
    data: dict[str, Any]
    timeout: float
    records: list[list[Any]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    session: Any = None

    async def call(
        self,
        vu: VirtualUser,
        method: str,
        path: str,
        op: str,
        *,
        body: Any,
        write: bool,
        want: bool,
    ) -> tuple[int, Any]:
        import aiohttp

        rid = vu.request_id()
        headers = {**vu.headers, "X-Request-ID": rid}
        started = time.monotonic()
        status, code, payload = 0, "", None
        try:
            async with self.session.request(
                method, self.base_url + path, json=body, headers=headers
            ) as response:
                raw = await response.read()
                status = response.status
                if status >= 400:
                    try:
                        code = json.loads(raw)["error"]["code"]
                    except (ValueError, KeyError, TypeError):
                        code = "NO_ENVELOPE"
                elif want:
                    payload = json.loads(raw)
        except TimeoutError:
            code = "CLIENT_TIMEOUT"
        except aiohttp.ClientError as error:
            code = "CLIENT_" + type(error).__name__
            self.errors[f"{type(error).__name__}: {str(error)[:120]}"] += 1
        ended = time.monotonic()
        self.records.append(
            [round(started, 4), round(ended, 4), vu.role, op, status, code, int(write), rid]
        )
        return status, payload


async def _client(config: dict[str, Any]) -> dict[str, Any]:
    import aiohttp

    run = ClientRun(config["base_url"], config["data"], config["timeout"])
    users = [
        VirtualUser(index, spec["role"], spec["account"], spec["plan"], run)
        for index, spec in enumerate(config["users"])
    ]
    start_at, end_at = config["start_at"], config["end_at"]
    think = config["think_ms"] / 1000

    async def life(user: VirtualUser) -> None:
        # Arrivals spread over the first think time, as people open their browsers.
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + user.rng.uniform(0, think))
        while time.monotonic() < end_at:
            await user.act()
            pause = min(user.rng.expovariate(1 / think), 5 * think) if think > 0 else 0
            await asyncio.sleep(max(0.0, min(pause, end_at - time.monotonic())))

    # A browser drops an idle keep-alive connection before the server does; a client
    # that keeps it longer than uvicorn's 5 s races the server's close and gets resets.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3)
    timeout = aiohttp.ClientTimeout(total=config["timeout"])
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        run.session = session
        await asyncio.gather(*(life(user) for user in users))
    usage = os.times()
    return {
        "records": run.records,
        "client_errors": dict(run.errors.most_common(10)),
        "client_cpu_s": round(usage.user + usage.system, 2),
    }


def client_main(config_path: Path, output_path: Path) -> None:
    config = json.loads(config_path.read_text())
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        pass
    result = asyncio.run(_client(config))
    output_path.write_text(json.dumps(result))


# =====================================================================================
# The driver: services, data, accounts, faults, figures
# =====================================================================================


def spare_port() -> int:
    while True:
        port = free_port()
        if port not in RESERVED_PORTS:
            return port


async def _sql(url: str, statements: Iterable[str], params: dict[str, Any] | None = None) -> list:
    """Run statements on the cluster; returns each one's rows."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            out = []
            for statement in statements:
                result = await connection.execute(text(statement), params or {})
                out.append(result.fetchall() if result.returns_rows else [])
            return out
    finally:
        await engine.dispose()


class Api:
    """The admin's view of the seeded data, through the API."""

    def __init__(self, base_url: str, token: str) -> None:
        import httpx

        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
            response = self.http.get(path, params=query)
            response.raise_for_status()
            body = response.json()
            rows.extend(body["data"])
            cursor = body.get("pagination", {}).get("next_cursor")
            if not cursor:
                return rows


def login(base_url: str, email: str) -> str:
    import httpx

    response = httpx.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=60
    )
    response.raise_for_status()
    return str(response.json()["data"]["access_token"])


def build_population(
    api: Api, base_url: str, users: int, per_account: int
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, int]]:
    """Accounts (made and signed in once each), the virtual users and what each owns."""
    employees = api.all("/api/employees")
    candidates = api.all("/api/candidates")
    assignments = [a for a in api.all("/api/assignments") if a["status"] == "active"]
    occupancies = [o for o in api.all("/api/housing/occupancies") if o["move_out"] is None]

    counts = {role: round(users * share) for role, share in ROLE_SHARES.items()}
    counts["coordinator"] += users - sum(counts.values())
    accounts_needed = {role: max(1, math.ceil(n / per_account)) for role, n in counts.items()}

    by_site: dict[int, list[int]] = defaultdict(list)
    for item in assignments:
        by_site[item["site_id"]].append(item["employee_id"])
    sites = sorted(by_site, key=lambda s: -len(by_site[s]))
    housed = {o["employee_id"] for o in occupancies}
    # Self-service users: employees with an assignment and a room, kept out of the
    # coordinators' write slices so that their reads see a stable record.
    selfservice = [e for e in sorted({a["employee_id"] for a in assignments}) if e in housed]
    selfservice = selfservice[: accounts_needed["employee"]] or [employees[0]["id"]]

    specs: list[tuple[str, str, dict[str, Any]]] = []
    for i in range(accounts_needed["coordinator"]):
        email = f"coordinator{i}@mixed.example"
        specs.append(("coordinator", email, {}))
    for i in range(accounts_needed["site_manager"]):
        mine = [sites[(2 * i) % len(sites)], sites[(2 * i + 1) % len(sites)]]
        extra = {"site_ids": sorted(set(mine))}
        specs.append(("site_manager", f"sitemanager{i}@mixed.example", extra))
    for i in range(accounts_needed["employee"]):
        employee_id = selfservice[i % len(selfservice)]
        extra = {"employee_id": employee_id} if i < len(selfservice) else {}
        specs.append(("employee", f"employee{i}@mixed.example", extra))

    def make(spec: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
        role, email, extra = spec
        response = api.http.post(
            "/api/users", json={"email": email, "password": PASSWORD, "role": role, **extra}
        )
        response.raise_for_status()
        account = {"role": role, "email": email, **extra, "token": login(base_url, email)}
        if role == "site_manager":  # whom the manager sees is haken's scope, not ours
            mine = Api(base_url, account["token"]).all("/api/employees")
            account["employee_ids"] = [e["id"] for e in mine] or [
                e for site in extra["site_ids"] for e in by_site[site]
            ]
        if role == "employee" and "employee_id" not in extra:
            account["employee_id"] = selfservice[0]
        return account

    with ThreadPoolExecutor(max_workers=4) as pool:  # argon2 costs ~0.2 s a hash
        accounts = list(pool.map(make, specs))
    by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for account in accounts:
        by_role[account["role"]].append(account)

    reserved = set(selfservice)
    editable = [e["id"] for e in employees if e["id"] not in reserved]
    stays = [
        {k: o[k] for k in ("id", "employee_id", "room_id", "move_in", "move_out", "version")}
        for o in occupancies
        if o["employee_id"] not in reserved
    ]
    rated = [{"id": a["id"]} for a in assignments if a["employee_id"] not in reserved]
    # One site per coordinator at most (never shared: no 409 of the load's making).
    movable = [s["id"] for s in api.all("/api/sites")]
    population: list[dict[str, Any]] = []
    n_coord = counts["coordinator"]
    for role in ("coordinator", "site_manager", "employee"):
        for i in range(counts[role]):
            plan: dict[str, Any] = {}
            if role == "coordinator":
                plan = {
                    "edit_ids": editable[i::n_coord],
                    "occupancies": stays[i::n_coord],
                    "assignments": rated[i::n_coord],
                    "site_ids": movable[i::n_coord],
                }
            account = by_role[role][i % len(by_role[role])]
            population.append({"role": role, "account": account, "plan": plan})
    random.Random(7).shuffle(population)
    data = {
        "employee_ids": [e["id"] for e in employees],
        "candidate_ids": [c["id"] for c in candidates] or [1],
        "assignment_ids": [a["id"] for a in assignments],
    }
    return population, data, {role: len(v) for role, v in by_role.items()}


# --- figures -------------------------------------------------------------------------


def _pct(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return round(sorted_values[index], 2)


def _ok(record: list[Any]) -> bool:
    return 200 <= record[4] < 400


def summarise(records: list[list[Any]], seconds: float) -> dict[str, Any]:
    latencies = sorted((r[1] - r[0]) * 1000 for r in records)
    failed = [r for r in records if not _ok(r)]
    writes = [r for r in records if r[6]]
    by_op: dict[str, list[float]] = defaultdict(list)
    for r in records:
        by_op[r[3]].append((r[1] - r[0]) * 1000)
    return {
        "requests": len(records),
        "rps": round(len(records) / seconds, 1) if seconds else None,
        "writes": len(writes),
        "failed": len(failed),
        "p50_ms": _pct(latencies, 0.50),
        "p95_ms": _pct(latencies, 0.95),
        "p99_ms": _pct(latencies, 0.99),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "statuses": dict(sorted(Counter(str(r[4]) for r in records).items())),
        "error_codes": dict(Counter(r[5] for r in failed).most_common()),
        "failed_by_op": dict(Counter(r[3] for r in failed).most_common()),
        "by_role": {
            role: len([r for r in records if r[2] == role])
            for role in ("coordinator", "site_manager", "employee")
        },
        "p95_ms_by_op": {op: _pct(sorted(v), 0.95) for op, v in sorted(by_op.items())},
    }


def timeline(records: list[list[Any]], start: float, end: float) -> list[dict[str, Any]]:
    """Per window (by request start): requests, failures, p50, p95."""
    buckets: dict[int, list[list[Any]]] = defaultdict(list)
    for r in records:
        if start <= r[0] < end:
            buckets[int((r[0] - start) // WINDOW_SECONDS)].append(r)
    rows = []
    for k in range(math.ceil((end - start) / WINDOW_SECONDS)):
        items = buckets.get(k, [])
        lat = sorted((r[1] - r[0]) * 1000 for r in items)
        rows.append(
            {
                "t": round(k * WINDOW_SECONDS, 1),
                "requests": len(items),
                "failed": sum(1 for r in items if not _ok(r)),
                "p50_ms": _pct(lat, 0.5),
                "p95_ms": _pct(lat, 0.95),
            }
        )
    return rows


def _recovery(
    windows: list[dict[str, Any]], fault_t: float, cleared_t: float, threshold_ms: float
) -> dict[str, Any]:
    """When latency is back. A window is good when none of its requests failed and its
    median is within the baseline's p95. Recovered: from the start of the first run of
    GOOD_RUN good windows at or after the fault was cleared, or earlier when the bad
    windows (if any) ended earlier; 0 when no window after the fault was bad."""

    def good(w: dict[str, Any]) -> bool:
        return w["failed"] == 0 and (w["p50_ms"] is None or w["p50_ms"] <= threshold_ms)

    k_fault = int(fault_t // WINDOW_SECONDS)
    k_clear = min(int(cleared_t // WINDOW_SECONDS), len(windows) - 1)
    k_back = next(
        (
            k
            for k in range(k_clear, len(windows) - GOOD_RUN + 1)
            if all(good(w) for w in windows[k : k + GOOD_RUN])
        ),
        None,
    )
    bad = [k for k in range(k_fault, len(windows)) if not good(windows[k])]
    if k_back is None:
        recovered_at = None
    else:
        before = [k for k in bad if k < k_back]
        recovered_at = windows[before[-1] + 1]["t"] if before else fault_t
    return {
        "threshold_p50_within_ms": threshold_ms,
        "recovered_s_after_fault": None
        if recovered_at is None
        else round(max(0.0, recovered_at - fault_t), 1),
        "recovered_s_after_clear": None
        if recovered_at is None
        else round(max(0.0, recovered_at - cleared_t), 1),
        "bad_windows_after_fault": len(bad),
        "last_bad_window_s_after_fault": round(windows[bad[-1]]["t"] - fault_t, 1) if bad else None,
    }


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def _process_role(pid: int, root_pid: int) -> str:
    if pid == root_pid:
        return "supervisor"
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "gone"
    return "resource_tracker" if b"resource_tracker" in argv else "worker"


def reset_peaks(root_pid: int) -> dict[int, float | None]:
    """Start a new peak-RSS measure (Linux: clear_refs 5 resets VmHWM); CPU so far."""
    cpu = {}
    for pid in worker_pids(root_pid):
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        cpu[pid] = _cpu_seconds(pid)
    return cpu


def process_figures(root_pid: int, cpu_before: dict[int, float | None]) -> dict[str, Any]:
    """Per server process: peak RSS since the last reset_peaks, RSS now, CPU since then."""
    figures: dict[str, Any] = {}
    for pid in worker_pids(root_pid):
        status: dict[str, str] = {}
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                status[key] = value.strip()
        except OSError:
            continue

        def mb(key: str, source: dict[str, str] = status) -> float | None:
            value = source.get(key)
            return round(int(value.split()[0]) / 1024, 1) if value else None

        cpu_now, cpu_then = _cpu_seconds(pid), cpu_before.get(pid)
        figures[str(pid)] = {
            "role": _process_role(pid, root_pid),
            "peak_rss_mb": mb("VmHWM"),
            "rss_mb": mb("VmRSS"),
            "cpu_s": round(cpu_now - cpu_then, 2)
            if cpu_now is not None and cpu_then is not None
            else cpu_now,
        }
    return figures


# --- invariants ----------------------------------------------------------------------

SEED_MAXIMA = {
    "employees": "SELECT coalesce(max(id), 0) FROM employees",
    "candidates": "SELECT coalesce(max(id), 0) FROM candidates",
    "occupancies": "SELECT coalesce(max(id), 0) FROM housing_occupancies",
    "rates": "SELECT coalesce(max(id), 0) FROM assignment_rates",
    "audit": "SELECT coalesce(max(id), 0) FROM audit_log",
}

# name -> a count that must be 0. :e, :c, :o, :r, :a are the maxima before the load.
INVARIANTS = {
    # employees: the row, its contract period, its dependant and its audit row commit together
    "employee_without_create_audit": """
        SELECT count(*) FROM employees e WHERE e.id > :e AND NOT EXISTS (
          SELECT 1 FROM audit_log a WHERE a.entity_type = 'employee' AND a.action = 'create'
          AND a.entity_id = e.id::text)""",
    "employee_audit_without_employee": """
        SELECT count(*) FROM audit_log a WHERE a.id > :a AND a.entity_type = 'employee'
          AND NOT EXISTS (SELECT 1 FROM employees e WHERE e.id::text = a.entity_id)""",
    "new_employee_contract_periods_not_1": """
        SELECT count(*) FROM employees e WHERE e.id > :e AND (SELECT count(*)
          FROM employee_contract_periods p WHERE p.employee_id = e.id) <> 1""",
    "new_employee_dependants_not_1": """
        SELECT count(*) FROM employees e WHERE e.id > :e AND (SELECT count(*)
          FROM employee_dependants d WHERE d.employee_id = e.id) <> 1""",
    "employee_version_not_edits_plus_1": """
        SELECT count(*) FROM employees e WHERE e.version - 1 <> (SELECT count(*)
          FROM audit_log a WHERE a.entity_type = 'employee' AND a.entity_id = e.id::text
          AND a.action NOT IN ('create', 'placement'))""",
    # candidates: the row, its first status-history row and its audit row
    "candidate_without_create_audit": """
        SELECT count(*) FROM candidates c WHERE c.id > :c AND NOT EXISTS (
          SELECT 1 FROM audit_log a WHERE a.entity_type = 'candidate' AND a.action = 'create'
          AND a.entity_id = c.id::text)""",
    "candidate_without_status_history": """
        SELECT count(*) FROM candidates c WHERE c.id > :c AND NOT EXISTS (
          SELECT 1 FROM candidate_status_history h WHERE h.candidate_id = c.id)""",
    "candidate_audit_without_candidate": """
        SELECT count(*) FROM audit_log a WHERE a.id > :a AND a.entity_type = 'candidate'
          AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.id::text = a.entity_id)""",
    # housing: a stay and its move-in audit row; every later edit bumps version + audits
    "occupancy_without_move_in_audit": """
        SELECT count(*) FROM housing_occupancies o WHERE o.id > :o AND NOT EXISTS (
          SELECT 1 FROM audit_log a WHERE a.entity_type = 'housing_occupancy'
          AND a.action = 'move_in' AND a.entity_id = o.id::text)""",
    "occupancy_audit_without_occupancy": """
        SELECT count(*) FROM audit_log a WHERE a.id > :a AND a.entity_type = 'housing_occupancy'
          AND NOT EXISTS (SELECT 1 FROM housing_occupancies o WHERE o.id::text = a.entity_id)""",
    "occupancy_version_not_edits_plus_1": """
        SELECT count(*) FROM housing_occupancies o WHERE o.version - 1 <> (SELECT count(*)
          FROM audit_log a WHERE a.entity_type = 'housing_occupancy'
          AND a.entity_id = o.id::text AND a.action IN ('move_out', 'update'))""",
    "occupancy_move_out_audit_but_open": """
        SELECT count(*) FROM housing_occupancies o WHERE o.move_out IS NULL AND EXISTS (
          SELECT 1 FROM audit_log a WHERE a.entity_type = 'housing_occupancy'
          AND a.action = 'move_out' AND a.entity_id = o.id::text)""",
    "occupancy_room_missing": """
        SELECT count(*) FROM housing_occupancies o
          LEFT JOIN housing_rooms r ON r.id = o.room_id WHERE r.id IS NULL""",
    "occupancy_apartment_not_the_rooms": """
        SELECT count(*) FROM housing_occupancies o
          JOIN housing_rooms r ON r.id = o.room_id WHERE o.apartment_id <> r.apartment_id""",
    "employee_with_two_open_stays": """
        SELECT count(*) FROM (SELECT employee_id FROM housing_occupancies
          WHERE move_out IS NULL GROUP BY employee_id HAVING count(*) > 1) x""",
    "room_over_capacity_today": """
        SELECT count(*) FROM (SELECT o.room_id FROM housing_occupancies o
          JOIN housing_rooms r ON r.id = o.room_id
          WHERE o.move_in <= current_date AND o.occupied_until >= current_date
          GROUP BY o.room_id, r.capacity HAVING count(*) > r.capacity) x""",
    # assignments: a new rate row, the assignment's version bump and the audit row
    "rate_without_audit": """
        SELECT count(*) FROM assignment_rates r WHERE r.id > :r AND NOT EXISTS (
          SELECT 1 FROM audit_log a WHERE a.entity_type = 'assignment'
          AND a.action = 'change_rate' AND (a.changes -> 'rate_id' ->> 1) = r.id::text)""",
    "rate_audit_without_rate": """
        SELECT count(*) FROM audit_log a WHERE a.id > :a AND a.entity_type = 'assignment'
          AND a.action = 'change_rate' AND NOT EXISTS (SELECT 1 FROM assignment_rates r
          WHERE r.id::text = (a.changes -> 'rate_id' ->> 1))""",
    "assignment_version_not_edits_plus_1": """
        SELECT count(*) FROM assignments s WHERE s.version - 1 <> (SELECT count(*)
          FROM audit_log a WHERE a.entity_type = 'assignment' AND a.entity_id = s.id::text
          AND a.action <> 'create')""",
}


def check_invariants(
    url: str, maxima: dict[str, int], before: dict[str, int], records: list[list[Any]]
) -> dict[str, Any]:
    params = {
        "e": maxima["employees"],
        "c": maxima["candidates"],
        "o": maxima["occupancies"],
        "r": maxima["rates"],
        "a": maxima["audit"],
    }
    names = list(INVARIANTS)
    rows = asyncio.run(
        _sql(
            url,
            [INVARIANTS[n] for n in names]
            + ["SELECT request_id, count(*) FROM audit_log WHERE id > :a GROUP BY request_id"]
            + [
                "SELECT count(*) FROM employees WHERE id > :e",
                "SELECT count(*) FROM candidates WHERE id > :c",
                "SELECT count(*) FROM housing_occupancies WHERE id > :o",
                "SELECT count(*) FROM assignment_rates WHERE id > :r",
                "SELECT count(*) FROM audit_log WHERE id > :a",
            ],
            params,
        )
    )
    after = {name: int(rows[i][0][0]) for i, name in enumerate(names)}
    audits = {rid: int(n) for rid, n in rows[len(names)]}
    created = [int(r[0][0]) for r in rows[len(names) + 1 :]]
    writes = [r for r in records if r[6]]
    sent = {r[7] for r in writes}
    ack = [r for r in writes if 200 <= r[4] < 300]
    refused = [r for r in writes if 400 <= r[4] < 500]
    failed = [r for r in writes if r[4] == 0 or r[4] >= 500]
    request_checks = {
        # an acknowledged write whose audit row (same transaction) is not there: lost
        "acknowledged_writes_without_audit": sum(1 for r in ack if audits.get(r[7], 0) == 0),
        "acknowledged_writes_with_several_audits": sum(1 for r in ack if audits.get(r[7], 0) > 1),
        # a 4xx write must have changed nothing
        "refused_writes_with_audit": sum(1 for r in refused if audits.get(r[7], 0) > 0),
        # a 5xx/transport failure that committed anyway (client cannot tell): reported
        "failed_writes_that_committed": sum(1 for r in failed if audits.get(r[7], 0) > 0),
        "audit_rows_from_unknown_requests": sum(n for rid, n in audits.items() if rid not in sent),
    }
    violations = {
        name: value - before.get(name, 0)
        for name, value in after.items()
        if value - before.get(name, 0) != 0
    }
    hard = {k: v for k, v in request_checks.items() if k != "failed_writes_that_committed" and v}
    return {
        "ok": not violations and not hard,
        "checks": after,
        "before_load": {k: v for k, v in before.items() if v},
        "violations": violations,
        "requests": request_checks,
        "writes": {"sent": len(writes), "acknowledged": len(ack), "refused_4xx": len(refused)}
        | {"failed_5xx_or_transport": len(failed)},
        "rows_created": dict(
            zip(
                ["employees", "candidates", "occupancies", "rates", "audit_rows"],
                created,
                strict=True,
            )
        ),
    }


def invariant_counts(url: str) -> dict[str, int]:
    """The same checks before the load (params at 'everything is new' → only the
    version/audit and housing ones are meaningful; the others are 0 by construction)."""
    big = 2**62
    rows = asyncio.run(
        _sql(url, list(INVARIANTS.values()), {"e": big, "c": big, "o": big, "r": big, "a": big})
    )
    return {name: int(rows[i][0][0]) for i, name in enumerate(INVARIANTS)}


# --- the run -------------------------------------------------------------------------


@dataclass
class Services:
    work: Path
    keep: bool
    postgres: Postgres | None = None
    redis: RedisServer | None = None
    server: Server | None = None
    worker: Server | None = None
    client: subprocess.Popen[bytes] | None = None

    def close(self) -> None:
        for step in (self._client, self._server, self._worker, self._redis, self._postgres):
            try:
                step()
            except Exception as error:  # keep cleaning up
                print(f"cleanup: {type(error).__name__}: {error}", file=sys.stderr)
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"kept {self.work}")

    def _client(self) -> None:
        if self.client is not None and self.client.poll() is None:
            self.client.kill()
            self.client.wait(timeout=10)

    def _server(self) -> None:
        if self.server is not None:
            self.server.stop()

    def _worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def _redis(self) -> None:
        if self.redis is not None:
            self.redis.stop()

    def _postgres(self) -> None:
        if self.postgres is not None and self.postgres.running():
            self.postgres.stop("immediate")


def say(begun: float, message: str) -> None:
    print(f"[{time.monotonic() - begun:6.1f}s] {message}", flush=True)


def _until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def inject(phase: str, services: Services, fault_at: float, outage: float) -> dict[str, float]:
    """Break Redis or PostgreSQL at ``fault_at`` (monotonic), mend it ``outage`` later."""
    _until(fault_at)
    marks: dict[str, float] = {}
    if phase == "redis":
        assert services.redis is not None
        marks["fault"] = time.monotonic()
        services.redis.kill()
        marks["broken"] = time.monotonic()
        _until(marks["fault"] + outage)
        marks["restart"] = time.monotonic()
        services.redis.start()
        marks["cleared"] = time.monotonic()
    elif phase == "postgres":
        assert services.postgres is not None
        marks["fault"] = time.monotonic()
        services.postgres.stop("fast")
        marks["broken"] = time.monotonic()
        _until(marks["fault"] + outage)
        marks["restart"] = time.monotonic()
        services.postgres.start()
        marks["cleared"] = time.monotonic()
    return marks


def _log_events(log: Path, spans: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Warnings and errors the server logged (JSON lines) by event: in all, and per
    phase (``spans`` in wall-clock seconds)."""
    events: Counter[str] = Counter()
    by_phase: dict[str, Counter[str]] = {phase: Counter() for phase in spans}
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            if "Traceback" in line:
                events["traceback"] += 1
            continue
        level = str(entry.get("level", "")).lower()
        if level not in {"warning", "error", "critical", "exception"}:
            continue
        name = f"{level}: {entry.get('event', '?')}"
        events[name] += 1
        with contextlib.suppress(KeyError, ValueError):
            stamp = dt.datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00"))
            for phase, (begin, end) in spans.items():
                if begin <= stamp.timestamp() < end:
                    by_phase[phase][name] += 1
    return {
        "all": dict(events.most_common(20)),
        "by_phase": {phase: dict(c.most_common(20)) for phase, c in by_phase.items()},
    }


def run(options: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="haken-mixed-"))
    work.chmod(0o755)  # the postgres OS user must reach its data directory
    services = Services(work=work, keep=options.keep)

    def on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return _run(options, services)
    finally:
        services.close()
        signal.signal(signal.SIGTERM, previous)


def _run(options: argparse.Namespace, services: Services) -> dict[str, Any]:
    work = services.work
    begun = time.monotonic()
    services.postgres = Postgres(work / "pg", spare_port())
    services.postgres.init()
    services.postgres.start()
    asyncio.run(_sql(services.postgres.url("postgres"), [f'CREATE DATABASE "{DATABASE}"']))
    services.redis = RedisServer(spare_port(), work)
    services.redis.start()
    url = services.postgres.url(DATABASE)
    env = {
        "HAKEN_DATA_DIR": str(work / "data"),
        "HAKEN_DATABASE_URL": url,
        "HAKEN_REDIS_URL": services.redis.url,
        "HAKEN_LOG_LEVEL": "WARNING",
    }
    say(begun, f"PostgreSQL on :{services.postgres.port}, Redis on :{services.redis.port}")
    haken(["db", "upgrade"], env)
    started = time.perf_counter()
    haken(["demo", "seed", "--employees", str(SIZES[options.size])], env)
    seed_seconds = round(time.perf_counter() - started, 2)
    haken(
        ["user", "create", "--email", ADMIN_EMAIL, "--role", "super_admin", "--password-stdin"],
        env,
        stdin=PASSWORD + "\n",
    )
    say(begun, f"seeded size {options.size} on PostgreSQL in {seed_seconds}s")

    port = spare_port()
    serve_env = {
        **env,
        "HAKEN_RATE_LIMIT_ENABLED": "false",
        "HAKEN_LOG_LEVEL": "INFO",
        "HAKEN_ACCESS_TOKEN_MINUTES": "120",
        "HAKEN_WORKER_METRICS_PORT": "0",
    }
    services.server = start_server(
        "haken",
        [str(VENV_BIN / "haken"), "serve", "--port", str(port), "--workers", str(options.workers)],
        serve_env,
        port,
        "/api/ready",
        work,
    )
    server = services.server
    say(begun, f"haken serve --workers {options.workers} on {server.url}")
    worker_port = spare_port()  # `haken worker`: consumes the Redis stream, relays the outbox
    services.worker = start_server(
        "haken-worker",
        [str(VENV_BIN / "haken"), "worker"],
        {**env, "HAKEN_LOG_LEVEL": "INFO", "HAKEN_WORKER_METRICS_PORT": str(worker_port)},
        worker_port,
        "/health",
        work,
    )
    api = Api(server.url, login(server.url, ADMIN_EMAIL))
    population, data, accounts = build_population(
        api, server.url, options.users, options.users_per_account
    )
    say(begun, f"{len(population)} virtual users on {sum(accounts.values())} accounts {accounts}")
    maxima = {
        k: int(v[0][0])
        for k, v in zip(SEED_MAXIMA, asyncio.run(_sql(url, SEED_MAXIMA.values())), strict=True)
    }
    before = invariant_counts(url)

    phases = ["baseline", *options.faults]
    setup_figures = process_figures(server.process.pid, {})  # sign-ins hash with argon2
    load_at_start = round(os.getloadavg()[0], 2)
    start_at = time.monotonic() + 3.0  # the client imports and connects meanwhile
    bounds: dict[str, tuple[float, float]] = {}
    cursor = start_at + options.warmup_seconds
    for phase in phases:
        bounds[phase] = (cursor, cursor + options.phase_seconds)
        cursor += options.phase_seconds
    end_at = cursor
    config = {
        "base_url": server.url,
        "users": population,
        "data": data,
        "start_at": start_at,
        "end_at": end_at,
        "think_ms": options.think_ms,
        "timeout": options.timeout,
    }
    config_path, output_path = work / "client.json", work / "client-out.json"
    config_path.write_text(json.dumps(config))
    client_log = (work / "client.log").open("wb")
    services.client = subprocess.Popen(
        [sys.executable, __file__, "--client", str(config_path), str(output_path)],
        stdout=client_log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    say(
        begun,
        f"load: warm-up {options.warmup_seconds}s, then {', '.join(phases)} "
        f"({options.phase_seconds}s each)",
    )
    faults: dict[str, dict[str, float]] = {}
    process: dict[str, Any] = {}
    for phase in phases:
        phase_start, phase_end = bounds[phase]
        _until(phase_start)
        cpu_before = reset_peaks(server.process.pid)
        if phase != "baseline":
            marks = inject(phase, services, phase_start + options.fault_at, options.outage_seconds)
            faults[phase] = marks
            say(
                begun,
                f"{phase}: broken {marks['broken'] - marks['fault']:.2f}s after the fault, "
                f"back {marks['cleared'] - marks['fault']:.2f}s after it",
            )
        _until(phase_end)
        process[phase] = process_figures(server.process.pid, cpu_before)
    try:
        services.client.wait(timeout=options.timeout + 60)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"the client did not finish; see {work / 'client.log'}") from error
    if services.client.returncode != 0:
        raise RuntimeError(f"the client failed; see {work / 'client.log'}")
    output = json.loads(output_path.read_text())
    records: list[list[Any]] = output["records"]

    results: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join(["bench/mixed_load.py", *sys.argv[1:]]),
        "size": options.size,
        "employees": SIZES[options.size],
        "db": "postgres",
        "redis": True,
        "workers": options.workers,
        "users": options.users,
        "users_by_role": dict(Counter(u["role"] for u in population)),
        "accounts": accounts,
        "think_ms_mean": options.think_ms,
        "client_timeout_s": options.timeout,
        "phase_seconds": options.phase_seconds,
        "warmup_seconds": options.warmup_seconds,
        "fault_at_s": options.fault_at,
        "outage_seconds": options.outage_seconds,
        "seed_seconds": seed_seconds,
        "client_cpu_s": output["client_cpu_s"],
        "client_errors": output["client_errors"],
        # a shared machine: other work running meanwhile shows here
        "loadavg_1m_at_start_and_end": [load_at_start, round(os.getloadavg()[0], 2)],
        "mix": {role: {op: w for op, w, _ in ops} for role, ops in OPS_BY_ROLE.items()},
        "phases": {},
    }
    baseline_p95 = None
    for phase in phases:
        phase_start, phase_end = bounds[phase]
        mine = [r for r in records if phase_start <= r[0] < phase_end]
        summary = summarise(mine, phase_end - phase_start)
        summary["processes"] = process[phase]
        # CPU the workers spent per request: steadier than latency on a shared machine
        worker_cpu = sum(f["cpu_s"] or 0 for f in process[phase].values() if f["role"] == "worker")
        summary["worker_cpu_ms_per_request"] = (
            round(worker_cpu * 1000 / len(mine), 1) if mine else None
        )
        if phase == "baseline":
            baseline_p95 = summary["p95_ms"]
        else:
            marks = {k: round(v - phase_start, 2) for k, v in faults[phase].items()}
            summary["fault"] = marks
            windows = timeline(mine, phase_start, phase_end)
            summary["timeline"] = windows
            summary["recovery"] = _recovery(
                windows, marks["fault"], marks["cleared"], baseline_p95 or 0.0
            )
            outage = [r for r in mine if faults[phase]["fault"] <= r[0] < faults[phase]["cleared"]]
            summary["during_outage"] = {
                "requests": len(outage),
                "statuses": dict(sorted(Counter(str(r[4]) for r in outage).items())),
                "error_codes": dict(Counter(r[5] for r in outage if not _ok(r)).most_common()),
            }
            after = sorted(
                (r for r in mine if r[0] >= faults[phase]["restart"] and _ok(r)),
                key=lambda r: r[1],
            )
            failures_after = [r for r in mine if r[0] >= faults[phase]["cleared"] and not _ok(r)]
            summary["first_success_s_after_restart"] = (
                round(after[0][1] - faults[phase]["restart"], 2) if after else None
            )
            summary["first_success_s_after_ready"] = (
                round(after[0][1] - faults[phase]["cleared"], 2) if after else None
            )
            summary["failures_after_ready"] = len(failures_after)
            summary["last_failure_s_after_ready"] = (
                round(max(r[1] for r in failures_after) - faults[phase]["cleared"], 2)
                if failures_after
                else None
            )
        results["phases"][phase] = summary
    warm = [r for r in records if start_at <= r[0] < bounds[phases[0]][0]]
    results["warmup"] = {"requests": len(warm), "failed": sum(1 for r in warm if not _ok(r))}
    # per server process, the highest peak of the phases (not the setup's sign-ins)
    results["peak_rss_mb"] = {
        f"{pid} {figures['role']}": max(
            process[phase].get(pid, {}).get("peak_rss_mb") or 0 for phase in phases
        )
        for pid, figures in process[phases[-1]].items()
    }
    results["peak_rss_mb_including_setup"] = {
        f"{pid} {figures['role']}": figures["peak_rss_mb"] for pid, figures in setup_figures.items()
    }
    wall = time.time() - time.monotonic()  # monotonic -> wall clock, for the log
    spans = {phase: (a + wall, b + wall) for phase, (a, b) in bounds.items()}
    results["server_log"] = _log_events(server.log, spans)
    for phase in phases:  # the cache's switches to process memory (Redis unreachable)
        events = results["server_log"].get("by_phase", {}).get(phase, {})
        results["phases"][phase]["cache_degraded_events"] = sum(
            n for name, n in events.items() if "cache degraded" in name
        )
    say(begun, f"load done: {len(records)} requests; checking the invariants")
    services.server.stop()  # no request in flight while the invariants are read
    results["invariants"] = check_invariants(url, maxima, before, records)
    say(begun, "waiting for the job outbox and the worker to finish")
    results["jobs"] = job_accounting(url, spans)
    services.worker.stop()
    results["total_seconds"] = round(time.monotonic() - begun, 1)
    return results


JOBS_SQL = """
SELECT count(*), count(o.sent_at), count(r.key) FILTER (WHERE r.status = 'succeeded'),
       count(r.key) FILTER (WHERE r.status = 'dead')
FROM job_outbox o LEFT JOIN job_runs r ON r.key = o.key
WHERE o.created_at >= to_timestamp(:begin) AND o.created_at < to_timestamp(:end)
"""
UNFINISHED_SQL = """
SELECT count(*) FROM job_outbox o LEFT JOIN job_runs r ON r.key = o.key
WHERE o.sent_at IS NULL OR r.key IS NULL OR r.status NOT IN ('succeeded', 'dead')
"""


def job_accounting(url: str, spans: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Jobs enqueued (outbox rows committed) vs sent to Redis vs run, per phase; lost =
    enqueued and never run. Waits (bounded) for the relay and the worker to finish."""
    began = time.monotonic()
    while True:
        [[unfinished]] = asyncio.run(_sql(url, [UNFINISHED_SQL]))[0]
        if unfinished == 0 or time.monotonic() - began > 90:
            break
        time.sleep(1)
    out: dict[str, Any] = {"drain_seconds": round(time.monotonic() - began, 1)}
    everything = (min(a for a, _ in spans.values()) - 3600, time.time() + 60)
    for phase, (begin, end) in {**spans, "all": everything}.items():
        [[enqueued, sent, succeeded, dead]] = asyncio.run(
            _sql(url, [JOBS_SQL], {"begin": begin, "end": end})
        )[0]
        out[phase] = {
            "enqueued": enqueued,
            "sent": sent,
            "run": succeeded,
            "dead": dead,
            "lost": enqueued - succeeded - dead,
        }
    return out


def print_summary(results: dict[str, Any]) -> None:
    print(
        f"{'phase':10s} {'req':>7s} {'rps':>6s} {'failed':>6s} {'p50':>7s} {'p95':>7s} {'p99':>7s}"
    )
    for name, phase in results["phases"].items():
        print(
            f"{name:10s} {phase['requests']:7d} {phase['rps']:6.1f} {phase['failed']:6d} "
            f"{phase['p50_ms']:7.1f} {phase['p95_ms']:7.1f} {phase['p99_ms']:7.1f}"
            f"  cpu/req {phase['worker_cpu_ms_per_request']} ms"
            f"  cache degraded x{phase['cache_degraded_events']}  {phase['error_codes'] or ''}"
        )
        if "recovery" in phase:
            print(
                f"{'':10s} recovery {phase['recovery']}; first success after restart "
                f"{phase['first_success_s_after_restart']}s; outage {phase['during_outage']}"
            )
    print(f"peak RSS MB {results['peak_rss_mb']}; client errors {results['client_errors']}")
    print(f"load average (1 min) at start and end {results['loadavg_1m_at_start_and_end']}")
    invariants = results["invariants"]
    print(
        f"invariants ok={invariants['ok']} violations={invariants['violations']} "
        f"requests={invariants['requests']} created={invariants['rows_created']}"
    )
    print(f"jobs (outbox → Redis → worker): {results['jobs']}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        client_main(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=200, help="concurrent virtual users")
    parser.add_argument("--users-per-account", type=int, default=10)
    parser.add_argument("--think-ms", type=float, default=10_000, help="mean think time")
    parser.add_argument("--timeout", type=float, default=10, help="client timeout per request")
    parser.add_argument("--warmup-seconds", type=float, default=10)
    parser.add_argument("--phase-seconds", type=float, default=30)
    parser.add_argument("--fault-at", type=float, default=8, help="seconds into a fault phase")
    parser.add_argument("--outage-seconds", type=float, default=5)
    parser.add_argument(
        "--faults",
        default="postgres,redis",
        help="the fault phases, in order: postgres, redis (or none)",
    )
    parser.add_argument("--output", default=RESULT_FILE, help="file name under bench/results")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    options = parser.parse_args()
    options.faults = list(dict.fromkeys(f for f in options.faults.split(",") if f))
    if set(options.faults) - {"redis", "postgres", "none"}:
        parser.error("--faults takes redis, postgres or none, comma separated")
    options.faults = [f for f in options.faults if f != "none"]
    if options.fault_at + options.outage_seconds + GOOD_RUN > options.phase_seconds:
        parser.error("--phase-seconds must leave room for the fault, the outage and recovery")
    results = run(options)
    path = write_results(options.output, results)
    print_summary(results)
    print(f"wrote {path} ({results['total_seconds']}s in all)")


if __name__ == "__main__":
    main()
