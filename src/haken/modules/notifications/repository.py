"""Every query of the notifications area; a reader's rows only (user_id = the principal)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.notifications.models import Notification
from haken.platform.db import commit_and_flush_hooks
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository

INBOX_SORT = (SortKey(Notification.id, "desc"),)


@contextlib.asynccontextmanager
async def detached_unit(bind: Any) -> AsyncIterator[AsyncSession]:
    """A transaction of its own on ``bind`` (an after-commit hook writes here: the caller's
    transaction is over). Commits and runs its own after-commit hooks (the mail job's send)."""
    unit = AsyncSession(bind=bind, expire_on_commit=False)
    try:
        yield unit
        await commit_and_flush_hooks(unit)
    except BaseException:
        await unit.rollback()
        raise
    finally:
        await unit.close()


class NotificationRepository(Repository):
    async def sent_links(self, kind: str, links: Sequence[str]) -> set[str]:
        """Which of ``links`` some notification of ``kind`` already points at (a job's once
        per subject: one indexed read whatever the number of recipients)."""
        if not links:
            return set()
        statement = (
            select(Notification.link)
            .where(Notification.kind == kind, Notification.link.in_(sorted(set(links))))
            .distinct()
        )
        return set((await self.session.scalars(statement)).all())

    async def inbox(
        self,
        user_id: int,
        request: PageRequest,
        *,
        unread: bool = False,
        sort: Sequence[SortKey] = INBOX_SORT,
    ) -> PageResult[Notification]:
        statement = select(Notification).where(Notification.user_id == user_id)
        if unread:
            statement = statement.where(Notification.read_at.is_(None))
        return await self.page(statement, tuple(sort), request)

    async def own(self, user_id: int, notification_id: int) -> Notification | None:
        statement = select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
        return (await self.session.scalars(statement)).first()

    async def unread_count(self, user_id: int) -> int:
        statement = select(func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        return int(await self.session.scalar(statement) or 0)

    async def mark_all_read(self, user_id: int, at: dt.datetime) -> int:
        statement = (
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=at)
            .execution_options(synchronize_session=False)
        )
        result: Any = await self.session.execute(statement)
        return int(result.rowcount or 0)

    def add_many(self, rows: Sequence[Notification]) -> None:
        self.add_all(rows)
