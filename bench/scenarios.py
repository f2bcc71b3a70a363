"""What `bench/run.py` measures: one line per read.

A scenario is skipped when its route does not exist in the served OpenAPI,
so a module adds its measures here and they appear once it lands.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

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
