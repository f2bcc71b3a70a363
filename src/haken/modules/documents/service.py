"""Generated documents: issue (snapshot → hash → new version only when the data changed →
PDF), list per contract, worker or client, download; every issue and download audited.

The first kind is the 派遣先への通知 (派遣法35条; ``client_notice``), per contract, addressed
to the client: the client supervisor downloads it in the portal. Rules of its items live in
``labor/client_notice.py``; a required item left empty refuses the issue with
``DOCUMENT_INCOMPLETE`` naming every missing item.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
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
from haken.labor.dispatch_ledgers import (
    LEDGER_ENTRY_KINDS,
    STABILITY_MEASURES,
    client_ledger_need,
    conflict_dates_shown,
    retention_until,
)
from haken.labor.foreign_report import report_due
from haken.modules.assignments.schemas import AssignmentDetail, ContractRead
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.billing.service import billing_service
from haken.modules.clients.service import clients_service
from haken.modules.documents import pdf
from haken.modules.documents.errors import DocumentAgencyNameMissingError, DocumentIncompleteError
from haken.modules.documents.models import GeneratedDocument, LedgerEntry
from haken.modules.documents.repository import DocumentsRepository
from haken.modules.documents.schemas import (
    AgencyLedgerIssue,
    ClientLedgerIssue,
    ClientNoticeIssue,
    DocumentDetail,
    DocumentRead,
    ForeignReportRow,
    IndividualContractIssue,
)
from haken.modules.employees.service import employees_service
from haken.modules.offices.schemas import OfficeRead
from haken.modules.offices.service import offices_service
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.errors import NotFoundError
from haken.platform.types import year_month

CLIENT_NOTICE = "client_notice"
INDIVIDUAL_CONTRACT = "individual_contract"
TERMS_NOTICE = "terms_notice"  # 就業条件明示書, per assignment, to the worker
LABOUR_NOTICE = "labour_notice"  # 労働条件通知書兼就業条件明示書, per assignment (labour_notice.py)
HIRE_NOTICE = "hire_notice"  # 労働条件通知書 at hire, per employee, no assignment (hire_notice.py)
AGENCY_LEDGER = "agency_ledger"  # 派遣元管理台帳, per assignment, the agency's own
CLIENT_LEDGER = "client_ledger"  # 派遣先管理台帳 data, per site, offered to the client
# The kinds addressed to the client: its supervisors download them in the portal; the ones
# written per site only for the supervisor's sites.
CLIENT_KINDS = (CLIENT_NOTICE, INDIVIDUAL_CONTRACT, CLIENT_LEDGER)
SITE_KINDS = (CLIENT_LEDGER,)
# The kinds addressed to the worker: an employee downloads their own in the portal (/me).
WORKER_KINDS = (TERMS_NOTICE, LABOUR_NOTICE, HIRE_NOTICE)
KIND_TITLES = {
    CLIENT_NOTICE: "派遣先への通知",
    INDIVIDUAL_CONTRACT: "労働者派遣個別契約書",
    TERMS_NOTICE: "就業条件明示書",
    LABOUR_NOTICE: "労働条件通知書兼就業条件明示書",
    HIRE_NOTICE: "労働条件通知書（雇入れ時）",
    AGENCY_LEDGER: "派遣元管理台帳",
    CLIENT_LEDGER: "派遣先管理台帳（記載事項）",
}
EXEMPTION_WORDS = {
    "INDEFINITE_CONTRACT": "無期雇用派遣労働者",
    "AGED_60_OR_OVER": "60歳以上の者",
    "FIXED_PERIOD_PROJECT": "有期プロジェクト業務",
    "LIMITED_DAYS": "日数限定業務",
    "LEAVE_COVER": "産前産後休業・育児休業・介護休業等の代替業務",
}
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


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _address(site: Any) -> str:
    parts = [
        f"〒{site.postal_code}" if site.postal_code else "",
        (site.prefecture_name or "") + site.city + site.address_line1,
        site.address_line2,
    ]
    return " ".join(p for p in parts if p).strip()


def _overtime_words(c: Any) -> str:
    if c.overtime_hours_per_day is None:
        return "なし"
    return (
        f"1日{c.overtime_hours_per_day}時間、1か月{c.overtime_hours_per_month}時間、"
        f"1年{c.overtime_hours_per_year}時間まで；"
        f"休日労働 1か月{c.holiday_work_days_per_month}日まで"
    )


def _limits_and_fee(n: dict[str, Any], fees: str) -> list[tuple[str, str]]:
    """The closing rows of the 就業条件 (34条 and 34条の2): the period limits, or the
    exemption, then the dispatch fee; the 就業条件明示書 and the 労働条件通知書 share them."""
    if n["exempt"]:
        rows = [("期間制限", f"期間制限の対象外（{n['exemption']}）")]
    else:
        rows = [
            ("派遣先の事業所単位の抵触日", _jp_date(n["site_conflict_date"])),
            ("組織単位（個人単位）の抵触日", _jp_date(n["individual_conflict_date"])),
        ]
    return [*rows, ("派遣料金額（第34条の2）", fees)]


def _hours(start: str, end: str, break_minutes: int) -> str:
    return f"{start}〜{end}（休憩{break_minutes}分）"


def office_words(office: OfficeRead | None) -> str:
    """The contract's 派遣元事業所 as printed: name, address, phone ("" without offices)."""
    if office is None:
        return ""
    phone = f"TEL {office.phone}" if office.phone else ""
    return " ".join(x for x in (office.name, office.address, phone) if x)


