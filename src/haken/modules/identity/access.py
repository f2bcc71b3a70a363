"""How a request becomes a Principal: bearer token (API) or session cookie (web UI).

Installed on the app by :func:`install`; the platform's access policies call it.

The web UI's cookie session is the API's token pair in two HttpOnly,
SameSite=Lax cookies (Secure over HTTPS): ``haken_access`` (the short-lived
JWT, read here when no Authorization header came) and ``haken_refresh`` (the
rotating refresh token). When a page request arrives with an expired or
missing access cookie and a refresh cookie, the pair is rotated in its own
unit of work (committed whatever the page then does) and the new cookies go
out on the page's response: the user stays signed in for the refresh
lifetime without ever handling a token. ``/api`` requests never refresh
from a cookie; the JSON API uses ``POST /api/auth/refresh``.

A write to the API (POST, PUT, PATCH, DELETE under ``/api``) authenticated by
the access cookie rather than a bearer token must carry the page's CSRF token
in ``X-CSRF-Token``, else 403 ``WEB_API_CSRF_REQUIRED``: SameSite=Lax and the
JSON content type are a second layer, not the control (docs/security.md).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.identity.schemas import TokenPair
from haken.modules.identity.service import ClientInfo, identity_service
from haken.platform.access import Principal
from haken.platform.context import set_locale
from haken.platform.db import session_scope
from haken.platform.logging import get_logger
from haken.platform.middleware import client_address
from haken.platform.security import AccessClaims, TokenError, decode_access_token
from haken.web.cookies import queue_cookie, queue_delete
from haken.web.csrf import SAFE_METHODS, header_token_is_valid
from haken.web.errors import ApiCsrfError
from haken.web.middleware import is_page_path

log = get_logger(__name__)

ACCESS_COOKIE = "haken_access"
REFRESH_COOKIE = "haken_refresh"


def client_info(request: Request) -> ClientInfo:
    """Who signs in from where (the address behind trusted proxies, the user agent)."""
    settings = request.app.state.settings
    return ClientInfo(
        address=client_address(request.scope, settings.trusted_proxies),
        user_agent=request.headers.get("user-agent", ""),
    )


def set_session_cookies(request: Request, tokens: TokenPair) -> None:
    """Sign the browser in: the token pair as HttpOnly cookies."""
    settings = request.app.state.settings
    queue_cookie(request, ACCESS_COOKIE, tokens.access_token, max_age=tokens.expires_in)
    queue_cookie(
        request,
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=settings.refresh_token_days * 24 * 3600,
    )


def clear_session_cookies(request: Request) -> None:
    queue_delete(request, ACCESS_COOKIE)
    queue_delete(request, REFRESH_COOKIE)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    return request.cookies.get(ACCESS_COOKIE)


async def _refresh_from_cookie(request: Request, session: AsyncSession) -> Principal | None:
    """Rotate the cookie pair in its own transaction; None (and cookies cleared) on failure."""
    settings = request.app.state.settings
    async with session_scope(request.app.state.database, write=True) as own:
        outcome = await identity_service.refresh(
            own, settings, refresh_token=request.cookies[REFRESH_COOKIE]
        )
    if outcome.tokens is None:
        log.info("web session refresh refused", code=getattr(outcome.error, "code", None))
        clear_session_cookies(request)
        return None
    set_session_cookies(request, outcome.tokens)
    return await identity_service.resolve_principal(session, settings, outcome.tokens.access_token)


def _may_refresh_from_cookie(request: Request) -> bool:
    return (
        "authorization" not in request.headers
        and REFRESH_COOKIE in request.cookies
        and is_page_path(request.url.path)
    )


def token_claims(request: Request) -> AccessClaims | None:
    """The request's verified access-token claims, decoded once per request
    (the rate limiter and the access policy both need them)."""
    state = request.scope.setdefault("state", {})
    if "access_claims" not in state:
        token = bearer_token(request)
        claims = None
        if token:
            try:
                claims = decode_access_token(request.app.state.settings.resolved_secret_key, token)
            except TokenError:
                claims = None
        state["access_claims"] = claims
    cached: AccessClaims | None = state["access_claims"]
    return cached


def _is_cookie_api_write(request: Request) -> bool:
    """A state-changing API request whose credential is the access cookie, not a bearer token."""
    return (
        request.method not in SAFE_METHODS
        and "authorization" not in request.headers
        and not is_page_path(request.url.path)
    )


async def resolve_principal(request: Request, session: AsyncSession) -> Principal | None:
    claims = token_claims(request)
    principal = None
    if (
        claims is not None
        and _is_cookie_api_write(request)
        and not header_token_is_valid(request, session_id=claims.session_id)
    ):
        log.info("cookie-authenticated api write without csrf token refused")
        raise ApiCsrfError()
    if claims is not None:
        principal = await identity_service.principal_for_claims(session, claims)
    if principal is None and _may_refresh_from_cookie(request):
        principal = await _refresh_from_cookie(request, session)
    if principal is not None:
        # The user's own setting wins over the browser's Accept-Language.
        set_locale(principal.locale)
    return principal


def rate_limit_identity(request: Request) -> str | None:
    """The user id from a validly signed token, without a database query."""
    claims = token_claims(request)
    return f"user:{claims.user_id}" if claims is not None else None


def principal_read_ahead(request: Request) -> tuple[str, tuple[str, ...]] | None:
    """The principal's cache key and tags, from a validly signed token (no database): the
    rate limit's pipeline reads them ahead (platform.ratelimit.count_ahead)."""
    claims = token_claims(request)
    return identity_service.principal_cache_read(claims) if claims is not None else None


def principal_from_mirror(request: Request) -> Principal | None:
    """The caller from this process's mirror alone, as :func:`resolve_principal` would
    resolve them; None when it cannot say (the edge then takes the usual way). Never for a
    cookie-authenticated API write: its CSRF check is the usual way's."""
    claims = token_claims(request)
    if claims is None or _is_cookie_api_write(request):
        return None
    principal = identity_service.mirrored_principal(claims)
    if principal is not None:
        set_locale(principal.locale)  # the user's own setting, as resolve_principal does
    return principal


def install_resolvers(app: FastAPI) -> None:
    app.state.principal_resolver = resolve_principal
    app.state.principal_from_mirror = principal_from_mirror
    app.state.rate_limit_identity = rate_limit_identity
    app.state.principal_read_ahead = principal_read_ahead
