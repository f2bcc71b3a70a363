"""労働条件通知書兼就業条件明示書 (労基法15条, 労基則5条, パート有期法6条; 派遣法34条): one per
assignment, to the worker, for the employment contract in force for it (at hire and at each
fixed-term renewal: a new contract period recorded on the employee changes the snapshot and
so issues a new version).

The items the records hold are taken from them (contract period, place and duties, hours,
wage and premiums from the assignment's rate, the payroll calendar from the settings); the
ones only the office can state (renewal and its criteria, the renewal cap, the range of
changes of place and duties, retirement and dismissal, pay rises, retirement pay, bonuses,
the consultation contact, the post-conversion conditions) come with the issue and are carried
from the worker's last notice (this one's, or the 労働条件通知書 at hire: hire_notice.py). The
rules of which item is required live in ``labor/labour_notice.py`` (C26, C27); a missing
item refuses the issue with ``DOCUMENT_INCOMPLETE`` naming it, together with the missing
items of the 就業条件明示 part (the same checks as the 就業条件明示書)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.labour_notice import (
    DEFAULT_POST_CONVERSION,
    RENEWAL_WORDS,
    NoticeFacts,
    conversion_notice_due,
    conversion_words,
    cutoff_words,
    missing_items,
    payday_words,
)
from haken.labor.premiums import rules_on
from haken.modules.assignments.service import assignments_service
from haken.modules.clients.service import clients_service
from haken.modules.documents import pdf
from haken.modules.documents.errors import DocumentIncompleteError
from haken.modules.documents.repository import DocumentsRepository
from haken.modules.documents.schemas import DocumentRead
from haken.modules.documents.service import (
    HIRE_NOTICE,
    LABOUR_NOTICE,
    DocumentsService,
    _address,
    _hours,
    _jp_date,
    _limits_and_fee,
    _overtime_words,
    documents_service,
)
from haken.modules.employees.service import employees_service
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal
from haken.platform.schemas import InputModel

TITLE = "労働条件通知書兼就業条件明示書"
STATED = (
    "renewal",
    "renewal_criteria",
    "renewal_cap",
    "place_change_range",
    "duties_change_range",
    "days_off",
    "leave",
    "shift_rotation",
    "wage_payment",
    "retirement",
    "wage_raise",
    "retirement_allowance",
    "bonus",
    "consultation_contact",
    "post_conversion_conditions",
)
"""The items the office states at issue; an item not given is carried from the last notice."""
DEFAULTS = {
    "leave": "年次有給休暇: 6か月継続勤務し、全労働日の8割以上出勤した場合に10日"
    "（以後、労働基準法第39条のとおり付与）。その他の休暇は就業規則による。",
    "shift_rotation": "なし",
    "wage_payment": "本人の同意を得て、本人名義の預金口座へ振込",
}
"""Items with a wording from the law or common practice when the office states none."""


class LabourNoticeIssue(InputModel):
    """What only the office can state on a 労働条件通知書 (労基則5条); an item left empty is
    carried from the worker's last notice."""

    renewal: Literal["", "automatic", "may_renew", "no_renewal"] = Field(
        default="", description="契約更新の有無 (fixed-term contracts)"
    )
    renewal_criteria: str = Field(default="", max_length=1000, description="契約更新の判断基準")
    renewal_cap: str = Field(
        default="",
        max_length=200,
        description="更新上限の有無と内容: e.g. 通算4年, 更新3回まで, or なし (fixed-term)",
    )
    place_change_range: str = Field(
        default="", max_length=500, description="就業の場所の変更の範囲 (2024 amendment)"
    )
    duties_change_range: str = Field(
        default="", max_length=500, description="従事すべき業務の変更の範囲 (2024 amendment)"
    )
    days_off: str = Field(
        default="", max_length=500, description="休日 (default: the days not worked)"
    )
    leave: str = Field(default="", max_length=1000, description="休暇")
    shift_rotation: str = Field(default="", max_length=500, description="交替制")
    wage_payment: str = Field(default="", max_length=500, description="賃金の支払方法")
    retirement: str = Field(
        default="", max_length=2000, description="退職に関する事項（解雇の事由及び手続を含む）"
    )
    wage_raise: str = Field(default="", max_length=500, description="昇給の有無 (part-time/fixed)")
    retirement_allowance: str = Field(
        default="", max_length=500, description="退職手当の有無 (part-time/fixed)"
    )
    bonus: str = Field(default="", max_length=500, description="賞与の有無 (part-time/fixed)")
    consultation_contact: str = Field(
        default="", max_length=500, description="相談窓口 (part-time/fixed)"
    )
    post_conversion_conditions: str = Field(
        default="",
        max_length=2000,
        description="無期転換後の労働条件 (default: the same terms apart from the term)",
    )


