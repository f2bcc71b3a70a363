"""The annual 労働者派遣事業報告書 (様式第11号) figures and the マージン率 disclosure per 事業所
(派遣法23条1項・5項, 則17条, 則18条の2; JP_DISPATCH.md §1.8–1.9), for one business year.

The agency's 事業所 (offices module): each contract names its office (none: the default
office), and the report is made for one office at a time (``office_id``; default: the default
office) over that office's contracts only. The fee and wage figures are those of
``/billing/margin-rate`` for the year's twelve months (the fees billed, the gross pay
shared over the billed minutes; weighted over the 8-hour worker-days,
``labor.margin.margin_rate``). The counts come from the assignments: the
workers dispatched in the year by 無期/有期, the clients, and on 1 June after the year (the
6月1日現在の状況報告); training and career consultations from the 派遣元管理台帳 entries.
Items haken does not hold (the labour-management agreement's expiry, the training plan's
text) are named as such, never invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.business_report import (
    fiscal_year,
    fiscal_year_of,
    form11_due,
    form12_due,
    status_date,
)
from haken.modules.audit.service import audit_service
from haken.modules.billing.schemas import MarginRateFilter
from haken.modules.billing.service import OfficeCells, billing_service
from haken.modules.documents.repository import DocumentsRepository, OfficeKey
from haken.modules.offices.service import offices_service
from haken.platform.access import Principal
from haken.platform.errors import NotFoundError

INDEFINITE = "indefinite"


class OfficeDisclosure(BaseModel):
    """The 則18条の2 information of one 事業所 for the business year."""

    office: str = Field(description="the agency's office (派遣元事業所)")
    office_id: int | None = Field(default=None, description="the office (/api/offices)")
    address: str = Field(default="", description="the office's address")
    manager_name: str = Field(default="", description="its 派遣元責任者")
    workers: int = Field(description="dispatched workers billed in the year (実人数)")
    clients: int = Field(description="clients billed in the year (実数)")
    worker_days: Decimal = Field(description="8-hour worker-days (billed minutes ÷ 480)")
    fees: int = Field(description="dispatch fees billed, tax excluded")
    wages: int = Field(description="gross pay of the workers billed")
    average_fee: int = Field(description="per worker per 8-hour day, whole yen")
    average_wage: int = Field(description="per worker per 8-hour day, whole yen")
    margin_rate_pct: Decimal | None = Field(description="(fee − wage) ÷ fee × 100, 1 decimal")
    agreement_workers: int = Field(description="workers dispatched under 労使協定方式 contracts")
    agreement_expiry: dt.date | None = Field(
        default=None, description="the agreement's expiry (not held by haken: None)"
    )
    trainings: int = Field(description="training entries of the agency ledgers in the year")
    trained_workers: int = Field(description="workers with a training entry in the year")


class HeadCount(BaseModel):
    total: int
    indefinite: int = Field(description="無期雇用派遣労働者")
    fixed: int = Field(description="有期雇用派遣労働者")
    clients: int = Field(description="派遣先の数")


class AnnualReport(BaseModel):
    """様式第11号 figures haken holds and the disclosure, for one business year."""

    year: int = Field(description="the business year, named by its April")
    first: dt.date
    last: dt.date
    status_on: dt.date = Field(description="6月1日現在の状況報告's date")
    form11_due: dt.date = Field(description="様式第11号 due (30 June)")
    form12_due: dt.date = Field(description="様式第12号・第12号-2 due (3 months after year end)")
    offices: list[OfficeDisclosure]
    in_year: HeadCount = Field(description="workers dispatched in the year (年度報告)")
    on_status_date: HeadCount = Field(description="workers dispatched on 1 June (状況報告)")
    career_consultations: int = Field(description="career consultations in the year")
    status_pending: bool = Field(description="1 June has not come yet: the counts are planned")
    in_progress: bool = Field(description="the year is not over: the figures so far")


def _count(rows: list[Any]) -> HeadCount:
    kinds: dict[int, str] = {}
    for row in rows:
        kinds.setdefault(row.employee_id, row.term_type)
    indefinite = sum(1 for kind in kinds.values() if kind == INDEFINITE)
    return HeadCount(
        total=len(kinds),
        indefinite=indefinite,
        fixed=len(kinds) - indefinite,
        clients=len({row.client_id for row in rows}),
    )


def default_year(today: dt.date) -> int:
    """The business year ``today`` is in: its figures so far (the report and the disclosure
    are on the year before, one choice away; the office watches this one grow)."""
    return fiscal_year_of(today)


class AnnualService:
    async def report(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        year: int,
        today: dt.date,
        office_id: int | None = None,
    ) -> AnnualReport:
        """One office's figures for the year (the default office without ``office_id``; an
        unknown office is 404): the office and its contracts (two statements), the billing's
        margin-rate statements over those contracts' cells, then four statements (assignments
        of the year, assignments on 1 June, training, career consultations)."""
        first, last = fiscal_year(year)
        on = status_date(year)
        office = await offices_service.resolve(session, office_id)
        if office is None and office_id is not None:
            raise NotFoundError()
        repo = DocumentsRepository(session)
        key: OfficeKey | None = None
        cells: OfficeCells | None = None
        if office is not None:
            key = (office.id, office.is_default)
            contracts = await repo.office_contract_ids(key)
            cells = OfficeCells(office.name, contracts, office.is_default)
        rate = await billing_service.margin_rate(
            session,
            principal,
            filters=MarginRateFilter(month=f"{year}-04", until=f"{year + 1}-03"),
            office=cells,
        )
        rows = list(await repo.dispatched_between(first, last, key))
        on_day = list(await repo.dispatched_between(on, on, key))
        trainings, trained = await repo.ledger_counts("training", first, last, key)
        consultations, _ = await repo.ledger_counts("career_consultation", first, last, key)
        agreement = len({row.employee_id for row in rows if row.agreement})
        offices = [
            OfficeDisclosure(
                office=row.office,
                office_id=office.id if office is not None else None,
                address=office.address if office is not None else "",
                manager_name=office.manager_name if office is not None else "",
                workers=row.workers,
                clients=row.clients,
                worker_days=row.worker_days,
                fees=row.fees,
                wages=row.wages,
                average_fee=row.average_fee,
                average_wage=row.average_wage,
                margin_rate_pct=row.margin_rate_pct,
                agreement_workers=agreement,
                trainings=trainings,
                trained_workers=trained,
            )
            for row in rate.offices
        ]
        return AnnualReport(
            year=year,
            first=first,
            last=last,
            status_on=on,
            form11_due=form11_due(last),
            form12_due=form12_due(last),
            offices=offices,
            in_year=_count(rows),
            on_status_date=_count(on_day),
            career_consultations=consultations,
            status_pending=on > today,
            in_progress=last >= today,
        )

    async def record_export(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        year: int,
        kind: str,
        office_id: int | None = None,
    ) -> None:
        after: dict[str, Any] = {"format": "xlsx", "year": year, "kind": kind}
        if office_id is not None:
            after["office_id"] = office_id
        await audit_service.record(
            session,
            principal,
            entity_type="annual_report",
            entity_id=str(year),
            action="export",
            after=after,
        )


def report_items(report: AnnualReport, agency_fallback: str) -> list[tuple[str, Any]]:
    """The report as (項目, 内容) rows: the Excel sheet and the page read the same list."""
    items: list[tuple[str, Any]] = [
        ("事業年度", f"{report.first.isoformat()}〜{report.last.isoformat()}"),
        ("様式第11号 提出期限", report.form11_due),
        ("様式第12号・第12号-2 提出期限", report.form12_due),
    ]
    for office in report.offices:
        name = office.office or agency_fallback
        rate = "—" if office.margin_rate_pct is None else f"{office.margin_rate_pct}%"
        items += [
            ("【マージン率等の情報提供】事業所", name),
            ("事業所の所在地", office.address or "—"),
            ("派遣元責任者", office.manager_name or "—"),
            ("派遣労働者数（年度中に派遣した実人数）", office.workers),
            ("派遣先数（年度中の実数）", office.clients),
            ("延べ人日（8時間換算）", office.worker_days),
            ("派遣料金の総額（税抜）", office.fees),
            ("派遣労働者の賃金の総額", office.wages),
            ("派遣料金の平均額（1人1日8時間当たり）", office.average_fee),
            ("派遣労働者の賃金の平均額（1人1日8時間当たり）", office.average_wage),
            ("マージン率", rate),
            ("労使協定方式の対象派遣労働者数", office.agreement_workers),
            (
                "労使協定の有効期間の終期",
                office.agreement_expiry or "登録なし（協定書を確認して記載）",
            ),
            ("教育訓練の実施件数（派遣元管理台帳）", office.trainings),
            ("教育訓練を受けた派遣労働者数", office.trained_workers),
        ]
    items += [
        ("【年度報告】派遣労働者数（実人数）", report.in_year.total),
        ("うち無期雇用派遣労働者", report.in_year.indefinite),
        ("うち有期雇用派遣労働者", report.in_year.fixed),
        ("派遣先の数", report.in_year.clients),
        ("キャリアコンサルティングの実施件数", report.career_consultations),
        (
            f"【{report.status_on.isoformat()}現在の状況報告】派遣労働者数",
            report.on_status_date.total,
        ),
        ("うち無期雇用派遣労働者", report.on_status_date.indefinite),
        ("うち有期雇用派遣労働者", report.on_status_date.fixed),
        ("派遣先の数", report.on_status_date.clients),
    ]
    return items


annual_service = AnnualService()

__all__ = [
    "AnnualReport",
    "AnnualService",
    "HeadCount",
    "OfficeDisclosure",
    "annual_service",
    "default_year",
    "report_items",
]
