"""Every query of the clients area, scoped by the principal.

Row scope lives here, once: coordinators and above see every row; a site manager sees the
sites in ``principal.site_ids``, the units of those sites and the clients owning them (with
their contacts). A row outside the scope is simply not found (404), never "forbidden".

Each list is one SELECT (the optional total rides in the same statement as a scalar
subquery), ordered on a composite index that starts with the list's equality filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, insert, or_, select, true

from haken.modules.clients.models import (
    Client,
    ClientContact,
    ClientSite,
    ClientUnit,
    SiteExtension,
)
from haken.modules.clients.schemas import ClientFilter, ContactFilter, SiteFilter, UnitFilter
from haken.modules.clients.sorting import CLIENT_SORTING
from haken.platform.access import Principal, Role
from haken.platform.jptext import prefix_pattern, search_key
from haken.platform.pagination import (
    PageRequest,
    PageResult,
    SortKey,
    build_page,
    decode_cursor,
    keyset_condition,
    order_by,
)
from haken.platform.repository import Repository, archived_filter


def _sort(column: Any, id_column: Any, descending: bool) -> tuple[SortKey, ...]:
    direction = "desc" if descending else "asc"
    return (SortKey(column, direction), SortKey(id_column, direction))


SITE_SORTS = {
    "name": _sort(ClientSite.name_key, ClientSite.id, False),
    "-name": _sort(ClientSite.name_key, ClientSite.id, True),
    "created": _sort(ClientSite.created_at, ClientSite.id, False),
    "-created": _sort(ClientSite.created_at, ClientSite.id, True),
    "conflict_date": _sort(ClientSite.conflict_date, ClientSite.id, False),
    "-conflict_date": _sort(ClientSite.conflict_date, ClientSite.id, True),
}
UNIT_SORTS = {
    "name": _sort(ClientUnit.name_key, ClientUnit.id, False),
    "-name": _sort(ClientUnit.name_key, ClientUnit.id, True),
    "created": _sort(ClientUnit.created_at, ClientUnit.id, False),
    "-created": _sort(ClientUnit.created_at, ClientUnit.id, True),
}
CONTACT_SORTS = {
    "name": _sort(ClientContact.name_key, ClientContact.id, False),
    "-name": _sort(ClientContact.name_key, ClientContact.id, True),
    "created": _sort(ClientContact.created_at, ClientContact.id, False),
    "-created": _sort(ClientContact.created_at, ClientContact.id, True),
}


def _sees_everything(principal: Principal) -> bool:
    return principal.is_at_least(Role.COORDINATOR)


def _prefix(column: Any, q: str | None) -> ColumnElement[bool] | None:
    key = search_key(q) if q else ""
    if not key:
        return None
    return column.like(prefix_pattern(key), escape="\\")  # type: ignore[no-any-return]


class ClientsRepository(Repository):
    """Clients, sites, units and contacts (several models: the plain base, not ModelRepository)."""

    # scope ---------------------------------------------------------------------------------

    async def client_names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(Client, ids, Client.name)

    async def site_names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(ClientSite, ids, ClientSite.name)

    def _client_scope(self, principal: Principal) -> ColumnElement[bool]:
        if _sees_everything(principal):
            return true()
        if not principal.site_ids:
            return false()
        owning = select(ClientSite.client_id).where(ClientSite.id.in_(sorted(principal.site_ids)))
        return Client.id.in_(owning)

    def _site_scope(self, principal: Principal) -> ColumnElement[bool]:
        if _sees_everything(principal):
            return true()
        if not principal.site_ids:
            return false()
        return ClientSite.id.in_(sorted(principal.site_ids))

    def _unit_scope(self, principal: Principal) -> ColumnElement[bool]:
        if _sees_everything(principal):
            return true()
        if not principal.site_ids:
            return false()
        return ClientUnit.site_id.in_(sorted(principal.site_ids))

    # clients ---------------------------------------------------------------------------------

    async def page_clients(
        self, principal: Principal, filters: ClientFilter, sort: str, request: PageRequest
    ) -> PageResult[Client]:
        statement = select(Client).where(
            self._client_scope(principal), archived_filter(Client, filters.status == "archived")
        )
        if filters.prefecture:
            statement = statement.where(Client.prefecture == filters.prefecture)
        name_match = _prefix(Client.name_key, filters.q)
        if name_match is not None:
            kana_match = _prefix(Client.kana_key, filters.q)
            statement = statement.where(or_(name_match, kana_match))
        return await self.page(statement, CLIENT_SORTING.keys(sort), request)

    async def readable_client(self, principal: Principal, client_id: int) -> Client | None:
        statement = select(Client).where(Client.id == client_id, self._client_scope(principal))
        return (await self.session.scalars(statement)).first()

    async def client_by_corporate_number(self, number: str) -> Client | None:
        statement = select(Client).where(Client.corporate_number == number)
        return (await self.session.scalars(statement)).first()

    # sites ------------------------------------------------------------------------------------

    async def page_sites(
        self, principal: Principal, filters: SiteFilter, request: PageRequest
    ) -> PageResult[ClientSite]:
        statement = select(ClientSite).where(
            self._site_scope(principal), archived_filter(ClientSite, filters.status == "archived")
        )
        if filters.client_id is not None:
            statement = statement.where(ClientSite.client_id == filters.client_id)
        if filters.prefecture:
            statement = statement.where(ClientSite.prefecture == filters.prefecture)
        name_match = _prefix(ClientSite.name_key, filters.q)
        if name_match is not None:
            statement = statement.where(name_match)
        sort = SITE_SORTS[filters.sort]
        if filters.sort.endswith("conflict_date"):
            # A NULL 抵触日 (no dispatch yet) has no place in a date order: left out.
            statement = statement.where(ClientSite.conflict_date.is_not(None))
        return await self.page(statement, sort, request)

    async def readable_site(self, principal: Principal, site_id: int) -> ClientSite | None:
        statement = select(ClientSite).where(ClientSite.id == site_id, self._site_scope(principal))
        return (await self.session.scalars(statement)).first()

    async def site_with_client(
        self, principal: Principal, site_id: int
    ) -> tuple[ClientSite, Client] | None:
        statement = (
            select(ClientSite, Client)
            .join(Client, Client.id == ClientSite.client_id)
            .where(ClientSite.id == site_id, self._site_scope(principal))
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def extensions(self, site_id: int) -> Sequence[SiteExtension]:
        statement = (
            select(SiteExtension)
            .where(SiteExtension.site_id == site_id)
            .order_by(SiteExtension.hearing_date, SiteExtension.id)
        )
        return (await self.session.scalars(statement)).all()

    # units ------------------------------------------------------------------------------------

    async def page_units(
        self, principal: Principal, filters: UnitFilter, request: PageRequest
    ) -> PageResult[ClientUnit]:
        statement = select(ClientUnit).where(
            self._unit_scope(principal), archived_filter(ClientUnit, filters.status == "archived")
        )
        if filters.site_id is not None:
            statement = statement.where(ClientUnit.site_id == filters.site_id)
        if filters.client_id is not None:
            statement = statement.where(ClientUnit.client_id == filters.client_id)
        name_match = _prefix(ClientUnit.name_key, filters.q)
        if name_match is not None:
            statement = statement.where(name_match)
        return await self.page(statement, UNIT_SORTS[filters.sort], request)

    async def readable_unit(self, principal: Principal, unit_id: int) -> ClientUnit | None:
        statement = select(ClientUnit).where(ClientUnit.id == unit_id, self._unit_scope(principal))
        return (await self.session.scalars(statement)).first()

    async def unit_with_parents(
        self, principal: Principal, unit_id: int
    ) -> tuple[ClientUnit, ClientSite, Client] | None:
        statement = (
            select(ClientUnit, ClientSite, Client)
            .join(ClientSite, ClientSite.id == ClientUnit.site_id)
            .join(Client, Client.id == ClientUnit.client_id)
            .where(ClientUnit.id == unit_id, self._unit_scope(principal))
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1], row[2]) if row else None

    async def placements(
        self, unit_ids: Sequence[int]
    ) -> list[tuple[ClientUnit, ClientSite, Client]]:
        """Units with their site and client, unscoped: for other modules' services."""
        if not unit_ids:
            return []
        statement = (
            select(ClientUnit, ClientSite, Client)
            .join(ClientSite, ClientSite.id == ClientUnit.site_id)
            .join(Client, Client.id == ClientUnit.client_id)
            .where(ClientUnit.id.in_(sorted(set(unit_ids))))
        )
        return [(r[0], r[1], r[2]) for r in (await self.session.execute(statement)).all()]

    async def site_choices(
        self, site_ids: Sequence[int] | None, limit: int
    ) -> list[tuple[ClientSite, Client]]:
        """Unarchived sites with their client, by client then site name (a filter's options);
        only ``site_ids`` when given."""
        statement = (
            select(ClientSite, Client)
            .join(Client, Client.id == ClientSite.client_id)
            .where(ClientSite.archived_at.is_(None), Client.archived_at.is_(None))
            .order_by(Client.sort_key, Client.id, ClientSite.name_key, ClientSite.id)
            .limit(limit)
        )
        if site_ids is not None:
            statement = statement.where(ClientSite.id.in_(sorted(set(site_ids))))
        return [(r[0], r[1]) for r in (await self.session.execute(statement)).all()]

    def site_labels_statement(self) -> Any:
        """``SELECT`` every site's id with its and its client's name, unexecuted and unscoped:
        another area's repository joins it as a subquery to name its rows in one statement."""
        return select(
            ClientSite.id.label("site_id"),
            ClientSite.name.label("site_name"),
            Client.name.label("client_name"),
        ).join(Client, Client.id == ClientSite.client_id)

    def site_conflicts_statement(self) -> Any:
        """``SELECT site_id, client_id, site_name, client_name, conflict_date`` of every
        site (not archived) with a 抵触日, unexecuted and unscoped: the 抵触日 schedule."""
        return (
            select(
                ClientSite.id.label("site_id"),
                ClientSite.client_id.label("client_id"),
                ClientSite.name.label("site_name"),
                Client.name.label("client_name"),
                ClientSite.conflict_date.label("conflict_date"),
            )
            .join(Client, Client.id == ClientSite.client_id)
            .where(ClientSite.archived_at.is_(None), ClientSite.conflict_date.is_not(None))
        )

    async def sites_with_clients(self, site_ids: Sequence[int]) -> list[tuple[ClientSite, Client]]:
        """Sites with their client, unscoped: for other modules' services."""
        if not site_ids:
            return []
        statement = (
            select(ClientSite, Client)
            .join(Client, Client.id == ClientSite.client_id)
            .where(ClientSite.id.in_(sorted(set(site_ids))))
        )
        return [(r[0], r[1]) for r in (await self.session.execute(statement)).all()]

    # contacts ---------------------------------------------------------------------------------

    async def page_contacts(
        self, principal: Principal, client_id: int, filters: ContactFilter, request: PageRequest
    ) -> PageResult[ClientContact] | None:
        """The client's contacts, or None when the client is not readable.

        One statement: the readable client LEFT JOIN its contacts (page conditions in the
        join), so an empty page and a missing client are told apart without a second query.
        """
        sort = CONTACT_SORTS[filters.sort]
        conditions: list[ColumnElement[bool]] = [ClientContact.client_id == Client.id]
        name_match = _prefix(ClientContact.name_key, filters.q)
        if name_match is not None:
            conditions.append(name_match)
        if request.cursor:
            conditions.append(keyset_condition(sort, decode_cursor(sort, request.cursor)))
        statement = (
            select(Client.id, ClientContact)
            .select_from(Client)
            .outerjoin(ClientContact, and_(*conditions))
            .where(Client.id == client_id, self._client_scope(principal))
            .order_by(*order_by(sort))
            .limit(request.limit + 1)
        )
        total_statement = None
        if request.count:
            total_statement = (
                select(func.count())
                .select_from(ClientContact)
                .where(ClientContact.client_id == client_id)
            )
            if name_match is not None:
                total_statement = total_statement.where(name_match)
            statement = statement.add_columns(total_statement.scalar_subquery())
        rows = (await self.session.execute(statement)).all()
        if not rows:
            return None
        contacts = [row[1] for row in rows if row[1] is not None]
        total = int(rows[0][2]) if total_statement is not None else None
        return build_page(contacts, sort, request, total)

    async def readable_contact(
        self, principal: Principal, client_id: int, contact_id: int
    ) -> ClientContact | None:
        statement = (
            select(ClientContact)
            .join(Client, Client.id == ClientContact.client_id)
            .where(
                ClientContact.id == contact_id,
                ClientContact.client_id == client_id,
                self._client_scope(principal),
            )
        )
        return (await self.session.scalars(statement)).first()

    # --- references by what a file names (the master-data import) ------------------------

    async def client_ids_named(self, number: str | None, name: str) -> list[int]:
        """Live clients whose 法人番号 is ``number`` or, failing that, whose name folds to
        ``name``'s key (at most two: enough to tell one from several)."""
        if number:
            statement = select(Client.id).where(
                Client.corporate_number == number, Client.archived_at.is_(None)
            )
            found = list((await self.session.scalars(statement.limit(2))).all())
            if found:
                return found
        statement = select(Client.id).where(
            Client.name_key == search_key(name), Client.archived_at.is_(None)
        )
        return list((await self.session.scalars(statement.limit(2))).all())

    async def site_ids_named(self, name: str, client_ids: Sequence[int] | None) -> list[int]:
        """Live sites whose name folds to ``name``'s key, of ``client_ids`` when given."""
        statement = select(ClientSite.id).where(
            ClientSite.name_key == search_key(name), ClientSite.archived_at.is_(None)
        )
        if client_ids is not None:
            statement = statement.where(ClientSite.client_id.in_(client_ids))
        return list((await self.session.scalars(statement.limit(2))).all())

    # the batched creates (the master-data import) -----------------------------------------

    async def corporate_numbers_taken(self, numbers: Sequence[str]) -> set[str]:
        """Which of ``numbers`` are already a client's 法人番号 (one statement)."""
        if not numbers:
            return set()
        statement = select(Client.corporate_number).where(
            Client.corporate_number.in_(sorted(set(numbers)))
        )
        return {n for n in (await self.session.scalars(statement)).all() if n is not None}

    async def readable_clients(self, principal: Principal, ids: Sequence[int]) -> dict[int, Client]:
        """:meth:`readable_client` for many ids in one statement."""
        if not ids:
            return {}
        statement = select(Client).where(
            Client.id.in_(sorted(set(ids))), self._client_scope(principal)
        )
        return {row.id: row for row in (await self.session.scalars(statement)).all()}

    async def sites_with_clients_readable(
        self, principal: Principal, site_ids: Sequence[int]
    ) -> dict[int, tuple[ClientSite, Client]]:
        """:meth:`site_with_client` for many sites in one statement."""
        if not site_ids:
            return {}
        statement = (
            select(ClientSite, Client)
            .join(Client, Client.id == ClientSite.client_id)
            .where(ClientSite.id.in_(sorted(set(site_ids))), self._site_scope(principal))
        )
        return {site.id: (site, client) for site, client in (await self.session.execute(statement))}

    async def insert_many(self, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` (column → value, one key set) of ``model`` in one statement; the
        new ids in the order of ``rows``.

        PostgreSQL: SQLAlchemy's ordered RETURNING (``sort_by_parameter_order``, the identity
        column as sentinel). SQLite has no sentinel for it (SQLAlchemy would fall back to
        one statement per row): one writer at a time, a multi-row ``INSERT`` numbers its rows
        upwards in the order of its ``VALUES``, so the ids sorted are in the rows' order."""
        if not rows:
            return []
        ordered = self.session.get_bind().dialect.name == "postgresql"
        statement = insert(model).returning(model.id, sort_by_parameter_order=ordered)
        # Every key sent, None as NULL: one statement whatever the empty cells of each row.
        result = await self.session.execute(
            statement, list(rows), execution_options={"render_nulls": True}
        )
        ids = [int(i) for i in result.scalars().all()]
        return ids if ordered else sorted(ids)

    async def clients_named_many(
        self, numbers: Sequence[str], keys: Sequence[str]
    ) -> list[tuple[int, str | None, str]]:
        """Live clients whose 法人番号 is one of ``numbers`` or whose name key is one of
        ``keys`` (``id, corporate_number, name_key``, by id): :meth:`client_ids_named` for
        many names in one statement."""
        conditions = []
        if numbers:
            conditions.append(Client.corporate_number.in_(sorted(set(numbers))))
        if keys:
            conditions.append(Client.name_key.in_(sorted(set(keys))))
        if not conditions:
            return []
        statement = (
            select(Client.id, Client.corporate_number, Client.name_key)
            .where(or_(*conditions), Client.archived_at.is_(None))
            .order_by(Client.id)
        )
        return [(int(i), n, k) for i, n, k in (await self.session.execute(statement)).all()]

    async def sites_named_many(self, keys: Sequence[str]) -> list[tuple[int, int, str]]:
        """Live sites whose name key is one of ``keys`` (``id, client_id, name_key``, by id):
        :meth:`site_ids_named` for many names in one statement."""
        if not keys:
            return []
        statement = (
            select(ClientSite.id, ClientSite.client_id, ClientSite.name_key)
            .where(ClientSite.name_key.in_(sorted(set(keys))), ClientSite.archived_at.is_(None))
            .order_by(ClientSite.id)
        )
        return [(int(i), int(c), k) for i, c, k in (await self.session.execute(statement)).all()]
