"""Use cases of the clients area: client companies, sites, units, contacts.

Never commits (the request boundary does); every write records an audit row in the same
transaction. Deleting a client, site or unit deletes it only when nothing refers to it;
otherwise it is archived (``archived`` + ``archived_at``) and stays readable, because
contracts, assignments and ledgers must keep pointing at what was true then.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.dispatch import DispatchPeriod, hearing_deadline, site_conflict_date
from haken.labor.dispatch import SiteExtension as LimitExtension
from haken.modules.audit.service import AuditItem, audit_service
from haken.modules.clients.errors import (
    ClientArchivedError,
    CorporateNumberInvalidError,
    CorporateNumberTakenError,
    InvoiceNumberInvalidError,
    InvoiceNumberMismatchError,
    SiteExtensionBeforeStartError,
    SiteExtensionLateError,
    SiteNoDispatchStartError,
    UnitSiteArchivedError,
)
from haken.modules.clients.models import (
    Client,
    ClientContact,
    ClientSite,
    ClientUnit,
    SiteExtension,
)
from haken.modules.clients.numbers import is_valid_corporate_number, is_valid_invoice_number
from haken.modules.clients.repository import ClientsRepository
from haken.modules.clients.schemas import (
    ClientCreate,
    ClientFilter,
    ClientRead,
    ClientUpdate,
    ContactCreate,
    ContactFilter,
    ContactRead,
    ContactUpdate,
    DeleteOutcome,
    SiteCreate,
    SiteDetail,
    SiteExtensionCreate,
    SiteExtensionRead,
    SiteFilter,
    SiteLabel,
    SiteRead,
    SiteUpdate,
    UnitCreate,
    UnitFilter,
    UnitPlacement,
    UnitRead,
    UnitUpdate,
)
from haken.modules.clients.sorting import CLIENT_SORTING
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.editing import (
    apply_changes,
    check_version,
    delete_or_archive,
    flush_or_conflict,
    set_archived,
    snapshot,
)
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.jobs import enqueue_job
from haken.platform.jptext import search_key
from haken.platform.pagination import PageRequest, PageResult

# Columns that are derived or bookkeeping: left out of audit diffs.
_NOT_AUDITED = {"name_key", "kana_key", "sort_key", "created_at", "updated_at"}


def _snapshot(row: Any) -> dict[str, Any]:
    return snapshot(row, _NOT_AUDITED)


async def _flush(repo: ClientsRepository) -> None:
    await flush_or_conflict(repo.flush)


def _fold_number(value: str | None) -> str | None:
    """Full-width digits, hyphens and spaces as people paste them → the bare number."""
    if value is None:
        return None
    folded = re.sub(r"[\s\-‐−ー]", "", unicodedata.normalize("NFKC", value)).upper()
    return folded or None


def _check_numbers(kind: str, corporate: str | None, invoice: str | None) -> None:
    if corporate is not None and not is_valid_corporate_number(corporate):
        raise CorporateNumberInvalidError()
    if invoice is None:
        return
    corporation = kind == "corporation"
    if not is_valid_invoice_number(invoice, corporation=corporation):
        raise InvoiceNumberInvalidError()
    if corporation and corporate is not None and invoice[1:] != corporate:
        raise InvoiceNumberMismatchError()


def _name_keys(client: Client) -> None:
    client.name_key = search_key(client.name)
    client.kana_key = search_key(client.name_kana) if client.name_kana else None
    client.sort_key = client.kana_key or client.name_key


# The assignments area stores each running assignment's 抵触日; it registers this job
# (assignments/tasks.py). Named, not imported: clients sits below assignments.
REFRESH_SITE_JOB = "assignments.refresh_site"


def _refresh_assignments_after_commit(session: AsyncSession, site_id: int) -> None:
    """The site 抵触日 moved: have the assignments there take it right after the commit."""
    enqueue_job(session, REFRESH_SITE_JOB, site_id=site_id)


def _conflict_date(start: dt.date | None, extensions: Iterable[SiteExtension]) -> dt.date | None:
    """The site 抵触日 from the date dispatch began and the valid extensions (Art. 40-2).

    The site is taken as continuously receiving dispatch from ``start``: the client states
    the date, and the agency has no view of other agencies' workers at the site.
    """
    if start is None:
        return None
    result = site_conflict_date(
        [DispatchPeriod(start, start)],
        reference_date=start,
        extensions=[LimitExtension(e.hearing_date, e.months) for e in extensions],
    )
    return result.conflict_date


def _site_detail(site: ClientSite, extensions: Sequence[SiteExtension]) -> SiteDetail:
    detail = SiteDetail.model_validate(site)
    detail.extensions = [SiteExtensionRead.model_validate(e) for e in extensions]
    if site.conflict_date is not None:
        detail.hearing_deadline = hearing_deadline(site.conflict_date)
    return detail


CreateResults = list[int | HakenError]
"""One result per item of a batched create: the new id or the catalog error that refused it."""

CREATE_CHUNK = 500
"""Items per ``INSERT`` of the batched creates (≈ 30 columns each: within SQLite's 32,766 and
PostgreSQL's 32,767 bound parameters)."""

_ENTITY_TYPES: dict[type, str] = {
    Client: "client",
    ClientSite: "client_site",
    ClientUnit: "client_unit",
}
"""The audit entity type of each record the batched creates write (as the single creates)."""


def _insert_values(row: Any, now: dt.datetime) -> dict[str, Any]:
    """A built record's columns as the batched ``INSERT`` takes them: every column but the id
    (one key set for the chunk), an unset one at its default as the ORM would insert it."""
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key == "id":
            continue
        value = row.__dict__.get(column.key)
        if value is None and (column.key not in row.__dict__ or not column.nullable):
            default = column.default
            if column.key in ("created_at", "updated_at"):
                value = now
            elif default is not None and getattr(default, "is_scalar", False):
                value = default.arg
            elif default is not None and getattr(default, "is_callable", False):
                value = default.arg(None)
        values[column.key] = value
    return values


async def _chunked(
    items: Sequence[Any],
    request_ids: Sequence[str] | None,
    create: Callable[[Sequence[Any], Sequence[str] | None], Awaitable[CreateResults]],
) -> CreateResults:
    results: CreateResults = []
    for start in range(0, len(items), CREATE_CHUNK):
        ids = request_ids[start : start + CREATE_CHUNK] if request_ids is not None else None
        results.extend(await create(items[start : start + CREATE_CHUNK], ids))
    return results


def _finished(results: Sequence[int | HakenError | None]) -> CreateResults:
    return [r if r is not None else NotFoundError() for r in results]


class ClientsService:
    # --- clients ------------------------------------------------------------------------

    async def client_names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Company names by id, one query, unscoped (the audit log names its records)."""
        return await ClientsRepository(session).client_names(ids)

    async def site_names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Site names by id, one query, unscoped (the audit log names its records)."""
        return await ClientsRepository(session).site_names(ids)

    async def list_clients(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ClientFilter,
        sort: str = CLIENT_SORTING.default,
        request: PageRequest,
    ) -> PageResult[ClientRead]:
        """One page of the client list; ``sort`` is a value of ``CLIENT_SORTING``."""
        result = await ClientsRepository(session).page_clients(principal, filters, sort, request)
        return result.with_items([ClientRead.model_validate(row) for row in result.items])

    async def get_client(
        self, session: AsyncSession, principal: Principal, *, client_id: int
    ) -> ClientRead:
        row = await ClientsRepository(session).readable_client(principal, client_id)
        if row is None:
            raise NotFoundError()
        return ClientRead.model_validate(row)

    async def create_client(
        self, session: AsyncSession, principal: Principal, *, data: ClientCreate
    ) -> ClientRead:
        repo = ClientsRepository(session)
        values = data.model_dump()
        values["corporate_number"] = _fold_number(data.corporate_number)
        values["invoice_registration_number"] = _fold_number(data.invoice_registration_number)
        _check_numbers(
            data.entity_kind, values["corporate_number"], values["invoice_registration_number"]
        )
        await self._check_corporate_number_free(repo, values["corporate_number"], None)
        client = Client(**values)
        _name_keys(client)
        repo.add(client)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client",
            entity_id=client.id,
            action="create",
            after=_snapshot(client),
        )
        return ClientRead.model_validate(client)

    async def update_client(
        self, session: AsyncSession, principal: Principal, *, client_id: int, data: ClientUpdate
    ) -> ClientRead:
        repo = ClientsRepository(session)
        client = await repo.readable_client(principal, client_id)
        if client is None:
            raise NotFoundError()
        check_version(client, data.version)
        before = _snapshot(client)
        changes = data.model_dump(exclude_unset=True, exclude={"version", "archived"})
        for key in ("corporate_number", "invoice_registration_number"):
            if key in changes:
                changes[key] = _fold_number(changes[key])
        apply_changes(client, changes)
        _check_numbers(
            client.entity_kind, client.corporate_number, client.invoice_registration_number
        )
        if "corporate_number" in changes:
            await self._check_corporate_number_free(repo, client.corporate_number, client.id)
        if data.archived is not None:
            set_archived(client, data.archived)
        _name_keys(client)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client",
            entity_id=client.id,
            action="update",
            before=before,
            after=_snapshot(client),
        )
        return ClientRead.model_validate(client)

    async def _check_corporate_number_free(
        self, repo: ClientsRepository, number: str | None, own_id: int | None
    ) -> None:
        if number is None:
            return
        other = await repo.client_by_corporate_number(number)
        if other is not None and other.id != own_id:
            raise CorporateNumberTakenError()

    async def delete_client(
        self, session: AsyncSession, principal: Principal, *, client_id: int, version: int
    ) -> DeleteOutcome:
        repo = ClientsRepository(session)
        client = await repo.readable_client(principal, client_id)
        if client is None:
            raise NotFoundError()
        return await self._delete_or_archive(session, principal, repo, client, "client", version)

    async def _delete_or_archive(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: ClientsRepository,
        row: Any,
        entity_type: str,
        version: int,
    ) -> DeleteOutcome:
        outcome = await delete_or_archive(
            repo,
            row,
            version,
            exclude=_NOT_AUDITED,
            record=partial(
                audit_service.record, session, principal, entity_type=entity_type, entity_id=row.id
            ),
        )
        return DeleteOutcome(id=row.id, outcome=outcome)

    # --- sites --------------------------------------------------------------------------

    async def list_sites(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: SiteFilter,
        request: PageRequest,
    ) -> PageResult[SiteRead]:
        result = await ClientsRepository(session).page_sites(principal, filters, request)
        return result.with_items([SiteRead.model_validate(row) for row in result.items])

    async def get_site(
        self, session: AsyncSession, principal: Principal, *, site_id: int
    ) -> SiteDetail:
        repo = ClientsRepository(session)
        site = await repo.readable_site(principal, site_id)
        if site is None:
            raise NotFoundError()
        return _site_detail(site, await repo.extensions(site.id))

    async def create_site(
        self, session: AsyncSession, principal: Principal, *, data: SiteCreate
    ) -> SiteDetail:
        repo = ClientsRepository(session)
        client = await repo.readable_client(principal, data.client_id)
        if client is None:
            raise NotFoundError()
        if client.is_archived:
            raise ClientArchivedError()
        values = {k: v for k, v in data.model_dump().items() if v is not None}
        site = ClientSite(**values, name_key=search_key(data.name))
        site.conflict_date = _conflict_date(site.dispatch_started_on, ())
        repo.add(site)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client_site",
            entity_id=site.id,
            action="create",
            after=_snapshot(site),
        )
        return _site_detail(site, ())

    async def update_site(
        self, session: AsyncSession, principal: Principal, *, site_id: int, data: SiteUpdate
    ) -> SiteDetail:
        repo = ClientsRepository(session)
        found = await repo.site_with_client(principal, site_id)
        if found is None:
            raise NotFoundError()
        site, client = found
        check_version(site, data.version)
        before = _snapshot(site)
        apply_changes(site, data.model_dump(exclude_unset=True, exclude={"version", "archived"}))
        site.name_key = search_key(site.name)
        if data.archived is False and client.is_archived:
            raise ClientArchivedError()
        if data.archived is not None:
            set_archived(site, data.archived)
        extensions = await repo.extensions(site.id)
        previous_conflict_date = site.conflict_date
        site.conflict_date = _conflict_date(site.dispatch_started_on, extensions)
        await _flush(repo)
        if site.conflict_date != previous_conflict_date:
            _refresh_assignments_after_commit(session, site.id)
        await audit_service.record(
            session,
            principal,
            entity_type="client_site",
            entity_id=site.id,
            action="update",
            before=before,
            after=_snapshot(site),
        )
        return _site_detail(site, extensions)

    async def add_site_extension(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        site_id: int,
        data: SiteExtensionCreate,
    ) -> SiteDetail:
        """Record a hearing that extends the site limit; refuse one that cannot extend it."""
        repo = ClientsRepository(session)
        site = await repo.readable_site(principal, site_id)
        if site is None:
            raise NotFoundError()
        check_version(site, data.version)
        if site.dispatch_started_on is None or site.conflict_date is None:
            raise SiteNoDispatchStartError()
        if data.hearing_date < site.dispatch_started_on:
            raise SiteExtensionBeforeStartError()
        deadline = hearing_deadline(site.conflict_date)
        if data.hearing_date > deadline:
            raise SiteExtensionLateError(deadline=deadline, conflict_date=site.conflict_date)
        before = _snapshot(site)
        existing = await repo.extensions(site.id)
        extension = SiteExtension(
            site_id=site.id,
            hearing_date=data.hearing_date,
            months=data.months,
            heard_party=data.heard_party,
            opinion=data.opinion,
            created_at=utcnow(),
            created_by=principal.user_id,
        )
        repo.add(extension)
        extensions = sorted([*existing, extension], key=lambda e: e.hearing_date)
        site.conflict_date = _conflict_date(site.dispatch_started_on, extensions)
        site.updated_at = utcnow()  # bumps the version: the 抵触日 others saw has changed
        await _flush(repo)
        _refresh_assignments_after_commit(session, site.id)
        await audit_service.record(
            session,
            principal,
            entity_type="client_site",
            entity_id=site.id,
            action="extend_limit",
            before=before,
            after={**_snapshot(site), "extension_hearing_date": data.hearing_date},
        )
        return _site_detail(site, extensions)

    async def delete_site(
        self, session: AsyncSession, principal: Principal, *, site_id: int, version: int
    ) -> DeleteOutcome:
        repo = ClientsRepository(session)
        site = await repo.readable_site(principal, site_id)
        if site is None:
            raise NotFoundError()
        return await self._delete_or_archive(session, principal, repo, site, "client_site", version)

    # --- units --------------------------------------------------------------------------

    async def list_units(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: UnitFilter,
        request: PageRequest,
    ) -> PageResult[UnitRead]:
        result = await ClientsRepository(session).page_units(principal, filters, request)
        return result.with_items([UnitRead.model_validate(row) for row in result.items])

    async def get_unit(
        self, session: AsyncSession, principal: Principal, *, unit_id: int
    ) -> UnitRead:
        row = await ClientsRepository(session).readable_unit(principal, unit_id)
        if row is None:
            raise NotFoundError()
        return UnitRead.model_validate(row)

    async def create_unit(
        self, session: AsyncSession, principal: Principal, *, data: UnitCreate
    ) -> UnitRead:
        repo = ClientsRepository(session)
        found = await repo.site_with_client(principal, data.site_id)
        if found is None:
            raise NotFoundError()
        site, client = found
        if site.is_archived or client.is_archived:
            raise UnitSiteArchivedError()
        unit = ClientUnit(
            **data.model_dump(),
            client_id=site.client_id,
            name_key=search_key(data.name),
        )
        repo.add(unit)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client_unit",
            entity_id=unit.id,
            action="create",
            after=_snapshot(unit),
        )
        return UnitRead.model_validate(unit)

    async def update_unit(
        self, session: AsyncSession, principal: Principal, *, unit_id: int, data: UnitUpdate
    ) -> UnitRead:
        repo = ClientsRepository(session)
        found = await repo.unit_with_parents(principal, unit_id)
        if found is None:
            raise NotFoundError()
        unit, site, client = found
        check_version(unit, data.version)
        before = _snapshot(unit)
        apply_changes(unit, data.model_dump(exclude_unset=True, exclude={"version", "archived"}))
        unit.name_key = search_key(unit.name)
        if data.archived is False and (site.is_archived or client.is_archived):
            raise UnitSiteArchivedError()
        if data.archived is not None:
            set_archived(unit, data.archived)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client_unit",
            entity_id=unit.id,
            action="update",
            before=before,
            after=_snapshot(unit),
        )
        return UnitRead.model_validate(unit)

    async def delete_unit(
        self, session: AsyncSession, principal: Principal, *, unit_id: int, version: int
    ) -> DeleteOutcome:
        repo = ClientsRepository(session)
        unit = await repo.readable_unit(principal, unit_id)
        if unit is None:
            raise NotFoundError()
        return await self._delete_or_archive(session, principal, repo, unit, "client_unit", version)

    # --- contacts -----------------------------------------------------------------------

    async def list_contacts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int,
        filters: ContactFilter,
        request: PageRequest,
    ) -> PageResult[ContactRead]:
        result = await ClientsRepository(session).page_contacts(
            principal, client_id, filters, request
        )
        if result is None:
            raise NotFoundError()
        return result.with_items([ContactRead.model_validate(row) for row in result.items])

    async def create_contact(
        self, session: AsyncSession, principal: Principal, *, client_id: int, data: ContactCreate
    ) -> ContactRead:
        repo = ClientsRepository(session)
        client = await repo.readable_client(principal, client_id)
        if client is None:
            raise NotFoundError()
        if client.is_archived:
            raise ClientArchivedError()
        contact = ClientContact(
            **data.model_dump(),
            client_id=client.id,
            name_key=search_key(data.name_kana or data.name),
        )
        repo.add(contact)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client_contact",
            entity_id=contact.id,
            action="create",
            after=_snapshot(contact),
        )
        return ContactRead.model_validate(contact)

    async def update_contact(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int,
        contact_id: int,
        data: ContactUpdate,
    ) -> ContactRead:
        repo = ClientsRepository(session)
        contact = await repo.readable_contact(principal, client_id, contact_id)
        if contact is None:
            raise NotFoundError()
        check_version(contact, data.version)
        before = _snapshot(contact)
        apply_changes(contact, data.model_dump(exclude_unset=True, exclude={"version"}))
        contact.name_key = search_key(contact.name_kana or contact.name)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="client_contact",
            entity_id=contact.id,
            action="update",
            before=before,
            after=_snapshot(contact),
        )
        return ContactRead.model_validate(contact)

    async def delete_contact(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int,
        contact_id: int,
        version: int,
    ) -> DeleteOutcome:
        """Contacts are never referenced: always a real delete."""
        repo = ClientsRepository(session)
        contact = await repo.readable_contact(principal, client_id, contact_id)
        if contact is None:
            raise NotFoundError()
        return await self._delete_or_archive(
            session, principal, repo, contact, "client_contact", version
        )

    # --- for other modules ----------------------------------------------------------------

    async def get_unit_placement(self, session: AsyncSession, unit_id: int) -> UnitPlacement:
        """Where a unit sits (unit, site, client); NotFoundError for an unknown unit.

        Unscoped: the calling service has already applied its own access rules.
        """
        placements = await self.get_unit_placements(session, [unit_id])
        if unit_id not in placements:
            raise NotFoundError()
        return placements[unit_id]

    async def get_unit_placements(
        self, session: AsyncSession, unit_ids: Sequence[int]
    ) -> dict[int, UnitPlacement]:
        """Placements of many units in one query (for lists: no N+1)."""
        rows = await ClientsRepository(session).placements(unit_ids)
        return {
            unit.id: UnitPlacement(
                unit_id=unit.id,
                unit_name=unit.name,
                site_id=site.id,
                site_name=site.name,
                client_id=client.id,
                client_name=client.name,
                site_conflict_date=site.conflict_date,
                archived=unit.is_archived or site.is_archived or client.is_archived,
                site_prefecture=site.prefecture,
            )
            for unit, site, client in rows
        }

    async def get_site_choices(
        self, session: AsyncSession, principal: Principal, *, limit: int = 1000
    ) -> list[SiteLabel]:
        """The sites a list can be filtered by (one query): every unarchived site for the
        office, a site manager's own sites; by client, then site name."""
        site_ids = None if principal.is_at_least(Role.COORDINATOR) else sorted(principal.site_ids)
        if site_ids == []:
            return []
        rows = await ClientsRepository(session).site_choices(site_ids, limit)
        return [
            SiteLabel(
                site_id=site.id,
                site_name=site.name,
                client_id=client.id,
                client_name=client.name,
                prefecture=site.prefecture,
            )
            for site, client in rows
        ]

    def site_labels_statement(self, session: AsyncSession) -> Any:
        """Every site's ``site_id, site_name, client_name`` as an unexecuted ``SELECT`` (no
        I/O, unscoped): another area's repository joins it as a subquery, so its list names
        its sites in its own statement (the caller scopes its own rows)."""
        return ClientsRepository(session).site_labels_statement()

    def site_conflicts_statement(self, session: AsyncSession) -> Any:
        """Every site's 抵触日 (``site_id, client_id, site_name, client_name,
        conflict_date``) as an unexecuted ``SELECT`` (a provider fragment: the 抵触日
        schedule scopes and pages it)."""
        return ClientsRepository(session).site_conflicts_statement()

    async def get_site_labels(
        self, session: AsyncSession, site_ids: Sequence[int]
    ) -> dict[int, SiteLabel]:
        """Site and client names of many sites in one query (unscoped, for other services)."""
        rows = await ClientsRepository(session).sites_with_clients(site_ids)
        return {
            site.id: SiteLabel(
                site_id=site.id,
                site_name=site.name,
                client_id=client.id,
                client_name=client.name,
                prefecture=site.prefecture,
                conflict_date=site.conflict_date,
            )
            for site, client in rows
        }

    async def client_ids_named(self, session: AsyncSession, text: str) -> list[int]:
        """The live clients a file names by 法人番号 or by name (the master-data import):
        none, one, or two when the name is not enough to tell them apart."""
        return await ClientsRepository(session).client_ids_named(_fold_number(text), text)

    async def site_ids_named(
        self, session: AsyncSession, name: str, *, client_ids: Sequence[int] | None = None
    ) -> list[int]:
        """The live sites a file names (of the given clients): none, one or two."""
        return await ClientsRepository(session).site_ids_named(name, client_ids)

    async def client_ids_named_many(
        self, session: AsyncSession, texts: Sequence[str]
    ) -> dict[str, list[int]]:
        """:meth:`client_ids_named` for every text of ``texts`` in one statement (the import
        reads a chunk's parents at once): by text, the same none, one or two ids."""
        if not texts:
            return {}
        folded = {text: _fold_number(text) for text in texts}
        keys = {text: search_key(text) for text in texts}
        rows = await ClientsRepository(session).clients_named_many(
            [n for n in folded.values() if n], list(keys.values())
        )
        found: dict[str, list[int]] = {}
        for text in texts:
            number = folded[text]
            ids = [i for i, n, _k in rows if number and n == number][:2]
            found[text] = ids or [i for i, _n, k in rows if k == keys[text]][:2]
        return found

    async def site_ids_named_many(
        self, session: AsyncSession, wanted: Sequence[tuple[str, Sequence[int] | None]]
    ) -> dict[tuple[str, tuple[int, ...] | None], list[int]]:
        """:meth:`site_ids_named` for every ``(name, client_ids)`` of ``wanted`` in one
        statement: by ``(name, tuple(client_ids) or None)``, the same none, one or two ids."""
        if not wanted:
            return {}
        rows = await ClientsRepository(session).sites_named_many(
            [search_key(name) for name, _ in wanted]
        )
        found: dict[tuple[str, tuple[int, ...] | None], list[int]] = {}
        for name, client_ids in wanted:
            key = search_key(name)
            clients = None if client_ids is None else set(client_ids)
            found[(name, None if client_ids is None else tuple(client_ids))] = [
                i for i, c, k in rows if k == key and (clients is None or c in clients)
            ][:2]
        return found

    # --- batched creates (the master-data import) -------------------------------------------

    async def create_many_clients(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[ClientCreate],
        *,
        request_ids: Sequence[str] | None = None,
    ) -> CreateResults:
        """:meth:`create_client` for many clients: the same checks (the 法人番号's and 登録番号's
        check digits and match, a 法人番号 taken in the database or earlier in ``items``),
        one audit row each with ``request_ids[i]`` as item ``i``'s request id when given.
        Per chunk of :data:`CREATE_CHUNK`: the taken numbers, one ``INSERT`` and one of the
        audit rows. Each result is the new id or the catalog error that refused the item."""
        return await _chunked(
            items, request_ids, partial(self._create_clients_chunk, session, principal)
        )

    async def _create_clients_chunk(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[ClientCreate],
        request_ids: Sequence[str] | None,
    ) -> CreateResults:
        repo = ClientsRepository(session)
        results: list[int | HakenError | None] = [None] * len(items)
        built: dict[int, Client] = {}
        for index, data in enumerate(items):
            values = data.model_dump()
            values["corporate_number"] = _fold_number(data.corporate_number)
            values["invoice_registration_number"] = _fold_number(data.invoice_registration_number)
            try:
                _check_numbers(
                    data.entity_kind,
                    values["corporate_number"],
                    values["invoice_registration_number"],
                )
            except HakenError as error:
                results[index] = error
                continue
            client = Client(**values)
            _name_keys(client)
            built[index] = client
        taken = await repo.corporate_numbers_taken(
            [c.corporate_number for c in built.values() if c.corporate_number]
        )
        seen: set[str] = set()
        for index, client in list(built.items()):
            number = client.corporate_number
            if number and (number in taken or number in seen):
                results[index] = CorporateNumberTakenError()
                del built[index]
            elif number:
                seen.add(number)
        try:
            await self._insert_built(session, principal, repo, built, results, request_ids)
        except IntegrityError as error:  # a number taken by a concurrent create
            raise CorporateNumberTakenError() from error
        return _finished(results)

    async def create_many_sites(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[SiteCreate],
        *,
        request_ids: Sequence[str] | None = None,
    ) -> CreateResults:
        """:meth:`create_site` for many sites: the same checks (the client readable by the
        caller and not archived), the 抵触日 from the date dispatch began, one audit row each.
        Per chunk of :data:`CREATE_CHUNK`: the clients, one ``INSERT`` and one of the audit
        rows. Each result is the new id or the catalog error that refused the item."""
        return await _chunked(
            items, request_ids, partial(self._create_sites_chunk, session, principal)
        )

    async def _create_sites_chunk(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[SiteCreate],
        request_ids: Sequence[str] | None,
    ) -> CreateResults:
        repo = ClientsRepository(session)
        results: list[int | HakenError | None] = [None] * len(items)
        clients = await repo.readable_clients(principal, [data.client_id for data in items])
        built: dict[int, ClientSite] = {}
        for index, data in enumerate(items):
            client = clients.get(data.client_id)
            if client is None:
                results[index] = NotFoundError()
                continue
            if client.is_archived:
                results[index] = ClientArchivedError()
                continue
            values = {k: v for k, v in data.model_dump().items() if v is not None}
            site = ClientSite(**values, name_key=search_key(data.name))
            site.conflict_date = _conflict_date(site.dispatch_started_on, ())
            built[index] = site
        await self._insert_built(session, principal, repo, built, results, request_ids)
        return _finished(results)

    async def create_many_units(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[UnitCreate],
        *,
        request_ids: Sequence[str] | None = None,
    ) -> CreateResults:
        """:meth:`create_unit` for many units: the same checks (the site readable by the
        caller, neither it nor its client archived), one audit row each. Per chunk of
        :data:`CREATE_CHUNK`: the sites with their clients, one ``INSERT`` and one of the
        audit rows. Each result is the new id or the catalog error that refused the item."""
        return await _chunked(
            items, request_ids, partial(self._create_units_chunk, session, principal)
        )

    async def _create_units_chunk(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[UnitCreate],
        request_ids: Sequence[str] | None,
    ) -> CreateResults:
        repo = ClientsRepository(session)
        results: list[int | HakenError | None] = [None] * len(items)
        sites = await repo.sites_with_clients_readable(principal, [d.site_id for d in items])
        built: dict[int, ClientUnit] = {}
        for index, data in enumerate(items):
            found = sites.get(data.site_id)
            if found is None:
                results[index] = NotFoundError()
                continue
            site, client = found
            if site.is_archived or client.is_archived:
                results[index] = UnitSiteArchivedError()
                continue
            built[index] = ClientUnit(
                **data.model_dump(), client_id=site.client_id, name_key=search_key(data.name)
            )
        await self._insert_built(session, principal, repo, built, results, request_ids)
        return _finished(results)

    @staticmethod
    async def _insert_built(
        session: AsyncSession,
        principal: Principal,
        repo: ClientsRepository,
        built: dict[int, Any],
        results: list[int | HakenError | None],
        request_ids: Sequence[str] | None,
    ) -> None:
        """One ``INSERT`` of the built records (not added to the session) and one of their
        audit rows, each as the single create records it (``create``, the new row's columns
        without the derived ones); the ids into ``results``."""
        if not built:
            return
        rows = list(built.values())
        model = type(rows[0])
        now = utcnow()
        values = [_insert_values(row, now) for row in rows]
        ids = await repo.insert_many(model, values)
        audits: list[AuditItem] = []
        for (index, _row), row_id, inserted in zip(built.items(), ids, values, strict=True):
            results[index] = row_id
            after = {k: v for k, v in inserted.items() if k not in _NOT_AUDITED}
            audits.append(
                AuditItem(
                    entity_type=_ENTITY_TYPES[model],
                    entity_id=row_id,
                    action="create",
                    after={"id": row_id, **after},
                    request_id=request_ids[index] if request_ids is not None else None,
                )
            )
        await audit_service.record_many(session, principal, audits)


clients_service = ClientsService()

__all__ = ["ClientsService", "SiteLabel", "UnitPlacement", "clients_service"]
