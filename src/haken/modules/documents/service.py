"""Generated documents: issue (snapshot → hash → new version only when the data changed →
PDF), list per contract, worker or client, download; every issue and download audited.

The first kind is the 派遣先への通知 (派遣法35条; ``client_notice``), per contract, addressed
to the client: the client supervisor downloads it in the portal. Rules of its items live in
``labor/client_notice.py``; a required item left empty refuses the issue with
``DOCUMENT_INCOMPLETE`` naming every missing item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.client_notice import (
    INSURANCES,
    InsuranceEntry,
    age_statement,
    insurance_problems,
    is_60_or_over,
)
from haken.labor.dispatch_contract import dispute_clause_problems, limitation_words
from haken.modules.assignments.service import assignments_service
from haken.modules.audit.service import audit_service
from haken.modules.documents import pdf
from haken.modules.documents.errors import DocumentIncompleteError
from haken.modules.documents.models import GeneratedDocument
from haken.modules.documents.repository import DocumentsRepository
from haken.modules.documents.schemas import (
    ClientNoticeIssue,
    DocumentDetail,
    DocumentRead,
    IndividualContractIssue,
)
from haken.modules.employees.service import employees_service
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.errors import NotFoundError

CLIENT_NOTICE = "client_notice"
INDIVIDUAL_CONTRACT = "individual_contract"
# The kinds addressed to the client: its supervisors download them in the portal.
CLIENT_KINDS = (CLIENT_NOTICE, INDIVIDUAL_CONTRACT)
KIND_TITLES = {CLIENT_NOTICE: "派遣先への通知", INDIVIDUAL_CONTRACT: "労働者派遣個別契約書"}
CLAUSES = ("safety", "complaints", "cancellation_measures", "dispute_prevention", "welfare")
SEX = {"male": "男", "female": "女"}


def content_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _read(row: GeneratedDocument) -> DocumentRead:
    return DocumentRead(
        id=row.id,
        kind=row.kind,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        client_id=row.client_id,
        contract_id=row.contract_id,
        employee_id=row.employee_id,
        version=row.version,
        content_hash=row.content_hash,
        issued_by=row.issued_by,
        issued_at=row.issued_at,
    )


def _jp_date(day: str) -> str:
    value = dt.date.fromisoformat(day)
    return f"{value.year}年{value.month}月{value.day}日"


def render_client_notice(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    contract = snapshot["contract"]
    heading = [
        f"{contract['client_name']} 御中",
        f"{snapshot['agency_name']}",
        f"通知日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        f"労働者派遣契約（{contract['contract_number']}）に基づき、労働者派遣法第35条により次のとおり"
        "通知します。",
        f"就業場所: {contract['site_name']} {contract['unit_name']}",
        f"派遣期間: {_jp_date(contract['period_start'])}〜{_jp_date(contract['period_end'])}",
    ]
    sections = []
    for number, worker in enumerate(snapshot["workers"], start=1):
        rows = [
            ("氏名", worker["name"]),
            ("性別", worker["sex"]),
        ]
        if worker["age_words"]:
            rows.append(("年齢", worker["age_words"]))
        rows += [
            ("派遣期間", f"{_jp_date(worker['start_date'])}〜{_jp_date(worker['end_date'])}"),
            (
                "協定対象派遣労働者",
                "協定対象派遣労働者である" if worker["agreement"] else "協定対象派遣労働者ではない",
            ),
            (
                "無期雇用・有期雇用",
                "無期雇用派遣労働者" if worker["indefinite"] else "有期雇用派遣労働者",
            ),
            ("60歳以上", "60歳以上である" if worker["over_60"] else "60歳未満である"),
        ]
        for entry in worker["insurance"]:
            label = dict(INSURANCES)[entry["kind"]]
            text = "有（資格取得届提出済）" if entry["filed"] else f"無（{entry['reason']}）"
            rows.append((f"{label} 被保険者資格取得届", text))
        sections.append((f"{number}. 派遣労働者", rows))
    footer = [
        "※ 資格取得届を提出済の保険は、被保険者証の写し等により確認できるようにします。",
        "※ 2〜5の事項に変更があったときは遅滞なく通知します（同条第2項）。",
    ]
    return pdf.render("派遣先への通知", heading, sections, footer)


def render_individual_contract(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    c = snapshot["contract"]
    heading = [
        f"{c['client_name']}（派遣先）と{snapshot['agency_name']}（派遣元）は、労働者派遣法第26条に基づき、"
        "次のとおり労働者派遣契約を締結する。",
        f"契約番号: {c['contract_number']}　"
        f"作成日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
    ]
    rows = [
        ("派遣労働者の人数", f"{c['headcount']}人"),
        ("業務内容", c["work_content"]),
        ("業務に伴う責任の程度", c["responsibility_level"]),
        ("就業場所・組織単位", f"{c['site_name']} {c['work_place']}\n組織単位: {c['unit_name']}"),
        (
            "指揮命令者",
            f"{c['supervisor_department']} {c['supervisor_title']} {c['supervisor_name']}",
        ),
        ("派遣期間", f"{_jp_date(c['period_start'])}〜{_jp_date(c['period_end'])}"),
        ("就業日", c["working_days"]),
        ("就業時間・休憩時間", f"{c['start_time']}〜{c['end_time']}（休憩{c['break_minutes']}分）"),
        ("安全及び衛生", c["safety"]),
        ("苦情の処理", c["complaints"]),
        ("派遣契約の解除に当たって講ずる措置", c["cancellation_measures"]),
        ("派遣元責任者", c["agency_manager_name"]),
        ("派遣先責任者", c["client_manager_name"]),
        ("時間外・休日労働", c["overtime"]),
        ("福利厚生施設の利用等", c["welfare"]),
        ("派遣先が派遣労働者を雇用する場合の紛争防止措置", c["dispute_prevention"]),
        ("無期雇用派遣労働者又は60歳以上の者に限定するか否か", c["limitation"]),
        ("協定対象派遣労働者に限定するか否か", c["agreement_limitation"]),
    ]
    if c["exemption"]:
        rows.append(("期間制限のない業務等", c["exemption"]))
    return pdf.render("労働者派遣個別契約書", heading, [("契約事項", rows)])


class DocumentsService:
    def __init__(self) -> None:
        self.agency_name = ""

    def configure(self, *, agency_name: str) -> None:
        self.agency_name = agency_name

    # --- the generic issue ------------------------------------------------------------------

    async def _issue(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        kind: str,
        subject_type: str,
        subject_id: int,
        snapshot: dict[str, Any],
        client_id: int | None,
        contract_id: int | None,
        employee_id: int | None,
        today: dt.date,
    ) -> DocumentRead:
        """A new version when the data changed since the last one; else the last one."""
        repo = DocumentsRepository(session)
        digest = content_hash(snapshot)
        latest = await repo.latest(kind, subject_type, subject_id)
        if latest is not None and latest.content_hash == digest:
            return _read(latest)
        renderers = {
            CLIENT_NOTICE: render_client_notice,
            INDIVIDUAL_CONTRACT: render_individual_contract,
        }
        content = renderers[kind](snapshot, today)
        row = GeneratedDocument(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            client_id=client_id,
            contract_id=contract_id,
            employee_id=employee_id,
            version=(latest.version + 1) if latest is not None else 1,
            snapshot=snapshot,
            content_hash=digest,
            pdf=content,
            issued_by=principal.user_id,
        )
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="document",
            entity_id=row.id,
            action="issue",
            after={"kind": kind, "version": row.version, "content_hash": digest},
        )
        return _read(row)

    # --- 派遣先への通知 ------------------------------------------------------------------------

    async def client_notice_snapshot(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        contract_id: int,
        data: ClientNoticeIssue,
        today: dt.date,
    ) -> tuple[dict[str, Any], int]:
        contract = await assignments_service.get_contract(
            session, principal, contract_id=contract_id
        )
        placements = [
            p
            for p in await assignments_service.contract_placements(session, contract_id=contract_id)
            if p.end_date >= today
        ]
        briefs = await employees_service.get_briefs(
            session, sorted({p.employee_id for p in placements})
        )
        given = {r.employee_id: r for r in data.reasons}
        previous = await DocumentsRepository(session).latest(CLIENT_NOTICE, "contract", contract_id)
        carried: dict[int, dict[str, str]] = {}
        if previous is not None:
            for worker in previous.snapshot.get("workers", []):
                carried[worker["employee_id"]] = {
                    e["kind"]: e["reason"] for e in worker["insurance"] if not e["filed"]
                }
        missing: list[str] = []
        for label, value in (
            ("派遣先の名称", contract.client_name),
            ("就業場所", contract.site_name),
            ("契約番号", contract.contract_number),
        ):
            if not value.strip():
                missing.append(label)
        if not placements:
            missing.append("派遣労働者")
        workers = []
        for placement in placements:
            brief = briefs.get(placement.employee_id)
            if brief is None:
                continue
            name = brief.name_kanji or brief.name_romaji
            reference = max(today, placement.start_date)
            profile = await payroll_service.get_profile(session, principal, employee_id=brief.id)
            social = bool(getattr(profile, "social_insured", True))
            employment = bool(getattr(profile, "employment_insured", True))
            reasons = given.get(brief.id)
            old = carried.get(brief.id, {})
            entries = tuple(
                InsuranceEntry(
                    kind,
                    filed,
                    ""
                    if filed
                    else (getattr(reasons, kind, "") if reasons else "") or old.get(kind, ""),
                )
                for kind, filed in (
                    ("health", social),
                    ("pension", social),
                    ("employment", employment),
                )
            )
            missing += insurance_problems(name, entries)
            sex = SEX.get(brief.gender, "")
            if not sex:
                missing.append(f"{name}: 性別")
            workers.append(
                {
                    "employee_id": brief.id,
                    "name": name,
                    "sex": sex,
                    "age_words": age_statement(brief.birth_date, reference),
                    "over_60": is_60_or_over(brief.birth_date, reference),
                    "agreement": contract.limited_to_agreement_workers
                    or brief.id in set(data.agreement_worker_ids),
                    "indefinite": brief.is_indefinite,
                    "start_date": placement.start_date.isoformat(),
                    "end_date": placement.end_date.isoformat(),
                    "insurance": [
                        {"kind": e.kind, "filed": e.filed, "reason": e.reason.strip()}
                        for e in entries
                    ],
                }
            )
        if missing:
            raise DocumentIncompleteError(missing)
        snapshot = {
            "agency_name": self.agency_name,
            "contract": {
                "id": contract.id,
                "contract_number": contract.contract_number,
                "client_name": contract.client_name,
                "site_name": contract.site_name,
                "unit_name": contract.unit_name,
                "period_start": contract.period_start.isoformat(),
                "period_end": contract.period_end.isoformat(),
            },
            "workers": workers,
        }
        return snapshot, contract.client_id

    async def issue_client_notice(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        contract_id: int,
        data: ClientNoticeIssue,
        today: dt.date,
    ) -> DocumentRead:
        snapshot, client_id = await self.client_notice_snapshot(
            session, principal, contract_id=contract_id, data=data, today=today
        )
        return await self._issue(
            session,
            principal,
            kind=CLIENT_NOTICE,
            subject_type="contract",
            subject_id=contract_id,
            snapshot=snapshot,
            client_id=client_id,
            contract_id=contract_id,
            employee_id=None,
            today=today,
        )

    # --- 個別契約書 ---------------------------------------------------------------------------

    async def issue_individual_contract(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        contract_id: int,
        data: IndividualContractIssue,
        today: dt.date,
    ) -> DocumentRead:
        """The 労働者派遣個別契約書 (則21–22条): refused naming every empty item; the
        dispute-prevention clause is never optional and may not forbid hiring (A5)."""
        c = await assignments_service.get_contract(session, principal, contract_id=contract_id)
        previous = await DocumentsRepository(session).latest(
            INDIVIDUAL_CONTRACT, "contract", contract_id
        )
        old = previous.snapshot["contract"] if previous is not None else {}
        clauses = {
            name: (getattr(data, name).strip() or str(old.get(name, ""))) for name in CLAUSES
        }
        overtime = (
            f"1日{c.overtime_hours_per_day}時間、1か月{c.overtime_hours_per_month}時間、"
            f"1年{c.overtime_hours_per_year}時間まで；"
            f"休日労働 1か月{c.holiday_work_days_per_month}日まで"
            if c.overtime_hours_per_day is not None
            else "なし"
        )
        contract = {
            "contract_number": c.contract_number,
            "client_name": c.client_name,
            "site_name": c.site_name,
            "unit_name": c.unit_name,
            "work_place": c.work_place,
            "headcount": c.headcount,
            "work_content": c.work_content,
            "responsibility_level": c.responsibility_level,
            "supervisor_name": c.supervisor_name,
            "supervisor_department": c.supervisor_department,
            "supervisor_title": c.supervisor_title,
            "period_start": c.period_start.isoformat(),
            "period_end": c.period_end.isoformat(),
            "working_days": c.working_days,
            "start_time": c.start_time.strftime("%H:%M") if c.start_time else "",
            "end_time": c.end_time.strftime("%H:%M") if c.end_time else "",
            "break_minutes": c.break_minutes,
            "agency_manager_name": c.agency_manager_name,
            "client_manager_name": c.client_manager_name,
            "overtime": overtime,
            "limitation": limitation_words(c.limited_to_exempt_workers),
            "agreement_limitation": "限定する" if c.limited_to_agreement_workers else "限定しない",
            "exemption": (c.work_exemption.value if c.work_exemption else "")
            + (f" {c.exemption_note}" if c.exemption_note else ""),
            **clauses,
        }
        labels = {
            "work_content": "業務内容",
            "responsibility_level": "業務に伴う責任の程度",
            "site_name": "就業場所",
            "unit_name": "組織単位",
            "supervisor_name": "指揮命令者",
            "working_days": "就業日",
            "start_time": "始業時刻",
            "end_time": "終業時刻",
            "safety": "安全及び衛生",
            "complaints": "苦情の処理",
            "cancellation_measures": "派遣契約の解除に当たって講ずる措置",
            "agency_manager_name": "派遣元責任者",
            "client_manager_name": "派遣先責任者",
            "welfare": "福利厚生施設の利用等",
        }
        missing = [label for key, label in labels.items() if not str(contract[key]).strip()]
        missing += dispute_clause_problems(str(contract["dispute_prevention"]))
        if missing:
            raise DocumentIncompleteError(missing)
        snapshot = {"agency_name": self.agency_name, "contract": contract}
        return await self._issue(
            session,
            principal,
            kind=INDIVIDUAL_CONTRACT,
            subject_type="contract",
            subject_id=contract_id,
            snapshot=snapshot,
            client_id=c.client_id,
            contract_id=contract_id,
            employee_id=None,
            today=today,
        )

    # --- reads ------------------------------------------------------------------------------

    async def list_documents(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int | None = None,
        contract_id: int | None = None,
        employee_id: int | None = None,
    ) -> list[DocumentRead]:
        """Every version, newest first; a client supervisor only its client's addressed kinds."""
        repo = DocumentsRepository(session)
        if principal.is_client:
            rows = await repo.listed(client_id=principal.client_id, kinds=CLIENT_KINDS)
        else:
            rows = await repo.listed(
                client_id=client_id, contract_id=contract_id, employee_id=employee_id
            )
        return [_read(row) for row in rows]

    async def _readable(
        self, session: AsyncSession, principal: Principal, document_id: int
    ) -> GeneratedDocument:
        row = await DocumentsRepository(session).by_id(document_id)
        if row is None:
            raise NotFoundError()
        if principal.is_client:
            if row.client_id != principal.client_id or row.kind not in CLIENT_KINDS:
                raise NotFoundError()
        elif not principal.is_at_least(Role.COORDINATOR):
            raise NotFoundError()
        return row

    async def get(
        self, session: AsyncSession, principal: Principal, *, document_id: int
    ) -> DocumentDetail:
        row = await self._readable(session, principal, document_id)
        return DocumentDetail(**_read(row).model_dump(), snapshot=row.snapshot)

    async def download(
        self, session: AsyncSession, principal: Principal, *, document_id: int
    ) -> tuple[bytes, str]:
        """The PDF as issued, and a file name; the download is audited."""
        row = await self._readable(session, principal, document_id)
        await audit_service.record(
            session,
            principal,
            entity_type="document",
            entity_id=row.id,
            action="download",
            after={"kind": row.kind, "version": row.version},
        )
        return row.pdf, f"{row.kind}-{row.subject_id}-v{row.version}.pdf"


documents_service = DocumentsService()

__all__ = ["CLIENT_KINDS", "CLIENT_NOTICE", "KIND_TITLES", "DocumentsService", "documents_service"]
