"""The assignments area's dashboard figures (haken.platform.figures): workers placed by client
and by site, the fill rate of running contracts (headcount ordered vs placed), individual
抵触日 within 90 days. Unexecuted statements over this area's tables; the table rules tell the
dashboard of every write."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from haken.modules.assignments.models import Assignment, DispatchContract
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

CONFLICT_WINDOW_DAYS = 90

for _model in (Assignment, DispatchContract):
    invalidate_on_write(_model, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def _running(statement: Rows, scope: FigureScope) -> Rows:
    statement = statement.select_from(Assignment).where(
        Assignment.status == "active",
        Assignment.start_date <= scope.today,
        Assignment.end_date >= scope.today,
    )
    if scope.site_ids is not None:
        statement = statement.where(Assignment.site_id.in_(sorted(scope.site_ids) or [-1]))
    return statement


def rows(scope: FigureScope) -> list[Rows]:
    today = scope.today
    contracts = (
        figure_row("fill_ordered", func.coalesce(func.sum(DispatchContract.headcount), 0))
        .select_from(DispatchContract)
        .where(
            DispatchContract.status == "active",
            DispatchContract.archived_at.is_(None),
            DispatchContract.period_start <= today,
            DispatchContract.period_end >= today,
        )
    )
    if scope.site_ids is not None:
        contracts = contracts.where(DispatchContract.site_id.in_(sorted(scope.site_ids) or [-1]))
    return [
        _running(
            figure_row(
                "placed_by_client",
                func.count(func.distinct(Assignment.employee_id)),
                key=Assignment.client_id,
                label=func.max(Assignment.client_name),
            ),
            scope,
        ).group_by(Assignment.client_id),
        _running(
            figure_row(
                "placed_by_site",
                func.count(func.distinct(Assignment.employee_id)),
                key=Assignment.site_id,
                label=func.max(Assignment.site_name),
            ),
            scope,
        ).group_by(Assignment.site_id),
        contracts,
        _running(figure_row("fill_placed", func.count()), scope)
        .join(DispatchContract, DispatchContract.id == Assignment.contract_id)
        .where(
            DispatchContract.status == "active",
            DispatchContract.archived_at.is_(None),
            DispatchContract.period_start <= today,
            DispatchContract.period_end >= today,
        ),
        _running(
            figure_row("conflict_individual", func.count(func.distinct(Assignment.employee_id))),
            scope,
        ).where(
            Assignment.individual_conflict_date >= today,
            Assignment.individual_conflict_date <= today + dt.timedelta(days=CONFLICT_WINDOW_DAYS),
        ),
    ]


def conflict_alert_rows(today: dt.date) -> Rows:
    """The daily alerts' candidates: running placements whose individual 抵触日 falls within
    90 days: ``assignment_id, employee_id, client_id, site_id, unit_name, conflict_date``."""
    return (
        select(
            Assignment.id.label("assignment_id"),
            Assignment.employee_id.label("employee_id"),
            Assignment.client_id.label("client_id"),
            Assignment.site_id.label("site_id"),
            Assignment.unit_name.label("unit_name"),
            Assignment.individual_conflict_date.label("conflict_date"),
        )
        .where(
            Assignment.status == "active",
            Assignment.end_date >= today,
            Assignment.individual_conflict_date >= today,
            Assignment.individual_conflict_date <= today + dt.timedelta(days=CONFLICT_WINDOW_DAYS),
        )
        .order_by(Assignment.id)
    )


def ending_contract_rows(today: dt.date, *, within_days: int) -> Rows:
    """The daily alerts' candidates: active contracts ending within ``within_days`` with no
    contract of the same unit starting after them (no renewal): ``contract_id, client_id,
    site_id, number, period_end``."""
    renewal = DispatchContract.__table__.alias("renewal")
    return (
        select(
            DispatchContract.id.label("contract_id"),
            DispatchContract.client_id.label("client_id"),
            DispatchContract.site_id.label("site_id"),
            DispatchContract.contract_number.label("number"),
            DispatchContract.period_end.label("period_end"),
        )
        .where(
            DispatchContract.status == "active",
            DispatchContract.archived_at.is_(None),
            DispatchContract.period_end >= today,
            DispatchContract.period_end <= today + dt.timedelta(days=within_days),
            ~(
                select(renewal.c.id)
                .where(
                    renewal.c.unit_id == DispatchContract.unit_id,
                    renewal.c.id != DispatchContract.id,
                    renewal.c.status != "ended",
                    renewal.c.archived_at.is_(None),
                    renewal.c.period_start > DispatchContract.period_end,
                )
                .exists()
            ),
        )
        .order_by(DispatchContract.id)
    )
