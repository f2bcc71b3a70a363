"""The walk (issue 20 item 1): no agency route answers a client supervisor.

Every route whose policy is not public and not the client portal's is called with a signed-in
client supervisor: the API answers 403 (or 404), a page redirects to the portal (or 403/404);
never 2xx, never the agency's data. A client principal is refused by every agency policy by
construction (``platform/access.py``: another audience), this proves it route by route.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from haken.platform.routes import iter_routes
from tests.integration.attendance.factories import placement
from tests.integration.client_portal.factories import invite_supervisor

NOT_AGENCY = {"public", "client", "metrics-token"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_no_agency_route_answers_a_client_supervisor(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    headers = supervisor["headers"]
    failures = []
    walked = 0
    routes = sorted(iter_routes(app), key=lambda r: r.path in {"/api/auth/logout", "/logout"})
    for route in routes:
        if not route.access or route.access[0] in NOT_AGENCY or route.path == "/api/openapi.json":
            continue
        for method in sorted(route.methods):
            kwargs: dict[str, Any] = {"headers": headers}
            if method in {"POST", "PUT", "PATCH"}:
                kwargs["json"] = {}
            response = await client.request(method, _concrete(route.path), **kwargs)
            walked += 1
            page = not route.path.startswith("/api")
            if response.status_code in (403, 404):
                continue
            if page and response.is_redirect and response.headers["location"] == "/client":
                continue
            failures.append(f"{method} {route.path}: {response.status_code}")
    assert walked > 300
    assert failures == []
    # The supervisor still reaches its own portal afterwards.
    own = await client.get("/api/client/timecards", headers=headers)
    assert own.status_code == 200
