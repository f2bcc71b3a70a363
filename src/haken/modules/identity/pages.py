"""Web pages of the identity area: sign-in/out, account, password reset, user administration.

The same services as ``endpoints.py``; each route declares its access policy
and rate limit like an API route, and every POST declares ``CsrfProtected``
after its access dependency. See docs/architecture.md, "Web UI".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.clients.schemas import SiteFilter
from haken.modules.clients.service import clients_service
from haken.modules.employees.schemas import EmployeeFilter
from haken.modules.employees.service import employees_service
from haken.modules.identity.access import (
    clear_session_cookies,
    client_info,
    set_session_cookies,
)
from haken.modules.identity.auth import Account, Anyone, MaybeSignedIn, UsersAdmin, UsersExport
from haken.modules.identity.labels import (
    LANGUAGE_LABELS,
    ROLE_LABELS,
    SHOWN_ROLE_LABELS,
    register_labels,
)
from haken.modules.identity.schemas import (
    Deactivate,
    LoginRequest,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    Preferences,
    RoleChange,
    SessionRead,
    UserCreate,
    UserFilter,
    UserRead,
)
from haken.modules.identity.service import identity_service
from haken.modules.identity.sorting import USER_SORTING, UserSortField
from haken.platform.access import (
    Principal,
    Role,
)
from haken.platform.deps import DatabaseDep, SessionDep, SettingsDep
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import (
    AuthRateLimit,
    ExpensiveRateLimit,
    LoginRateLimit,
    default_limit,
    enforce,
)
from haken.platform.security import decode_access_token
from haken.web import csrf
from haken.web.csrf import CsrfProtected
from haken.web.formatting import format_moment
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
    local_moment,
)
from haken.web.params import record_id
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import confirmation, flash, redirect, render, safe_next

# Sign-in and password reset: their own (stricter) rate limits, declared per route.
auth_pages = APIRouter(include_in_schema=False)
# Everything else: the default limit for the whole router.
account_pages = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
admin_pages = APIRouter(
    prefix="/admin/users", include_in_schema=False, dependencies=[Depends(default_limit)]
)

# The password policy's refusals (identity/passwords.py), each on the password field.
POLICY_CODES = (
    "AUTH_PASSWORD_TOO_WEAK",
    "AUTH_PASSWORD_TOO_COMMON",
    "AUTH_PASSWORD_CONTAINS_IDENTITY",
    "AUTH_PASSWORD_REUSED",
    "AUTH_PASSWORD_REPEATED_CHARACTER",
)
NEW_PASSWORD_FIELDS = dict.fromkeys(POLICY_CODES, "new_password")
PASSWORD_FIELDS = {"AUTH_WRONG_PASSWORD": "current_password", **NEW_PASSWORD_FIELDS}
USER_FIELDS = {
    "USER_EMAIL_TAKEN": "email",
    **dict.fromkeys(POLICY_CODES, "password"),
    "USER_EMPLOYEE_INVALID": "employee_id",
    "USER_EMPLOYEE_LINK_ROLE": "employee_id",
    "USER_SITES_ROLE": "site_ids",
    "USER_SITE_INVALID": "site_ids",
}


def _home_for(role: Role) -> str:
    if role.is_client:
        return "/client"
    return "/me" if role is Role.EMPLOYEE else "/"


def role_options() -> list[tuple[str, str]]:
    return [(role.value, gettext_(label)) for role, label in ROLE_LABELS.items()]


# --- pickers: employees and sites chosen by searching their names ---------------------------

PICK_LIMIT = 10


@dataclass(frozen=True)
class Choice:
    """One picker option: the id is the value, the name the label."""

    value: int
    label: str
    detail: str = ""
    checked: bool = False


def _employee_label(item: Any) -> tuple[str, str]:
    name = item.name_kanji or item.name_romaji
    detail = " · ".join(p for p in (item.name_kana, item.employee_number or "") if p)
    return name, detail


async def employee_choices(
    session: AsyncSession, principal: Principal, q: str | None, selected: int | None
) -> list[Choice]:
    """The chosen employee first (kept across searches), then up to PICK_LIMIT name matches."""
    choices: list[Choice] = []
    if selected is not None:
        try:
            chosen = await employees_service.get(session, principal, selected)
        except HakenError:
            chosen = None
        if chosen is not None:
            choices.append(Choice(chosen.id, *_employee_label(chosen), checked=True))
    if q:
        found = await employees_service.list(
            session,
            principal,
            filters=EmployeeFilter(q=q),
            sort="kana",
            request=PageRequest(limit=PICK_LIMIT),
        )
        choices += [
            Choice(item.id, *_employee_label(item)) for item in found.items if item.id != selected
        ]
    return choices


async def site_choices(
    session: AsyncSession, principal: Principal, q: str | None, selected: list[int]
) -> list[Choice]:
    """The chosen sites first (kept across searches), then up to PICK_LIMIT name matches."""
    found = []
    if q:
        page = await clients_service.list_sites(
            session, principal, filters=SiteFilter(q=q), request=PageRequest(limit=PICK_LIMIT)
        )
        found = [item.id for item in page.items if item.id not in selected]
    labels = await clients_service.get_site_labels(session, [*selected, *found])
    return [
        Choice(site_id, labels[site_id].site_name, labels[site_id].client_name, site_id in selected)
        for site_id in [*selected, *found]
        if site_id in labels
    ]


def _ids(raw: list[str]) -> list[int]:
    return list(dict.fromkeys(i for i in map(record_id, raw) if i is not None))


def _text(value: Any) -> str:
    return value.strip()[:100] if isinstance(value, str) else ""


# --- sign-in and sign-out ---------------------------------------------------------------


@auth_pages.get("/login", dependencies=[Depends(default_limit)])
async def login_form(
    request: Request,
    principal: MaybeSignedIn,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    if principal is not None:
        return redirect(request, safe_next(next, _home_for(principal.role)))
    return render(
        request, "identity/login.html", {"form": FormState(), "next": safe_next(next, "")}
    )


@auth_pages.post("/login")
async def login(
    request: Request,
    _access: Anyone,
    _limit: LoginRateLimit,
    _csrf: CsrfProtected,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """A failed sign-in is answered after the commit (the lockout counter must persist)."""
    form = await request.form()
    state = parse_form(LoginRequest, form)
    next_url = safe_next(form.get("next") if isinstance(form.get("next"), str) else None, "")
    if state.data is None:
        return render(
            request, "identity/login.html", {"form": state, "next": next_url}, status_code=422
        )
    await enforce(request, "login_account", key=state.data.email.lower())
    outcome = await identity_service.login(
        session,
        settings,
        email=state.data.email,
        password=state.data.password,
        client=client_info(request),
    )
    if outcome.error is not None or outcome.tokens is None:
        assert outcome.error is not None
        state.add_error(outcome.error)
        state.values.pop("password", None)
        response = render(
            request,
            "identity/login.html",
            {"form": state, "next": next_url},
            status_code=outcome.error.status_code,
        )
        if outcome.error.headers:
            response.headers.update(outcome.error.headers)
        return response
    set_session_cookies(request, outcome.tokens)
    csrf.rotate_nonce(request)  # a token minted before sign-in must not survive it
    claims = decode_access_token(settings.resolved_secret_key, outcome.tokens.access_token)
    return redirect(request, safe_next(next_url, _home_for(Role(claims.role))))


@account_pages.post("/logout")
async def logout(
    request: Request, principal: Account, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    await identity_service.logout(session, principal)
    clear_session_cookies(request)
    csrf.rotate_nonce(request)
    flash(request, "success", gettext_("You have signed out."))
    return redirect(request, "/login")


# --- password reset (signed out) --------------------------------------------------------------


@auth_pages.get("/password-reset", dependencies=[Depends(default_limit)])
async def password_reset_form(
    request: Request,
    _access: Anyone,
    token: Annotated[str | None, Query(min_length=10, max_length=512)] = None,
) -> Any:
    template = "identity/reset_confirm.html" if token else "identity/reset_request.html"
    return render(request, template, {"form": FormState(values={"token": token or ""})})


@auth_pages.post("/password-reset")
async def password_reset_request(
    request: Request,
    _access: Anyone,
    _limit: AuthRateLimit,
    _csrf: CsrfProtected,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """The same answer whether or not the address has an account."""
    state = parse_form(PasswordResetRequest, await request.form())
    if state.data is None:
        raise FormRejected(
            render(request, "identity/reset_request.html", {"form": state}, status_code=422)
        )
    await identity_service.request_password_reset(session, settings, email=state.data.email)
    flash(request, "info", gettext_("If the address has an account, a reset link is on its way."))
    return redirect(request, "/login")


@auth_pages.post("/password-reset/confirm")
async def password_reset_confirm(
    request: Request,
    _access: Anyone,
    _limit: AuthRateLimit,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(PasswordResetConfirm, await request.form())
    if state.data is not None:
        try:
            await identity_service.confirm_password_reset(
                session, token=state.data.token, new_password=state.data.new_password
            )
        except HakenError as error:
            state.add_error(error, NEW_PASSWORD_FIELDS)
    if not state.ok:
        raise FormRejected(
            render(request, "identity/reset_confirm.html", {"form": state}, status_code=422)
        )
    flash(request, "success", gettext_("Your password was changed. Sign in with the new one."))
    return redirect(request, "/login")


# --- the signed-in user's own account -------------------------------------------------------


async def _account_page(
    request: Request,
    session: Any,
    principal: Any,
    *,
    password_form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    user = await identity_service.me(session, principal)
    sessions = await identity_service.list_sessions(session, principal)
    return render(
        request,
        "identity/account.html",
        {
            "user": user,
            "sessions": sessions,
            "role_label": gettext_(SHOWN_ROLE_LABELS[user.role]),
            "languages": list(LANGUAGE_LABELS.items()),
            "password_form": password_form or FormState(),
        },
        status_code=status_code,
    )


@account_pages.get("/account")
async def account(request: Request, principal: Account, session: SessionDep) -> Any:
    return await _account_page(request, session, principal)


@account_pages.post("/account/password")
async def change_password(
    request: Request, principal: Account, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(PasswordChange, form)
    if state.data is not None and form.get("new_password") != form.get("new_password_confirm"):
        state.errors["new_password_confirm"] = gettext_("The two new passwords differ.")
    if state.data is not None and not state.errors:
        try:
            await identity_service.change_password(
                session,
                principal,
                current=state.data.current_password,
                new=state.data.new_password,
            )
        except HakenError as error:
            state.add_error(error, PASSWORD_FIELDS)
    if not state.ok:
        raise FormRejected(
            await _account_page(request, session, principal, password_form=state, status_code=422)
        )
    flash(request, "success", gettext_("Your password was changed; your other sessions ended."))
    return redirect(request, "/account")


@account_pages.post("/account/preferences")
async def update_preferences(
    request: Request, principal: Account, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(Preferences, await request.form())
    if state.data is None:
        raise FormRejected(await _account_page(request, session, principal, status_code=422))
    await identity_service.update_preferences(session, principal, state.data)
    return redirect(request, "/account")


@account_pages.get("/account/sessions/{session_id}/revoke")
async def confirm_revoke_session(
    request: Request,
    principal: Account,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Any:
    """The confirmation step: signing out one of your devices (another's is not found)."""
    own = await identity_service.list_sessions(session, principal)
    device = next((item for item in own if item.id == session_id and not item.current), None)
    if device is None:
        raise NotFoundError()
    return confirmation(
        request,
        title=gettext_("Sign out a device"),
        question=gettext_("Sign out this device? It must sign in again."),
        consequences=[_device_line(request, device)],
        action=f"/account/sessions/{session_id}/revoke",
        button=gettext_("Sign out this device"),
        cancel="/account#sessions",
    )


def _device_line(request: Request, item: SessionRead) -> str:
    return gettext_(
        "%(device)s, %(ip)s, signed in %(when)s",
        device=item.user_agent[:80] or "—",
        ip=item.client_ip or "—",
        when=format_moment(item.created_at, zone=_tz(request)),
    )


@account_pages.post("/account/sessions/{session_id}/revoke")
async def revoke_session(
    request: Request,
    principal: Account,
    _csrf: CsrfProtected,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Any:
    await identity_service.revoke_session(session, principal, session_id)
    flash(request, "success", gettext_("The session was ended."))
    return redirect(request, "/account")


# --- user administration ---------------------------------------------------------------------


LIST_PAGE_SIZE = 50


def _user_columns(tz: ZoneInfo) -> tuple[Column[UserRead], ...]:
    """The user list's columns: the screen's headers and the export's header row."""
    roles = {role.value: gettext_(label) for role, label in SHOWN_ROLE_LABELS.items()}
    return (
        Column("email", N_("E-mail address"), lambda u: u.email, sort=UserSortField.EMAIL),
        Column("display_name", N_("Name"), lambda u: u.display_name),
        Column("role", N_("Role"), lambda u: roles[u.role.value]),
        Column(
            "status",
            N_("Status"),
            lambda u: gettext_("Active") if u.is_active else gettext_("Deactivated"),
        ),
        Column("last_login_at", N_("Last sign-in"), lambda u: local_moment(u.last_login_at, tz)),
        Column(
            "created_at",
            N_("Registered"),
            lambda u: local_moment(u.created_at, tz),
            sort=UserSortField.REGISTERED,
        ),
    )


def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


@admin_pages.get("")
async def users(request: Request, principal: UsersAdmin, session: SessionDep) -> Any:
    """Search by e-mail or name, filter by role, sort, page by cursor (htmx swaps the results);
    filters, sort and cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(UserFilter, USER_SORTING, request.query_params)
    result = await identity_service.list_users(
        session,
        principal,
        search=state.filters.q,
        role=state.filters.role,
        request=state.page_request(LIST_PAGE_SIZE),
        sort=state.sort,
    )
    return render(
        request,
        "identity/users.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _user_columns(_tz(request)),
            "roles": role_options(),
            "role_labels": {r.value: gettext_(label) for r, label in SHOWN_ROLE_LABELS.items()},
        },
        block="results",
    )


@admin_pages.get("/export.{file_format}")
async def export_users(
    request: Request,
    principal: UsersExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered user list as CSV or Excel with the screen's labels (admins, like the
    list; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(UserFilter, USER_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="user",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[UserRead]:
        return await identity_service.list_users(
            session,
            principal,
            search=state.filters.q,
            role=state.filters.role,
            request=page,
            sort=state.sort,
        )

    return await export_response(
        file_format,
        database=database,
        columns=_user_columns(_tz(request)),
        fetch=fetch,
        stem="users",
        today=dt.datetime.now(_tz(request)).date(),
        sheet_title=gettext_("Users"),
    )


async def _new_user_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    state: FormState[Any],
    *,
    employee_q: str = "",
    site_q: str = "",
    status_code: int = 200,
) -> Any:
    employee = record_id(str(state.values.get("employee_id") or ""))
    sites = _ids([str(v) for v in state.values.get("site_ids") or []])
    return render(
        request,
        "identity/user_new.html",
        {
            "form": state,
            "roles": role_options(),
            "languages": list(LANGUAGE_LABELS.items()),
            "employee_q": employee_q,
            "site_q": site_q,
            "employee_choices": await employee_choices(session, principal, employee_q, employee),
            "site_choices": await site_choices(session, principal, site_q, sites),
        },
        status_code=status_code,
    )


@admin_pages.get("/new")
async def new_user_form(request: Request, principal: UsersAdmin, session: SessionDep) -> Any:
    state: FormState[Any] = FormState(values={"role": "employee", "locale": "ja"})
    return await _new_user_page(request, session, principal, state)


@admin_pages.get("/pick/employees")
async def pick_employees(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    employee_q: Annotated[str | None, Query(max_length=100)] = None,
    employee_id: Annotated[str | None, Query(max_length=20)] = None,
) -> Any:
    """The employee picker's results (htmx): radio inputs, id as value, name as label."""
    choices = await employee_choices(session, principal, employee_q, record_id(employee_id))
    return render(
        request,
        "identity/_pick.html",
        {"choices": choices, "name": "employee_id", "multiple": False, "q": employee_q or ""},
    )


@admin_pages.get("/pick/sites")
async def pick_sites(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    site_q: Annotated[str | None, Query(max_length=100)] = None,
    site_ids: Annotated[list[str] | None, Query(max_length=200)] = None,
) -> Any:
    """The site picker's results (htmx): checkboxes, id as value, site and client as label."""
    choices = await site_choices(session, principal, site_q, _ids(site_ids or []))
    return render(
        request,
        "identity/_pick.html",
        {"choices": choices, "name": "site_ids", "multiple": True, "q": site_q or ""},
    )


@admin_pages.post("")
async def create_user(
    request: Request, principal: UsersAdmin, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    pick = form.get("pick")
    state = parse_form(UserCreate, form, lists={"site_ids"})
    if pick in ("employees", "sites"):
        # A picker's search button (the form without JavaScript): show the matches, save nothing.
        return await _new_user_page(
            request,
            session,
            principal,
            FormState(values=state.values),
            employee_q=_text(form.get("employee_q")),
            site_q=_text(form.get("site_q")),
        )
    if state.data is not None:
        try:
            user = await identity_service.create_user(session, principal, state.data)
        except HakenError as error:
            state.add_error(error, USER_FIELDS)
    if not state.ok:
        raise FormRejected(
            await _new_user_page(request, session, principal, state, status_code=422)
        )
    flash(request, "success", gettext_("The user %(email)s was created.", email=user.email))
    return redirect(request, f"/admin/users/{user.id}")


async def _user_page(
    request: Request,
    session: Any,
    principal: Any,
    user_id: int,
    *,
    role_form: FormState[Any] | None = None,
    site_q: str = "",
    status_code: int = 200,
) -> Any:
    user = await identity_service.get_user(session, principal, user_id)
    sessions = await identity_service.user_sessions(session, principal, user_id)
    form = role_form or FormState(
        values={"role": user.role.value, "site_ids": [str(i) for i in user.site_ids]}
    )
    chosen = _ids([str(v) for v in form.values.get("site_ids") or []])
    managed = await clients_service.get_site_labels(session, user.site_ids)
    return render(
        request,
        "identity/user_detail.html",
        {
            "user": user,
            "sessions": sessions,
            "roles": role_options(),
            "role_label": gettext_(SHOWN_ROLE_LABELS[user.role]),
            "role_form": form,
            "managed_sites": [managed[i] for i in user.site_ids if i in managed],
            "site_q": site_q,
            "site_choices": await site_choices(session, principal, site_q, chosen),
        },
        status_code=status_code,
    )


@admin_pages.get("/{user_id:int}")
async def user_detail(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    return await _user_page(request, session, principal, user_id)


@admin_pages.post("/{user_id:int}/role")
async def change_role(
    request: Request,
    principal: UsersAdmin,
    _csrf: CsrfProtected,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    form = await request.form()
    state = parse_form(RoleChange, form, lists={"site_ids"})
    if form.get("pick") == "sites":
        # The site picker's search button (without JavaScript): show the matches, save nothing.
        return await _user_page(
            request,
            session,
            principal,
            user_id,
            role_form=FormState(values=state.values),
            site_q=_text(form.get("site_q")),
        )
    await save_form(
        state,
        lambda data: identity_service.change_role(session, principal, user_id, data),
    )
    if not state.ok:
        raise FormRejected(
            await _user_page(request, session, principal, user_id, role_form=state, status_code=422)
        )
    flash(request, "success", gettext_("The role was changed; the user's sessions ended."))
    return redirect(request, f"/admin/users/{user_id}")


@admin_pages.get("/{user_id:int}/deactivate")
async def confirm_deactivate_user(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    """The confirmation step of a deactivation (the version read here is the one posted)."""
    user = await identity_service.get_user(session, principal, user_id)
    return confirmation(
        request,
        title=gettext_("Deactivate %(email)s", email=user.email),
        question=gettext_("Deactivate this user? Every session of theirs ends."),
        consequences=[gettext_("They can no longer sign in; their history is kept.")],
        action=f"/admin/users/{user_id}/deactivate",
        button=gettext_("Deactivate this user"),
        cancel=f"/admin/users/{user_id}",
        hidden=[("version", str(user.version))],
    )


@admin_pages.post("/{user_id:int}/deactivate")
async def deactivate_user(
    request: Request,
    principal: UsersAdmin,
    _csrf: CsrfProtected,
    session: SessionDep,
    user_id: Annotated[int, Path(ge=1)],
) -> Any:
    state = parse_form(Deactivate, await request.form())
    await save_form(
        state, lambda data: identity_service.deactivate(session, principal, user_id, data.version)
    )
    if not state.ok:
        raise FormRejected(
            await _user_page(request, session, principal, user_id, role_form=state, status_code=409)
        )
    flash(request, "success", gettext_("The user was deactivated."))
    return redirect(request, f"/admin/users/{user_id}")


MAIL_KINDS = {"password_reset": N_("Password reset")}
MAIL_STATES = {
    "held": N_("Held (no mail server configured)"),
    "queued": N_("Queued"),
    "sent": N_("Delivered"),
}
outbox_pages = APIRouter(
    prefix="/admin/outbox", include_in_schema=False, dependencies=[Depends(default_limit)]
)


@outbox_pages.get("")
async def outbox(
    request: Request,
    _principal: UsersAdmin,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Outgoing mail: recipient, kind, time, delivery state (never a body or a link)."""
    paging = PageRequest(limit=50, cursor=cursor)
    result = await identity_service.outbox(session, paging)
    return render(
        request,
        "identity/outbox.html",
        {
            "result": result,
            "filters": {"cursor": cursor or ""},
            "kind_labels": {k: gettext_(label) for k, label in MAIL_KINDS.items()},
            "state_labels": {k: gettext_(label) for k, label in MAIL_STATES.items()},
        },
        block="results",
    )


sessions_pages = APIRouter(
    prefix="/admin/sessions", include_in_schema=False, dependencies=[Depends(default_limit)]
)
REVOKED_REASONS = {
    "logout": N_("Signed out"),
    "revoked_by_user": N_("Ended by the user"),
    "revoked_by_admin": N_("Ended by an administrator"),
    "refresh_token_reuse": N_("Token reuse detected"),
    "password_changed": N_("Password changed"),
    "password_reset": N_("Password reset"),
    "role_changed": N_("Role changed"),
    "deactivated": N_("User deactivated"),
}


@sessions_pages.get("")
async def sessions(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    active: bool = True,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Every user's sessions; search by e-mail or name, active only or all (htmx swaps)."""
    paging = PageRequest(limit=50, cursor=cursor)
    result = await identity_service.all_sessions(
        session, principal, search=q or None, user_id=user_id, active_only=active, request=paging
    )
    filters = {
        "q": q or "",
        "user_id": user_id or "",
        "active": "true" if active else "false",
        "cursor": cursor or "",
    }
    return render(
        request,
        "identity/sessions.html",
        {
            "result": result,
            "filters": filters,
            "role_labels": {r.value: gettext_(label) for r, label in SHOWN_ROLE_LABELS.items()},
            "reason_labels": {k: gettext_(label) for k, label in REVOKED_REASONS.items()},
        },
        block="results",
    )


@sessions_pages.get("/{session_id}/revoke")
async def confirm_revoke_any_session(
    request: Request,
    principal: UsersAdmin,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
    next: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """The confirmation step of ending a user's session; ``next`` is the list to go back to."""
    device, owner = await identity_service.session_owner(session, principal, session_id)
    back = safe_next(next, "/admin/sessions")
    if not back.startswith("/admin/sessions"):
        back = "/admin/sessions"
    return confirmation(
        request,
        title=gettext_("End a session of %(email)s", email=owner.email),
        question=gettext_("End this session? The device is signed out."),
        consequences=[_device_line(request, device)],
        action=f"/admin/sessions/{session_id}/revoke",
        button=gettext_("End session"),
        cancel=back,
        hidden=[("next", back)],
    )


@sessions_pages.post("/{session_id}/revoke")
async def revoke_any_session(
    request: Request,
    principal: UsersAdmin,
    _csrf: CsrfProtected,
    session: SessionDep,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Any:
    """End a user's session, then back to the list with its filters (``next``)."""
    form = await request.form()
    await identity_service.revoke_any_session(session, principal, session_id)
    flash(request, "success", gettext_("The session was ended."))
    back = form.get("next")
    target = safe_next(back if isinstance(back, str) else None, "/admin/sessions")
    if not target.startswith("/admin/sessions"):
        target = "/admin/sessions"
    return redirect(request, target)


ROUTERS = (auth_pages, account_pages, admin_pages, outbox_pages, sessions_pages)


async def _profile_panel(
    _request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    user = await identity_service.me(session, principal)
    return {"user": user, "role_label": gettext_(SHOWN_ROLE_LABELS[user.role])}


def register_web() -> None:
    """Navigation entries and the portal's profile section of this area."""
    register_labels()
    registry.add_nav(NavItem("users", N_("Users"), "/admin/users", minimum=Role.ADMIN, order=80))
    registry.add_nav(
        NavItem("sessions", N_("Sessions"), "/admin/sessions", minimum=Role.ADMIN, order=82)
    )
    registry.add_nav(
        NavItem("outbox", N_("Outgoing mail"), "/admin/outbox", minimum=Role.ADMIN, order=85)
    )
    registry.add_portal_section(
        Panel("profile", "identity/_portal_profile.html", _profile_panel, order=10)
    )
