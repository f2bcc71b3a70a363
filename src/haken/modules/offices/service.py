"""Use cases of the offices area (派遣元事業所).

Admins keep the list: a new office, an edit, the default moved to another office (one
default at all times: the migration made it from the settings), an archive. Other areas ask
:meth:`OfficesService.resolve` for a contract's office (the default for a contract naming
none) and :meth:`OfficesService.check_usable` before a contract names one (an archived
office is refused). Never commits; every write records an audit row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.offices.errors import (
    OfficeArchivedError,
    OfficeDefaultRequiredError,
    OfficeNotFoundError,
)
from haken.modules.offices.models import Office
from haken.modules.offices.repository import OfficesRepository
from haken.modules.offices.schemas import OfficeCreate, OfficeFilter, OfficeRead, OfficeUpdate
from haken.platform.access import Principal
from haken.platform.cache import cache_tags
from haken.platform.editing import (
    check_not_null,
    check_version,
    flush_or_conflict,
    set_archived,
    snapshot,
)
from haken.platform.errors import NotFoundError

_NOT_AUDITED = {"created_at", "updated_at", "version"}
LIST_TAG = "offices:list"


def _snapshot(row: Office) -> dict[str, object]:
    values = snapshot(row, _NOT_AUDITED)
    archived_at = values.pop("archived_at")
    values["archived"] = archived_at is not None
    return values


class OfficesService:
    async def list_offices(
        self, session: AsyncSession, *, filters: OfficeFilter
    ) -> list[OfficeRead]:
        rows = await OfficesRepository(session).listed(archived=filters.archived)
        return [OfficeRead.model_validate(row) for row in rows]

    async def get_office(self, session: AsyncSession, *, office_id: int) -> OfficeRead:
        row = await OfficesRepository(session).get(office_id)
        if row is None:
            raise NotFoundError()
        return OfficeRead.model_validate(row)

    async def resolve(self, session: AsyncSession, office_id: int | None) -> OfficeRead | None:
        """The contract's office: the one named, else the default (None only when the
        agency has no office at all)."""
        row = await OfficesRepository(session).resolve(office_id)
        return OfficeRead.model_validate(row) if row is not None else None

    async def check_usable(self, session: AsyncSession, office_id: int) -> None:
        """A contract may name the office: it exists and is not archived."""
        row = await OfficesRepository(session).get(office_id)
        if row is None:
            raise OfficeNotFoundError()
        if row.archived_at is not None:
            raise OfficeArchivedError(name=row.name)

    async def office_names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        return await OfficesRepository(session).names(ids)

    async def create_office(
        self, session: AsyncSession, principal: Principal, *, data: OfficeCreate
    ) -> OfficeRead:
        repo = OfficesRepository(session)
        first = await repo.default() is None  # the agency's first office is the default
        office = Office(**data.model_dump(exclude={"is_default"}), is_default=False)
        repo.add(office)
        await repo.flush()
        if data.is_default or first:
            await repo.clear_default(office.id)
            office.is_default = True
            await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="office",
            entity_id=office.id,
            action="create",
            after=_snapshot(office),
        )
        cache_tags.invalidate_after_commit(session, LIST_TAG)
        return OfficeRead.model_validate(office)

    async def update_office(
        self, session: AsyncSession, principal: Principal, *, office_id: int, data: OfficeUpdate
    ) -> OfficeRead:
        repo = OfficesRepository(session)
        office = await repo.get(office_id)
        if office is None:
            raise NotFoundError()
        check_version(office, data.version)
        before = _snapshot(office)
        changes = data.model_dump(exclude_unset=True, exclude={"version", "archived"})
        check_not_null(office, changes)
        archive = data.archived is True and office.archived_at is None
        if office.is_default and (changes.get("is_default") is False or archive):
            raise OfficeDefaultRequiredError()
        if (
            changes.get("is_default")
            and office.archived_at is not None
            and data.archived is not False
        ):
            raise OfficeArchivedError(name=office.name)
        make_default = bool(changes.pop("is_default", False)) and not office.is_default
        for key, value in changes.items():
            setattr(office, key, value)
        if data.archived is not None:
            set_archived(office, data.archived)
        await flush_or_conflict(repo.flush)
        if make_default:
            await repo.clear_default(office.id)
            office.is_default = True
            await flush_or_conflict(repo.flush)
        await audit_service.record(
            session,
            principal,
            entity_type="office",
            entity_id=office.id,
            action="update",
            before=before,
            after=_snapshot(office),
        )
        cache_tags.invalidate_after_commit(session, LIST_TAG, f"office:{office.id}")
        return OfficeRead.model_validate(office)


offices_service = OfficesService()

__all__ = ["OfficesService", "offices_service"]
