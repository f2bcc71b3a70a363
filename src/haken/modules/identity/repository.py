"""Every query of the identity area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.identity.models import (
    AddressLockout,
    AuthSession,
    OutboxEmail,
    PasswordResetToken,
    RefreshToken,
    User,
    UserSite,
)
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page

USER_SORT = (SortKey(User.id, "asc"),)
OUTBOX_SORT = (SortKey(OutboxEmail.created_at, "desc"), SortKey(OutboxEmail.id, "desc"))
# Newest sign-ins first; the session id (unique) makes the order total.
SESSION_SORT = (SortKey(AuthSession.created_at, "desc"), SortKey(AuthSession.id, "desc"))


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # users -------------------------------------------------------------------

    async def user_by_email(self, email: str) -> User | None:
        result = await self.session.scalars(select(User).where(User.email == email.lower()))
        return result.first()

    async def user_by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def user_by_employee(self, employee_id: int) -> User | None:
        result = await self.session.scalars(select(User).where(User.employee_id == employee_id))
        return result.first()

    async def any_user(self) -> bool:
        return (await self.session.scalar(select(func.count()).select_from(User))) != 0

    def add(self, row: object) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    async def page_users(
        self, principal: Principal, search: str | None, role: Role | None, request: PageRequest
    ) -> PageResult[User]:
        statement = self._readable_users(principal)
        if search:
            pattern = f"%{search.lower()}%"
            statement = statement.where(
                or_(User.email.like(pattern), func.lower(User.display_name).like(pattern))
            )
        if role is not None:
            statement = statement.where(User.role == role.value)
        total = None
        if request.count:
            total = await self.session.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())
            )
        rows = (await self.session.scalars(apply_keyset(statement, USER_SORT, request))).all()
        return build_page(rows, USER_SORT, request, total)

    def _readable_users(self, principal: Principal):  # type: ignore[no-untyped-def]
        """Admins see everyone; nobody else reaches this listing (route policy)."""
        statement = select(User)
        if not principal.is_at_least(Role.ADMIN):
            statement = statement.where(User.id == principal.user_id)
        return statement

    async def readable_user(self, principal: Principal, user_id: int) -> User | None:
        statement = self._readable_users(principal).where(User.id == user_id)
        return (await self.session.scalars(statement)).first()

    async def site_ids_by_user(self, user_ids: Sequence[int]) -> dict[int, list[int]]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(UserSite.user_id, UserSite.site_id)
            .where(UserSite.user_id.in_(user_ids))
            .order_by(UserSite.user_id, UserSite.site_id)
        )
        grouped: dict[int, list[int]] = {}
        for user_id, site_id in rows:
            grouped.setdefault(user_id, []).append(site_id)
        return grouped

    async def replace_sites(self, user_id: int, site_ids: Sequence[int]) -> None:
        await self.session.execute(delete(UserSite).where(UserSite.user_id == user_id))
        for site_id in sorted(set(site_ids)):
            self.session.add(UserSite(user_id=user_id, site_id=site_id))

    # sign-in bookkeeping: plain UPDATEs, so they never bump the row's edit version
    # (an admin editing a user must not get a conflict because the user signed in).

    async def mark_login_success(
        self, user_id: int, now: dt.datetime, new_password_hash: str | None
    ) -> None:
        values: dict[str, object] = {
            "failed_login_count": 0,
            "locked_until": None,
            "last_login_at": now,
        }
        if new_password_hash:
            values["password_hash"] = new_password_hash
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def mark_login_failure(
        self, user_id: int, failures: int, locked_until: dt.datetime | None
    ) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(failed_login_count=failures, locked_until=locked_until)
            .execution_options(synchronize_session=False)
        )

    # principal resolution (one query per request, two for site managers) --------

    async def active_session_user(
        self, session_id: str, user_id: int, now: dt.datetime
    ) -> tuple[AuthSession, User] | None:
        statement = (
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(
                AuthSession.id == session_id,
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
                User.is_active.is_(True),
            )
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    # sessions and tokens -----------------------------------------------------------

    async def auth_session(self, session_id: str) -> AuthSession | None:
        return await self.session.get(AuthSession, session_id)

    async def active_sessions(self, user_id: int, now: dt.datetime) -> Sequence[AuthSession]:
        statement = (
            select(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .order_by(AuthSession.created_at.desc(), AuthSession.id)
            .limit(200)
        )
        return (await self.session.scalars(statement)).all()

    async def page_sessions(
        self,
        principal: Principal,
        *,
        search: str | None,
        user_id: int | None,
        active_at: dt.datetime | None,
        request: PageRequest,
    ) -> PageResult[Row[Any]]:
        """Sessions of every user with their owner's e-mail and name: one query a page.

        ``active_at`` keeps the sessions neither revoked nor expired at that time.
        Admins see everyone's; anybody else only their own (the route admits admins only).
        """
        columns = select(
            AuthSession.id,
            AuthSession.user_id,
            AuthSession.created_at,
            AuthSession.last_used_at,
            AuthSession.expires_at,
            AuthSession.revoked_at,
            AuthSession.revoked_reason,
            AuthSession.user_agent,
            AuthSession.client_ip,
            User.email.label("user_email"),
            User.display_name.label("user_display_name"),
            User.role.label("user_role"),
        ).join(User, User.id == AuthSession.user_id)
        statement = cast("Select[Any]", columns)  # rows of named columns, paged like entities
        if not principal.is_at_least(Role.ADMIN):
            statement = statement.where(AuthSession.user_id == principal.user_id)
        if user_id is not None:
            statement = statement.where(AuthSession.user_id == user_id)
        if search:
            pattern = f"%{search.lower()}%"
            statement = statement.where(
                or_(User.email.like(pattern), func.lower(User.display_name).like(pattern))
            )
        if active_at is not None:
            statement = statement.where(
                AuthSession.revoked_at.is_(None), AuthSession.expires_at > active_at
            )
        total = None
        if request.count:
            total = await self.session.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())
            )
        rows = (await self.session.execute(apply_keyset(statement, SESSION_SORT, request))).all()
        return build_page(rows, SESSION_SORT, request, total)

    async def revoke_sessions(
        self, user_id: int, now: dt.datetime, reason: str, *, except_session: str | None = None
    ) -> int:
        statement = (
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )
        if except_session is not None:
            statement = statement.where(AuthSession.id != except_session)
        result = await self.session.execute(statement)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def refresh_token_by_hash(self, token_hash: str) -> RefreshToken | None:
        result = await self.session.scalars(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        )
        return result.first()

    async def reset_token_by_hash(self, token_hash: str) -> PasswordResetToken | None:
        result = await self.session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash)
        )
        return result.first()

    async def address_lockout(self, address: str) -> AddressLockout | None:
        return await self.session.get(AddressLockout, address)

    async def purge_expired(self, now: dt.datetime, keep_revoked_days: int = 30) -> dict[str, int]:
        """Delete expired tokens and long-dead sessions (the nightly job)."""
        counts = {}
        result = await self.session.execute(
            delete(RefreshToken).where(RefreshToken.expires_at < now)
        )
        counts["refresh_tokens"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        result = await self.session.execute(
            delete(PasswordResetToken).where(PasswordResetToken.expires_at < now)
        )
        counts["password_reset_tokens"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        cutoff = now - dt.timedelta(days=keep_revoked_days)
        result = await self.session.execute(
            delete(AuthSession).where(
                or_(AuthSession.expires_at < now, AuthSession.revoked_at < cutoff)
            )
        )
        counts["auth_sessions"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        return counts

    # outbox ------------------------------------------------------------------------

    async def page_outbox(self, request: PageRequest) -> PageResult[OutboxEmail]:
        statement = apply_keyset(select(OutboxEmail), OUTBOX_SORT, request)
        rows = (await self.session.scalars(statement)).all()
        return build_page(rows, OUTBOX_SORT, request)
