"""労働条件通知書 at hire (労基法15条1項, 労基則5条; パート有期法6条; 派遣法31条の2第2項,
34条の2): one per employee, issued when the agency hires a worker before any placement (a
常用型 / 無期雇用派遣 worker waiting for the first assignment, or anyone hired ahead of one).

The terms come from the employee record: the employment type, 無期 or the fixed-term contract
period in force at hire (and the 無期転換 chance once the right has arisen, C27), the pay
settings (a monthly salary and allowance, the scheduled monthly time and days, the insurances),
the payroll calendar (closing and pay day) and the statutory premium rates in force. What the
record does not hold is stated by the office at issue and never invented: the place of work
right after hire (the agency's office) and its range of change (e.g. 派遣先の事業所), the duties
and their range, start and end times, overtime, days off, an hourly wage, and the items of the
per-assignment notice (renewal and cap, retirement …); a worker hired as a dispatch worker also
gets the items of 派遣法31条の2第2項 and the dispatch fee (34条の2). An item left empty is
carried from the worker's last notice; a required item still empty refuses the issue with
``DOCUMENT_INCOMPLETE`` naming it (the rules: ``labor/labour_notice.py``). Versioned and hashed
like every document (subject: the employee); the worker downloads it on /me."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.labour_notice import (
    RENEWAL_WORDS,
    conversion_notice_due,
    cutoff_words,
    hire_contract_period,
    hire_missing_items,
    is_part_time,
    monthly_wage_words,
    payday_words,
    schedule_words,
)
from haken.labor.premiums import rules_on
from haken.modules.documents import pdf
from haken.modules.documents.errors import DocumentIncompleteError
from haken.modules.documents.labour_notice import (
    DEFAULTS,
    STATED,
    LabourNoticeIssue,
    LabourNotices,
    conversion_items,
    insurance_words,
    labour_notices,
    notice_facts,
)
from haken.modules.documents.repository import DocumentsRepository
from haken.modules.documents.schemas import DocumentRead
from haken.modules.documents.service import (
    HIRE_NOTICE,
    LABOUR_NOTICE,
    DocumentsService,
    _jp_date,
    documents_service,
)
from haken.modules.employees.service import employees_service
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal

TITLE = "労働条件通知書"
HIRE_STATED = (
    *STATED,
    "work_place",
    "duties",
    "hours",
    "overtime",
    "wage",
    "agreement_coverage",
    "dispatch_fee",
)
"""The items the office states at issue; an item not given is carried from the last notice."""
EMPLOYMENT_WORDS = {
    "dispatch": "派遣労働者",
    "contract": "請負業務に従事する労働者",
    "staff": "社内勤務の労働者",
}


class HireNoticeIssue(LabourNoticeIssue):
    """What the employee record does not hold, stated by the office at hire (労基則5条); an
    item left empty is carried from the worker's last notice."""

    work_place: str = Field(
        default="",
        max_length=500,
        description="就業の場所（雇入れ直後）: the agency's office the worker belongs to",
    )
    duties: str = Field(default="", max_length=1000, description="従事すべき業務（雇入れ直後）")
    hours: str = Field(
        default="", max_length=500, description="始業・終業の時刻、休憩時間 (e.g. 9:00〜18:00…)"
    )
    overtime: str = Field(default="", max_length=500, description="所定時間外労働の有無")
    wage: str = Field(
        default="",
        max_length=1000,
        description="賃金 (required when the pay settings hold no monthly salary: e.g. 時間給)",
    )
    agreement_coverage: str = Field(
        default="",
        max_length=500,
        description="労使協定の対象か否か, and the agreement's end (dispatch workers)",
    )
    dispatch_fee: str = Field(
        default="",
        max_length=500,
        description="派遣料金額 (34条の2): this worker's or the establishment's average",
    )


