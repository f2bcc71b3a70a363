"""The 労働条件通知書兼就業条件明示書 in the demo (issue 20): for the workers whose 就業条件明示書
the documents demo issued, one notice each; the first worker's fixed-term history is 1-year
contracts for six years, so the 無期転換 right has arisen and the notice states the chance to
apply and the post-conversion conditions (C27). And one 常用型 (無期雇用派遣) worker hired today
before any placement, monthly paid, with the 労働条件通知書 at hire (documents/hire_notice.py).
Through the services, like the office."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.service import assignments_service
from haken.modules.documents.hire_notice import HireNoticeIssue, hire_notices
from haken.modules.documents.labour_notice import LabourNoticeIssue, labour_notices
from haken.modules.documents.service import TERMS_NOTICE, documents_service
from haken.modules.employees.schemas import (
    ContractPeriodInput,
    ContractPeriodsReplace,
    EmployeeCreate,
    EmploymentType,
    TermType,
)
from haken.modules.employees.service import employees_service
from haken.modules.payroll.schemas import PayType, ProfileWrite
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.errors import HakenError

STATED = LabourNoticeIssue(
    renewal="may_renew",
    renewal_criteria="契約期間満了時の業務量、勤務成績・態度、能力、会社の経営状況により判断する。",
    renewal_cap="通算5年（更新回数の上限なし）",
    place_change_range="会社の定める派遣先の事業所及び当社の事業所",
    duties_change_range="会社の定める製造・物流・事務の業務",
    retirement="自己都合退職は退職する14日以上前に届け出ること。"
    "解雇の事由及び手続は就業規則第30条から第32条による。",
    wage_raise="なし（派遣料金の改定時に見直すことがある）",
    retirement_allowance="なし",
    bonus="なし",
    consultation_contact="派遣元責任者（人事部） 電話 03-1234-5678",
)
NOTICES = 3
AT_HIRE = HireNoticeIssue(
    work_place="当社 本社（待機・研修）",
    place_change_range="会社の定める派遣先の事業所及び当社の事業所",
    duties="派遣就業に向けた研修及び社内業務の補助",
    duties_change_range="会社の定める派遣先における製造・物流・事務の業務",
    hours="9:00〜18:00（休憩60分）。派遣先の就業時間による変更あり（就業条件明示書で明示）",
    overtime="有（時間外労働・休日労働に関する協定の範囲内）",
    days_off="土曜日、日曜日、国民の祝日、年末年始（派遣先の休日による変更あり）",
    retirement="定年60歳。自己都合退職は退職する14日以上前に届け出ること。"
    "解雇の事由及び手続は就業規則第30条から第32条による。",
    wage_raise="有（毎年4月、勤務成績による）",
    retirement_allowance="有（勤続3年以上、退職金規程による）",
    bonus="有（年2回、業績による）",
    consultation_contact="派遣元責任者（人事部） 電話 03-1234-5678",
    agreement_coverage="対象（労使協定の有効期間の終期: 翌年3月31日）",
    dispatch_fee="当社事業所の派遣料金の平均額 1時間当たり 2,450円（前事業年度）",
)


def _yearly(end: dt.date, years: int) -> list[ContractPeriodInput]:
    """``years`` back-to-back 1-year contracts, the last one ending on ``end``."""
    periods = []
    for back in range(years - 1, -1, -1):
        last = end.replace(year=end.year - back)
        first = last.replace(year=last.year - 1) + dt.timedelta(days=1)
        periods.append(ContractPeriodInput(start_date=first, end_date=last))
    return periods


async def seed_labour_notices(
    session: AsyncSession, *, today: dt.date, user_id: int
) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    terms = [
        d for d in await documents_service.list_documents(session, office) if d.kind == TERMS_NOTICE
    ]
    assignment_ids = sorted({d.subject_id for d in terms})[:NOTICES]
    issued = 0
    for number, assignment_id in enumerate(assignment_ids):
        a = await assignments_service.get_assignment(
            session, office, assignment_id=assignment_id, today=today
        )
        worker = await employees_service.get(session, office, a.employee_id)
        if worker.term_type.value == "fixed" and not worker.contract_periods:
            end = a.end_date
            years = 6 if number == 0 else 1
            await employees_service.replace_contract_periods(
                session,
                office,
                worker.id,
                ContractPeriodsReplace(version=worker.version, periods=_yearly(end, years)),
            )
        try:
            await labour_notices.issue(
                session, office, assignment_id=assignment_id, data=STATED, today=today
            )
            issued += 1
        except HakenError:
            continue
    hired = await _seed_hire_notice(session, office, today=today)
    return {"notices of working conditions": issued, "notices at hire": hired}


async def _seed_hire_notice(session: AsyncSession, office: Principal, *, today: dt.date) -> int:
    """One 常用型 dispatch worker hired today, not placed yet, and their notice at hire."""
    worker = await employees_service.create(
        session,
        office,
        EmployeeCreate(
            name_kanji="常田 和也",
            name_kana="トキタ カズヤ",
            name_romaji="Tokita Kazuya",
            birth_date=dt.date(1992, 7, 14),
            employment_type=EmploymentType.DISPATCH,
            term_type=TermType.INDEFINITE,
            hire_date=today,
        ),
    )
    await payroll_service.put_profile(
        session,
        office,
        employee_id=worker.id,
        data=ProfileWrite(
            pay_type=PayType.MONTHLY,
            monthly_salary=265_000,
            allowance=10_000,
            average_monthly_minutes=173 * 60 + 20,
            scheduled_days=21,
        ),
    )
    try:
        await hire_notices.issue(session, office, employee_id=worker.id, data=AT_HIRE, today=today)
    except HakenError:
        return 0
    return 1
