from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from haken.platform.access import Role
from haken.platform.schemas import InputModel, ListFilter, Password

PASSWORD_MIN_LENGTH = 12
Locale = Literal["ja", "en"]


class LoginRequest(InputModel):
    email: EmailStr
    password: Password


class RefreshRequest(InputModel):
    refresh_token: str = Field(min_length=10, max_length=512)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 scheme name)
    expires_in: int


class PasswordChange(InputModel):
    current_password: Password
    new_password: Password


class PasswordResetRequest(InputModel):
    email: EmailStr


class PasswordResetConfirm(InputModel):
    token: str = Field(min_length=10, max_length=512)
    new_password: Password


class Accepted(BaseModel):
    accepted: Literal[True] = True


class PrincipalRecord(BaseModel):
    """What a live session resolves to: cached per session so a request costs no
    query (``session`` strategy; a write to the user, its sessions or its sites
    invalidates it). Frozen: the cache hands one decoded value to every request."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    role: Role
    email: str
    locale: str
    session_id: str
    session_expires_at: dt.datetime
    employee_id: int | None
    site_ids: list[int]
    client_id: int | None = None
    unit_ids: list[int] = Field(default_factory=list)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: Role
    is_active: bool
    locale: str
    employee_id: int | None
    site_ids: list[int] = Field(default_factory=list)
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    version: int


class UserFilter(ListFilter):
    """The user list's filters (API and page); the sort is ``sorting.USER_SORTING``."""

    q: Annotated[str | None, Field(max_length=100, description="e-mail or name contains")] = None
    role: Role | None = None


class UserCreate(InputModel):
    email: EmailStr
    display_name: str = Field(default="", max_length=120)
    password: Password
    role: Role
    locale: Locale = "ja"
    employee_id: int | None = Field(default=None, ge=1)
    site_ids: list[int] = Field(default_factory=list, max_length=1000)


class RoleChange(InputModel):
    role: Role
    version: int = Field(ge=1)
    site_ids: list[int] | None = Field(default=None, max_length=1000)


class Deactivate(InputModel):
    version: int = Field(ge=1)


class Preferences(InputModel):
    """A user's own settings."""

    locale: Locale
    version: int = Field(ge=1)


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: dt.datetime
    last_used_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str
    client_ip: str
    current: bool = False


class SessionAdminRead(SessionRead):
    """A session in the administrators' list of every user's sessions."""

    user_id: int
    user_email: str
    user_display_name: str
    user_role: Role
    revoked_at: dt.datetime | None
    revoked_reason: str | None
    active: bool = Field(default=True, description="neither revoked nor expired")


class OutboxRead(BaseModel):
    """A mail's metadata. Its body (it may hold a one-time link for the recipient) is
    sealed and never read back through any route."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    to_address: str
    kind: str
    state: Literal["held", "queued", "sent"] = Field(
        description="held: no SMTP server configured (never delivered); queued; sent"
    )
    created_at: dt.datetime
    sent_at: dt.datetime | None


class UserLabel(BaseModel):
    """Who a user is, for pages naming the author of something (the audit log)."""

    id: int
    display_name: str
    email: str


class DayCount(BaseModel):
    day: dt.date
    count: int


class IdentityActivity(BaseModel):
    """Users, sessions and sign-ins for the admin dashboard (one statement).

    ``logins_*`` count sessions started (one per successful sign-in) that are still on
    record: expired sessions are purged, so a window longer than ``refresh_token_days``
    undercounts. Failed sign-ins are not stored one by one: ``address_failures_24h`` sums
    the per-address lockout counters last moved in the past 24 h (each counter restarts
    after an hour without failures, so this is a lower bound), ``unknown_failures_24h``
    the counters of e-mails without an account; ``users_failing`` are active accounts
    whose last attempt failed (their counter resets on a successful sign-in).
    """

    users_by_role: dict[Role, int]
    users_active: int
    users_inactive: int
    users_failing: int
    users_locked: int
    sessions_active: int
    logins_24h: int
    logins_7d: int
    logins_by_day: list[DayCount]
    address_failures_24h: int
    unknown_failures_24h: int
    addresses_locked: int


class ClientUserRead(BaseModel):
    """A client supervisor's account and portal scope (its client, sites and 組織単位), as
    the agency edits it; ``unit_ids`` empty: every unit of its sites."""

    user_id: int
    email: str
    display_name: str
    client_id: int
    site_ids: list[int]
    unit_ids: list[int]
    is_active: bool
    version: int
