"""How a request becomes a Principal: bearer token (API) or session cookie (web UI).

Installed on the app by :func:`install`; the platform's access policies call it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.identity.service import identity_service
from haken.platform.access import Principal
from haken.platform.context import set_locale
from haken.platform.security import TokenError, decode_access_token

ACCESS_COOKIE = "haken_access"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    return request.cookies.get(ACCESS_COOKIE)


async def resolve_principal(request: Request, session: AsyncSession) -> Principal | None:
    token = bearer_token(request)
    if not token:
        return None
    principal = await identity_service.resolve_principal(session, request.app.state.settings, token)
    if principal is not None:
        # The user's own setting wins over the browser's Accept-Language.
        set_locale(principal.locale)
    return principal


def rate_limit_identity(request: Request) -> str | None:
    """The user id from a validly signed token, without a database query."""
    token = bearer_token(request)
    if not token:
        return None
    try:
        claims = decode_access_token(request.app.state.settings.resolved_secret_key, token)
    except TokenError:
        return None
    return f"user:{claims.user_id}"


def install_resolvers(app: FastAPI) -> None:
    app.state.principal_resolver = resolve_principal
    app.state.rate_limit_identity = rate_limit_identity
