from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from haken.platform.access import Role

PASSWORD_MIN_LENGTH = 12
Locale = Literal["ja", "en"]


class LoginRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=512)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 scheme name)
    expires_in: int


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordResetRequest(BaseModel):
    email: EmailStr


class PasswordResetConfirm(BaseModel):
    token: str = Field(min_length=10, max_length=512)
    new_password: str = Field(min_length=1, max_length=1024)


class Accepted(BaseModel):
    accepted: Literal[True] = True


class PrincipalRecord(BaseModel):
    """What a live session resolves to: cached per session so a request costs no
    query (``session`` strategy; a write to the user, its sessions or its sites
    invalidates it)."""

    user_id: int
    role: Role
    email: str
    locale: str
    session_id: str
    session_expires_at: dt.datetime
    employee_id: int | None
    site_ids: list[int]


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


class UserCreate(BaseModel):
    email: EmailStr
    display_name: str = Field(default="", max_length=120)
    password: str = Field(min_length=1, max_length=1024)
    role: Role
    locale: Locale = "ja"
    employee_id: int | None = Field(default=None, ge=1)
    site_ids: list[int] = Field(default_factory=list, max_length=1000)


class RoleChange(BaseModel):
    role: Role
    version: int = Field(ge=1)
    site_ids: list[int] | None = Field(default=None, max_length=1000)


class Deactivate(BaseModel):
    version: int = Field(ge=1)


class Preferences(BaseModel):
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
    model_config = ConfigDict(from_attributes=True)

    id: int
    to_address: str
    subject: str
    body: str
    kind: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
