"""/api/docs: haken's own Swagger UI page, its assets and its CSP (issue 14, item 17).

The browser proof (operations rendered, no CSP violation) is tests/e2e/test_api_docs.py.
"""

from __future__ import annotations

import re

import httpx

from haken.platform.routes import iter_routes


async def test_api_docs_load_only_own_fingerprinted_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    urls = re.findall(r'(?:href|src)="([^"]+)"', page.text)
    # Swagger UI's stylesheet and bundle (npm swagger-ui-dist), haken's starter; nothing else.
    names = sorted(re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in urls if url != "data:,")
    assert names == [
        "/static/api-docs.js",
        "/static/swagger-ui-bundle.js",
        "/static/swagger-ui.css",
    ]
    for url in urls:
        if url == "data:,":
            continue
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    # No inline script: the starter reads the OpenAPI document's URL from the page.
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page.text) == []
    assert 'data-openapi-url="/api/openapi.json"' in page.text
    assert (await client.get("/api/openapi.json")).status_code == 200


async def test_api_docs_csp_allows_only_own_scripts_and_styles(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/docs")
    directives = {
        part.split()[0]: part.split()[1:]
        for part in page.headers["content-security-policy"].split(";")
        if part.strip()
    }
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_fastapi_built_in_docs_are_gone(app) -> None:  # type: ignore[no-untyped-def]
    paths = {route.path for route in iter_routes(app)}
    assert "/docs/oauth2-redirect" not in paths
    assert "/api/redoc" not in paths and "/redoc" not in paths
    docs = [route for route in iter_routes(app) if route.path == "/api/docs"]
    assert len(docs) == 1
    assert docs[0].access == ("public",)
