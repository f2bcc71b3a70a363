from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import (
    Base,
    BigIntPK,
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)


class User(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="ja")
    # The employee record this account self-serves (role employee).
    employee_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("employees.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    # The client a client supervisor belongs to (role client_supervisor; migration 0024).
    client_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    failed_login_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )


class UserSite(Base):
    """The sites a site manager manages (their row scope)."""

    __tablename__ = "user_sites"

    user_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)

    __table_args__ = (Index("ix_user_sites_site", "site_id"),)


class UserUnit(Base):
    """The 組織単位 a client supervisor is attached to (migration 0033): with any, the portal
    shows only those units' workers, timecards and documents; with none, its sites' all."""

    __tablename__ = "user_units"

    user_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_units.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_user_units_unit", "unit_id"),)


class AuthSession(TimestampMixin, Base):
    """One sign-in: the family of refresh tokens it issued shares its fate."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    client_ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")

    __table_args__ = (
        Index("ix_auth_sessions_user", "user_id", "created_at"),
        Index("ix_auth_sessions_expires", "expires_at"),
    )


class RefreshToken(IdMixin, Base):
    """Every refresh token ever issued (hash only); a rotated one must never come back."""

    __tablename__ = "refresh_tokens"

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("auth_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PasswordResetToken(IdMixin, Base):
    __tablename__ = "password_reset_tokens"

    user_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AddressLockout(Base):
    """Failed sign-ins per client address, for the per-address back-off."""

    __tablename__ = "address_lockouts"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class LoginFailure(Base):
    """Failed sign-ins for e-mails without an account, so they lock like a real one.

    Keyed by the SHA-256 of the normalised e-mail (no address of a stranger is
    stored); an existing account keeps its counter on ``users``.
    """

    __tablename__ = "login_failures"

    email_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, index=True
    )


# Delivery states of an outbox mail.
MAIL_HELD = "held"  # no SMTP server configured (development): never delivered
MAIL_QUEUED = "queued"  # a delivery job is on its way
MAIL_SENT = "sent"


class OutboxEmail(IdMixin, Base):
    """Mail for delivery. The body (it may hold a one-time link) is sealed with the
    field cipher and opened only by the SMTP delivery job; every read shows metadata."""

    __tablename__ = "outbox_emails"

    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    # The previous release's readable body: always empty now (0006 blanked the old rows);
    # dropped by a later contract migration.
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # FieldCipher token, associated data ``outbox_emails.body`` (None only on old rows).
    body_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    state: Mapped[str] = mapped_column(
        String(20), nullable=False, default=MAIL_HELD, server_default=MAIL_HELD
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_outbox_emails_created", "created_at", "id"),
        Index("ix_outbox_emails_recipient", "to_address", "kind", "created_at"),
    )
