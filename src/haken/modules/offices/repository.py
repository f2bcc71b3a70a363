"""Every query of the offices area (agency-wide reference data: no row scope)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from haken.modules.offices.models import Office
from haken.platform.repository import Repository, archived_filter


class OfficesRepository(Repository):
    async def listed(self, *, archived: bool) -> Sequence[Office]:
        """The offices (a handful: one statement, the default first, then by name)."""
        statement = (
            select(Office)
            .where(archived_filter(Office, archived))
            .order_by(Office.is_default.desc(), Office.name, Office.id)
        )
        return (await self.session.scalars(statement)).all()

    async def get(self, office_id: int) -> Office | None:
        return await self.session.get(Office, office_id)

    async def default(self) -> Office | None:
        statement = select(Office).where(Office.is_default.is_(True)).limit(1)
        return (await self.session.scalars(statement)).first()

    async def resolve(self, office_id: int | None) -> Office | None:
        """The office by id, or the default one for ``None``: one statement either way."""
        if office_id is None:
            return await self.default()
        return await self.get(office_id)

    async def clear_default(self, keep: int) -> None:
        """No office but ``keep`` is the default (before ``keep`` becomes it)."""
        await self.session.execute(
            update(Office)
            .where(Office.is_default.is_(True), Office.id != keep)
            .values(is_default=False, version=Office.version + 1)
            .execution_options(synchronize_session="fetch")
        )

    async def names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(Office, ids, Office.name)
