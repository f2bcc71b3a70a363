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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.modules.audit.service import audit_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.modules.identity.errors import (
    AccountLockedError,
    AddressLockedError,
    EmailTakenError,
    EmployeeLinkError,
    EmployeeLinkRoleError,
    InvalidCredentialsError,
    InvalidResetTokenError,
    InvalidTokenError,
    RoleEscalationError,
    SelfModificationError,
    SiteLinkError,
    SiteLinkRoleError,
    TokenReuseError,
    WrongPasswordError,
)
from haken.modules.identity.models import (
    MAIL_HELD,
    MAIL_QUEUED,
    MAIL_SENT,
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
from haken.modules.identity.passwords import check_password
from haken.modules.identity.repository import IdentityRepository
from haken.modules.identity.schemas import (
    ClientUserRead,
    DayCount,
    IdentityActivity,
    OutboxRead,
    Preferences,
    PrincipalRecord,
    RoleChange,
    SessionAdminRead,
    SessionRead,
    TokenPair,
    UserCreate,
    UserLabel,
    UserRead,
)
from haken.modules.identity.sorting import USER_SORTING
from haken.platform.access import Principal, Role
from haken.platform.cache import (
    CachedSpec,
    active_cache,
    cache_tags,
    cached,
    entity_tag,
    invalidate_on_write,
    list_tag,
    scope_by_role,
)
from haken.platform.errors import HakenError, NotFoundError, VersionConflictError
from haken.platform.jobs import enqueue_job
from haken.platform.logging import get_logger
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.security import (
    AccessClaims,
    TokenError,
    decode_access_token,
    encode_access_token,
    field_cipher,
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
# A client supervisor's invitation link (one use, stored hashed like a reset token).
INVITATION_LIFETIME = dt.timedelta(hours=72)
RESET_MAIL_WINDOW = dt.timedelta(hours=1)
# Failure counters of e-mails without an account are forgotten after this long unused.
UNKNOWN_FAILURE_MEMORY = dt.timedelta(days=30)
# Associated data of a sealed outbox body: the token opens in this column only.
OUTBOX_BODY_CONTEXT = "outbox_emails.body"
DELIVER_MAIL_JOB = "identity.deliver_mail"


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


@dataclass(frozen=True)
class Recipient:
    """An account an event concerns: where and in which language to tell it."""

    user_id: int
    email: str
    locale: str


@dataclass(frozen=True)
class MailMessage:
    """An outbox mail opened for the SMTP delivery job (never for a reader)."""

    id: int
    to_address: str
    subject: str
    body: str
    sent: bool


def _check_new_password(password: str, user: User | None, *, email: str, name: str) -> None:
    """The password policy; a user's own current password counts as reused."""
    same = False
    if user is not None:
        same, _ = verify_password(password, user.password_hash)
    check_password(password, email=email, name=name, current_hash_matches=same)


def email_digest(email: str) -> str:
    """The key of an unknown e-mail's failure counter (the address itself is not kept)."""
    return token_digest(email.strip().lower())


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


def _client_user_read(user: User, site_ids: list[int], unit_ids: list[int]) -> ClientUserRead:
    return ClientUserRead(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        client_id=user.client_id or 0,
        site_ids=site_ids,
        unit_ids=unit_ids,
        is_active=user.is_active,
        version=user.version,
    )


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
        (UserUnit, lambda row: row.user_id),
    ):
        invalidate_on_write(
            model,
            row_tags=lambda row, user_of=user_of: (entity_tag("principal", user_of(row)),),
            bulk_tags=(PRINCIPAL_TAG,),
        )


_principal_write_rules()

# The admin dashboard's users, sessions and sign-in figures (IdentityService.activity):
# any write to the tables they count, by any path (sign-in bookkeeping included).
ACTIVITY_TAG = "identity:activity"
for _model in (User, AuthSession, AddressLockout, LoginFailure):
    invalidate_on_write(_model, row_tags=lambda _row: (ACTIVITY_TAG,), bulk_tags=(ACTIVITY_TAG,))


def _touch_user(session: AsyncSession, user_id: int) -> None:
    """A write changed what UserRead shows: drop the user's and the lists' entries after commit."""
    cache_tags.invalidate_after_commit(session, entity_tag("user", user_id), USERS_LIST_TAG)


# Principals kept by the record they were built from (IdentityService.principal_for_claims);
# cleared when full: a few hundred people are signed in to one agency at a time.
PRINCIPALS_KEPT = 2_000


class IdentityService:
    def __init__(self) -> None:
        self._principals: dict[int, tuple[PrincipalRecord, Principal]] = {}

    # --- tokens -------------------------------------------------------------------

    async def user_names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Users' display names (else e-mail addresses) by id, one query (the audit log)."""
        return await IdentityRepository(session).user_names(ids)

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
        # An e-mail without an account keeps its own counter and locks the same way,
        # so the answers (401 ×5, then 423) do not tell which addresses have accounts.
        unknown = None if user is not None else await repo.login_failure(email_digest(email))
        locked_until = user.locked_until if user is not None else (unknown and unknown.locked_until)
        if locked_until and locked_until > now:
            retry = int((locked_until - now).total_seconds()) + 1
            return Outcome(
                error=AccountLockedError(retry_after=retry, headers={"Retry-After": str(retry)})
            )
        valid, new_hash = verify_password(password, user.password_hash if user else None)
        if user is None or not valid or not user.is_active:
            if user is None:
                await self._record_unknown_failure(repo, email, now)
            await self._record_failure(repo, user, client.address, now)
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

    async def _record_unknown_failure(
        self, repo: IdentityRepository, email: str, now: dt.datetime
    ) -> None:
        """The account lockout's arithmetic for an e-mail that has no account."""
        digest = email_digest(email)
        failures = await repo.count_unknown_login_failure(digest, now)
        seconds = lock_seconds(failures, ACCOUNT_LOCK_THRESHOLD)
        await repo.set_unknown_login_lock(
            digest, now + dt.timedelta(seconds=seconds) if seconds else None
        )

    async def _record_failure(
        self,
        repo: IdentityRepository,
        user: User | None,
        address: str,
        now: dt.datetime,
    ) -> None:
        if user is not None:
            failures = user.failed_login_count + 1
            seconds = lock_seconds(failures, ACCOUNT_LOCK_THRESHOLD)
            locked_until = now + dt.timedelta(seconds=seconds) if seconds else None
            await repo.mark_login_failure(user.id, failures, locked_until)
        address_failures = await repo.count_address_failure(
            address, now, now - ADDRESS_FAILURE_MEMORY
        )
        seconds = lock_seconds(address_failures, ADDRESS_LOCK_THRESHOLD)
        await repo.set_address_lock(
            address, now + dt.timedelta(seconds=seconds) if seconds else None
        )

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

    def principal_cache_read(self, claims: AccessClaims) -> tuple[str, tuple[str, ...]]:
        """The cache key and tags of the principal of ``claims``: read ahead with the rate
        limit's count in one Redis round trip (platform.ratelimit.count_ahead), then taken by
        :meth:`principal_for_claims` without a round trip of its own."""
        spec: CachedSpec = IdentityService._principal_record.__haken_cached__  # type: ignore[attr-defined]
        arguments = {"session_id": claims.session_id, "user_id": claims.user_id}
        return spec.key(arguments), spec.tags(arguments)

    async def principal_for_claims(
        self, session: AsyncSession, claims: AccessClaims
    ) -> Principal | None:
        """The principal of verified token claims, if its session and user are still live."""
        record = await self._principal_record(session, claims.session_id, claims.user_id)
        if record is None or record.session_expires_at <= utcnow():
            return None
        return self._principal_of(record)

    def mirrored_principal(self, claims: AccessClaims) -> Principal | None:
        """The principal of ``claims`` from this process's mirror of the cache alone (no
        await, no session: platform/edge.py asks first on every hit); None when the mirror
        cannot say, or says the session is revoked or expired: the usual way then decides."""
        cache = active_cache()
        if cache is None or not cache.enabled:
            return None
        spec: CachedSpec = IdentityService._principal_record.__haken_cached__  # type: ignore[attr-defined]
        key, tags = self.principal_cache_read(claims)
        found, record = cache.mirrored(spec, key, tags)
        if not found or record is None or record.session_expires_at <= utcnow():
            return None
        return self._principal_of(record)

    def _principal_of(self, record: PrincipalRecord) -> Principal:
        # The cache hands out one decoded record while its entry is unchanged (a mirrored
        # read, platform/cache.py): its principal is built once too. Principals are frozen.
        built = self._principals.get(id(record))
        if built is not None and built[0] is record:
            return built[1]
        principal = Principal(
            user_id=record.user_id,
            role=record.role,
            email=record.email,
            locale=record.locale,
            session_id=record.session_id,
            employee_id=record.employee_id,
            site_ids=frozenset(record.site_ids),
            client_id=record.client_id,
            unit_ids=frozenset(record.unit_ids),
        )
        if len(self._principals) >= PRINCIPALS_KEPT:
            self._principals.clear()
        self._principals[id(record)] = (record, principal)
        return principal

    @cached(
        "session",
        key="principal:{session_id}:{user_id}",
        tags=[PRINCIPAL_TAG, "principal:{user_id}"],
        scope=None,
        lock=False,  # one indexed row: cheaper than the cross-worker lock's round trip
        mirror=True,  # read on every request: kept in process, valid through Redis's pushes
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
        auth_session, user, sites, units = found
        role = Role(user.role)
        site_ids = sites if role in (Role.SITE_MANAGER, Role.CLIENT_SUPERVISOR) else []
        return PrincipalRecord(
            user_id=user.id,
            role=role,
            email=user.email,
            locale=user.locale,
            session_id=auth_session.id,
            session_expires_at=auth_session.expires_at,
            employee_id=user.employee_id,
            site_ids=site_ids,
            client_id=user.client_id if role.is_client else None,
            unit_ids=units if role.is_client else [],
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
        _check_new_password(new, user, email=user.email, name=user.display_name)
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
        """Queue a reset mail when the account exists; the answer is the same either way.

        At most ``password_reset_mails_per_hour`` mails per address (further requests
        send nothing, with the same answer); a new link voids the older unused ones.
        The link exists readable only inside the sealed body, opened by delivery.
        """
        repo = IdentityRepository(session)
        user = await repo.user_by_email(email)
        if user is None or not user.is_active:
            log.info("password reset requested for unknown or inactive account")
            return
        now = utcnow()
        sent = await repo.count_mails_since(user.email, "password_reset", now - RESET_MAIL_WINDOW)
        if sent >= settings.password_reset_mails_per_hour:
            log.warning("password reset mail cap reached", user_id=user.id, mails=sent)
            return
        await repo.void_reset_tokens(user.id, now)
        token = new_opaque_token()
        repo.add(
            PasswordResetToken(
                user_id=user.id,
                token_hash=token_digest(token),
                expires_at=now + RESET_TOKEN_LIFETIME,
            )
        )
        link = f"{settings.public_url.rstrip('/')}/password-reset?token={token}"
        await self._queue_mail(
            session,
            settings,
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
        await audit_service.record(
            session,
            None,
            user_id=user.id,
            entity_type="user",
            entity_id=user.id,
            action="password_reset_request",
        )

    async def _queue_mail(
        self,
        session: AsyncSession,
        settings: Settings,
        *,
        to_address: str,
        kind: str,
        subject: str,
        body: str,
    ) -> None:
        """Seal the body into the outbox; with SMTP configured, deliver after the commit."""
        repo = IdentityRepository(session)
        mail = OutboxEmail(
            to_address=to_address,
            kind=kind,
            subject=subject,
            body="",
            body_enc=field_cipher().encrypt(body, context=OUTBOX_BODY_CONTEXT),
            state=MAIL_QUEUED if settings.smtp_host else MAIL_HELD,
        )
        repo.add(mail)
        if settings.smtp_host:
            await repo.flush()
            enqueue_job(
                session, DELIVER_MAIL_JOB, key=f"{DELIVER_MAIL_JOB}:{mail.id}", mail_id=mail.id
            )

    async def recipients(
        self,
        session: AsyncSession,
        *,
        employee_ids: Sequence[int] = (),
        site_ids: Sequence[int] = (),
        admins: bool = False,
        user_ids: Sequence[int] = (),
    ) -> list[Recipient]:
        """Who an event concerns (the notifications area): the accounts of these employees,
        the site managers of these sites, these accounts, the administrators; active
        accounts, one query."""
        users = await IdentityRepository(session).recipients(
            employee_ids=employee_ids, site_ids=site_ids, admins=admins, user_ids=user_ids
        )
        return [Recipient(user_id=u.id, email=u.email, locale=u.locale) for u in users]

    async def queue_notification_mail(
        self,
        session: AsyncSession,
        settings: Settings,
        *,
        to_address: str,
        subject: str,
        body: str,
    ) -> None:
        """A notification by e-mail: the same sealed outbox and delivery job as every mail."""
        await self._queue_mail(
            session,
            settings,
            to_address=to_address,
            kind="notification",
            subject=subject,
            body=body,
        )

    async def mail_for_delivery(self, session: AsyncSession, mail_id: int) -> MailMessage | None:
        """Open a sealed mail: for the SMTP delivery job only, never for a route or page."""
        mail = await IdentityRepository(session).outbox_mail(mail_id)
        if mail is None or mail.body_enc is None:
            return None
        return MailMessage(
            id=mail.id,
            to_address=mail.to_address,
            subject=mail.subject,
            body=field_cipher().decrypt(mail.body_enc, context=OUTBOX_BODY_CONTEXT),
            sent=mail.state == MAIL_SENT,
        )

    async def mark_mail_sent(self, session: AsyncSession, mail_id: int) -> None:
        mail = await IdentityRepository(session).outbox_mail(mail_id)
        if mail is not None:
            mail.state = MAIL_SENT
            mail.sent_at = utcnow()

    async def confirm_password_reset(
        self, session: AsyncSession, *, token: str, new_password: str
    ) -> None:
        repo = IdentityRepository(session)
        stored = await repo.reset_token_by_hash(token_digest(token))
        now = utcnow()
        if stored is None or stored.used_at is not None or stored.expires_at <= now:
            raise InvalidResetTokenError()
        user = await repo.user_by_id(stored.user_id)
        if user is None or not user.is_active:
            raise InvalidResetTokenError()
        _check_new_password(new_password, user, email=user.email, name=user.display_name)
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

    async def invite_client_user(
        self,
        session: AsyncSession,
        settings: Settings,
        principal: Principal,
        *,
        email: str,
        display_name: str,
        client_id: int,
        site_ids: Sequence[int],
        locale: str = "ja",
        unit_ids: Sequence[int] = (),
    ) -> UserRead:
        """A client supervisor's account, usable only through the one-time link mailed.

        The caller (client_portal) has checked the client and that the sites are its own.
        The account gets a random password nobody knows; the link is a reset token with
        a longer life (stored hashed; the outbox shows only metadata, the body is sealed).
        """
        repo = IdentityRepository(session)
        address = email.lower()
        if await repo.user_by_email(address) is not None:
            raise EmailTakenError()
        user = User(
            email=address,
            display_name=display_name,
            password_hash=hash_password(generate_password()),
            role=Role.CLIENT_SUPERVISOR.value,
            locale=locale,
            client_id=client_id,
            is_active=True,
        )
        repo.add(user)
        try:
            await repo.flush()
        except IntegrityError as error:
            raise EmailTakenError() from error
        sites = sorted(set(site_ids))
        await repo.replace_sites(user.id, sites)
        units = sorted(set(unit_ids))
        await repo.replace_units(user.id, units)
        now = utcnow()
        token = new_opaque_token()
        repo.add(
            PasswordResetToken(
                user_id=user.id,
                token_hash=token_digest(token),
                expires_at=now + INVITATION_LIFETIME,
            )
        )
        link = f"{settings.public_url.rstrip('/')}/client/invitation?token={token}"
        await self._queue_mail(
            session,
            settings,
            to_address=address,
            kind="client_invitation",
            subject="【haken】派遣先ポータルへのご招待 / Invitation to the client portal",
            body=(
                "派遣先ポータルへご招待します。72時間以内に次のリンクを開き、パスワードを設定してください。\n"
                "You are invited to the client portal. Open this link within 72 hours "
                "and set your password:\n\n"
                f"{link}\n"
            ),
        )
        _touch_user(session, user.id)
        snapshot = _user_snapshot(user, sites)
        snapshot["client_id"] = client_id
        if units:
            snapshot["unit_ids"] = units
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="invite",
            after=snapshot,
        )
        return _user_read(user, sites)

    async def client_users(
        self, session: AsyncSession, *, client_id: int, limit: int = 200
    ) -> list[ClientUserRead]:
        """A client's supervisors with their portal scope, by e-mail (one statement;
        unscoped: the client portal's service checks the caller)."""
        found = await IdentityRepository(session).client_users_with_scope(
            client_id=client_id, user_id=None, limit=limit
        )
        return [_client_user_read(user, sites, units) for user, sites, units in found]

    async def client_user(self, session: AsyncSession, user_id: int) -> ClientUserRead:
        """One client supervisor and its scope; NotFoundError for any other account."""
        found = await IdentityRepository(session).client_users_with_scope(
            client_id=None, user_id=user_id, limit=1
        )
        if not found:
            raise NotFoundError()
        return _client_user_read(*found[0])

    async def change_client_scope(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        user_id: int,
        version: int,
        site_ids: Sequence[int],
        unit_ids: Sequence[int],
    ) -> ClientUserRead:
        """Replace a client supervisor's sites and 組織単位 (the caller, client_portal, has
        checked they are its client's). Its sessions stay: the write drops its cached
        principal (``_principal_write_rules``), so its next request reads the new scope.
        Audited as ``user change_units`` with both scopes."""
        repo = IdentityRepository(session)
        current = await self.client_user(session, user_id)
        user = await repo.user_by_id(user_id)
        if user is None:
            raise NotFoundError()
        if user.version != version:
            raise VersionConflictError()
        sites, units = sorted(set(site_ids)), sorted(set(unit_ids))
        before = {"site_ids": current.site_ids, "unit_ids": current.unit_ids}
        await repo.replace_sites(user.id, sites)
        await repo.replace_units(user.id, units)
        user.updated_at = utcnow()  # the row's UPDATE bumps its version (a stale form: 409)
        await repo.flush()
        _touch_user(session, user.id)
        cache_tags.invalidate_after_commit(session, entity_tag("principal", user.id))
        await audit_service.record(
            session,
            principal,
            entity_type="user",
            entity_id=user.id,
            action="change_units",
            before=before,
            after={"site_ids": sites, "unit_ids": units},
        )
        return _client_user_read(user, sites, units)

    async def reset_password_by_operator(self, session: AsyncSession, *, email: str) -> str:
        """The operator's way back into an account (``haken user reset-password``).

        Sets a new generated one-time password (returned: it exists nowhere else),
        lifts a lockout, ends every session of the user and records the reset
        with no acting user (the CLI). An unknown e-mail is :class:`NotFoundError`.
        """
        repo = IdentityRepository(session)
        user = await repo.user_by_email(email.strip())
        if user is None:
            raise NotFoundError()
        password = generate_password()
        now = utcnow()
        user.password_hash = hash_password(password)
        user.password_changed_at = now
        user.failed_login_count = 0
        user.locked_until = None
        revoked = await repo.revoke_sessions(user.id, now, "password_reset")
        _touch_user(session, user.id)  # the row's version
        await audit_service.record(
            session,
            None,
            entity_type="user",
            entity_id=user.id,
            action="password_reset_by_operator",
            before={"password": "old"},
            after={"password": "new", "sessions_revoked": revoked},
        )
        return password

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

    async def session_owner(
        self, session: AsyncSession, principal: Principal, session_id: str
    ) -> tuple[SessionRead, UserLabel]:
        """A session and its user, as an administrator may end it (the confirmation page):
        not found outside the administrator's reach, like ``revoke_any_session``."""
        repo = IdentityRepository(session)
        auth_session = await repo.auth_session(session_id)
        if auth_session is None:
            raise NotFoundError()
        owner = await repo.readable_user(principal, auth_session.user_id)
        if owner is None:
            raise NotFoundError()
        read = SessionRead.model_validate(auth_session)
        read.current = auth_session.id == principal.session_id
        return read, UserLabel(id=owner.id, display_name=owner.display_name, email=owner.email)

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

    async def _check_links(
        self,
        session: AsyncSession,
        principal: Principal | None,
        role: Role,
        employee_id: int | None,
        site_ids: list[int],
        *,
        user_id: int | None = None,
    ) -> None:
        """Links must fit the role and point at rows the granting user can read.

        Only the employee role links to an employee record (one account each); only
        site managers have sites. ``principal`` None is the operator's CLI (no scope).
        """
        if employee_id is not None:
            if role is not Role.EMPLOYEE:
                raise EmployeeLinkRoleError()
            try:
                if principal is None:
                    await employees_service.get_brief(session, employee_id)
                else:
                    await employees_service.get(session, principal, employee_id)
            except NotFoundError as error:
                raise EmployeeLinkError() from error
            holder = await IdentityRepository(session).user_by_employee(employee_id)
            if holder is not None and holder.id != user_id:
                raise EmployeeLinkError()
        if site_ids:
            if role is not Role.SITE_MANAGER:
                raise SiteLinkRoleError()
            wanted = sorted(set(site_ids))
            known = await clients_service.get_site_labels(session, wanted)
            missing = [site_id for site_id in wanted if site_id not in known]
            if principal is not None and not principal.is_at_least(Role.ADMIN):
                for site_id in wanted:
                    if site_id in missing:
                        continue
                    try:
                        await clients_service.get_site(session, principal, site_id=site_id)
                    except NotFoundError:
                        missing.append(site_id)
            if missing:
                raise SiteLinkError(site_ids=", ".join(map(str, sorted(missing))))

    async def create_user(
        self, session: AsyncSession, principal: Principal | None, data: UserCreate
    ) -> UserRead:
        """Create an account; ``principal`` None means the operator's CLI (no ceiling)."""
        self._check_grant(principal, data.role)
        if data.role.is_client:
            # A client's account exists only through an invitation (invite_client_user).
            raise RoleEscalationError()
        repo = IdentityRepository(session)
        email = data.email.lower()
        _check_new_password(data.password, None, email=email, name=data.display_name)
        if await repo.user_by_email(email) is not None:
            raise EmailTakenError()
        await self._check_links(session, principal, data.role, data.employee_id, data.site_ids)
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
        site_ids = sorted(set(data.site_ids))
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
        key="users:{search}:{role}:{sort}:{request.limit}:{request.cursor}:{request.count}",
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
        sort: str = USER_SORTING.default,
    ) -> PageResult[UserRead]:
        """One page of users (``sort``: a value of ``USER_SORTING``); the site managers'
        sites in one more statement when the page holds any."""
        repo = IdentityRepository(session)
        result = await repo.page_users(principal, search, role, request, sort)
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

    async def user_labels(
        self, session: AsyncSession, user_ids: Sequence[int]
    ) -> dict[int, UserLabel]:
        """Names and e-mail addresses of users, for pages that show who did something
        (the audit log): one query for all of them."""
        users = await IdentityRepository(session).users_by_ids(sorted(set(user_ids)))
        return {u.id: UserLabel(id=u.id, display_name=u.display_name, email=u.email) for u in users}

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
        if change.role.is_client or Role(user.role).is_client:
            raise RoleEscalationError()  # a client's account never becomes an agency role
        if user.version != change.version:
            raise VersionConflictError()
        before_sites = (await repo.site_ids_by_user([user.id])).get(user.id, [])
        before = _user_snapshot(user, before_sites)
        if change.role is Role.SITE_MANAGER:
            site_ids = sorted(set(change.site_ids if change.site_ids is not None else before_sites))
        else:
            if change.site_ids:
                raise SiteLinkRoleError()
            site_ids = []
        await self._check_links(session, principal, change.role, None, site_ids)
        user.role = change.role.value
        if change.role is not Role.EMPLOYEE:
            # Only the employee role self-serves an employee record: the link ends here.
            user.employee_id = None
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
        """Metadata only (recipient, kind, time, delivery state): never a body."""
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

    async def activity(
        self, session: AsyncSession, *, now: dt.datetime, days: Sequence[dt.date], zone: str
    ) -> IdentityActivity:
        """Users by role, sessions, sign-ins (per agency day in ``days``) and failed
        sign-ins for the admin dashboard: one statement. Not cached here: the caller
        caches it with its other figures under :data:`ACTIVITY_TAG`."""
        tz = ZoneInfo(zone)
        bounds = [dt.datetime.combine(day, dt.time(), tz) for day in days]
        if days:
            bounds.append(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tz))
        counts = await IdentityRepository(session).activity_counts(now, bounds)
        by_role = {role: counts[f"role_{role.value}"] for role in Role}
        return IdentityActivity(
            users_by_role=by_role,
            users_active=sum(by_role.values()),
            users_inactive=counts["users_inactive"],
            users_failing=counts["users_failing"],
            users_locked=counts["users_locked"],
            sessions_active=counts["sessions_active"],
            logins_24h=counts["logins_24h"],
            logins_7d=counts["logins_7d"],
            logins_by_day=[
                DayCount(day=day, count=counts[f"day_{index}"]) for index, day in enumerate(days)
            ],
            address_failures_24h=counts["address_failures_24h"],
            unknown_failures_24h=counts["unknown_failures_24h"],
            addresses_locked=counts["addresses_locked"],
        )

    async def has_users(self, session: AsyncSession) -> bool:
        return await IdentityRepository(session).any_user()

    async def purge_expired(self, session: AsyncSession) -> dict[str, int]:
        now = utcnow()
        return await IdentityRepository(session).purge_expired(
            now, unknown_failures_before=now - UNKNOWN_FAILURE_MEMORY
        )


identity_service = IdentityService()


def generate_password() -> str:
    """A one-time password for the seeded admin: 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


__all__ = [
    "ClientInfo",
    "IdentityService",
    "MailMessage",
    "Outcome",
    "generate_password",
    "identity_service",
]
