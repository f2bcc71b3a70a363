"""The statutory documents in the demo (issue 20): on the contracts whose 派遣先への通知 the
client-portal demo issued (the demo supervisor's site), the 個別契約書, each worker's
就業条件明示書 — one of them twice, after a bill-rate change from next month (A9) — the
派遣元管理台帳 with a training row and the employment-stability measures, and the site's
派遣先管理台帳 data of last month (downloadable in the portal); and three foreign hires of this
month (insured, not insured, 特別永住者) so that /documents/foreign-worker-reports is filled.

Everything goes through the services, like the office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.service import assignments_service
from haken.modules.billing.schemas import BillRateCreate
from haken.modules.billing.service import billing_service
from haken.modules.clients.schemas import SiteUpdate
from haken.modules.clients.service import clients_service
from haken.modules.documents.schemas import (
    AgencyLedgerIssue,
    ClientLedgerIssue,
    IndividualContractIssue,
    LedgerEntryIn,
)
from haken.modules.documents.service import CLIENT_NOTICE, documents_service
from haken.modules.employees.schemas import EmployeeCreate
from haken.modules.employees.service import employees_service
from haken.modules.payroll.schemas import ProfileWrite
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.errors import HakenError

CLAUSES = IndividualContractIssue(
    safety="派遣先は労働安全衛生法に定める措置を講じ、作業開始時に安全衛生教育を行う。",
    complaints="派遣元・派遣先の苦情処理担当者が連携し、申出を受けた日から3日以内に処理する。",
    cancellation_measures="30日前に予告し、派遣先の関連会社での就業をあっせんする。"
    "派遣先の責による解除は休業手当相当額以上を賠償する。",
    dispute_prevention="派遣先が派遣労働者を雇用する場合は、事前に派遣元へ通知し、"
    "職業紹介により行う。",
    welfare="食堂、休憩室、更衣室を派遣先の労働者と同様に利用できる。",
)
WORKERS = 3  # the workers of the first contract whose notice and ledger are issued
DEMO_AGENCY_NAME = "株式会社ハケン（デモ）"
"""派遣元事業主の名称 of the demo's documents when HAKEN_BILLING_AGENCY_NAME is not set."""


async def seed_documents(session: AsyncSession, *, today: dt.date, user_id: int) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    counts = {"terms-of-work notices": 0, "agency ledgers": 0, "client ledger data": 0}
    notices = [
        d
        for d in await documents_service.list_documents(session, office)
        if d.kind == CLIENT_NOTICE
    ]
    contract_ids = sorted({d.contract_id for d in notices if d.contract_id is not None})[:2]
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    sites: set[int] = set()
    for contract_id in contract_ids:
        contract = await assignments_service.get_contract(session, office, contract_id=contract_id)
        try:
            await documents_service.issue_individual_contract(
                session, office, contract_id=contract_id, data=CLAUSES, today=today
            )
        except HakenError:
            continue
        rates = await billing_service.list_rates(session, office, contract_id=contract_id)
        base = contract.default_hourly_bill or Decimal("1800")
        if not rates:
            await billing_service.create_rate(
                session,
                office,
                data=BillRateCreate(
                    contract_id=contract_id, effective_from=contract.period_start, base_rate=base
                ),
            )
        placements = [
            p
            for p in await assignments_service.contract_placements(session, contract_id=contract_id)
            if p.end_date >= today
        ][:WORKERS]
        for number, placement in enumerate(placements):
            try:
                await documents_service.issue_terms_notice(
                    session, office, assignment_id=placement.assignment_id, today=today
                )
                counts["terms-of-work notices"] += 1
                await documents_service.issue_agency_ledger(
                    session,
                    office,
                    assignment_id=placement.assignment_id,
                    data=AgencyLedgerIssue(entries=_ledger_rows(today) if number == 0 else []),
                    today=today,
                )
                counts["agency ledgers"] += 1
            except HakenError:
                continue
        sites.add(contract.site_id)
        if placements and contract_id == contract_ids[0]:
            # A9: the fee changes from next month → the worker's notice is issued again.
            next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            await billing_service.create_rate(
                session,
                office,
                data=BillRateCreate(
                    contract_id=contract_id,
                    effective_from=next_month,
                    base_rate=Decimal(base) + Decimal("50"),
                ),
            )
            try:
                await documents_service.issue_terms_notice(
                    session, office, assignment_id=placements[0].assignment_id, today=today
                )
                counts["terms-of-work notices"] += 1
            except HakenError:
                pass
    for number, site_id in enumerate(sorted(sites)):
        if number == 0:  # the first site's own headcount is known; the other stays unknown
            site = await clients_service.get_site(session, office, site_id=site_id)
            await clients_service.update_site(
                session,
                office,
                site_id=site_id,
                data=SiteUpdate(version=site.version, own_employees=42),
            )
        try:
            await documents_service.issue_client_ledger(
                session,
                office,
                site_id=site_id,
                data=ClientLedgerIssue(month=f"{last_month:%Y-%m}"),
                today=today,
            )
            counts["client ledger data"] += 1
        except HakenError:
            continue
    counts["foreign hires this month"] = await _foreign_hires(session, office, today)
    return counts


