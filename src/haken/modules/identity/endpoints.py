"""HTTP API of the identity area: /api/auth and /api/users."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ValidationError

from haken.modules.identity.auth import Account, Anyone, UsersAdmin
from haken.modules.identity.schemas import (
    Accepted,
    Deactivate,
    LoginRequest,
    OutboxRead,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    RoleChange,
    SessionAdminRead,
    SessionRead,
    TokenPair,
    UserCreate,
    UserRead,
)
from haken.modules.identity.service import ClientInfo, identity_service
from haken.modules.identity.sorting import USER_SORTING, UserSort
from haken.platform.access import (
    MaybePrincipal,
    Role,
)
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.errors import FieldError, MalformedRequestError, ValidationFailedError
from haken.platform.handlers import error_response
from haken.platform.middleware import client_address
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import (
    AuthRateLimit,
    LoginRateLimit,
    default_limit,
    enforce,
)
from haken.platform.responses import Envelope, PageEnvelope, ok, page

auth_router = APIRouter(prefix="/api/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/users", tags=["users"], dependencies=[Depends(default_limit)])

_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginRequest.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "description": "e-mail"},
                        "password": {"type": "string", "format": "password"},
                        "grant_type": {"type": "string", "enum": ["password"]},
                    },
                }
            },
        },
    }
}


def _client(request: Request) -> ClientInfo:
    settings = request.app.state.settings
    return ClientInfo(
        address=client_address(request.scope, settings.trusted_proxies),
        user_agent=request.headers.get("user-agent", ""),
    )


async def _login_payload(request: Request) -> LoginRequest:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/x-www-form-urlencoded":
            form = await request.form()
            raw: Any = {"email": form.get("username", ""), "password": form.get("password", "")}
        else:
            raw = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedRequestError() from error
    try:
        return LoginRequest.model_validate(raw)
    except ValidationError as error:
        details = [
            FieldError(".".join(str(p) for p in e["loc"]), e["type"], e["msg"]).as_dict()
            for e in error.errors()
        ]
        raise ValidationFailedError(details=details) from error


@auth_router.post(
    "/login",
    response_model=Envelope[TokenPair],
    openapi_extra=_LOGIN_BODY,
    responses={401: {"description": "AUTH_INVALID_CREDENTIALS"}, 423: {"description": "locked"}},
)
async def login(
    request: Request,
    _access: Anyone,
    _limit: LoginRateLimit,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Sign in with e-mail and password (JSON, or the OAuth2 password form)."""
    payload = await _login_payload(request)
    await enforce(request, "login_account", key=payload.email.lower())
    outcome = await identity_service.login(
        session, settings, email=payload.email, password=payload.password, client=_client(request)
    )
    if outcome.error is not None:
        return error_response(outcome.error)
    return ok(outcome.tokens)


