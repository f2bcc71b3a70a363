"""Every query of the billing area.

Row scope: admins read every invoice; a coordinator the invoices of the clients whose
``billing_client_settings.coordinator_user_id`` is theirs (others: 404); below coordinator
nothing (the access policy refuses first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    case,
    false,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from haken.modules.billing.models import (
    OPEN_INVOICE,
    OPEN_INVOICE_KEY,
    BillingBatch,
    BillRate,
    ClientSettings,
    FixedItem,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
)
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import ModelRepository


@dataclass(frozen=True, slots=True)
class MarginCell:
    """What one worker (or a contract's fixed items) was billed at one client, site and
    contract: the amount (tax excluded) and the billed minutes (late-night additions not
    counted twice)."""

    client_id: int
    client_name: str
    site_id: int | None
    site_name: str
    contract_id: int | None
    contract_number: str
    employee_id: int | None
    employee_name: str
    billed: int
    minutes: int
    visible: bool


INVOICE_SORT = (SortKey(Invoice.period_end, "desc"), SortKey(Invoice.id, "desc"))
BATCH_SORT = (SortKey(BillingBatch.id, "desc"),)


class BillingRepository(ModelRepository[Invoice]):
    model = Invoice

    def readable_statement(self, principal: Principal) -> Select[Any]:
        statement = select(Invoice)
        if principal.role >= Role.ADMIN:
            return statement
        if principal.role is Role.COORDINATOR:
            mine = select(ClientSettings.client_id).where(
                ClientSettings.coordinator_user_id == principal.user_id
            )
            return statement.where(Invoice.client_id.in_(mine))
        return statement.where(false())

    def may_read_client(self, principal: Principal) -> Select[Any]:
        """The client ids a coordinator is in charge of (a subquery)."""
        return select(ClientSettings.client_id).where(
            ClientSettings.coordinator_user_id == principal.user_id
        )

    async def coordinates(self, principal: Principal, client_id: int) -> bool:
        if principal.role >= Role.ADMIN:
            return True
        if principal.role is not Role.COORDINATOR:
            return False
        found = await self.session.get(ClientSettings, client_id)
        return found is not None and found.coordinator_user_id == principal.user_id

    async def page_invoices(
        self,
        principal: Principal,
        *,
        period_end: tuple[dt.date, dt.date] | None,
        client_id: int | None,
        state: str | None,
        request: PageRequest,
    ) -> PageResult[Invoice]:
        statement = self.readable_statement(principal)
        if period_end is not None:
            statement = statement.where(Invoice.period_end.between(*period_end))
        if client_id is not None:
            statement = statement.where(Invoice.client_id == client_id)
        if state is not None:
            statement = statement.where(Invoice.state == state)
        return await self.page(statement, INVOICE_SORT, request)

    async def lock(self, invoice_id: int) -> Invoice | None:
        """The invoice, its row locked until the transaction ends (PostgreSQL)."""
        statement = (
            select(Invoice)
            .where(Invoice.id == invoice_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).first()

    async def lines_of(self, invoice_id: int) -> Sequence[InvoiceLine]:
        statement = (
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(InvoiceLine.position)
        )
        return (await self.session.scalars(statement)).all()

    async def payments_of(self, invoice_id: int) -> Sequence[Payment]:
        statement = select(Payment).where(Payment.invoice_id == invoice_id).order_by(Payment.id)
        return (await self.session.scalars(statement)).all()

    async def credit_note_of(self, invoice_id: int) -> int | None:
        statement = select(Invoice.id).where(Invoice.credits_invoice_id == invoice_id)
        return (await self.session.scalars(statement)).first()

    async def open_invoice_for(
        self, client_id: int, period_start: dt.date, period_end: dt.date
    ) -> Invoice | None:
        statement = select(Invoice).where(
            Invoice.client_id == client_id,
            Invoice.kind == "invoice",
            Invoice.period_start == period_start,
            Invoice.period_end == period_end,
            Invoice.state != "void",
        )
        return (await self.session.scalars(statement)).first()

    async def insert_drafts(self, drafts: Sequence[Invoice]) -> list[Invoice | None]:
        """New draft invoices (one client each, one period) in one multi-row ``INSERT … ON
        CONFLICT DO NOTHING`` on the open-invoice key (``uq_billing_invoices_open``), then
        the rows written read back in one ``SELECT``: two statements on both backends, in
        the order given. A draft whose client already has an open invoice of the period
        (another batch's, committed meanwhile: the key, not the earlier check, decides) is
        not written: ``None`` in its place."""
        if not drafts:
            return []
        given = [{k: v for k, v in vars(d).items() if not k.startswith("_")} for d in drafts]
        dialect = self.session.get_bind().dialect.name
        insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
        table = cast(Table, Invoice.__table__)
        statement = (
            insert_into(table)
            .on_conflict_do_nothing(
                index_elements=[table.c[name] for name in OPEN_INVOICE_KEY],
                index_where=text(OPEN_INVOICE),
            )
            .returning(table.c.id)
        )
        written = [int(i) for i in (await self.session.scalars(statement, given)).all()]
        if not written:
            return [None] * len(drafts)
        rows = (await self.session.scalars(select(Invoice).where(Invoice.id.in_(written)))).all()
        by_client = {row.client_id: row for row in rows}
        return [by_client.get(d.client_id) for d in drafts]

    async def insert_lines(self, lines: Sequence[Any]) -> None:
        """New invoice lines in one multi-row ``INSERT`` (no ids returned: nothing reads them
        back from the objects); one statement on both backends. ``lines``: objects with every
        column of ``InvoiceLine`` but its id as attributes (the service's plain lines)."""
        if not lines:
            return
        columns = [c.key for c in InvoiceLine.__table__.columns if c.key != "id"]
        rows = [{c: getattr(line, c) for c in columns} for line in lines]
        await self.session.execute(insert(cast(Table, InvoiceLine.__table__)), rows)

    async def open_invoice_clients(
        self, client_ids: Sequence[int], period_start: dt.date, period_end: dt.date
    ) -> set[int]:
        """The clients among ``client_ids`` with an open invoice of the period: one statement."""
        if not client_ids:
            return set()
        statement = select(Invoice.client_id).where(
            Invoice.client_id.in_(sorted(set(client_ids))),
            Invoice.kind == "invoice",
            Invoice.period_start == period_start,
            Invoice.period_end == period_end,
            Invoice.state != "void",
        )
        return {int(r) for r in (await self.session.scalars(statement)).all()}

    async def rates_of_contracts(
        self, contract_ids: Sequence[int], on: dt.date
    ) -> dict[int, list[BillRate]]:
        """``rates_of`` for many contracts, by contract id: one statement."""
        found: dict[int, list[BillRate]] = {}
        if not contract_ids:
            return found
        statement = (
            select(BillRate)
            .where(
                BillRate.contract_id.in_(sorted(set(contract_ids))), BillRate.effective_from <= on
            )
            .order_by(BillRate.effective_from, BillRate.id)
        )
        for row in (await self.session.scalars(statement)).all():
            found.setdefault(row.contract_id, []).append(row)
        return found

    async def client_settings_of(self, client_ids: Sequence[int]) -> dict[int, ClientSettings]:
        """Many clients' billing settings by client id (unsaved ones absent): one statement."""
        if not client_ids:
            return {}
        statement = select(ClientSettings).where(
            ClientSettings.client_id.in_(sorted(set(client_ids)))
        )
        return {row.client_id: row for row in (await self.session.scalars(statement)).all()}

    async def rates_of(self, contract_id: int, on: dt.date) -> Sequence[BillRate]:
        """The contract's rate rows effective by ``on`` (contract-wide and per assignment),
        oldest first: the caller keeps the last of each assignment."""
        statement = (
            select(BillRate)
            .where(BillRate.contract_id == contract_id, BillRate.effective_from <= on)
            .order_by(BillRate.effective_from, BillRate.id)
        )
        return (await self.session.scalars(statement)).all()

    async def rate_rows(self, contract_id: int) -> Sequence[BillRate]:
        statement = (
            select(BillRate)
            .where(BillRate.contract_id == contract_id)
            .order_by(BillRate.effective_from.desc(), BillRate.id.desc())
        )
        return (await self.session.scalars(statement)).all()

    async def fixed_items_of(
        self, contract_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> Sequence[FixedItem]:
        """Items in force on the period's last day."""
        statement = (
            select(FixedItem)
            .where(
                FixedItem.contract_id.in_(contract_ids),
                FixedItem.effective_from <= end,
                or_(FixedItem.effective_to.is_(None), FixedItem.effective_to >= end),
            )
            .order_by(FixedItem.contract_id, FixedItem.id)
        )
        return (await self.session.scalars(statement)).all()

    async def fixed_item_rows(self, contract_id: int) -> Sequence[FixedItem]:
        statement = (
            select(FixedItem)
            .where(FixedItem.contract_id == contract_id)
            .order_by(FixedItem.effective_from.desc(), FixedItem.id.desc())
        )
        return (await self.session.scalars(statement)).all()

    async def billed_until(self, contract_ids: Sequence[int]) -> dt.date | None:
        """The last day of the latest issued or paid invoice (not a credit note) billing work
        of these contracts (a line of theirs), or None: one statement."""
        if not contract_ids:
            return None
        statement = select(func.max(Invoice.period_end)).where(
            Invoice.kind == "invoice",
            Invoice.state.in_(("issued", "paid")),
            Invoice.id.in_(
                select(InvoiceLine.invoice_id).where(
                    InvoiceLine.contract_id.in_(sorted(set(contract_ids)))
                )
            ),
        )
        found: dt.date | None = (await self.session.execute(statement)).scalar()
        return found

    async def invoices_in_the_way(
        self, client_id: int, contract_ids: Sequence[int], cutoff_day: int, since: dt.date | None
    ) -> Sequence[Invoice]:
        """The client's open invoices (draft, issued, paid; not credit notes) ending on or
        after ``since`` (any: None) that hold work of these contracts or are of the cut-off
        ``cutoff_day`` (the periods the contracts' work joins): one statement, by period."""
        statement = select(Invoice).where(
            Invoice.client_id == client_id,
            Invoice.kind == "invoice",
            Invoice.state != "void",
            or_(
                Invoice.cutoff_day == cutoff_day,
                Invoice.id.in_(
                    select(InvoiceLine.invoice_id).where(
                        InvoiceLine.contract_id.in_(sorted(set(contract_ids)))
                    )
                ),
            ),
        )
        if since is not None:
            statement = statement.where(Invoice.period_end >= since)
        statement = statement.order_by(Invoice.period_start, Invoice.id)
        return (await self.session.scalars(statement)).all()

    async def client_settings(self, client_id: int) -> ClientSettings | None:
        return await self.session.get(ClientSettings, client_id)

    async def coordinators_of(self, client_ids: Sequence[int]) -> dict[int, int]:
        """The coordinator of record of each of these clients that has one (one query)."""
        if not client_ids:
            return {}
        statement = select(ClientSettings.client_id, ClientSettings.coordinator_user_id).where(
            ClientSettings.client_id.in_(sorted(set(client_ids))),
            ClientSettings.coordinator_user_id.is_not(None),
        )
        return {c: u for c, u in (await self.session.execute(statement)).all() if u is not None}

    async def issued_between(
        self, principal: Principal, first: dt.date, last: dt.date
    ) -> Sequence[Invoice]:
        """Issued documents (invoices and credit notes, any later state) by issue date."""
        statement = (
            self.readable_statement(principal)
            .where(
                Invoice.issue_date.between(first, last),
                Invoice.number.is_not(None),
            )
            .order_by(Invoice.issue_date, Invoice.number)
        )
        return (await self.session.scalars(statement)).all()

    async def margin_cells(
        self, principal: Principal | None, first: dt.date, last: dt.date
    ) -> Sequence[MarginCell]:
        """Issued and paid invoices whose period ends between ``first`` and ``last``, summed
        per client, site, contract and worker (fixed items: worker None), every client's
        (a worker's labour cost is shared over all the contracts they were billed on), each
        cell marked whether ``principal`` (None: the agency) may read it. One statement."""
        if principal is None or principal.role >= Role.ADMIN:
            visible: Any = true()
        else:
            visible = Invoice.client_id.in_(self.may_read_client(principal))
        worked = case(
            (and_(InvoiceLine.kind == "time", InvoiceLine.band != "late_night"),
             InvoiceLine.minutes),
            else_=0,
        )  # fmt: skip
        contract_number = case((InvoiceLine.kind == "time", InvoiceLine.description), else_=None)
        statement = (
            select(
                Invoice.client_id,
                func.max(Invoice.client_name),
                InvoiceLine.site_id,
                func.max(InvoiceLine.site_name),
                InvoiceLine.contract_id,
                func.max(contract_number),
                InvoiceLine.employee_id,
                func.max(InvoiceLine.employee_name),
                func.sum(InvoiceLine.amount),
                func.sum(worked),
                func.max(case((visible, 1), else_=0)),
            )
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                Invoice.kind == "invoice",
                Invoice.state.in_(("issued", "paid")),
                Invoice.period_end.between(first, last),
            )
            .group_by(
                Invoice.client_id,
                InvoiceLine.site_id,
                InvoiceLine.contract_id,
                InvoiceLine.employee_id,
            )
            # A worker's cells in a fixed order: labor.margin.allocate gives a tie of
            # remainders to the earlier share, always the same cell then.
            .order_by(
                Invoice.client_id,
                InvoiceLine.site_id.nulls_last(),
                InvoiceLine.contract_id.nulls_last(),
                InvoiceLine.employee_id.nulls_last(),
            )
        )
        rows = (await self.session.execute(statement)).all()
        return [
            MarginCell(
                client_id=int(r[0]),
                client_name=r[1] or "",
                site_id=r[2],
                site_name=r[3] or "",
                contract_id=r[4],
                contract_number=r[5] or "",
                employee_id=r[6],
                employee_name=r[7] or "",
                billed=int(r[8] or 0),
                minutes=int(r[9] or 0),
                visible=bool(r[10]),
            )
            for r in rows
        ]

    # --- the gapless counter ------------------------------------------------------------

    async def next_number(self, scope: str) -> int:
        """The year's next sequence; the counter row stays locked until the transaction
        ends, so a concurrent issue waits and never takes the same or a skipped number."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(InvoiceCounter)
            .values(scope=scope, last_value=0)
            .on_conflict_do_nothing(index_elements=["scope"])
        )
        statement = (
            update(InvoiceCounter)
            .where(InvoiceCounter.scope == scope)
            .values(last_value=InvoiceCounter.last_value + 1)
            .returning(InvoiceCounter.last_value)
        )
        return int((await self.session.execute(statement)).scalar_one())

    # --- batches (a period's invoices drafted by a job) -------------------------------------

    async def page_batches(self, request: PageRequest) -> PageResult[BillingBatch]:
        """Every batch, newest first: one statement (admins only: no row scope)."""
        return await self.page(select(BillingBatch), BATCH_SORT, request)

    async def batch(self, batch_id: int) -> BillingBatch | None:
        return await self.session.get(BillingBatch, batch_id)

    async def batch_locked(self, batch_id: int) -> BillingBatch | None:
        """The batch, its row locked until the transaction ends (PostgreSQL), fresh."""
        statement = (
            select(BillingBatch)
            .where(BillingBatch.id == batch_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).first()

    async def unfinished_batches(self, month: str) -> Sequence[BillingBatch]:
        """The month's batches still running (a start with the same clients resumes one)."""
        statement = (
            select(BillingBatch)
            .where(BillingBatch.month == month, BillingBatch.status == "running")
            .order_by(BillingBatch.id)
        )
        return (await self.session.scalars(statement)).all()