class HireNotices:
    """The at-hire 労働条件通知書 use case, on the documents service's versioning and audit."""

    def __init__(self, documents: DocumentsService, calendar: LabourNotices) -> None:
        self.documents = documents
        self.calendar = calendar
        """The payroll calendar (closing and pay day) configured on the per-assignment one."""

    async def carried(self, session: AsyncSession, employee_id: int) -> dict[str, str]:
        """The stated items of the worker's last notice (the issue form's starting values)."""
        previous = await DocumentsRepository(session).latest_addressed(
            (HIRE_NOTICE, LABOUR_NOTICE), employee_id
        )
        old = previous.snapshot.get("stated", {}) if previous is not None else {}
        return {name: str(old.get(name, "")) for name in HIRE_STATED}

    async def snapshot(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        data: HireNoticeIssue,
        today: dt.date,
    ) -> dict[str, Any]:
        worker = await employees_service.get(session, principal, employee_id)  # 404
        profile = await payroll_service.get_profile(session, principal, employee_id=worker.id)
        old = await self.carried(session, worker.id)
        stated = {name: (str(getattr(data, name)).strip() or old[name]) for name in HIRE_STATED}
        for name, words in DEFAULTS.items():
            stated[name] = stated[name] or words
        fixed = worker.term_type.value == "fixed"
        dispatch = worker.employment_type.value == "dispatch"
        reference = max(today, worker.hire_date)
        period = (
            hire_contract_period(
                [(p.start_date, p.end_date) for p in worker.contract_periods], reference
            )
            if fixed
            else None
        )
        part_time = is_part_time(profile.average_monthly_minutes)
        due = conversion_notice_due(
            fixed_term=fixed,
            right_date=worker.indefinite_conversion_date,
            contract_start=period[0] if period else None,
        )
        monthly = (
            monthly_wage_words(profile.monthly_salary, profile.allowance)
            if profile.pay_type.value == "monthly"
            else ""
        )
        wage = "\n".join(x for x in (monthly, stated["wage"]) if x)
        premiums = rules_on(reference)
        labour: dict[str, Any] = {
            "worker_name": worker.name_kanji or worker.name_romaji,
            "employee_number": worker.employee_number or "",
            "employment": EMPLOYMENT_WORDS.get(worker.employment_type.value, ""),
            "dispatch": dispatch,
            "fixed_term": fixed,
            "part_time_or_fixed": fixed or part_time,
            "contract_start": period[0].isoformat() if period else "",
            "contract_end": period[1].isoformat() if period else "",
            "hire_date": worker.hire_date.isoformat(),
            "schedule": schedule_words(profile.average_monthly_minutes, profile.scheduled_days),
            "wage": wage,
            "premiums": (
                f"割増賃金率（法定）: 法定時間外 {premiums.overtime_pct}%"
                f"（月60時間を超える部分 {premiums.over_60h_pct}%）、"
                f"法定休日 {premiums.rest_day_pct}%、深夜 {premiums.night_pct}%"
            ),
            "wage_closing": cutoff_words(self.calendar.cutoff_day),
            "wage_payday": payday_words(self.calendar.pay_day, self.calendar.months_after),
            "insurance": insurance_words(profile.social_insured, profile.employment_insured),
            **conversion_items(due, period, stated),
        }
        facts = notice_facts(
            stated,
            labour,
            fixed=fixed,
            part_time=part_time,
            period=period,
            work_place=stated["work_place"],
            duties=stated["duties"],
            hours=stated["hours"],
            wage=wage,
        )
        missing = hire_missing_items(
            facts,
            overtime=stated["overtime"],
            dispatch=dispatch,
            agreement_coverage=stated["agreement_coverage"],
            dispatch_fee=stated["dispatch_fee"],
        )
        if missing:
            raise DocumentIncompleteError(missing)
        return {"agency_name": self.documents.agency_name, "labour": labour, "stated": stated}

    async def issue(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        data: HireNoticeIssue,
        today: dt.date,
    ) -> DocumentRead:
        """The 労働条件通知書 at hire of one employee: a new version when its data changed (a
        stated item, the pay settings, a fixed-term period recorded), else the current one;
        refused naming every missing item; audited."""
        snapshot = await self.snapshot(
            session, principal, employee_id=employee_id, data=data, today=today
        )
        return await self.documents._issue(
            session,
            principal,
            kind=HIRE_NOTICE,
            subject_type="employee",
            subject_id=employee_id,
            snapshot=snapshot,
            client_id=None,
            contract_id=None,
            employee_id=employee_id,
            today=today,
            renderer=render_hire_notice,
        )


