"""The inbox's use cases, and ``notify_after_commit`` for the other areas' services.

An event is registered in the writer's transaction and delivered by an after-commit hook
(``platform.db.after_commit``) in a transaction of its own: a rolled-back write notifies
nobody, and a failing delivery (logged) never undoes the business write. The audience is
resolved at delivery through ``identity_service.recipients`` (one query): the accounts of
the employees concerned, the site managers of their sites, named accounts (a worker's
coordinator of record), the administrators for admin steps — or as a fallback when none of
the named is active (a second query then); never the person who acted. With
``HAKEN_NOTIFICATIONS_EMAIL`` (and SMTP set) each recipient also gets the sentence by e-mail
through identity's sealed outbox and its delivery job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.modules.audit.service import audit_service
from haken.modules.identity.service import identity_service
from haken.modules.notifications.models import Notification
from haken.modules.notifications.repository import NotificationRepository, detached_unit
from haken.modules.notifications.schemas import MarkedAll, NotificationRead, UnreadCount
from haken.modules.notifications.sorting import INBOX_SORTING
from haken.modules.notifications.titles import KINDS, render_title
from haken.platform.access import Principal
from haken.platform.db import after_commit, utcnow
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Audience:
    """Whom an event concerns; resolved to accounts after the commit."""

    user_ids: tuple[int, ...] = ()  # these accounts (active ones)
    employee_ids: tuple[int, ...] = ()  # their own accounts
    site_ids: tuple[int, ...] = ()  # the site managers of these sites
    admins: bool = False
    exclude_user_id: int | None = None  # the actor: not told of their own action
    fallback_admins: bool = False  # the administrators when nobody above is (still) active


def to_read(row: Notification, locale: str) -> NotificationRead:
    return NotificationRead(
        id=row.id,
        kind=row.kind,
        title=render_title(row.kind, row.params, locale),
        params=row.params,
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )


class NotificationsService:
    def __init__(self) -> None:
        self.settings: Settings | None = None

    def configure(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def email_enabled(self) -> bool:
        return bool(
            self.settings is not None
            and self.settings.notifications_email
            and self.settings.smtp_host
        )

    # --- events (called by other areas' services) -------------------------------------------

    def notify_after_commit(
        self,
        session: AsyncSession,
        audience: Audience,
        kind: str,
        params: dict[str, Any],
        link: str = "",
    ) -> None:
        """Tell ``audience`` of ``kind`` once ``session`` commits (never if it rolls back)."""
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        bind = session.bind

        async def deliver() -> None:
            await self.deliver(bind, audience, kind, dict(params), link)

        after_commit(session, deliver)

    async def deliver(
        self, bind: Any, audience: Audience, kind: str, params: dict[str, Any], link: str
    ) -> int:
        """Write the rows (and queue the mails) in a transaction of their own."""
        async with detached_unit(bind) as unit:
            found = await identity_service.recipients(
                unit,
                employee_ids=audience.employee_ids,
                site_ids=audience.site_ids,
                admins=audience.admins,
                user_ids=audience.user_ids,
            )
            by_user = {r.user_id: r for r in found}
            user_ids = set(by_user) - {audience.exclude_user_id}
            if not user_ids and audience.fallback_admins and not audience.admins:
                found = await identity_service.recipients(unit, admins=True)
                by_user = {r.user_id: r for r in found}
                user_ids = set(by_user) - {audience.exclude_user_id}
            now = utcnow()
            rows = [
                Notification(user_id=uid, kind=kind, params=params, link=link, created_at=now)
                for uid in sorted(user_ids)
            ]
            NotificationRepository(unit).add_many(rows)
            if self.email_enabled and self.settings is not None:
                for uid in sorted(user_ids):
                    recipient = by_user.get(uid)
                    if recipient is None:
                        continue
                    title = render_title(kind, params, recipient.locale)
                    body = f"{title}\n\n{self.settings.public_url.rstrip('/')}{link}\n"
                    await identity_service.queue_notification_mail(
                        unit,
                        self.settings,
                        to_address=recipient.email,
                        subject=f"[haken] {title}",
                        body=body,
                    )
        log.info("notifications delivered", kind=kind, recipients=len(rows))
        return len(rows)

    async def already_told(
        self, session: AsyncSession, kind: str, links: Sequence[str]
    ) -> set[str]:
        """The links among ``links`` that a notification of ``kind`` was already sent for (a
        daily job tells each subject once: the link names the subject)."""
        return await NotificationRepository(session).sent_links(kind, links)

    # --- the inbox -------------------------------------------------------------------------

    async def inbox(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        *,
        unread: bool = False,
        sort: str | None = None,
    ) -> PageResult[NotificationRead]:
        """The caller's notifications, newest first (one statement; ``unread``: only those
        not read yet; ``sort``: one of ``INBOX_SORTING``)."""
        found = await NotificationRepository(session).inbox(
            principal.user_id, page, unread=unread, sort=INBOX_SORTING.keys(sort)
        )
        return found.with_items([to_read(row, principal.locale) for row in found.items])

    async def unread_count(self, session: AsyncSession, principal: Principal) -> UnreadCount:
        return UnreadCount(
            unread=await NotificationRepository(session).unread_count(principal.user_id)
        )

    async def mark_read(
        self, session: AsyncSession, principal: Principal, notification_id: int
    ) -> NotificationRead:
        """Mark one of the caller's own notifications read (another's: 404)."""
        repo = NotificationRepository(session)
        row = await repo.own(principal.user_id, notification_id)
        if row is None:
            raise NotFoundError()
        if row.read_at is None:
            row.read_at = utcnow()
            await repo.flush()
        await audit_service.record(
            session, principal, entity_type="notification", entity_id=row.id, action="read"
        )
        return to_read(row, principal.locale)

    async def mark_all_read(self, session: AsyncSession, principal: Principal) -> MarkedAll:
        marked = await NotificationRepository(session).mark_all_read(principal.user_id, utcnow())
        await audit_service.record(
            session,
            principal,
            entity_type="notification",
            entity_id=principal.user_id,
            action="read_all",
            after={"marked": marked},
        )
        return MarkedAll(marked=marked)


notifications_service = NotificationsService()
