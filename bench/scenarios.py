"""What `bench/run.py` measures: one line per read, one class per write.

A read scenario is skipped when its route does not exist in the served OpenAPI,
so a module adds its measures here and they appear once it lands. Write
scenarios (below the reads) send valid, unique bodies built from the demo seed.
"""

from __future__ import annotations

import abc
import datetime as dt
import itertools
import secrets
import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from haken.labor.my_number import check_digit

DEEP_PAGE = 100


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    headline: bool = False
    cold: bool = False


# (name, list path, query, headline?, measure cold too?)
LISTS = [
    ("employees", "/api/employees", "", True, True),
    ("candidates", "/api/candidates", "", False, True),
    ("clients", "/api/clients", "", False, False),
    ("contracts", "/api/contracts", "", False, False),
    ("assignments", "/api/assignments", "", False, True),
    ("housing_apartments", "/api/housing/apartments", "", False, False),
    ("users", "/api/users", "", False, False),
    ("audit", "/api/audit", "", False, False),
]
SEARCHES = [
    ("search_kanji", "/api/employees", "q=%E5%B1%B1%E7%94%B0"),  # 山田
    ("search_kana", "/api/employees", "q=%E3%83%A4%E3%83%9E%E3%83%80"),  # ヤマダ
    ("search_romaji", "/api/employees", "q=yamada"),
]


def _deep_cursor(http: httpx.Client, path: str, limit: int) -> tuple[str | None, int]:
    """Follow next_cursor as deep as DEEP_PAGE; returns the cursor and the page number."""
    cursor, page = None, 1
    while page < DEEP_PAGE:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = http.get(path, params=params).json()
        next_cursor = body.get("pagination", {}).get("next_cursor")
        if not next_cursor:
            break
        cursor, page = next_cursor, page + 1
    return cursor, page


def read_scenarios(base_url: str, auth: str) -> list[Scenario]:
    with httpx.Client(base_url=base_url, headers={"Authorization": auth}, timeout=30) as http:
        paths = set(http.get("/api/openapi.json").json()["paths"])
        found: list[Scenario] = []
        for name, path, query, headline, cold in LISTS:
            if path not in paths:
                continue
            first = f"{path}?limit=50{'&' + query if query else ''}"
            found.append(Scenario(f"{name}_page1", first, headline=headline, cold=cold))
            cursor, page = _deep_cursor(http, path, 50)
            if cursor is None:
                # Small data: go deep with smaller pages so the cursor path is still measured.
                cursor, page = _deep_cursor(http, path, 5)
                if cursor is not None:
                    found.append(
                        Scenario(f"{name}_page{page}_limit5", f"{path}?limit=5&cursor={cursor}")
                    )
            else:
                found.append(Scenario(f"{name}_page{page}", f"{path}?limit=50&cursor={cursor}"))
            if name == "employees":
                first_id = http.get(path, params={"limit": 1}).json()["data"][0]["id"]
                found.append(Scenario("employee_detail", f"{path}/{first_id}", cold=True))
        for name, path, query in SEARCHES:
            if path in paths:
                found.append(Scenario(name, f"{path}?{query}&limit=50"))
        return found


# --- writes ----------------------------------------------------------------------------------
#
# A write scenario owns its entities per virtual user (disjoint sets), so two users never
# race on one version: a 409 or 422 is the server's doing, and it is counted as a failure.
# ``step`` sends one request (or one dependent pair) through ``send``, which times it,
# reads X-Query-Count and records the outcome under ``kind``; ``kind=None`` is setup that
# is not measured (e.g. re-reading a version after a conflict).

Send = Callable[[str | None, str, str, dict[str, Any] | None], Awaitable[tuple[int, Any]]]
MIN_PAY = Decimal(1300)
DAY = dt.timedelta(days=1)
_KANA_DIGITS = "アイウエオカキクケコサシスセソタチツテト"
_LETTERS = string.ascii_lowercase


def _letters(n: int, width: int = 4) -> str:
    """``n`` in base 26, letters only (romaji names may hold nothing else)."""
    out = []
    for _ in range(width):
        n, digit = divmod(n, 26)
        out.append(_LETTERS[digit])
    return "".join(reversed(out))


