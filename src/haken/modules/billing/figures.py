"""The billing area's dashboard figures (haken.platform.figures): the month's margin by client,
the same numbers as the margin report's client level (docs/billing.md "Margins").

* ``billed_by_client``: issued and paid invoices before tax whose period ends in the month.
* ``labour_by_client``: each worker's labour cost of the month (the payroll area's subquery)
  shared over the cells (client, site, contract) they were billed on in proportion to the
  billed minutes, in whole yen by the largest remainder, gross pay and the employer's two
  shares each on its own — ``labor.margin.allocate`` written in SQL window functions, so
  that the dashboard needs no row per worker in Python and still agrees with the report to
  the yen (a test compares them on workers split three ways).
* ``labour_unbilled``: the cost of the workers paid in the month and billed to nobody (the
  report's row without a client).

Unexecuted statements over this area's tables; the table rule tells the dashboard of every
write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Subquery, case, cast, func, select

from haken.modules.billing.models import Invoice, InvoiceLine
from haken.modules.billing.repository import billed_between, worked_minutes
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, Rows, figure_row, next_month

invalidate_on_write(Invoice, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))

COSTS = ("gross", "employer_social", "employer_employment")
"""The parts of a labour cost shared out one by one, as the report does (commuting and
paid-leave pay are inside gross)."""


def rows(*, month: dt.date, labour: Subquery) -> list[Rows]:
    """The month's (``month``: its first day) billed amounts and labour costs by client;
    ``labour``: ``employee_id`` and the :data:`COSTS` summed per worker (payroll.figures)."""
    last = next_month(month) - dt.timedelta(days=1)
    shares = _shares(_cells(month, last), labour)
    billed_workers = (
        select(InvoiceLine.employee_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(*billed_between(month, last), InvoiceLine.employee_id.is_not(None))
    )
    return [
        figure_row(
            "billed_by_client",
            func.sum(Invoice.subtotal),
            key=Invoice.client_id,
            label=func.max(Invoice.client_name),
        )
        .select_from(Invoice)
        .where(*billed_between(month, last))
        .group_by(Invoice.client_id),
        figure_row("labour_by_client", func.sum(shares.c.cost), key=shares.c.client_id)
        .select_from(shares)
        .group_by(shares.c.client_id),
        figure_row(
            "labour_unbilled",
            func.coalesce(
                func.sum(labour.c.gross + labour.c.employer_social + labour.c.employer_employment),
                0,
            ),
        )
        .select_from(labour)
        .where(labour.c.employee_id.not_in(billed_workers)),
    ]


def _cells(first: dt.date, last: dt.date) -> Subquery:
    """The billed cells of the month with a worker: client, site, contract, worker, worked
    minutes and amount (the report's ``margin_cells`` without its names and fixed items)."""
    return (
        select(
            Invoice.client_id.label("client_id"),
            InvoiceLine.site_id.label("site_id"),
            InvoiceLine.contract_id.label("contract_id"),
            InvoiceLine.employee_id.label("employee_id"),
            cast(func.sum(worked_minutes()), BigInteger).label("minutes"),
            cast(func.sum(InvoiceLine.amount), BigInteger).label("billed"),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(*billed_between(first, last), InvoiceLine.employee_id.is_not(None))
        .group_by(
            Invoice.client_id, InvoiceLine.site_id, InvoiceLine.contract_id, InvoiceLine.employee_id
        )
        .subquery("cells")
    )


def _shares(cells: Subquery, labour: Subquery) -> Subquery:
    """``client_id, cost`` per cell: the worker's cost shared as ``labor.margin.allocate``
    shares it (weights: the billed minutes, or the positive amounts when no minute was
    billed; floors, then one yen more to the largest remainders, ties to the earlier cell;
    no weight at all: everything to the first cell; a negative cost shared as its
    magnitude)."""
    worker = cells.c.employee_id
    # 1. each cell's weight and position among the worker's cells, with the worker's cost
    minutes = func.sum(cells.c.minutes).over(partition_by=worker)
    weighted = (
        select(
            cells.c.client_id,
            worker.label("employee_id"),
            func.row_number()
            .over(
                partition_by=worker,
                order_by=(
                    cells.c.client_id,
                    cells.c.site_id.nulls_last(),
                    cells.c.contract_id.nulls_last(),
                ),
            )
            .label("position"),
            case(
                (minutes > 0, cells.c.minutes),
                (cells.c.billed > 0, cells.c.billed),
                else_=0,
            ).label("weight"),
            *(cast(func.coalesce(labour.c[name], 0), BigInteger).label(name) for name in COSTS),
        )
        .select_from(cells.outerjoin(labour, labour.c.employee_id == worker))
        .subquery("weighted")
    )
    # 2. the weights' sum per worker (PostgreSQL sums bigints as numeric: every sum is cast
    # back, or the divisions below would not be integer ones)
    totalled = select(
        weighted,
        cast(
            func.sum(weighted.c.weight).over(partition_by=weighted.c.employee_id), BigInteger
        ).label("whole"),
    ).subquery("totalled")
    # 3. each part's floor and remainder
    whole = totalled.c.whole
    parts: list[ColumnElement[Any]] = []
    for name in COSTS:
        amount = func.abs(totalled.c[name]) * totalled.c.weight
        parts += [
            case(
                (whole > 0, amount // whole),
                (totalled.c.position == 1, func.abs(totalled.c[name])),
                else_=0,
            ).label(f"{name}_floor"),
            case((whole > 0, amount % whole), else_=0).label(f"{name}_rest"),
        ]
    floored = select(
        totalled.c.client_id,
        totalled.c.employee_id,
        totalled.c.position,
        *(totalled.c[name] for name in COSTS),
        *parts,
    ).subquery("floored")
    # 4. the yen left over per part, and each cell's rank by that part's remainder
    by_worker = floored.c.employee_id
    ranked = select(
        floored,
        *(
            (
                func.abs(floored.c[name])
                - func.sum(floored.c[f"{name}_floor"]).over(partition_by=by_worker)
            ).label(f"{name}_left")
            for name in COSTS
        ),
        *(
            func.row_number()
            .over(
                partition_by=by_worker,
                order_by=(floored.c[f"{name}_rest"].desc(), floored.c.position),
            )
            .label(f"{name}_rank")
            for name in COSTS
        ),
    ).subquery("ranked")
    # 5. floor + the leftover yen, signed back
    cost: ColumnElement[Any] | None = None
    for name in COSTS:
        share = ranked.c[f"{name}_floor"] + case(
            (ranked.c[f"{name}_rank"] <= ranked.c[f"{name}_left"], 1), else_=0
        )
        signed = case((ranked.c[name] < 0, -share), else_=share)
        cost = signed if cost is None else cost + signed
    assert cost is not None
    return select(ranked.c.client_id, cost.label("cost")).subquery("shares")
