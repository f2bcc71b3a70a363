"""Identity use cases: sign-in, tokens, passwords, user administration.

Never commits (the request boundary does). Failures that must be remembered
even though the caller gets an error (a failed sign-in counts toward the
lockout; a reused refresh token revokes its family) are *returned* as an
outcome, so the endpoint answers with the error after the commit instead of
raising and rolling the evidence back.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.identity.errors import (
    AccountLockedError,
    AddressLockedError,
    EmailTakenError,
    EmployeeLinkError,
    InvalidCredentialsError,
    InvalidResetTokenError,
    InvalidTokenError,
    RoleEscalationError,
    SelfModificationError,
    TokenReuseError,
    WeakPasswordError,
    WrongPasswordError,
)
from haken.modules.identity.models import (
    AddressLockout,
    AuthSession,
    OutboxEmail,
    PasswordResetToken,
    RefreshToken,
    User,
    UserSite,
)
from haken.modules.identity.repository import IdentityRepository
from haken.modules.identity.schemas import (
    PASSWORD_MIN_LENGTH,
    OutboxRead,
    Preferences,
    PrincipalRecord,
    RoleChange,
    SessionAdminRead,
    SessionRead,
    TokenPair,
    UserCreate,
    UserRead,
)
from haken.platform.access import Principal, Role
from haken.platform.cache import (
    cache_tags,
    cached,
    entity_tag,
    invalidate_on_write,
    list_tag,
    scope_by_role,
)
from haken.platform.errors import HakenError, NotFoundError, VersionConflictError
from haken.platform.logging import get_logger
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.security import (
    AccessClaims,
    TokenError,
    decode_access_token,
    encode_access_token,
    hash_password,
    new_opaque_token,
    token_digest,
    verify_password,
)

log = get_logger(__name__)

ACCOUNT_LOCK_THRESHOLD = 5
ADDRESS_LOCK_THRESHOLD = 20
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 3600
ADDRESS_FAILURE_MEMORY = dt.timedelta(hours=1)
RESET_TOKEN_LIFETIME = dt.timedelta(minutes=30)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def lock_seconds(failures: int, threshold: int) -> int:
    """Back-off: 30 s at the threshold, doubling with each further failure, capped at 1 h."""
    if failures < threshold:
        return 0
    return int(min(LOCK_MAX_SECONDS, LOCK_BASE_SECONDS * 2 ** (failures - threshold)))


@dataclass
class Outcome:
    """A result or an error to answer with after the commit."""

    tokens: TokenPair | None = None
    error: HakenError | None = None


@dataclass(frozen=True)
class ClientInfo:
    address: str
    user_agent: str


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise WeakPasswordError(minimum=PASSWORD_MIN_LENGTH)


def _user_snapshot(user: User, site_ids: list[int] | None = None) -> dict[str, Any]:
    snapshot = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "is_active": user.is_active,
        "locale": user.locale,
        "employee_id": user.employee_id,
    }
    if site_ids is not None:
        snapshot["site_ids"] = sorted(site_ids)
    return snapshot


def _user_read(user: User, site_ids: list[int]) -> UserRead:
    read = UserRead.model_validate(user)
    read.site_ids = site_ids
    return read


USERS_LIST_TAG = list_tag("users")
# Admins read every user (the repository does not filter them): they share entries.
USER_SCOPE = scope_by_role(Role.ADMIN)


PRINCIPAL_TAG = list_tag("principals")


def _principal_write_rules() -> None:
    """Any write to a user, its sessions or its sites drops its cached principal.

    Keyed to the tables rather than to the services that write them, so a new
    revocation path cannot forget it; a bulk statement (revoke every session of
    a user, sign-in bookkeeping) drops every cached principal.
    """
    for model, user_of in (
        (User, lambda row: row.id),
        (AuthSession, lambda row: row.user_id),
        (UserSite, lambda row: row.user_id),
    ):
        invalidate_on_write(
            model,
            row_tags=lambda row, user_of=user_of: (entity_tag("principal", user_of(row)),),
            bulk_tags=(PRINCIPAL_TAG,),
        )


_principal_write_rules()


def _touch_user(session: AsyncSession, user_id: int) -> None:
    """A write changed what UserRead shows: drop the user's and the lists' entries after commit."""
    cache_tags.invalidate_after_commit(session, entity_tag("user", user_id), USERS_LIST_TAG)


class IdentityService:
    # --- tokens -------------------------------------------------------------------

    def _issue(
        self, settings: Settings, repo: IdentityRepository, auth_session: AuthSession, user: User
    ) -> TokenPair:
        refresh = f"{auth_session.id}.{new_opaque_token()}"
        repo.add(
            RefreshToken(
                session_id=auth_session.id,
                token_hash=token_digest(refresh),
                expires_at=auth_session.expires_at,
            )
        )
        access, expires_in = encode_access_token(
            settings.resolved_secret_key,
            user_id=user.id,
            session_id=auth_session.id,
            role=user.role,
            lifetime=dt.timedelta(minutes=settings.access_token_minutes),
        )
        return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)

    async def login(
        self,
        session: AsyncSession,
        settings: Settings,
        *,
        email: str,
        password: str,
        client: ClientInfo,
    ) -> Outcome:
        repo = IdentityRepository(session)
        now = utcnow()
        lockout = await repo.address_lockout(client.address)
        if lockout and lockout.locked_until and lockout.locked_until > now:
            retry = int((lockout.locked_until - now).total_seconds()) + 1
            return Outcome(
                error=AddressLockedError(retry_after=retry, headers={"Retry-After": str(retry)})
            )
        user = await repo.user_by_email(email)
        if user is not None and user.locked_until and user.locked_until > now:
            retry = int((user.locked_until - now).total_seconds()) + 1
            return Outcome(
                error=AccountLockedError(retry_after=retry, headers={"Retry-After": str(retry)})
            )
        valid, new_hash = verify_password(password, user.password_hash if user else None)
        if user is None or not valid or not user.is_active:
            await self._record_failure(repo, user, lockout, client.address, now)
            log.warning("sign-in failed", reason="credentials", known_account=user is not None)
            return Outcome(error=InvalidCredentialsError())
        await repo.mark_login_success(user.id, now, new_hash)
        auth_session = AuthSession(
            id=uuid.uuid4().hex,
            user_id=user.id,
            expires_at=now + dt.timedelta(days=settings.refresh_token_days),
            last_used_at=now,
            user_agent=client.user_agent[:255],
            client_ip=client.address[:64],
        )
        repo.add(auth_session)
        tokens = self._issue(settings, repo, auth_session, user)
        _touch_user(session, user.id)  # last_login_at
        await audit_service.record(
            session,
            None,
            user_id=user.id,
            entity_type="auth_session",
            entity_id=auth_session.id,
            action="login",
        )
        return Outcome(tokens=tokens)

    async def _record_failure(
        self,
        repo: IdentityRepository,
        user: User | None,
        lockout: AddressLockout | None,
        address: str,
        now: dt.datetime,
    ) -> None:
        if user is not None:
            failures = user.failed_login_count + 1
            seconds = lock_seconds(failures, ACCOUNT_LOCK_THRESHOLD)
            locked_until = now + dt.timedelta(seconds=seconds) if seconds else None
            await repo.mark_login_failure(user.id, failures, locked_until)
        if lockout is None:
            lockout = AddressLockout(address=address, failed_count=0)
            repo.add(lockout)
        elif lockout.updated_at < now - ADDRESS_FAILURE_MEMORY:
            lockout.failed_count = 0
        lockout.failed_count += 1
        lockout.updated_at = now
        seconds = lock_seconds(lockout.failed_count, ADDRESS_LOCK_THRESHOLD)
        lockout.locked_until = now + dt.timedelta(seconds=seconds) if seconds else None

    async def refresh(
        self, session: AsyncSession, settings: Settings, *, refresh_token: str
    ) -> Outcome:
        repo = IdentityRepository(session)
        now = utcnow()
        stored = await repo.refresh_token_by_hash(token_digest(refresh_token))
        if stored is None or stored.expires_at <= now:
            return Outcome(error=InvalidTokenError())
        auth_session = await repo.auth_session(stored.session_id)
        if auth_session is None or auth_session.revoked_at is not None:
            return Outcome(error=InvalidTokenError())
        if stored.rotated_at is not None:
            # A rotated token came back: someone holds a copy. Revoke the whole family.
            auth_session.revoked_at = now
            auth_session.revoked_reason = "refresh_token_reuse"
            await audit_service.record(
                session,
                None,
                user_id=auth_session.user_id,
                entity_type="auth_session",
                entity_id=auth_session.id,
                action="revoke_reuse",
            )
            log.warning("refresh token reuse detected; session revoked")
            return Outcome(error=TokenReuseError())
        user = await repo.user_by_id(auth_session.user_id)
        if user is None or not user.is_active or auth_session.expires_at <= now:
            return Outcome(error=InvalidTokenError())
        stored.rotated_at = now
        auth_session.last_used_at = now
        tokens = self._issue(settings, repo, auth_session, user)
        await audit_service.record(
            session,
            None,
            user_id=user.id,
            entity_type="auth_session",
            entity_id=auth_session.id,
            action="refresh",
        )
        return Outcome(tokens=tokens)

    async def logout(self, session: AsyncSession, principal: Principal) -> None:
        repo = IdentityRepository(session)
        if principal.session_id is None:
            return
        auth_session = await repo.auth_session(principal.session_id)
        if auth_session is not None and auth_session.revoked_at is None:
            auth_session.revoked_at = utcnow()
            auth_session.revoked_reason = "logout"
        await audit_service.record(
            session,
            principal,
            entity_type="auth_session",
            entity_id=principal.session_id,
            action="logout",
        )

    async def resolve_principal(
        self, session: AsyncSession, settings: Settings, token: str
    ) -> Principal | None:
        try:
            claims = decode_access_token(settings.resolved_secret_key, token)
        except TokenError:
            return None
        return await self.principal_for_claims(session, claims)

    async def principal_for_claims(
        self, session: AsyncSession, claims: AccessClaims
    ) -> Principal | None:
        """The principal of verified token claims, if its session and user are still live."""
        record = await self._principal_record(session, claims.session_id, claims.user_id)
        if record is None or record.session_expires_at <= utcnow():
            return None
        return Principal(
            user_id=record.user_id,
            role=record.role,
            email=record.email,
            locale=record.locale,
            session_id=record.session_id,
            employee_id=record.employee_id,
            site_ids=frozenset(record.site_ids),
        )

    @cached(
        "session",
        key="principal:{session_id}:{user_id}",
        tags=[PRINCIPAL_TAG, "principal:{user_id}"],
        scope=None,
    )
    async def _principal_record(
        self, session: AsyncSession, session_id: str, user_id: int
    ) -> PrincipalRecord | None:
        """The session's user as a DTO; ``None`` (cached too) for a revoked or unknown session.

        Expiry is checked by the caller on every request, so an entry never
        outlives its session; revocation, role, site and locale changes reach it
        through the write rules in :func:`_principal_write_rules`.
        """
        repo = IdentityRepository(session)
        found = await repo.active_session_user(session_id, user_id, utcnow())
        if found is None:
            return None
        auth_session, user = found
        role = Role(user.role)
        site_ids: list[int] = []
        if role is Role.SITE_MANAGER:
            site_ids = sorted((await repo.site_ids_by_user([user.id])).get(user.id, []))
        return PrincipalRecord(
            user_id=user.id,
            role=role,
            email=user.email,
            locale=user.locale,
            session_id=auth_session.id,
            session_expires_at=auth_session.expires_at,
            employee_id=user.employee_id,
            site_ids=site_ids,
        )

    # --- passwords ----------------------------------------------------------------

    async def change_password(
        self, session: AsyncSession, principal: Principal, *, current: str, new: str
    ) -> None:
        repo = IdentityRepository(session)
        user = await repo.user_by_id(principal.user_id)
        if user is None:
            raise NotFoundError()
        valid, _ = verify_password(current, user.password_hash)
        if not valid:
            raise WrongPasswordError()
        check_password_strength(new)
        now = utcnow()
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        await repo.revoke_sessions(
            user.id, now, "password_changed", except_session=principal.session_id
        )
        _touch_user(session, user.id)  # the row's version
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="password_change",
            before={"password": "old"},
            after={"password": "new"},
        )

    async def request_password_reset(
        self, session: AsyncSession, settings: Settings, *, email: str
    ) -> None:
        """Queue a reset mail when the account exists; the answer is the same either way."""
        repo = IdentityRepository(session)
        user = await repo.user_by_email(email)
        if user is None or not user.is_active:
            log.info("password reset requested for unknown or inactive account")
            return
        token = new_opaque_token()
        now = utcnow()
        repo.add(
            PasswordResetToken(
                user_id=user.id,
                token_hash=token_digest(token),
                expires_at=now + RESET_TOKEN_LIFETIME,
            )
        )
        link = f"{settings.public_url.rstrip('/')}/password-reset?token={token}"
        repo.add(
            OutboxEmail(
                to_address=user.email,
                kind="password_reset",
                subject="【haken】パスワード再設定 / Password reset",
                body=(
                    "パスワード再設定のご依頼を受け付けました。30分以内に次のリンクを開いてください。\n"
                    "A password reset was requested. Open this link within 30 minutes:\n\n"
                    f"{link}\n\n"
                    "心当たりがない場合はこのメールを破棄してください。\n"
                    "If you did not ask for this, ignore this e-mail.\n"
                ),
            )
        )
        await audit_service.record(
            session,
            None,
            user_id=user.id,
            entity_type="user",
            entity_id=user.id,
            action="password_reset_request",
        )

    async def confirm_password_reset(
        self, session: AsyncSession, *, token: str, new_password: str
    ) -> None:
        repo = IdentityRepository(session)
        stored = await repo.reset_token_by_hash(token_digest(token))
        now = utcnow()
        if stored is None or stored.used_at is not None or stored.expires_at <= now:
            raise InvalidResetTokenError()
        check_password_strength(new_password)
        user = await repo.user_by_id(stored.user_id)
        if user is None or not user.is_active:
            raise InvalidResetTokenError()
        stored.used_at = now
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now
        user.failed_login_count = 0
        user.locked_until = None
        await repo.revoke_sessions(user.id, now, "password_reset")
        _touch_user(session, user.id)  # the row's version
        await audit_service.record(
            session,
            None,
            user_id=user.id,
            entity_type="user",
            entity_id=user.id,
            action="password_reset",
        )

    # --- sessions -----------------------------------------------------------------

    async def list_sessions(self, session: AsyncSession, principal: Principal) -> list[SessionRead]:
        rows = await IdentityRepository(session).active_sessions(principal.user_id, utcnow())
        reads = []
        for row in rows:
            read = SessionRead.model_validate(row)
            read.current = row.id == principal.session_id
            reads.append(read)
        return reads

    async def revoke_session(
        self, session: AsyncSession, principal: Principal, session_id: str
    ) -> None:
        """End one of the caller's own sessions (another user's is not found)."""
        repo = IdentityRepository(session)
        auth_session = await repo.auth_session(session_id)
        if auth_session is None or auth_session.user_id != principal.user_id:
            raise NotFoundError()
        await self._revoke(session, principal, auth_session, "revoked_by_user")

    async def revoke_any_session(
        self, session: AsyncSession, principal: Principal, session_id: str
    ) -> None:
        """An administrator ends any user's session, except one of a user who outranks them."""
        repo = IdentityRepository(session)
        auth_session = await repo.auth_session(session_id)
        if auth_session is None:
            raise NotFoundError()
        if auth_session.user_id != principal.user_id:
            owner = await repo.readable_user(principal, auth_session.user_id)
            if owner is None:
                raise NotFoundError()
            self._check_grant(principal, Role(owner.role))
        await self._revoke(session, principal, auth_session, "revoked_by_admin")

    async def _revoke(
        self, session: AsyncSession, principal: Principal, auth_session: AuthSession, reason: str
    ) -> None:
        """Revoke (once: a second call keeps the first reason) and audit the request."""
        if auth_session.revoked_at is None:
            auth_session.revoked_at = utcnow()
            auth_session.revoked_reason = reason
        await audit_service.record(
            session,
            principal,
            entity_type="auth_session",
            entity_id=auth_session.id,
            action="revoke",
            after={"user_id": auth_session.user_id, "reason": auth_session.revoked_reason},
        )

    async def all_sessions(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        search: str | None,
        user_id: int | None,
        active_only: bool,
        request: PageRequest,
    ) -> PageResult[SessionAdminRead]:
        """Every user's sessions for administrators, newest sign-in first (not cached: every
        token refresh moves ``last_used_at``)."""
        now = utcnow()
        result = await IdentityRepository(session).page_sessions(
            principal,
            search=search,
            user_id=user_id,
            active_at=now if active_only else None,
            request=request,
        )
        reads = []
        for row in result.items:
            read = SessionAdminRead.model_validate(row)
            read.current = row.id == principal.session_id
            read.active = row.revoked_at is None and row.expires_at > now
            reads.append(read)
        return result.with_items(reads)

    # --- user administration ----------------------------------------------------------

    def _check_grant(self, principal: Principal | None, role: Role) -> None:
        if principal is not None and role > principal.role:
            raise RoleEscalationError()

    async def create_user(
        self, session: AsyncSession, principal: Principal | None, data: UserCreate
    ) -> UserRead:
        """Create an account; ``principal`` None means the operator's CLI (no ceiling)."""
        self._check_grant(principal, data.role)
        check_password_strength(data.password)
        repo = IdentityRepository(session)
        email = data.email.lower()
        if await repo.user_by_email(email) is not None:
            raise EmailTakenError()
        if data.employee_id is not None:
            # Self-service accounts link to an existing employee, one account each.
            try:
                await employees_service.get_brief(session, data.employee_id)
            except NotFoundError as error:
                raise EmployeeLinkError() from error
            if await repo.user_by_employee(data.employee_id) is not None:
                raise EmployeeLinkError()
        user = User(
            email=email,
            display_name=data.display_name,
            password_hash=hash_password(data.password),
            role=data.role.value,
            locale=data.locale,
            employee_id=data.employee_id,
            is_active=True,
        )
        repo.add(user)
        try:
            await repo.flush()
        except IntegrityError as error:
            raise EmailTakenError() from error
        site_ids = sorted(set(data.site_ids)) if data.role is Role.SITE_MANAGER else []
        await repo.replace_sites(user.id, site_ids)
        _touch_user(session, user.id)
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="create",
            after=_user_snapshot(user, site_ids),
        )
        return _user_read(user, site_ids)

    @cached(
        "list",
        key="users:{search}:{role}:{request.limit}:{request.cursor}:{request.count}",
        tags=[USERS_LIST_TAG],
        scope=USER_SCOPE,
    )
    async def list_users(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        search: str | None,
        role: Role | None,
        request: PageRequest,
    ) -> PageResult[UserRead]:
        repo = IdentityRepository(session)
        result = await repo.page_users(principal, search, role, request)
        sites = await repo.site_ids_by_user(
            [u.id for u in result.items if u.role == Role.SITE_MANAGER]
        )
        return PageResult(
            items=[_user_read(u, sites.get(u.id, [])) for u in result.items],
            next_cursor=result.next_cursor,
            has_more=result.has_more,
            total=result.total,
        )

    @cached("entity", key="user:{user_id}", tags=["user:{user_id}"], scope=USER_SCOPE)
    async def get_user(self, session: AsyncSession, principal: Principal, user_id: int) -> UserRead:
        repo = IdentityRepository(session)
        user = await repo.readable_user(principal, user_id)
        if user is None:
            raise NotFoundError()
        sites = await repo.site_ids_by_user([user.id]) if user.role == Role.SITE_MANAGER else {}
        return _user_read(user, sites.get(user.id, []))

    async def me(self, session: AsyncSession, principal: Principal) -> UserRead:
        return await self.get_user(session, principal, principal.user_id)

    async def change_role(
        self, session: AsyncSession, principal: Principal, user_id: int, change: RoleChange
    ) -> UserRead:
        repo = IdentityRepository(session)
        user = await repo.readable_user(principal, user_id)
        if user is None:
            raise NotFoundError()
        if user.id == principal.user_id:
            raise SelfModificationError()
        # Neither grant above your own role nor touch someone who outranks you.
        self._check_grant(principal, change.role)
        self._check_grant(principal, Role(user.role))
        if user.version != change.version:
            raise VersionConflictError()
        before_sites = (await repo.site_ids_by_user([user.id])).get(user.id, [])
        before = _user_snapshot(user, before_sites)
        user.role = change.role.value
        if change.role is Role.SITE_MANAGER:
            site_ids = sorted(set(change.site_ids if change.site_ids is not None else before_sites))
        else:
            site_ids = []
        await repo.replace_sites(user.id, site_ids)
        await repo.flush()
        # A role change takes effect now: sessions minted under the old role end.
        await repo.revoke_sessions(user.id, utcnow(), "role_changed")
        _touch_user(session, user.id)
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="change_role",
            before=before,
            after=_user_snapshot(user, site_ids),
        )
        return _user_read(user, site_ids)

    async def deactivate(
        self, session: AsyncSession, principal: Principal, user_id: int, version: int
    ) -> UserRead:
        repo = IdentityRepository(session)
        user = await repo.readable_user(principal, user_id)
        if user is None:
            raise NotFoundError()
        if user.id == principal.user_id:
            raise SelfModificationError()
        self._check_grant(principal, Role(user.role))
        if user.version != version:
            raise VersionConflictError()
        before = _user_snapshot(user)
        user.is_active = False
        await repo.flush()
        await repo.revoke_sessions(user.id, utcnow(), "deactivated")
        _touch_user(session, user.id)
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="deactivate",
            before=before,
            after=_user_snapshot(user),
        )
        sites = (await repo.site_ids_by_user([user.id])).get(user.id, [])
        return _user_read(user, sites)

    async def outbox(self, session: AsyncSession, request: PageRequest) -> PageResult[OutboxRead]:
        result = await IdentityRepository(session).page_outbox(request)
        return PageResult(
            items=[OutboxRead.model_validate(r) for r in result.items],
            next_cursor=result.next_cursor,
            has_more=result.has_more,
        )

    async def update_preferences(
        self, session: AsyncSession, principal: Principal, change: Preferences
    ) -> UserRead:
        """A user's own settings (the UI language); edits carry the row's version."""
        repo = IdentityRepository(session)
        user = await repo.readable_user(principal, principal.user_id)
        if user is None:
            raise NotFoundError()
        if user.version != change.version:
            raise VersionConflictError()
        before = _user_snapshot(user)
        user.locale = change.locale
        await repo.flush()
        _touch_user(session, user.id)
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="preferences",
            before=before,
            after=_user_snapshot(user),
        )
        sites = (await repo.site_ids_by_user([user.id])).get(user.id, [])
        return _user_read(user, sites)

    async def user_sessions(
        self, session: AsyncSession, principal: Principal, user_id: int
    ) -> list[SessionRead]:
        """An administrator's view of one user's active sessions (devices)."""
        repo = IdentityRepository(session)
        user = await repo.readable_user(principal, user_id)
        if user is None:
            raise NotFoundError()
        rows = await repo.active_sessions(user.id, utcnow())
        return [SessionRead.model_validate(row) for row in rows]

    async def has_users(self, session: AsyncSession) -> bool:
        return await IdentityRepository(session).any_user()

    async def purge_expired(self, session: AsyncSession) -> dict[str, int]:
        return await IdentityRepository(session).purge_expired(utcnow())


identity_service = IdentityService()


def generate_password() -> str:
    """A one-time password for the seeded admin: 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


__all__ = ["ClientInfo", "IdentityService", "Outcome", "generate_password", "identity_service"]