def _kana(n: int, width: int = 3) -> str:
    out = []
    for _ in range(width):
        n, digit = divmod(n, len(_KANA_DIGITS))
        out.append(_KANA_DIGITS[digit])
    return "".join(reversed(out))


def _my_number(n: int) -> str:
    first = f"{(n * 7919 + 12_345) % 10**11:011d}"
    return first + str(check_digit(first))


@dataclass
class WriteContext:
    """What the write scenarios share: the setup client, today, and the employees the
    create scenario made (they have no assignment and no housing, so later scenarios can
    assign and house them without tripping over demo data)."""

    http: httpx.Client
    today: dt.date
    nonce: str = field(default_factory=lambda: "".join(secrets.choice(_LETTERS) for _ in range(5)))
    fresh_employees: list[int] = field(default_factory=list)

    def pages(self, path: str, params: dict[str, Any], most: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        cursor = None
        while len(rows) < most:
            query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
            body = self.http.get(path, params=query).raise_for_status().json()
            rows.extend(body["data"])
            cursor = body.get("pagination", {}).get("next_cursor")
            if not cursor:
                break
        return rows[:most]


class WriteScenario(abc.ABC):
    """One write of the mix: subclasses say what each user owns and send one request."""

    name = ""
    kinds: tuple[str, ...] = ()
    description = ""

    def __init__(self, ctx: WriteContext) -> None:
        self.ctx = ctx

    def prepare(self, users: int) -> str | None:
        """Pick or create what each user owns; returns why the scenario is skipped, if so."""
        return None

    @abc.abstractmethod
    async def step(self, user: int, send: Send) -> None:
        """Send one request as ``user`` through ``send`` (which times and records it)."""


class EmployeeCreate(WriteScenario):
    name = "employee_create"
    kinds = ("employee_create",)
    description = "POST /api/employees: a full registration (address, My Number, bank)"

    def __init__(self, ctx: WriteContext) -> None:
        super().__init__(ctx)
        self.counter = itertools.count()

    def body(self, n: int) -> dict[str, Any]:
        return {
            "name_kanji": f"試験 {n % 1000}",
            "name_kana": f"ベンチ {_kana(n)}",
            "name_romaji": f"Bench {self.ctx.nonce}{_letters(n)}",
            "birth_date": (dt.date(1970, 1, 1) + dt.timedelta(days=n % 12_000)).isoformat(),
            "gender": "female" if n % 2 else "male",
            "phone": f"090-{n % 10_000:04d}-{(n * 7) % 10_000:04d}",
            "postal_code": "100-0001",
            "prefecture": "13",
            "city": "千代田区",
            "address_line1": f"千代田1-{n % 100}-{n % 7 + 1}",
            "employment_type": "dispatch",
            "hire_date": self.ctx.today.isoformat(),
            "my_number": _my_number(n),
            "bank_account": {
                "bank_code": "0001",
                "branch_code": "001",
                "account_number": f"{n % 10_000_000:07d}",
                "holder_kana": "ベンチ タロウ",
            },
        }

    async def step(self, user: int, send: Send) -> None:
        status, data = await send(
            self.name, "POST", "/api/employees", self.body(next(self.counter))
        )
        if status == 201:
            self.ctx.fresh_employees.append(data["id"])


class EmployeeUpdate(WriteScenario):
    name = "employee_update"
    kinds = ("employee_update",)
    description = "PATCH /api/employees/{id} with the version read before (address and notes)"

    def __init__(self, ctx: WriteContext) -> None:
        super().__init__(ctx)
        self.owned: list[list[dict[str, Any]]] = []
        self.turn: list[int] = []
        self.counter = itertools.count()

    def prepare(self, users: int) -> str | None:
        ctx = self.ctx
        fresh = set(ctx.fresh_employees)
        rows = ctx.pages("/api/employees", {"sort": "-created"}, users * 20 + len(fresh))
        rows = [r for r in rows if r["id"] not in fresh] or rows
        if len(rows) < users:
            return f"needs {users} employees, found {len(rows)}"
        self.owned = [
            [{"id": r["id"], "version": r["version"]} for r in rows[u::users]] for u in range(users)
        ]
        self.turn = [0] * users
        return None

    async def step(self, user: int, send: Send) -> None:
        mine = self.owned[user]
        row = mine[self.turn[user] % len(mine)]
        self.turn[user] += 1
        n = next(self.counter)
        body = {
            "version": row["version"],
            "address_line1": f"西新宿2-{n % 100}-{n % 9 + 1}",
            "notes": f"bench edit {n}",
        }
        status, data = await send(self.name, "PATCH", f"/api/employees/{row['id']}", body)
        if status == 200:
            row["version"] = data["version"]
        elif status == 409:  # counted as a failure; read the version again to go on
            _, data = await send(None, "GET", f"/api/employees/{row['id']}", None)
            row["version"] = data["version"] if data else row["version"]


def _open_contracts(ctx: WriteContext, min_days: int) -> list[dict[str, Any]]:
    """Active contracts with a default bill whose period and site 抵触日 leave ``min_days``
    from today; each gets ``last_start``, the last day a one-week assignment may start."""
    sites = {s["id"]: s for s in ctx.pages("/api/sites", {}, 5000)}
    rows = ctx.pages("/api/contracts", {"status": "active", "active_on": ctx.today}, 500)
    found = []
    for row in rows:
        end = dt.date.fromisoformat(row["period_end"])
        conflict = (sites.get(row["site_id"]) or {}).get("conflict_date")
        if conflict is not None:
            end = min(end, dt.date.fromisoformat(conflict) - DAY)
        if row.get("default_hourly_bill") and end >= ctx.today + min_days * DAY:
            found.append({**row, "last_start": end - 6 * DAY})
    return found


class AssignmentCreate(WriteScenario):
    name = "assignment_create"
    kinds = ("assignment_create",)
    description = (
        "POST /api/assignments: a one-week assignment of a new employee under an active "
        "contract (residence, overlap, margin and 抵触日 checks, site clocks)"
    )

    def __init__(self, ctx: WriteContext) -> None:
        super().__init__(ctx)
        self.contracts: list[dict[str, Any]] = []
        self.owned: list[list[int]] = []
        self.weeks: dict[int, int] = {}
        self.turn: list[int] = []

    def prepare(self, users: int) -> str | None:
        ctx = self.ctx
        self.contracts = _open_contracts(ctx, min_days=60)
        if not self.contracts:
            return "no active contract with a default bill and no 抵触日 in the next 60 days"
        fresh = list(ctx.fresh_employees)
        if len(fresh) < users:
            return f"needs {users} new employees (from employee_create), has {len(fresh)}"
        self.owned = [fresh[u::users] for u in range(users)]
        self.turn = [0] * users
        return None

    async def step(self, user: int, send: Send) -> None:
        mine = self.owned[user]
        employee = mine[self.turn[user] % len(mine)]
        self.turn[user] += 1
        week = self.weeks.get(employee, 0)
        self.weeks[employee] = week + 1
        start = self.ctx.today + 7 * week * DAY
        fitting = [c for c in self.contracts if c["last_start"] >= start]
        if not fitting:
            raise RuntimeError("assignment_create ran out of contract days: more employees")
        contract = fitting[(user + week) % len(fitting)]
        bill = Decimal(contract["default_hourly_bill"])
        body = {
            "contract_id": contract["id"],
            "employee_id": employee,
            "start_date": start.isoformat(),
            "end_date": (start + 6 * DAY).isoformat(),
            # 70 % of the bill, never under the highest 地域別最低賃金 (FY2025: ¥1,226)
            "rate": {
                "hourly_pay": str(
                    min(bill, max(MIN_PAY, bill * Decimal("0.7"))).quantize(Decimal(1))
                )
            },
        }
        await send(self.name, "POST", "/api/assignments", body)


class RateChange(WriteScenario):
    name = "rate_change"
    kinds = ("rate_change",)
    description = (
        "POST /api/assignments/{id}/rates: a new rate from a later day on a running demo "
        "assignment, with its version"
    )

    def __init__(self, ctx: WriteContext) -> None:
        super().__init__(ctx)
        self.owned: list[list[dict[str, Any]]] = []
        self.turn: list[int] = []

    def prepare(self, users: int) -> str | None:
        ctx = self.ctx
        rows = ctx.pages("/api/assignments", {"status": "active", "active_on": ctx.today}, 2000)
        fresh = set(ctx.fresh_employees)
        rows = [
            r
            for r in rows
            if r["employee_id"] not in fresh
            and r.get("rate")
            and dt.date.fromisoformat(r["end_date"]) >= ctx.today + 30 * DAY
        ]
        if len(rows) < users:
            return f"needs {users} running assignments ending in 30+ days, found {len(rows)}"
        self.owned = [
            [
                {
                    "id": r["id"],
                    "version": r["version"],
                    "next": max(dt.date.fromisoformat(r["start_date"]), ctx.today) + DAY,
                    "end": dt.date.fromisoformat(r["end_date"]),
                    "pay": Decimal(r["rate"]["hourly_pay"]),
                    "bill": Decimal(r["rate"]["hourly_bill"]),
                }
                for r in rows[u::users]
            ]
            for u in range(users)
        ]
        self.turn = [0] * users
        return None

    async def step(self, user: int, send: Send) -> None:
        mine = [r for r in self.owned[user] if r["next"] <= r["end"]]
        if not mine:
            raise RuntimeError("rate_change ran out of days: lengthen the assignments")
        row = mine[self.turn[user] % len(mine)]
        self.turn[user] += 1
        raise_by = min(row["bill"] - row["pay"], Decimal(5 * (self.turn[user] % 5)))
        body = {
            "version": row["version"],
            "effective_from": row["next"].isoformat(),
            "hourly_pay": str(row["pay"] + raise_by),
            "note": "bench",
        }
        row["next"] += DAY
        status, data = await send(self.name, "POST", f"/api/assignments/{row['id']}/rates", body)
        if status == 201:
            row["version"] = data["version"]
        elif status == 409:
            _, data = await send(None, "GET", f"/api/assignments/{row['id']}", None)
            row["version"] = data["version"] if data else row["version"]


class HousingMoveInOut(WriteScenario):
    name = "housing_move"
    kinds = ("housing_move_in", "housing_move_out")
    description = (
        "POST /api/housing/occupancies then …/{id}/move-out with the version it returned: "
        "a new employee stays two days in a one-bed room of a bench apartment, every 3 days"
    )

    def __init__(self, ctx: WriteContext) -> None:
        super().__init__(ctx)
        self.rooms: list[int] = []
        self.employees: list[int] = []
        self.cycle: list[int] = []

    def prepare(self, users: int) -> str | None:
        ctx = self.ctx
        if len(ctx.fresh_employees) < users:
            return f"needs {users} new employees (from employee_create)"
        apartment = ctx.http.post(
            "/api/housing/apartments",
            json={
                "name": f"ベンチ寮 {ctx.nonce}",
                "prefecture": "13",
                "city": "千代田区",
                "address_line1": "千代田1-1-1",
            },
        ).raise_for_status()
        apartment_id = apartment.json()["data"]["id"]
        for u in range(users):
            room = ctx.http.post(
                "/api/housing/rooms",
                json={
                    "apartment_id": apartment_id,
                    "name": f"{u + 1:03d}号室",
                    "capacity": 1,
                    "rent_per_occupant": 30_000,
                },
            ).raise_for_status()
            self.rooms.append(room.json()["data"]["id"])
        # The last users' employees: assignment_create spreads over all of them anyway.
        self.employees = ctx.fresh_employees[-users:]
        self.cycle = [0] * users
        return None

    async def step(self, user: int, send: Send) -> None:
        day = self.ctx.today + 3 * self.cycle[user] * DAY
        self.cycle[user] += 1
        body = {
            "employee_id": self.employees[user],
            "room_id": self.rooms[user],
            "move_in": day.isoformat(),
        }
        status, stay = await send("housing_move_in", "POST", "/api/housing/occupancies", body)
        if status != 201:
            return
        await send(
            "housing_move_out",
            "POST",
            f"/api/housing/occupancies/{stay['id']}/move-out",
            {"version": stay["version"], "move_out": (day + DAY).isoformat()},
        )


WRITES: list[type[WriteScenario]] = [
    EmployeeCreate,
    EmployeeUpdate,
    AssignmentCreate,
    RateChange,
    HousingMoveInOut,
]


def write_scenarios(ctx: WriteContext) -> list[WriteScenario]:
    return [cls(ctx) for cls in WRITES]