def _ledger_rows(today: dt.date) -> list[LedgerEntryIn]:
    return [
        LedgerEntryIn(
            kind="training",
            occurred_on=today - dt.timedelta(days=20),
            content="入職時の安全衛生教育（2時間、派遣元が実施）",
        ),
        LedgerEntryIn(
            kind="career_consultation",
            occurred_on=today - dt.timedelta(days=15),
            content="キャリアコンサルタントとの面談（30分）",
        ),
        LedgerEntryIn(
            kind="stability_wish",
            occurred_on=today - dt.timedelta(days=15),
            measure="direct_hire_request",
            content="派遣先での直接雇用を希望",
        ),
        LedgerEntryIn(
            kind="stability_measure",
            occurred_on=today - dt.timedelta(days=10),
            measure="direct_hire_request",
            method="書面で依頼",
            response_on=today - dt.timedelta(days=3),
            response="派遣先は次年度の採用計画で検討すると回答",
        ),
    ]


async def _foreign_hires(session: AsyncSession, office: Principal, today: dt.date) -> int:
    first = today.replace(day=1)
    people = [
        ("グエン ヴァン アン", "Nguyen Van An", "VN", "ENGINEER_HUMANITIES_INTERNATIONAL", True),
        ("チャン ティ ビン", "Tran Thi Binh", "VN", "STUDENT", False),
        ("キム ミンジュン", "Kim Minjun", "KR", "SPECIAL_PERMANENT_RESIDENT", True),
    ]
    made = 0
    for number, (kana, romaji, nationality, status, insured) in enumerate(people):
        fields: dict[str, object] = {
            "name_kana": kana,
            "name_romaji": romaji,
            "birth_date": dt.date(1998 + number, 4, 1 + number),
            "gender": "female" if number == 1 else "male",
            "nationality": nationality,
            "residence_status": status,
            "employment_type": "dispatch",
            "hire_date": first,
        }
        if status != "SPECIAL_PERMANENT_RESIDENT":
            fields["residence_card_number"] = f"AB{12345670 + number:08d}CD"
            fields["residence_card_expiry"] = today + dt.timedelta(days=700)
        if status == "STUDENT":
            fields["extra_activity_permission"] = "BLANKET"
            fields["extra_activity_weekly_hours"] = 28
        try:
            created = await employees_service.create(
                session, office, EmployeeCreate.model_validate(fields)
            )
            if not insured:
                await payroll_service.put_profile(
                    session,
                    office,
                    employee_id=created.id,
                    data=ProfileWrite(employment_insured=False, social_insured=False),
                )
        except (HakenError, ValueError):
            continue
        made += 1
    return made
