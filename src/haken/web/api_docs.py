"""``GET /api/docs``: the API's reference (Swagger UI) from haken's own assets.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an
inline script, which the application's CSP forbids (and a CDN is unreachable
offline), so the page was blank. This page loads ``swagger-ui-bundle.js`` and
``swagger-ui.css`` (``swagger-ui-dist`` from npm, pinned by
``package-lock.json`` and fingerprinted by ``scripts/build_assets.py``) and
``api-docs.js``, haken's own starter, which reads the OpenAPI document's URL
from the ``data-openapi-url`` attribute. Public, like the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from haken.platform import context
from haken.platform.access import PublicAccess
from haken.platform.ratelimit import DefaultRateLimit
from haken.web.render import environment

router = APIRouter(include_in_schema=False)

# Only haken's own scripts and styles (Swagger UI sets element styles through the
# DOM, which style-src does not govern); its icons are data: images; "Try it out"
# calls this origin. Nothing inline, no third party.
API_DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs(
    request: Request, _access: PublicAccess, _limit: DefaultRateLimit
) -> HTMLResponse:
    """Swagger UI on ``/api/openapi.json``."""
    openapi_url = request.scope.get("root_path", "") + (request.app.openapi_url or "")
    html = (
        environment()
        .get_template("api_docs.html")
        .render(locale=context.locale(), openapi_url=openapi_url)
    )
    return HTMLResponse(
        html,
        headers={
            "content-security-policy": API_DOCS_CSP,
            # The page names fingerprinted assets: revalidate it so a new build is picked up.
            "cache-control": "no-cache",
        },
    )