def render_hire_notice(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    g = snapshot["labour"]
    s = snapshot["stated"]
    basis = "労働基準法第15条・同法施行規則第5条"
    if g["part_time_or_fixed"]:
        basis += "、短時間労働者及び有期雇用労働者の雇用管理の改善等に関する法律第6条"
    if g["dispatch"]:
        basis += "並びに労働者派遣法第31条の2第2項及び第34条の2"
    number = f"（社員番号 {g['employee_number']}）" if g["employee_number"] else ""
    heading = [
        f"{g['worker_name']} 殿{number}",
        f"事業主: {snapshot['agency_name']}",
        f"交付日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        f"{basis}に基づき、雇入れに当たり次のとおり労働条件を明示します。",
    ]
    kind = f"{g['employment']}・" if g["employment"] else ""
    if g["fixed_term"]:
        renewal = RENEWAL_WORDS.get(s["renewal"], "")
        term = (
            f"{kind}期間の定めあり（{_jp_date(g['contract_start'])}〜"
            f"{_jp_date(g['contract_end'])}）\n契約更新の有無: {renewal}\n"
        )
        if s["renewal"] != "no_renewal":
            term += f"契約更新の判断基準: {s['renewal_criteria']}\n"
        term += f"更新上限の有無: {s['renewal_cap']}"
    else:
        term = f"{kind}期間の定めなし（雇入れ日 {_jp_date(g['hire_date'])}）"
    hours = s["hours"] + (f"\n{g['schedule']}" if g["schedule"] else "")
    rows = [
        ("契約期間", term),
        ("就業の場所", f"（雇入れ直後）{s['work_place']}\n（変更の範囲）{s['place_change_range']}"),
        (
            "従事すべき業務の内容",
            f"（雇入れ直後）{s['duties']}\n（変更の範囲）{s['duties_change_range']}",
        ),
        (
            "始業・終業の時刻、休憩時間、所定時間外労働",
            f"{hours}\n所定時間外労働: {s['overtime']}\n交替制: {s['shift_rotation']}",
        ),
        ("休日", s["days_off"]),
        ("休暇", s["leave"]),
        (
            "賃金",
            f"{g['wage']}\n{g['premiums']}\n締切日: {g['wage_closing']}　"
            f"支払日: {g['wage_payday']}\n支払方法: {s['wage_payment']}",
        ),
        ("退職に関する事項", s["retirement"]),
    ]
    if g["part_time_or_fixed"] or g["dispatch"]:
        rows += [
            ("昇給", s["wage_raise"]),
            ("退職手当", s["retirement_allowance"]),
            ("賞与", s["bonus"]),
            ("雇用管理の改善等に関する事項に係る相談窓口", s["consultation_contact"]),
        ]
    rows.append(("社会保険等の加入状況", g["insurance"]))
    sections: list[tuple[str, list[tuple[str, str]]]] = [("労働条件", rows)]
    if g["conversion_due"]:
        sections.append(
            (
                "無期転換申込機会（労働契約法第18条）",
                [
                    ("無期転換申込権", g["conversion_words"]),
                    ("無期転換後の労働条件", g["conversion_terms"]),
                ],
            )
        )
    if g["dispatch"]:
        sections.append(
            (
                "派遣労働者として雇い入れるに当たっての明示事項（労働者派遣法）",
                [
                    ("労使協定の対象となる派遣労働者であるか否か", s["agreement_coverage"]),
                    ("派遣料金額（第34条の2）", s["dispatch_fee"]),
                ],
            )
        )
    footer = [
        "※ 派遣先・就業の場所・業務が決まったときは、就業条件明示書により明示します。"
        if g["dispatch"]
        else "",
        "※ 以上のほかは、当社就業規則による。",
    ]
    return pdf.render(TITLE, heading, sections, [line for line in footer if line])


hire_notices = HireNotices(documents_service, labour_notices)

__all__ = ["HIRE_STATED", "HireNoticeIssue", "HireNotices", "hire_notices", "render_hire_notice"]
