"""The small base every module's repository extends.

A module's repository keeps its own queries (filters, joins, reports); what is the same in
every area lives here once:

- :class:`Repository` — the session, ``add``/``flush``, one page of a list (keyset; with
  ``count`` the total rides in the same statement as a scalar subquery, so a counted page
  costs no extra round trip; ``item``/``counted`` for rows with joined names or rates),
  ``names_by_id`` (records' human names in one statement: the audit log), and
  ``delete_if_unreferenced`` (the database's foreign keys decide, in a savepoint) for areas
  that archive what is still referenced;
- :class:`ModelRepository` — one model's ``get`` by id, and the scoped reads:
  the subclass states its row scope once in :meth:`ModelRepository.readable_statement`;
  ``readable`` and ``readable_or_404`` use it (a row outside the scope is not found,
  never "forbidden"), and so does the subclass's list statement;
- :class:`ArchivedAtMixin` and ``archive``/``restore`` — the one archive convention.

Archive convention (new tables follow it): a nullable ``archived_at`` (UTC) and nothing
else; a row is archived when it is set. One column cannot disagree with itself, and a
list's "hide archived" is :func:`archived_filter` (``archived_at IS NULL``). Index a list
of unarchived rows with :func:`active_index` (partial, ``WHERE archived_at IS NULL`` on
both databases: PostgreSQL's planner takes ``IS NULL`` for no equality, so an index
*leading* with ``archived_at`` would not give the list's order) and the archived list with
:func:`archived_index` (few rows, sorted after the read). Every table follows it since
migration ``0017_archived_at`` (docs/architecture.md, "Archive convention").
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Index, Select, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.access import Principal
from haken.platform.db import UTCDateTime
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page

M = TypeVar("M")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ArchivedAtMixin:
    """The archive convention of new tables: archived when ``archived_at`` is set."""

    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


ACTIVE_ROWS = "archived_at IS NULL"
ARCHIVED_ROWS = "archived_at IS NOT NULL"


def archived_filter(model: Any, archived: bool) -> ColumnElement[bool]:
    """The rows of a list: archived ones (``archived_at`` set) or the others."""
    column = model.archived_at
    condition: ColumnElement[bool] = column.is_not(None) if archived else column.is_(None)
    return condition


def active_index(name: str, *columns: str) -> Index:
    """A list's index of unarchived rows: partial ``WHERE archived_at IS NULL`` (both
    databases), so the keyset walk reads it in order."""
    return Index(name, *columns, postgresql_where=text(ACTIVE_ROWS), sqlite_where=text(ACTIVE_ROWS))


def archived_index(name: str) -> Index:
    """The archived list's index: ``(archived_at, id) WHERE archived_at IS NOT NULL``."""
    return Index(
        name,
        "archived_at",
        "id",
        postgresql_where=text(ARCHIVED_ROWS),
        sqlite_where=text(ARCHIVED_ROWS),
    )


class Repository:
    """Session plumbing and paging shared by every repository."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    def add_all(self, rows: Sequence[object]) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        await self.session.flush()

    async def page(
        self,
        statement: Select[Any],
        keys: Sequence[SortKey],
        request: PageRequest,
        *,
        item: Callable[[Any], Any] | None = None,
        counted: Select[Any] | None = None,
    ) -> PageResult[Any]:
        """One statement per page: keyset after the cursor, one extra row for ``has_more``,
        and with ``count`` the total of ``statement`` as a scalar subquery of the same query.
        Only a counted request past the last row needs a second statement.

        ``item`` turns a result row into the page's item where the statement selects more
        than the one entity (names or a rate joined to it; the item must still answer the
        sort keys' attributes, which key the cursor); the default is the row's first
        entity. ``counted`` counts the same rows more cheaply (without joins that never
        add or drop one); the default counts ``statement`` itself."""
        paged = apply_keyset(statement, keys, request)
        make = item if item is not None else (lambda row: row[0])
        if not request.count:
            rows = (await self.session.execute(paged)).all()
            return build_page([make(row) for row in rows], keys, request)
        if counted is None:
            counted = select(func.count()).select_from(statement.order_by(None).subquery())
        result = (await self.session.execute(paged.add_columns(counted.scalar_subquery()))).all()
        if result:
            total = int(result[0][-1])
        elif request.cursor is None:
            total = 0
        else:  # past the last row: the total needs its own query
            total = int(await self.session.scalar(counted) or 0)
        return build_page([make(row) for row in result], keys, request, total)

    async def names_by_id(self, model: Any, ids: Sequence[int], *columns: Any) -> dict[int, str]:
        """``{id: name}`` of the rows of ``model`` among ``ids`` in one statement, unscoped:
        the first non-empty of ``columns`` (kanji before kana, a display name before the
        e-mail address). The audit log names a page's records with it, one type at a time."""
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        statement = select(model.id, *columns).where(model.id.in_(wanted))
        found: dict[int, str] = {}
        for row in (await self.session.execute(statement)).all():
            name = next((str(value) for value in row[1:] if value), None)
            if name is not None:
                found[int(row[0])] = name
        return found

    async def delete_if_unreferenced(self, model: Any, row_id: int) -> bool:
        """Delete the row unless a foreign key anywhere still points at it.

        Runs in a savepoint: the database, not a list kept here, knows every table that
        refers to the row, so a refusal is the signal to archive instead.
        """
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    delete(model)
                    .where(model.id == row_id)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:
            return False
        return True


class ModelRepository(Repository, Generic[M], abc.ABC):
    """A repository centred on one model, with its row scope stated once."""

    model: ClassVar[type[Any]]

    @abc.abstractmethod
    def readable_statement(self, principal: Principal) -> Select[Any]:
        """``select(model)`` limited to the rows ``principal`` may read."""

    async def get(self, row_id: int) -> M | None:
        """The row by primary key, unscoped (internal reads; identity map first)."""
        row: M | None = await self.session.get(self.model, row_id)
        return row

    async def readable(self, principal: Principal, row_id: int) -> M | None:
        statement = self.readable_statement(principal).where(self.model.id == row_id)
        row: M | None = (await self.session.scalars(statement)).first()
        return row

    async def readable_or_404(self, principal: Principal, row_id: int) -> M:
        """The row if ``principal`` may read it; otherwise ``NOT_FOUND`` (outside the scope
        is indistinguishable from absent)."""
        row = await self.readable(principal, row_id)
        if row is None:
            raise NotFoundError()
        return row

    @staticmethod
    def archive(row: Any, *, at: dt.datetime | None = None) -> bool:
        """Archive ``row`` (the ``archived_at`` convention); False when it already was."""
        if row.archived_at is not None:
            return False
        row.archived_at = at or utcnow()
        return True

    @staticmethod
    def restore(row: Any) -> bool:
        """Undo :meth:`archive`; False when the row was not archived."""
        if row.archived_at is None:
            return False
        row.archived_at = None
        return True