@auth_router.post("/refresh", response_model=Envelope[TokenPair])
async def refresh(
    body: RefreshRequest,
    _access: Anyone,
    _limit: AuthRateLimit,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Trade a refresh token for a new pair; the old one is spent (rotation)."""
    outcome = await identity_service.refresh(session, settings, refresh_token=body.refresh_token)
    if outcome.error is not None:
        return error_response(outcome.error)
    return ok(outcome.tokens)


@auth_router.post(
    "/logout", response_model=Envelope[Accepted], dependencies=[Depends(default_limit)]
)
async def logout(principal: Account, session: SessionDep) -> Any:
    """End this session; its refresh tokens stop working."""
    await identity_service.logout(session, principal)
    return ok(Accepted())


@auth_router.get("/me", response_model=Envelope[UserRead], dependencies=[Depends(default_limit)])
async def me(principal: Account, session: SessionDep) -> Any:
    return ok(await identity_service.me(session, principal))


@auth_router.post(
    "/password", response_model=Envelope[Accepted], dependencies=[Depends(default_limit)]
)
async def change_password(body: PasswordChange, principal: Account, session: SessionDep) -> Any:
    """Change the password; every other session of the user is revoked."""
    await identity_service.change_password(
        session, principal, current=body.current_password, new=body.new_password
    )
    return ok(Accepted())


@auth_router.post("/password-reset/request", response_model=Envelope[Accepted])
async def password_reset_request(
    body: PasswordResetRequest,
    _access: Anyone,
    _limit: AuthRateLimit,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Always answers the same, whether or not the e-mail has an account."""
    await identity_service.request_password_reset(session, settings, email=body.email)
    return ok(Accepted())


@auth_router.post("/password-reset/confirm", response_model=Envelope[Accepted])
async def password_reset_confirm(
    body: PasswordResetConfirm,
    _access: Anyone,
    _limit: AuthRateLimit,
    session: SessionDep,
) -> Any:
    await identity_service.confirm_password_reset(
        session, token=body.token, new_password=body.new_password
    )
    return ok(Accepted())


@auth_router.get(
    "/sessions", response_model=Envelope[list[SessionRead]], dependencies=[Depends(default_limit)]
)
async def list_sessions(principal: Account, session: SessionDep) -> Any:
    """The caller's active sessions (devices)."""
    return ok(await identity_service.list_sessions(session, principal))


@auth_router.delete(
    "/sessions/{session_id}",
    response_model=Envelope[Accepted],
    dependencies=[Depends(default_limit)],
)
async def revoke_session(
    principal: Account,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Any:
    await identity_service.revoke_session(session, principal, session_id)
    return ok(Accepted())


# --- user administration (admins) ---------------------------------------------------


@users_router.post("", response_model=Envelope[UserRead], status_code=201)
async def create_user(body: UserCreate, principal: UsersAdmin, session: SessionDep) -> Any:
    """Create a user; nobody can grant a role above their own."""
    return ok(await identity_service.create_user(session, principal, body))


@users_router.get("", response_model=PageEnvelope[UserRead])
async def list_users(
    principal: UsersAdmin,
    session: SessionDep,
    paging: PageQuery,
    q: Annotated[str | None, Query(max_length=100, description="e-mail or name contains")] = None,
    role: Role | None = None,
    sort: UserSort = UserSort(USER_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    """Users, in registration order by default (``sort=email`` / ``-email``, ``-registered``)."""
    result = await identity_service.list_users(
        session, principal, search=q, role=role, request=paging, sort=sort.value
    )
    return page(result.items, result.pagination(paging.limit))


@users_router.get("/outbox", response_model=PageEnvelope[OutboxRead])
async def outbox(principal: UsersAdmin, session: SessionDep, paging: PageQuery) -> Any:
    """Outgoing mail: recipient, kind, time and delivery state; never a body or a link."""
    result = await identity_service.outbox(session, paging)
    return page(result.items, result.pagination(paging.limit))


@users_router.get("/sessions", response_model=PageEnvelope[SessionAdminRead])
async def all_sessions(
    principal: UsersAdmin,
    session: SessionDep,
    paging: PageQuery,
    q: Annotated[
        str | None, Query(max_length=100, description="user's e-mail or name contains")
    ] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    active: Annotated[
        bool, Query(description="only sessions neither revoked nor expired (default)")
    ] = True,
) -> Any:
    """Every user's sessions (devices), newest sign-in first."""
    result = await identity_service.all_sessions(
        session, principal, search=q, user_id=user_id, active_only=active, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@users_router.delete("/sessions/{session_id}", response_model=Envelope[Accepted])
async def revoke_user_session(
    principal: UsersAdmin,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Any:
    """End any user's session (not one of a user who outranks you); it cannot refresh again."""
    await identity_service.revoke_any_session(session, principal, session_id)
    return ok(Accepted())


@users_router.get("/{user_id:int}", response_model=Envelope[UserRead])
async def get_user(
    principal: UsersAdmin, session: SessionDep, user_id: Annotated[int, Path(ge=1)]
) -> Any:
    return ok(await identity_service.get_user(session, principal, user_id))


@users_router.put("/{user_id:int}/role", response_model=Envelope[UserRead])
async def change_role(
    body: RoleChange,
    principal: UsersAdmin,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    """Change a user's role (and a site manager's sites); their sessions end."""
    return ok(await identity_service.change_role(session, principal, user_id, body))


@users_router.post("/{user_id:int}/deactivate", response_model=Envelope[UserRead])
async def deactivate_user(
    body: Deactivate,
    principal: UsersAdmin,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    """Deactivate a user: they cannot sign in and every session is revoked."""
    return ok(await identity_service.deactivate(session, principal, user_id, body.version))


__all__ = ["MaybePrincipal", "auth_router", "users_router"]