def _pct(value: Any) -> str:
    number = Decimal(str(value))
    return f"{number.normalize():f}"


def _contract_period(
    periods: list[Any], *, reference: dt.date, last: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The fixed-term contract the notice is for: the latest one overlapping the days from
    ``reference`` to the assignment's end (a renewal recorded ahead is the one to notify),
    else the latest one overlapping the assignment at all."""
    ahead = [p for p in periods if p.start_date <= last and p.end_date >= reference]
    chosen = ahead or [p for p in periods if p.start_date <= last]
    if not chosen:
        return None
    period = max(chosen, key=lambda p: (p.start_date, p.id))
    return period.start_date, period.end_date


def insurance_words(social: bool, employment: bool) -> str:
    """The notice's 社会保険等 line: 健康保険・厚生年金 go together, 労災 always applies."""
    return "、".join(
        f"{name}: {'有' if flag else '無'}"
        for name, flag in (
            ("健康保険", social),
            ("厚生年金", social),
            ("雇用保険", employment),
            ("労災保険", True),
        )
    )


def conversion_items(
    due: bool, period: tuple[dt.date, dt.date] | None, stated: dict[str, Any]
) -> dict[str, Any]:
    """The 無期転換 items of the notice (C27): the chance to apply and the terms after it,
    only when the right has arisen."""
    return {
        "conversion_due": due,
        "conversion_words": conversion_words(period[1]) if due and period else "",
        "conversion_terms": (stated["post_conversion_conditions"] or DEFAULT_POST_CONVERSION)
        if due
        else "",
    }


def notice_facts(
    stated: dict[str, Any],
    labour: dict[str, Any],
    *,
    fixed: bool,
    part_time: bool,
    period: tuple[dt.date, dt.date] | None,
    work_place: str,
    duties: str,
    hours: str,
    wage: str,
) -> NoticeFacts:
    """The facts the rule checks (``labor.labour_notice``), from the stated items and the
    notice's own lines: the per-assignment notice and the one at hire differ only in where
    the place, duties, hours and wage come from."""
    return NoticeFacts(
        fixed_term=fixed,
        part_time_or_fixed=fixed or part_time,
        contract_start=period[0] if period else None,
        contract_end=period[1] if period else None,
        renewal=stated["renewal"],
        renewal_criteria=stated["renewal_criteria"],
        renewal_cap=stated["renewal_cap"],
        work_place=work_place,
        duties=duties,
        place_change_range=stated["place_change_range"],
        duties_change_range=stated["duties_change_range"],
        hours=hours,
        days_off=stated["days_off"],
        leave=stated["leave"],
        wage=wage,
        wage_closing=labour["wage_closing"],
        wage_payday=labour["wage_payday"],
        wage_payment=stated["wage_payment"],
        retirement=stated["retirement"],
        wage_raise=stated["wage_raise"],
        retirement_allowance=stated["retirement_allowance"],
        bonus=stated["bonus"],
        consultation_contact=stated["consultation_contact"],
        conversion_due=labour["conversion_due"],
        conversion_terms=labour["conversion_terms"],
    )


class LabourNotices:
    """The 労働条件通知書 use case, on the documents service's versioning and audit."""

    def __init__(self, documents: DocumentsService) -> None:
        self.documents = documents
        self.cutoff_day = 0
        self.pay_day = 25
        self.months_after = 1

    def configure(self, *, cutoff_day: int, pay_day: int, months_after: int) -> None:
        self.cutoff_day, self.pay_day, self.months_after = cutoff_day, pay_day, months_after

    async def snapshot(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: LabourNoticeIssue,
        today: dt.date,
    ) -> tuple[dict[str, Any], Any]:
        a = await assignments_service.get_assignment(
            session, principal, assignment_id=assignment_id, today=today
        )
        c = await assignments_service.get_contract(session, principal, contract_id=a.contract_id)
        site = await clients_service.get_site(session, principal, site_id=c.site_id)
        worker = await employees_service.get(session, principal, a.employee_id)
        repo = DocumentsRepository(session)
        previous = await repo.latest_addressed((LABOUR_NOTICE, HIRE_NOTICE), a.employee_id)
        old = previous.snapshot.get("stated", {}) if previous is not None else {}
        stated = {
            name: (str(getattr(data, name)).strip() or str(old.get(name, ""))) for name in STATED
        }
        for name, words in DEFAULTS.items():
            stated[name] = stated[name] or words
        if not stated["days_off"] and c.working_days.strip():
            stated["days_off"] = f"就業日（{c.working_days}）以外の日"
        missing: list[str] = []
        dispatch: dict[str, Any] = {}
        try:
            terms, _ = await self.documents.terms_notice_snapshot(
                session, principal, assignment_id=a.id, today=today
            )
            dispatch = terms["notice"]
        except DocumentIncompleteError as refused:
            missing += [f"就業条件明示: {item}" for item in refused.details["items"]]

        fixed = worker.term_type.value == "fixed"
        reference = min(max(today, a.start_date), a.end_date)
        period = (
            _contract_period(worker.contract_periods, reference=reference, last=a.end_date)
            if fixed
            else None
        )
        weekly = a.scheduled_weekly_hours
        part_time = weekly is not None and weekly < 40
        due = conversion_notice_due(
            fixed_term=fixed,
            right_date=worker.indefinite_conversion_date,
            contract_start=period[0] if period else None,
        )
        rate = a.rate
        premiums = rules_on(reference)
        wage = ""
        if rate is not None:
            wage = (
                f"時間給 {Decimal(str(rate.hourly_pay)):,.0f}円\n"
                f"割増賃金率: 法定時間外 {_pct(rate.overtime_pay_pct)}%"
                f"（月60時間を超える部分 {premiums.over_60h_pct}%）、"
                f"法定休日 {_pct(rate.holiday_pay_pct)}%、深夜 {_pct(rate.late_night_pay_pct)}%"
            )
        social, employment = (await payroll_service.insured_flags(session, [worker.id])).get(
            worker.id, (True, True)
        )
        hours = (
            _hours(c.start_time.strftime("%H:%M"), c.end_time.strftime("%H:%M"), c.break_minutes)
            if c.start_time and c.end_time
            else ""
        )
        labour: dict[str, Any] = {
            "worker_name": worker.name_kanji or worker.name_romaji,
            "employee_number": worker.employee_number or "",
            "fixed_term": fixed,
            "part_time_or_fixed": fixed or part_time,
            "contract_start": period[0].isoformat() if period else "",
            "contract_end": period[1].isoformat() if period else "",
            "hire_date": worker.hire_date.isoformat(),
            "work_place": " ".join(
                x for x in (c.client_name, c.site_name, c.work_place, _address(site)) if x
            ),
            "duties": c.work_content,
            "hours": hours,
            "overtime": _overtime_words(c),
            "wage": wage,
            "wage_closing": cutoff_words(self.cutoff_day),
            "wage_payday": payday_words(self.pay_day, self.months_after),
            "insurance": insurance_words(social, employment),
            **conversion_items(due, period, stated),
        }
        facts = notice_facts(
            stated,
            labour,
            fixed=fixed,
            part_time=part_time,
            period=period,
            work_place=labour["work_place"],
            duties=c.work_content,
            hours=hours,
            wage=wage,
        )
        missing = missing_items(facts) + missing
        if rate is None:
            missing.append("賃金（時間給）")
        if missing:
            raise DocumentIncompleteError(missing)
        snapshot = {
            "agency_name": self.documents.agency_name,
            "labour": labour,
            "stated": stated,
            "dispatch": dispatch,
        }
        return snapshot, a

    async def issue(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: LabourNoticeIssue,
        today: dt.date,
    ) -> DocumentRead:
        """The 労働条件通知書兼就業条件明示書 of one assignment: a new version when its data
        changed (a renewal's contract period, a stated item, a rate), else the current one;
        refused naming every missing item (C26, C27); audited."""
        snapshot, a = await self.snapshot(
            session, principal, assignment_id=assignment_id, data=data, today=today
        )
        return await self.documents._issue(
            session,
            principal,
            kind=LABOUR_NOTICE,
            subject_type="assignment",
            subject_id=a.id,
            snapshot=snapshot,
            client_id=a.client_id,
            contract_id=a.contract_id,
            employee_id=a.employee_id,
            today=today,
            renderer=render_labour_notice,
        )


def render_labour_notice(snapshot: dict[str, Any], issued_on: dt.date) -> bytes:
    g = snapshot["labour"]
    s = snapshot["stated"]
    n = snapshot["dispatch"]
    heading = [
        f"{g['worker_name']} 殿",
        f"事業主（派遣元）: {snapshot['agency_name']}",
        f"交付日: {issued_on.year}年{issued_on.month}月{issued_on.day}日",
        "労働基準法第15条・同法施行規則第5条、短時間労働者及び有期雇用労働者の雇用管理の改善等に"
        "関する法律第6条並びに労働者派遣法第34条に基づき、次のとおり労働条件及び就業条件を明示します。",
    ]
    if g["fixed_term"]:
        renewal = RENEWAL_WORDS.get(s["renewal"], "")
        term = (
            f"期間の定めあり（{_jp_date(g['contract_start'])}〜{_jp_date(g['contract_end'])}）\n"
            f"契約更新の有無: {renewal}\n"
        )
        if s["renewal"] != "no_renewal":
            term += f"契約更新の判断基準: {s['renewal_criteria']}\n"
        term += f"更新上限の有無: {s['renewal_cap']}"
    else:
        term = "期間の定めなし"
    rows = [
        ("契約期間", term),
        (
            "就業の場所",
            f"（雇入れ直後）{g['work_place']}\n（変更の範囲）{s['place_change_range']}",
        ),
        (
            "従事すべき業務の内容",
            f"（雇入れ直後）{g['duties']}\n（変更の範囲）{s['duties_change_range']}",
        ),
        (
            "始業・終業の時刻、休憩時間、所定時間外労働",
            f"{g['hours']}\n所定時間外・休日労働: {g['overtime']}\n交替制: {s['shift_rotation']}",
        ),
        ("休日", s["days_off"]),
        ("休暇", s["leave"]),
        (
            "賃金",
            f"{g['wage']}\n締切日: {g['wage_closing']}　支払日: {g['wage_payday']}\n"
            f"支払方法: {s['wage_payment']}",
        ),
        ("退職に関する事項", s["retirement"]),
    ]
    if g["part_time_or_fixed"]:
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
    if n:
        fees = "\n".join(
            f"{_jp_date(f['from'])}から 1時間当たり {f['hourly']}円" for f in n["fees"]
        )
        dispatch = [
            ("派遣先", f"{n['client_name']}（契約番号 {n['contract_number']}）"),
            ("派遣期間", f"{_jp_date(n['period_start'])}〜{_jp_date(n['period_end'])}"),
            ("業務に伴う責任の程度", n["responsibility_level"]),
            ("組織単位", n["unit_name"]),
            ("指揮命令者", n["supervisor"]),
            ("安全及び衛生", n["safety"]),
            (
                "苦情の処理・申出先",
                f"{n['complaints']}\n派遣元: {n['agency_manager']}\n"
                f"派遣先: {n['client_complaints']}",
            ),
            ("派遣契約の解除に当たって講ずる措置", n["cancellation_measures"]),
            ("派遣元責任者", n["agency_manager"]),
            ("派遣先責任者", n["client_manager"]),
            ("福利厚生施設の利用等", n["welfare"]),
        ]
        dispatch += _limits_and_fee(n, fees)
        sections.append(("就業条件（労働者派遣法第34条）", dispatch))
    footer = [
        "※ 派遣先が期間制限に違反して労働者派遣を受け入れた場合、労働契約申込みみなし制度"
        "（派遣法第40条の6）の対象となります。",
        "※ 以上のほかは、当社就業規則による。",
    ]
    return pdf.render(TITLE, heading, sections, footer)


labour_notices = LabourNotices(documents_service)

__all__ = ["LabourNoticeIssue", "LabourNotices", "labour_notices", "render_labour_notice"]
