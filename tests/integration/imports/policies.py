"""The master-data imports' rows of the route walk (tests/integration/test_policies.py) and
the cache-freshness walk's page twins."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.imports.factories import employees_csv, put_mapping, upload

C = "role>=coordinator"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/imports"): C,
    ("GET", "/api/imports/mappings"): C,
    ("PUT", "/api/imports/mappings"): C,
    ("POST", "/api/imports"): C,
    ("GET", "/api/imports/{import_id}"): C,
    ("POST", "/api/imports/{import_id}/commit"): C,
}
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/imports"): C,
    ("GET", "/imports/new"): C,
    ("GET", "/imports/templates/{target}"): C,
    ("POST", "/imports"): C,
    ("GET", "/imports/{import_id}"): C,
    ("GET", "/imports/{import_id}/mapping"): C,
    ("POST", "/imports/{import_id}/mapping"): C,
    ("GET", "/imports/{import_id}/commit"): C,
    ("POST", "/imports/{import_id}/commit"): C,
}
# Both page writes are claimed by the freshness scenarios (cache_freshness.py): the upload
# and the mapping form run the dry run, whose savepoint writes (and rolls back) employees.
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {}


async def mapping(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await put_mapping(http, ctx["admin_headers"])


async def upload_file(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    mapped = await mapping(http, ctx)
    assert mapped.status_code == 200, mapped.text
    return await upload(http, ctx["admin_headers"], employees_csv(2))


async def commit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    uploaded = await upload_file(http, ctx)
    assert uploaded.status_code == 200, uploaded.text
    return await http.post(
        f"/api/imports/{uploaded.json()['data']['id']}/commit", headers=ctx["admin_headers"]
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("PUT", "/api/imports/mappings"): mapping,
    ("POST", "/api/imports"): upload_file,
    ("POST", "/api/imports/{import_id}/commit"): commit,
}
# The commit's own row; each employee it creates has its "create" row under the request id
# import-<id>-line-<n> (file and line: tests/integration/imports/test_imports.py).
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("PUT", "/api/imports/mappings"): [("import_mapping", "create")],
    ("POST", "/api/imports"): [("master_import", "upload")],
    ("POST", "/api/imports/{import_id}/commit"): [("master_import", "commit")],
}

__all__ = ["ACCESS", "AUDIT", "EXPECTED_AUDIT", "PAGES", "PAGE_WRITE_TWINS"]
