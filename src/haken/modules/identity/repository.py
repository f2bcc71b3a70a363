"""Every query of the identity area."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Select, case, delete, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from haken.modules.identity.models import (
    AddressLockout,
    AuthSession,
    LoginFailure,
    OutboxEmail,
    PasswordResetToken,
    RefreshToken,
    User,
    UserSite,
    UserUnit,
)
from haken.modules.identity.sorting import USER_SORTING
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page
from haken.platform.repository import Repository

OUTBOX_SORT = (SortKey(OutboxEmail.created_at, "desc"), SortKey(OutboxEmail.id, "desc"))
# Newest sign-ins first; the session id (unique) makes the order total.
SESSION_SORT = (SortKey(AuthSession.created_at, "desc"), SortKey(AuthSession.id, "desc"))


class IdentityRepository(Repository):
    # users -------------------------------------------------------------------

    async def user_names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(User, ids, User.display_name, User.email)

    async def recipients(
        self,
        *,
        employee_ids: Sequence[int],
        site_ids: Sequence[int],
        admins: bool,
        user_ids: Sequence[int] = (),
    ) -> Sequence[User]:
        """Active accounts of these employees, the site managers of these sites, these
        accounts and (with ``admins``) the administrators: one statement (the notifications'
        audience)."""
        conditions: list[Any] = []
        if user_ids:
            conditions.append(User.id.in_(sorted(set(user_ids))))
        if employee_ids:
            conditions.append(User.employee_id.in_(employee_ids))
        if site_ids:
            managers = select(UserSite.user_id).where(UserSite.site_id.in_(site_ids))
            conditions.append((User.role == Role.SITE_MANAGER.value) & User.id.in_(managers))
        if admins:
            conditions.append(User.role.in_((Role.ADMIN.value, Role.SUPER_ADMIN.value)))
        if not conditions:
            return []
        statement = select(User).where(User.is_active.is_(True), or_(*conditions))
        return (await self.session.scalars(statement.order_by(User.id))).all()

    async def user_by_email(self, email: str) -> User | None:
        result = await self.session.scalars(select(User).where(User.email == email.lower()))
        return result.first()

    async def user_by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def users_by_ids(self, user_ids: Sequence[int]) -> Sequence[User]:
        if not user_ids:
            return []
        return (await self.session.scalars(select(User).where(User.id.in_(user_ids)))).all()

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
        self,
        principal: Principal,
        search: str | None,
        role: Role | None,
        request: PageRequest,
        sort: str = USER_SORTING.default,
    ) -> PageResult[User]:
        statement = self._readable_users(principal)
        if search:
            pattern = f"%{search.lower()}%"
            statement = statement.where(
                or_(User.email.like(pattern), func.lower(User.display_name).like(pattern))
            )
        if role is not None:
            statement = statement.where(User.role == role.value)
        return await self.page(statement, USER_SORTING.keys(sort), request)

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

    async def client_users_with_scope(
        self, *, client_id: int | None, user_id: int | None, limit: int
    ) -> list[tuple[User, list[int], list[int]]]:
        """Client supervisors (of ``client_id``, or the one ``user_id``) with their sites and
        units, in one statement (one row per site and unit), by e-mail; unscoped (the client
        portal's service checks the caller)."""
        conditions: list[Any] = [User.role == Role.CLIENT_SUPERVISOR.value]
        if client_id is not None:
            conditions.append(User.client_id == client_id)
        if user_id is not None:
            conditions.append(User.id == user_id)
        users = select(User.id).where(*conditions).order_by(User.email, User.id).limit(limit)
        statement = (
            select(User, UserSite.site_id, UserUnit.unit_id)
            .outerjoin(UserSite, UserSite.user_id == User.id)
            .outerjoin(UserUnit, UserUnit.user_id == User.id)
            .where(User.id.in_(users.scalar_subquery()))
            .order_by(User.email, User.id)
        )
        found: dict[int, tuple[User, set[int], set[int]]] = {}
        for user, site_id, unit_id in (await self.session.execute(statement)).all():
            entry = found.setdefault(user.id, (user, set(), set()))
            if site_id is not None:
                entry[1].add(site_id)
            if unit_id is not None:
                entry[2].add(unit_id)
        return [(user, sorted(sites), sorted(units)) for user, sites, units in found.values()]

    async def replace_units(self, user_id: int, unit_ids: Sequence[int]) -> None:
        await self.session.execute(delete(UserUnit).where(UserUnit.user_id == user_id))
        for unit_id in sorted(set(unit_ids)):
            self.session.add(UserUnit(user_id=user_id, unit_id=unit_id))

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
    ) -> tuple[AuthSession, User, list[int], list[int]] | None:
        """The live session, its active user, the user's sites and units (a client
        supervisor's 組織単位), in one statement (one row per site and unit; the caller of
        every request costs one round trip, whatever the role)."""
        statement = (
            select(AuthSession, User, UserSite.site_id, UserUnit.unit_id)
            .join(User, User.id == AuthSession.user_id)
            .outerjoin(UserSite, UserSite.user_id == User.id)
            .outerjoin(UserUnit, UserUnit.user_id == User.id)
            .where(
                AuthSession.id == session_id,
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
                User.is_active.is_(True),
            )
            .order_by(UserSite.site_id, UserUnit.unit_id)
        )
        rows = (await self.session.execute(statement)).all()
        if not rows:
            return None
        return (
            rows[0][0],
            rows[0][1],
            sorted({row[2] for row in rows if row[2] is not None}),
            sorted({row[3] for row in rows if row[3] is not None}),
        )

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

    async def void_reset_tokens(self, user_id: int, now: dt.datetime) -> None:
        """Spend every unused reset token of the user (a newer link replaces them)."""
        await self.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )

    async def address_lockout(self, address: str) -> AddressLockout | None:
        return await self.session.get(AddressLockout, address)

    async def login_failure(self, digest: str) -> LoginFailure | None:
        return await self.session.get(LoginFailure, digest)

    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return postgresql_insert if dialect == "postgresql" else sqlite_insert

    async def count_unknown_login_failure(self, digest: str, now: dt.datetime) -> int:
        """Add one failure for an e-mail without an account; the new count.

        One upsert, so two first failures at the same instant add up instead of
        colliding on the primary key (a 500 that would also tell the address apart).
        """
        statement = self._insert()(LoginFailure).values(
            email_digest=digest, failed_count=1, updated_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[LoginFailure.email_digest],
            set_={"failed_count": LoginFailure.failed_count + 1, "updated_at": now},
        ).returning(LoginFailure.failed_count)
        count = await self.session.scalar(
            statement, execution_options={"synchronize_session": False}
        )
        return int(count or 0)

    async def set_unknown_login_lock(self, digest: str, locked_until: dt.datetime | None) -> None:
        await self.session.execute(
            update(LoginFailure)
            .where(LoginFailure.email_digest == digest)
            .values(locked_until=locked_until)
            .execution_options(synchronize_session=False)
        )

    async def count_address_failure(
        self, address: str, now: dt.datetime, forget_before: dt.datetime
    ) -> int:
        """Add one failure for a client address (a count older than ``forget_before``
        starts again at 1); one upsert, safe against concurrent first failures."""
        statement = self._insert()(AddressLockout).values(
            address=address, failed_count=1, updated_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[AddressLockout.address],
            set_={
                "failed_count": case(
                    (AddressLockout.updated_at < forget_before, 1),
                    else_=AddressLockout.failed_count + 1,
                ),
                "updated_at": now,
            },
        ).returning(AddressLockout.failed_count)
        count = await self.session.scalar(
            statement, execution_options={"synchronize_session": False}
        )
        return int(count or 0)

    async def set_address_lock(self, address: str, locked_until: dt.datetime | None) -> None:
        await self.session.execute(
            update(AddressLockout)
            .where(AddressLockout.address == address)
            .values(locked_until=locked_until)
            .execution_options(synchronize_session=False)
        )

    async def purge_expired(
        self,
        now: dt.datetime,
        keep_revoked_days: int = 30,
        *,
        unknown_failures_before: dt.datetime | None = None,
    ) -> dict[str, int]:
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
        if unknown_failures_before is not None:
            result = await self.session.execute(
                delete(LoginFailure).where(LoginFailure.updated_at < unknown_failures_before)
            )
            counts["login_failures"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        return counts

    # outbox ------------------------------------------------------------------------

    async def page_outbox(self, request: PageRequest) -> PageResult[Row[Any]]:
        """Metadata columns only: the sealed body is never loaded for a listing."""
        columns = select(
            OutboxEmail.id,
            OutboxEmail.to_address,
            OutboxEmail.kind,
            OutboxEmail.state,
            OutboxEmail.created_at,
            OutboxEmail.sent_at,
        )
        statement = apply_keyset(cast("Select[Any]", columns), OUTBOX_SORT, request)
        rows = (await self.session.execute(statement)).all()
        return build_page(rows, OUTBOX_SORT, request)

    async def outbox_mail(self, mail_id: int) -> OutboxEmail | None:
        return await self.session.get(OutboxEmail, mail_id)

    async def count_mails_since(self, to_address: str, kind: str, since: dt.datetime) -> int:
        statement = select(func.count()).where(
            OutboxEmail.to_address == to_address,
            OutboxEmail.kind == kind,
            OutboxEmail.created_at >= since,
        )
        return int(await self.session.scalar(statement) or 0)

    # the admin dashboard -----------------------------------------------------------

    async def activity_counts(
        self, now: dt.datetime, day_starts: Sequence[dt.datetime]
    ) -> dict[str, int]:
        """Users by role, sessions, sign-ins per day and failed sign-ins: one statement.

        One derived row per table (conditional aggregates, each table read once), joined
        on true. ``day_starts`` are the bounds of consecutive days (n + 1 instants for n
        days); the sign-ins of day *i* are sessions created in ``[day_starts[i],
        day_starts[i + 1])``, keyed ``day_<i>``.
        """

        def tally(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        def total(column: Any, condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, column), else_=0)), 0)

        day_ago, week_ago = now - dt.timedelta(days=1), now - dt.timedelta(days=7)
        active = User.is_active.is_(True)
        users = select(
            *(
                tally(active & (User.role == role.value)).label(f"role_{role.value}")
                for role in Role
            ),
            tally(~active).label("users_inactive"),
            tally(active & (User.failed_login_count > 0)).label("users_failing"),
            tally(User.locked_until > now).label("users_locked"),
        ).subquery("u")
        sessions = select(
            tally(AuthSession.revoked_at.is_(None) & (AuthSession.expires_at > now)).label(
                "sessions_active"
            ),
            tally(AuthSession.created_at >= day_ago).label("logins_24h"),
            tally(AuthSession.created_at >= week_ago).label("logins_7d"),
            *(
                tally((AuthSession.created_at >= start) & (AuthSession.created_at < end)).label(
                    f"day_{index}"
                )
                for index, (start, end) in enumerate(itertools.pairwise(day_starts))
            ),
        ).subquery("s")
        addresses = select(
            total(AddressLockout.failed_count, AddressLockout.updated_at >= day_ago).label(
                "address_failures_24h"
            ),
            tally(AddressLockout.locked_until > now).label("addresses_locked"),
        ).subquery("a")
        unknown = select(
            total(LoginFailure.failed_count, LoginFailure.updated_at >= day_ago).label(
                "unknown_failures_24h"
            ),
        ).subquery("f")
        statement = select(users, sessions, addresses, unknown).select_from(
            users.join(sessions, true()).join(addresses, true()).join(unknown, true())
        )
        row = (await self.session.execute(statement)).one()
        return {key: int(value or 0) for key, value in row._mapping.items()}