def office_heading(snapshot: dict[str, Any], office: str) -> list[str]:
    """The sender lines: the agency (派遣元事業主) and, where known, its office."""
    lines = [f"{snapshot['agency_name']}"]
    if office:
        lines.append(f"派遣元事業所: {office}")
    return lines


def render_terms_notice(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    n = snapshot["notice"]
    heading = [
        f"{n['worker_name']} 殿",
        *office_heading(snapshot, n.get("agency_office", "")),
        f"明示日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        "労働者派遣法第34条及び第34条の2に基づき、次の条件で労働者派遣を行うことを明示します。",
    ]
    fees = "\n".join(f"{_jp_date(f['from'])}から 1時間当たり {f['hourly']}円" for f in n["fees"])
    rows = [
        ("派遣先", f"{n['client_name']}（契約番号 {n['contract_number']}）"),
        ("業務内容", n["work_content"]),
        ("業務に伴う責任の程度", n["responsibility_level"]),
        (
            "就業場所・組織単位",
            f"{n['site_name']} {n['work_place']}\n{n['site_address']} {n['site_phone']}\n"
            f"組織単位: {n['unit_name']}",
        ),
        ("指揮命令者", n["supervisor"]),
        ("派遣期間", f"{_jp_date(n['period_start'])}〜{_jp_date(n['period_end'])}"),
        ("就業日", n["working_days"]),
        ("就業時間・休憩時間", _hours(n["start_time"], n["end_time"], n["break_minutes"])),
        ("時間外・休日労働", n["overtime"]),
        ("安全及び衛生", n["safety"]),
        (
            "苦情の処理・申出先",
            f"{n['complaints']}\n派遣元: {n['agency_manager']}\n派遣先: {n['client_complaints']}",
        ),
        ("派遣契約の解除に当たって講ずる措置", n["cancellation_measures"]),
        ("紹介予定派遣", n["temp_to_perm"]),
        ("派遣元責任者", n["agency_manager"]),
        ("派遣先責任者", n["client_manager"]),
        ("福利厚生施設の利用等", n["welfare"]),
    ]
    rows += _limits_and_fee(n, fees)
    footer = [
        "※ 派遣先が期間制限に違反して労働者派遣を受け入れた場合、労働契約申込みみなし制度"
        "（派遣法第40条の6）の対象となります。",
        "※ 派遣料金額が変更されたときは、改めて明示します。",
    ]
    return pdf.render("就業条件明示書", heading, [("就業条件", rows)], footer)


def _yes(flag: bool, yes: str, no: str) -> str:
    return yes if flag else no


def render_agency_ledger(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    heading, rows = agency_ledger_items(snapshot, issued_on)
    return pdf.render("派遣元管理台帳", heading, [("記載事項", rows)])


def agency_ledger_items(
    snapshot: dict[str, Any], issued_on: dt.date
) -> tuple[list[str], list[tuple[str, str]]]:
    """The heading lines and the (item, text) rows of the 派遣元管理台帳 (PDF and Excel)."""
    g = snapshot["ledger"]
    heading = [
        *office_heading(snapshot, g.get("agency_office", "")),
        f"作成日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        f"保存期限: {_jp_date(g['retention_until'])}まで"
        "（派遣終了の日から3年間、派遣法第37条第2項）",
    ]
    labels = dict(INSURANCES)
    insurance = "\n".join(
        f"{labels[e['kind']]}: " + ("有" if e["filed"] else f"無（{e['reason']}）")
        for e in g["insurance"]
    )

    def entries(kind: str) -> str:
        found = [e for e in g["entries"] if e["kind"] == kind]
        if not found:
            return "なし"
        lines = []
        for e in found:
            measure = STABILITY_MEASURES.get(e["measure"], "")
            line = f"{_jp_date(e['occurred_on'])} {measure} {e['content']}".strip()
            if e["method"]:
                line += f"（方法: {e['method']}）"
            if e["response_on"] or e["response"]:
                reply = _jp_date(e["response_on"]) if e["response_on"] else ""
                line += f" → {reply} {e['response']}".rstrip()
            lines.append(line)
        return "\n".join(lines)

    rows = [
        ("1. 派遣労働者の氏名", g["worker_name"]),
        (
            "2. 協定対象派遣労働者か否か",
            _yes(g["agreement"], "協定対象派遣労働者である", "協定対象派遣労働者ではない"),
        ),
        ("3. 無期雇用か有期雇用か", _yes(g["indefinite"], "無期雇用", "有期雇用")),
        ("4. 60歳以上であるか否か", _yes(g["over_60"], "60歳以上である", "60歳未満である")),
        ("5. 派遣先の氏名又は名称", g["client_name"]),
        ("6. 派遣先の事業所の名称", g["site_name"]),
        (
            "7. 事業所の所在地・就業場所・組織単位",
            f"{g['site_address']}\n{g['work_place']}\n組織単位: {g['unit_name']}",
        ),
        (
            "8. 派遣期間・就業日",
            f"{_jp_date(g['period_start'])}〜{_jp_date(g['period_end'])}\n{g['working_days']}",
        ),
        ("9. 始業・終業時刻", _hours(g["start_time"], g["end_time"], g["break_minutes"])),
        ("10. 業務の種類", g["work_content"]),
        ("11. 業務に伴う責任の程度", g["responsibility_level"]),
        ("12. " + LEDGER_ENTRY_KINDS["complaint"], entries("complaint")),
        ("13. 紹介予定派遣に関する事項", g["temp_to_perm"]),
        (
            "14. 派遣元責任者・派遣先責任者",
            f"派遣元: {g['agency_manager']}\n派遣先: {g['client_manager']}",
        ),
        ("15. 時間外・休日労働", g["overtime"]),
        ("16. 期間制限のない業務等", g["exemption"] or "該当しない"),
        ("17. 社会保険・雇用保険の資格取得届の提出の有無", insurance),
        ("18. " + LEDGER_ENTRY_KINDS["training"], entries("training")),
        ("19. " + LEDGER_ENTRY_KINDS["career_consultation"], entries("career_consultation")),
        (
            "20. 雇用安定措置",
            "希望: " + entries("stability_wish") + "\n講じた措置: " + entries("stability_measure"),
        ),
    ]
    return heading, rows


def render_client_ledger(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    heading, sections = client_ledger_items(snapshot, issued_on)
    return pdf.render("派遣先管理台帳（記載事項）", heading, sections)


def client_ledger_items(
    snapshot: dict[str, Any], issued_on: dt.date
) -> tuple[list[str], list[tuple[str, list[tuple[str, str]]]]]:
    """The heading lines and the per-worker sections of the 派遣先管理台帳 data (PDF, Excel)."""
    site = snapshot["site"]
    heading = [
        f"{snapshot['client_name']} 御中",
        f"{snapshot['agency_name']}",
        f"作成日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        f"対象月: {snapshot['month']}",
        f"事業所: {site['name']} {site['address']}",
        f"派遣先管理台帳の作成: {'要' if snapshot['need']['required'] else '不要'}"
        f"（{snapshot['need']['words']}）",
        "派遣法第42条・則第36条の記載事項のうち、派遣元が把握しているものを提供します。"
        "苦情の処理状況・教育訓練の実施状況は派遣先で記載してください。",
    ]
    sections = []
    for number, w in enumerate(snapshot["workers"], start=1):
        days = "\n".join(
            f"{_jp_date(d['date'])} " + _hours(d["start"], d["end"], d["break_minutes"])
            for d in w["days"]
        )
        rows = [
            ("派遣労働者の氏名", w["name"]),
            ("派遣元事業主の名称", snapshot["agency_name"]),
            (
                "協定対象派遣労働者か否か",
                _yes(w["agreement"], "協定対象派遣労働者である", "協定対象派遣労働者ではない"),
            ),
            ("無期雇用か有期雇用か", _yes(w["indefinite"], "無期雇用", "有期雇用")),
            ("60歳以上であるか否か", _yes(w["over_60"], "60歳以上である", "60歳未満である")),
            ("派遣期間", f"{_jp_date(w['period_start'])}〜{_jp_date(w['period_end'])}"),
            ("就業した日・始業終業時刻・休憩時間", days or "対象月の就業なし"),
            ("業務の種類", w["work_content"]),
            ("業務に伴う責任の程度", w["responsibility_level"]),
            ("就業場所・組織単位", f"{w['work_place']}\n組織単位: {w['unit_name']}"),
            (
                "派遣元責任者・派遣先責任者",
                f"派遣元: {w['agency_manager']}\n派遣先: {w['client_manager']}",
            ),
            ("期間制限のない業務等", w["exemption"] or "該当しない"),
            ("保存期限", f"{_jp_date(w['retention_until'])}まで（派遣終了の日から3年間、則37条）"),
        ]
        sections.append((f"{number}. 派遣労働者", rows))
    return heading, sections


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
        renderer: Callable[[dict[str, Any], dt.date], bytes] | None = None,
    ) -> DocumentRead:
        """A new version when the data changed since the last one; else the last one. Never
        without the agency's name (派遣元事業主の名称; DOCUMENT_AGENCY_NAME_MISSING)."""
        if not str(snapshot.get("agency_name", "")).strip():
            raise DocumentAgencyNameMissingError()
        repo = DocumentsRepository(session)
        digest = content_hash(snapshot)
        latest = await repo.latest(kind, subject_type, subject_id)
        if latest is not None and latest.content_hash == digest:
            return _read(latest)
        renderers = {
            CLIENT_NOTICE: render_client_notice,
            INDIVIDUAL_CONTRACT: render_individual_contract,
            TERMS_NOTICE: render_terms_notice,
            AGENCY_LEDGER: render_agency_ledger,
            CLIENT_LEDGER: render_client_ledger,
        }
        content = (renderer or renderers[kind])(snapshot, today)
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

    @staticmethod
    async def _agency_manager(
        session: AsyncSession, named: str | None, office_id: int | None
    ) -> str:
        """The 派遣元責任者 a document prints: the contract's own, else its office's (read
        only when the contract names none, so a contract that does costs no statement)."""
        if named and named.strip():
            return named
        office = await offices_service.resolve(session, office_id)
        return office.manager_name if office is not None and office.manager_name else ""

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
            "agency_manager_name": await self._agency_manager(
                session, c.agency_manager_name, c.office_id
            ),
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

    # --- 就業条件明示書 (34条, 34条の2) ------------------------------------------------------

    async def _fee_schedule(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        contract_id: int,
        assignment_id: int,
        first: dt.date,
        last: dt.date,
    ) -> list[dict[str, str]]:
        """The dispatch fee per hour (billing's bill rates: this assignment's, else the
        contract's) in force on ``first`` and every change up to ``last``, oldest first."""
        rates = await billing_service.list_rates(session, principal, contract_id=contract_id)
        own = [r for r in rates if r.assignment_id == assignment_id]
        chosen = own or [r for r in rates if r.assignment_id is None]
        by_day: dict[dt.date, Decimal] = {}
        for rate in sorted(chosen, key=lambda r: (r.effective_from, r.id)):
            by_day[rate.effective_from] = rate.base_rate  # the last row of a day wins
        days = sorted(by_day)
        start = max((d for d in days if d <= first), default=None)
        shown = [d for d in days if (start is not None and d == start) or first < d <= last]
        return [
            {"from": max(day, first).isoformat(), "hourly": f"{by_day[day]:,.0f}"} for day in shown
        ]

    async def terms_notice_snapshot(
        self, session: AsyncSession, principal: Principal, *, assignment_id: int, today: dt.date
    ) -> tuple[dict[str, Any], AssignmentDetail]:
        a = await assignments_service.get_assignment(
            session, principal, assignment_id=assignment_id, today=today
        )
        c = await assignments_service.get_contract(session, principal, contract_id=a.contract_id)
        site = await clients_service.get_site(session, principal, site_id=c.site_id)
        brief = await employees_service.get_brief(session, a.employee_id)
        office = await offices_service.resolve(session, c.office_id)
        previous = await DocumentsRepository(session).latest(INDIVIDUAL_CONTRACT, "contract", c.id)
        clauses = previous.snapshot["contract"] if previous is not None else {}
        first = max(today, a.start_date)
        fees = await self._fee_schedule(
            session,
            principal,
            contract_id=c.id,
            assignment_id=a.id,
            first=min(first, a.end_date),
            last=a.end_date,
        )
        exempt = a.exemption is not None
        missing: list[str] = []
        notice = {
            "worker_name": brief.name_kanji or brief.name_romaji,
            "contract_number": c.contract_number,
            "client_name": c.client_name,
            "site_name": c.site_name,
            "site_address": _address(site),
            "site_phone": site.phone or "",
            "work_place": c.work_place,
            "unit_name": c.unit_name,
            "work_content": c.work_content,
            "responsibility_level": c.responsibility_level,
            "supervisor": " ".join(
                x for x in (c.supervisor_department, c.supervisor_title, c.supervisor_name) if x
            ),
            "period_start": a.start_date.isoformat(),
            "period_end": a.end_date.isoformat(),
            "working_days": c.working_days,
            "start_time": c.start_time.strftime("%H:%M") if c.start_time else "",
            "end_time": c.end_time.strftime("%H:%M") if c.end_time else "",
            "break_minutes": c.break_minutes,
            "overtime": _overtime_words(c),
            "agency_office": office_words(office),
            "agency_manager": c.agency_manager_name or (office.manager_name if office else ""),
            "client_manager": " ".join(
                x
                for x in (
                    site.manager_department,
                    site.manager_title,
                    site.manager_name or c.client_manager_name,
                    site.manager_phone or "",
                )
                if x
            ),
            "client_complaints": " ".join(
                x
                for x in (
                    site.complaint_department,
                    site.complaint_title,
                    site.complaint_name,
                    site.complaint_phone or "",
                )
                if x
            ),
            "safety": str(clauses.get("safety", "")),
            "complaints": str(clauses.get("complaints", "")),
            "cancellation_measures": str(clauses.get("cancellation_measures", "")),
            "welfare": str(clauses.get("welfare", "")),
            "temp_to_perm": "該当しない",
            "exempt": exempt,
            "exemption": EXEMPTION_WORDS.get(a.exemption.value, a.exemption.value)
            if a.exemption is not None
            else "",
            "site_conflict_date": a.site_conflict_date.isoformat()
            if a.site_conflict_date and conflict_dates_shown(exempt)
            else "",
            "individual_conflict_date": a.individual_conflict_date.isoformat()
            if a.individual_conflict_date and conflict_dates_shown(exempt)
            else "",
            "fees": fees,
        }
        labels = {
            "work_content": "業務内容",
            "responsibility_level": "業務に伴う責任の程度",
            "site_address": "就業場所の所在地",
            "unit_name": "組織単位",
            "supervisor": "指揮命令者",
            "working_days": "就業日",
            "start_time": "始業時刻",
            "end_time": "終業時刻",
            "agency_manager": "派遣元責任者",
            "client_manager": "派遣先責任者",
            "safety": "安全及び衛生（個別契約書）",
            "complaints": "苦情の処理（個別契約書）",
            "cancellation_measures": "派遣契約の解除に当たって講ずる措置（個別契約書）",
            "welfare": "福利厚生施設の利用等（個別契約書）",
        }
        missing += [label for key, label in labels.items() if not str(notice[key]).strip()]
        if not exempt:
            if not notice["site_conflict_date"]:
                missing.append("派遣先の事業所単位の抵触日")
            if not notice["individual_conflict_date"]:
                missing.append("組織単位の抵触日")
        if not fees:
            missing.append("派遣料金額（請求単価）")
        if missing:
            raise DocumentIncompleteError(missing)
        return {"agency_name": self.agency_name, "notice": notice}, a

    async def issue_terms_notice(
        self, session: AsyncSession, principal: Principal, *, assignment_id: int, today: dt.date
    ) -> DocumentRead:
        """The 就業条件明示書 of one assignment, to the worker: every 26条 item, both 抵触日
        (not for an exempt dispatch) and the dispatch fee (34条の2); a change of the fee (a
        new bill rate) changes the snapshot and so issues a new version (A9)."""
        snapshot, a = await self.terms_notice_snapshot(
            session, principal, assignment_id=assignment_id, today=today
        )
        return await self._issue(
            session,
            principal,
            kind=TERMS_NOTICE,
            subject_type="assignment",
            subject_id=a.id,
            snapshot=snapshot,
            client_id=a.client_id,
            contract_id=a.contract_id,
            employee_id=a.employee_id,
            today=today,
        )

    # --- 派遣元管理台帳 (37条, 則31条) ---------------------------------------------------------

    async def issue_agency_ledger(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: AgencyLedgerIssue,
        today: dt.date,
    ) -> DocumentRead:
        """The 派遣元管理台帳 of one worker's assignment with every item of 則31条 and its
        retention date (3 years from the dispatch end, A4); ``data.entries`` are appended
        (append-only, audited) before the snapshot is taken."""
        a = await assignments_service.get_assignment(
            session, principal, assignment_id=assignment_id, today=today
        )
        c = await assignments_service.get_contract(session, principal, contract_id=a.contract_id)
        site = await clients_service.get_site(session, principal, site_id=c.site_id)
        brief = await employees_service.get_brief(session, a.employee_id)
        office = await offices_service.resolve(session, c.office_id)
        repo = DocumentsRepository(session)
        for entry in data.entries:
            row = LedgerEntry(
                assignment_id=a.id,
                employee_id=a.employee_id,
                kind=entry.kind,
                occurred_on=entry.occurred_on,
                measure=entry.measure,
                content=entry.content.strip(),
                method=entry.method.strip(),
                response_on=entry.response_on,
                response=entry.response.strip(),
                created_by=principal.user_id,
            )
            repo.add(row)
            await repo.flush()
            await audit_service.record(
                session,
                principal,
                entity_type="ledger_entry",
                entity_id=row.id,
                action="create",
                after={
                    "kind": row.kind,
                    "occurred_on": row.occurred_on.isoformat(),
                    "measure": row.measure,
                },
            )
        entries = await repo.ledger_entries(a.id)
        notice = await repo.latest(CLIENT_NOTICE, "contract", c.id)
        told = {}
        if notice is not None:
            told = {w["employee_id"]: w for w in notice.snapshot.get("workers", [])}
        worker = told.get(a.employee_id)
        name = brief.name_kanji or brief.name_romaji
        missing: list[str] = []
        if worker is not None:
            insurance = worker["insurance"]
        else:
            social, employment = (
                await payroll_service.insured_flags(session, [a.employee_id])
            ).get(a.employee_id, (True, True))
            insurance = [
                {"kind": kind, "filed": filed, "reason": ""}
                for kind, filed in (
                    ("health", social),
                    ("pension", social),
                    ("employment", employment),
                )
            ]
        missing += insurance_problems(
            name,
            tuple(InsuranceEntry(e["kind"], e["filed"], e["reason"]) for e in insurance),
        )
        reference = max(today, a.start_date)
        ledger = {
            "worker_name": name,
            "agreement": c.limited_to_agreement_workers
            or bool(worker is not None and worker["agreement"]),
            "indefinite": brief.is_indefinite,
            "over_60": is_60_or_over(brief.birth_date, reference),
            "client_name": c.client_name,
            "site_name": c.site_name,
            "site_address": _address(site),
            "work_place": c.work_place,
            "unit_name": c.unit_name,
            "period_start": a.start_date.isoformat(),
            "period_end": a.end_date.isoformat(),
            "working_days": c.working_days,
            "start_time": c.start_time.strftime("%H:%M") if c.start_time else "",
            "end_time": c.end_time.strftime("%H:%M") if c.end_time else "",
            "break_minutes": c.break_minutes,
            "work_content": c.work_content,
            "responsibility_level": c.responsibility_level,
            "temp_to_perm": "該当しない",
            "agency_office": office_words(office),
            "agency_manager": c.agency_manager_name or (office.manager_name if office else ""),
            "client_manager": site.manager_name or c.client_manager_name,
            "overtime": _overtime_words(c),
            "exemption": EXEMPTION_WORDS.get(a.exemption.value, a.exemption.value)
            if a.exemption is not None
            else "",
            "insurance": insurance,
            "entries": [
                {
                    "kind": e.kind,
                    "occurred_on": e.occurred_on.isoformat(),
                    "measure": e.measure,
                    "content": e.content,
                    "method": e.method,
                    "response_on": e.response_on.isoformat() if e.response_on else "",
                    "response": e.response,
                }
                for e in entries
            ],
            "retention_until": retention_until(a.end_date).isoformat(),
        }
        labels = {
            "work_content": "業務の種類",
            "responsibility_level": "業務に伴う責任の程度",
            "site_address": "派遣先の事業所の所在地",
            "unit_name": "組織単位",
            "working_days": "就業日",
            "start_time": "始業時刻",
            "end_time": "終業時刻",
            "agency_manager": "派遣元責任者",
            "client_manager": "派遣先責任者",
        }
        missing += [label for key, label in labels.items() if not str(ledger[key]).strip()]
        if missing:
            raise DocumentIncompleteError(missing)
        return await self._issue(
            session,
            principal,
            kind=AGENCY_LEDGER,
            subject_type="assignment",
            subject_id=a.id,
            snapshot={"agency_name": self.agency_name, "ledger": ledger},
            client_id=a.client_id,
            contract_id=a.contract_id,
            employee_id=a.employee_id,
            today=today,
        )

    # --- 派遣先管理台帳 data (42条, 則35–38条) ------------------------------------------------

    async def issue_client_ledger(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        site_id: int,
        data: ClientLedgerIssue,
        today: dt.date,
    ) -> DocumentRead:
        """The 派遣先管理台帳 data of a site for a month, offered to the client: whether it needs
        one (則35条3項, A3; an unknown own headcount counts as required and the document says
        so), per worker the 則36条 items with the days actually worked and their times, and
        the retention date (3 years from the dispatch end, 則37条, A4)."""
        site = await clients_service.get_site(session, principal, site_id=site_id)
        first = dt.date(*year_month(data.month), 1) if data.month else today.replace(day=1)
        last = _month_end(first)
        placements = await assignments_service.site_placements(
            session, site_id=site_id, first=first, last=last
        )
        contracts: dict[int, ContractRead] = {}
        for placement in placements:
            if placement.contract_id not in contracts:
                contracts[placement.contract_id] = await assignments_service.get_contract(
                    session, principal, contract_id=placement.contract_id
                )
        briefs = await employees_service.get_briefs(
            session, sorted({p.employee_id for p in placements})
        )
        cards = [
            card
            for card in await attendance_service.timecards_in_days(
                session, principal, first=first, last=last
            )
            if card.site_id == site_id and card.worked_minutes > 0
        ]
        by_assignment: dict[int, list[Any]] = {}
        for card in sorted(cards, key=lambda x: (x.work_date, x.id)):
            by_assignment.setdefault(card.assignment_id, []).append(card)
        need = client_ledger_need(len({p.employee_id for p in placements}), site.own_employees)
        workers = []
        missing: list[str] = []
        if not placements:
            missing.append("派遣労働者")
        # Once per contract, not per worker (a contract without its own 派遣元責任者 reads
        # its office's).
        agency_managers = {
            contract.id: await self._agency_manager(
                session, contract.agency_manager_name, contract.office_id
            )
            for contract in contracts.values()
        }
        for placement in placements:
            brief = briefs.get(placement.employee_id)
            contract = contracts[placement.contract_id]
            if brief is None:
                continue
            reference = max(first, placement.start_date)
            workers.append(
                {
                    "employee_id": brief.id,
                    "name": brief.name_kanji or brief.name_romaji,
                    "agreement": contract.limited_to_agreement_workers,
                    "indefinite": brief.is_indefinite,
                    "over_60": is_60_or_over(brief.birth_date, reference),
                    "work_content": contract.work_content,
                    "responsibility_level": contract.responsibility_level,
                    "work_place": contract.work_place,
                    "unit_name": contract.unit_name,
                    "agency_manager": agency_managers[contract.id],
                    "client_manager": site.manager_name or contract.client_manager_name,
                    "exemption": EXEMPTION_WORDS.get(
                        contract.work_exemption.value, contract.work_exemption.value
                    )
                    if contract.work_exemption is not None
                    else ("無期雇用派遣労働者" if brief.is_indefinite else ""),
                    "period_start": placement.start_date.isoformat(),
                    "period_end": placement.end_date.isoformat(),
                    "retention_until": retention_until(placement.end_date).isoformat(),
                    "days": [
                        {
                            "date": card.work_date.isoformat(),
                            "start": card.start.strftime("%H:%M") if card.start else "",
                            "end": card.end.strftime("%H:%M") if card.end else "",
                            "break_minutes": card.break_minutes,
                        }
                        for card in by_assignment.get(placement.assignment_id, [])
                    ],
                }
            )
            for key, label in (
                ("work_content", "業務の種類"),
                ("responsibility_level", "業務に伴う責任の程度"),
            ):
                if not str(workers[-1][key]).strip():
                    missing.append(f"{contract.contract_number}: {label}")
        if missing:
            raise DocumentIncompleteError(sorted(set(missing), key=missing.index))
        snapshot = {
            "agency_name": self.agency_name,
            "site": {
                "id": site.id,
                "name": site.name,
                "address": _address(site),
                "own_employees": site.own_employees,
            },
            "client_name": next(iter(contracts.values())).client_name,
            "month": first.isoformat()[:7],
            "need": {"required": need.required, "total": need.total, "words": need.words},
            "workers": workers,
        }
        return await self._issue(
            session,
            principal,
            kind=CLIENT_LEDGER,
            subject_type="site",
            subject_id=site.id,
            snapshot=snapshot,
            client_id=site.client_id,
            contract_id=None,
            employee_id=None,
            today=today,
        )

    # --- 外国人雇用状況届出 (労働施策総合推進法28条) -------------------------------------------

    async def foreign_worker_reports(
        self, session: AsyncSession, *, month: dt.date, today: dt.date
    ) -> list[ForeignReportRow]:
        """The hires and separations of foreign workers in ``month`` with their report's due
        date (labor.foreign_report; B20), overdue when past due; two queries."""
        first = month.replace(day=1)
        last = _month_end(first)
        briefs = await employees_service.foreign_movements(session, first=first, last=last)
        flags = await payroll_service.insured_flags(session, [b.id for b in briefs])
        rows: list[ForeignReportRow] = []
        for brief in briefs:
            insured = flags.get(brief.id, (True, True))[1]
            status = brief.residence_status.value if brief.residence_status else ""
            for event, day in (("hire", brief.hire_date), ("separation", brief.leave_date)):
                if day is None or not first <= day <= last:
                    continue
                due = report_due(event, day, insured=insured, residence_status=status or None)
                rows.append(
                    ForeignReportRow(
                        employee_id=brief.id,
                        employee_number=brief.employee_number or "",
                        name=brief.name_kanji or brief.name_romaji,
                        event=event,
                        event_date=day,
                        insured=insured,
                        due=due,
                        overdue=due is not None and due < today,
                        form=(
                            "届出不要"
                            if due is None
                            else (
                                ("雇用保険被保険者資格取得届" if event == "hire" else "資格喪失届")
                                if insured
                                else "様式第3号"
                            )
                        ),
                        nationality=brief.nationality,
                        birth_date=brief.birth_date,
                        sex=SEX.get(brief.gender, ""),
                        residence_status=status,
                        period_of_stay_until=brief.work_permitted_until,
                        extra_activity_permission=brief.extra_activity_permission.value != "NONE",
                        residence_card_last4=brief.residence_card_last4 or "",
                    )
                )
        return sorted(rows, key=lambda r: (r.due or dt.date.max, r.event_date, r.employee_id))

    async def record_foreign_report_export(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        month: dt.date,
        rows: int,
        file_format: str = "csv",
    ) -> None:
        await audit_service.record(
            session,
            principal,
            entity_type="foreign_worker_report",
            entity_id="list",
            action="export",
            after={"format": file_format, "month": month.isoformat()[:7], "rows": rows},
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
            rows = await repo.listed(
                client_id=principal.client_id,
                kinds=CLIENT_KINDS,
                site_kinds=(SITE_KINDS, principal.site_ids),
            )
            units = await self._unit_contracts(session, principal)
            if units is not None:  # a unit-scoped supervisor: its units' contracts only
                rows = [r for r in rows if r.kind not in SITE_KINDS and r.contract_id in units]
        else:
            rows = await repo.listed(
                client_id=client_id, contract_id=contract_id, employee_id=employee_id
            )
        return [_read(row) for row in rows]

    async def _unit_contracts(self, session: AsyncSession, principal: Principal) -> set[int] | None:
        """The contracts of a unit-scoped client supervisor's 組織単位 (one query), or None when
        it supervises whole sites. The site-wide kinds (派遣先管理台帳 data) cover every unit of
        a site, so a unit-scoped supervisor does not get them."""
        if not principal.unit_ids or principal.client_id is None:
            return None
        placements = await assignments_service.client_portal_placements(
            session,
            client_id=principal.client_id,
            site_ids=sorted(principal.site_ids),
            first=dt.date(2000, 1, 1),
            last=dt.date(2999, 12, 31),
        )
        return {p.contract_id for p in placements if p.unit_id in principal.unit_ids}

    async def _readable(
        self, session: AsyncSession, principal: Principal, document_id: int
    ) -> GeneratedDocument:
        row = await DocumentsRepository(session).by_id(document_id)
        if row is None:
            raise NotFoundError()
        if principal.is_client:
            if row.client_id != principal.client_id or row.kind not in CLIENT_KINDS:
                raise NotFoundError()
            if row.kind in SITE_KINDS and row.subject_id not in principal.site_ids:
                raise NotFoundError()
            units = await self._unit_contracts(session, principal)
            if units is not None and (row.kind in SITE_KINDS or row.contract_id not in units):
                raise NotFoundError()
        elif not principal.is_at_least(Role.COORDINATOR):
            raise NotFoundError()
        return row

    async def list_own(self, session: AsyncSession, principal: Principal) -> list[DocumentRead]:
        """The caller's own documents addressed to the worker (就業条件明示書), newest first; a
        user without an employee record has none (the query still runs: id 0 is no one)."""
        own = principal.employee_id if principal.employee_id is not None else 0
        rows = await DocumentsRepository(session).listed(employee_id=own, kinds=WORKER_KINDS)
        return [_read(row) for row in rows]

    async def download_own(
        self, session: AsyncSession, principal: Principal, *, document_id: int
    ) -> tuple[bytes, str]:
        """The caller's own 就業条件明示書 (404 for anything else); audited."""
        row = await DocumentsRepository(session).by_id(document_id)
        if (
            row is None
            or principal.employee_id is None
            or row.employee_id != principal.employee_id
            or row.kind not in WORKER_KINDS
        ):
            raise NotFoundError()
        await audit_service.record(
            session,
            principal,
            entity_type="document",
            entity_id=row.id,
            action="download",
            after={"kind": row.kind, "version": row.version},
        )
        return row.pdf, f"{row.kind}-{row.subject_id}-v{row.version}.pdf"

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

__all__ = [
    "AGENCY_LEDGER",
    "CLIENT_KINDS",
    "CLIENT_LEDGER",
    "CLIENT_NOTICE",
    "HIRE_NOTICE",
    "KIND_TITLES",
    "TERMS_NOTICE",
    "DocumentsService",
    "documents_service",
]
