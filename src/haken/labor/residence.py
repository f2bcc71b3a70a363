"""Foreign workers: residence statuses, card numbers, dispatch permission and stay expiry.

Source: JP_DISPATCH.md §2 (the brief). Everything here decides on facts the caller has
read from the residence card (在留カード), the passport's 指定書 or the coordinator's
judgement of the work; nothing reads the card or calls the Immigration Services Agency.

* ``is_valid_card_number``: 2 letters + 8 digits + 2 letters (§2.3).
* ``check_dispatch_permitted``: may this status be dispatched to this work (§2.1, §2.2)?
  Refusals carry an UPPER_SNAKE ``DispatchRefusal`` code for the API's error catalog, and
  permissions carry the hour limits the attendance checks must enforce.
* ``find_hours_violations``: the 28-hours-a-week rule over every rolling 7-day window,
  with the 留学 long-vacation rule of 8 hours a day (§2.2).
* ``work_permitted_until`` / ``assess_stay``: the special period (特例期間) after a renewal
  application, and "expiring within N days" (§2.3).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from haken.labor.civil_periods import period_end

# --------------------------------------------------------------------------------------
# Residence card number
# --------------------------------------------------------------------------------------

CARD_NUMBER_PATTERN = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")
"""2 letters + 8 digits + 2 letters, e.g. AB12345678CD (§2.3)."""


def normalise_card_number(raw: str) -> str:
    """Canonical form of a typed card number: half-width, upper case, no spaces or hyphens.

    The ISA's online check wants the letters as half-width capitals (§2.3); staff and OCR
    often produce full-width characters, lower case or separators.
    """
    text = unicodedata.normalize("NFKC", raw).upper()
    return re.sub(r"[\s\-]", "", text)


def is_valid_card_number(raw: str) -> bool:
    """True when ``raw`` is a well-formed residence card number after normalisation.

    A well-formed number proves nothing about the card: a forgery can carry a real number,
    so the IC chip must still be read (§2.3, case 18).
    """
    return CARD_NUMBER_PATTERN.fullmatch(normalise_card_number(raw)) is not None


# --------------------------------------------------------------------------------------
# Statuses
# --------------------------------------------------------------------------------------


class WorkRestriction(enum.StrEnum):
    """The card's 就労制限の有無 field, one of five printed values (§2.3)."""

    NONE = "NONE"
    STATUS_ACTIVITIES_ONLY = "STATUS_ACTIVITIES_ONLY"
    DESIGNATED_ORGANISATION_ONLY = "DESIGNATED_ORGANISATION_ONLY"
    DESIGNATED_ACTIVITIES_ONLY = "DESIGNATED_ACTIVITIES_ONLY"
    NOT_PERMITTED = "NOT_PERMITTED"

    @property
    def ja(self) -> str:
        """The wording printed on the card."""
        return _RESTRICTION_JA[self]


_RESTRICTION_JA: dict[WorkRestriction, str] = {
    WorkRestriction.NONE: "就労制限なし",
    WorkRestriction.STATUS_ACTIVITIES_ONLY: "在留資格に基づく就労活動のみ可",
    WorkRestriction.DESIGNATED_ORGANISATION_ONLY: (
        "指定書記載機関での在留資格に基づく就労活動のみ可"
    ),
    WorkRestriction.DESIGNATED_ACTIVITIES_ONLY: "指定書により指定された就労活動のみ可",
    WorkRestriction.NOT_PERMITTED: "就労不可",
}


class ResidenceStatus(enum.StrEnum):
    """Residence statuses (在留資格, 入管法 別表第一・第二), plus 特別永住者.

    Values are stable storage codes; ``ja`` gives the legal Japanese name. 技能実習 covers
    all its 号 (none may be dispatched); 育成就労 replaces it from 2027-04-01.
    """

    # 別表第一の一
    DIPLOMAT = "DIPLOMAT"
    OFFICIAL = "OFFICIAL"
    PROFESSOR = "PROFESSOR"
    ARTIST = "ARTIST"
    RELIGIOUS_ACTIVITIES = "RELIGIOUS_ACTIVITIES"
    JOURNALIST = "JOURNALIST"
    # 別表第一の二
    HIGHLY_SKILLED_PROFESSIONAL_1 = "HIGHLY_SKILLED_PROFESSIONAL_1"
    HIGHLY_SKILLED_PROFESSIONAL_2 = "HIGHLY_SKILLED_PROFESSIONAL_2"
    BUSINESS_MANAGER = "BUSINESS_MANAGER"
    LEGAL_ACCOUNTING = "LEGAL_ACCOUNTING"
    MEDICAL_SERVICES = "MEDICAL_SERVICES"
    RESEARCHER = "RESEARCHER"
    INSTRUCTOR = "INSTRUCTOR"
    ENGINEER_HUMANITIES_INTERNATIONAL = "ENGINEER_HUMANITIES_INTERNATIONAL"
    INTRA_COMPANY_TRANSFEREE = "INTRA_COMPANY_TRANSFEREE"
    NURSING_CARE = "NURSING_CARE"
    ENTERTAINER = "ENTERTAINER"
    SKILLED_LABOR = "SKILLED_LABOR"
    SPECIFIED_SKILLED_WORKER_1 = "SPECIFIED_SKILLED_WORKER_1"
    SPECIFIED_SKILLED_WORKER_2 = "SPECIFIED_SKILLED_WORKER_2"
    TECHNICAL_INTERN_TRAINING = "TECHNICAL_INTERN_TRAINING"
    EMPLOYMENT_FOR_SKILL_DEVELOPMENT = "EMPLOYMENT_FOR_SKILL_DEVELOPMENT"
    # 別表第一の三・四・五
    CULTURAL_ACTIVITIES = "CULTURAL_ACTIVITIES"
    TEMPORARY_VISITOR = "TEMPORARY_VISITOR"
    STUDENT = "STUDENT"
    TRAINEE = "TRAINEE"
    DEPENDENT = "DEPENDENT"
    DESIGNATED_ACTIVITIES = "DESIGNATED_ACTIVITIES"
    # 別表第二 (身分系)
    PERMANENT_RESIDENT = "PERMANENT_RESIDENT"
    SPOUSE_OF_JAPANESE_NATIONAL = "SPOUSE_OF_JAPANESE_NATIONAL"
    SPOUSE_OF_PERMANENT_RESIDENT = "SPOUSE_OF_PERMANENT_RESIDENT"
    LONG_TERM_RESIDENT = "LONG_TERM_RESIDENT"
    # 入管特例法
    SPECIAL_PERMANENT_RESIDENT = "SPECIAL_PERMANENT_RESIDENT"

    @property
    def ja(self) -> str:
        """The legal Japanese name of the status."""
        return _STATUS_JA[self]

    @classmethod
    def from_ja(cls, name: str) -> ResidenceStatus:
        """The status whose Japanese name is ``name`` (full-width/half-width insensitive)."""
        key = unicodedata.normalize("NFKC", name).strip()
        for status, ja in _STATUS_JA.items():
            if unicodedata.normalize("NFKC", ja) == key:
                return status
        raise ValueError(f"unknown residence status: {name!r}")

    @property
    def has_residence_card(self) -> bool:
        """False for statuses that are never issued a 在留カード (入管法19条の3).

        Short-term visitors and diplomatic/official stays get no card; special permanent
        residents hold a 特別永住者証明書 instead.
        """
        return self not in _NO_CARD

    @property
    def work_restriction(self) -> WorkRestriction | None:
        """What the card's 就労制限の有無 field should say; None when there is no card.

        For 育成就労 the card wording is not yet published (§2.1), so None as well.
        """
        return _STATUS_RESTRICTION.get(self)


_STATUS_JA: dict[ResidenceStatus, str] = {
    ResidenceStatus.DIPLOMAT: "外交",
    ResidenceStatus.OFFICIAL: "公用",
    ResidenceStatus.PROFESSOR: "教授",
    ResidenceStatus.ARTIST: "芸術",
    ResidenceStatus.RELIGIOUS_ACTIVITIES: "宗教",
    ResidenceStatus.JOURNALIST: "報道",
    ResidenceStatus.HIGHLY_SKILLED_PROFESSIONAL_1: "高度専門職1号",
    ResidenceStatus.HIGHLY_SKILLED_PROFESSIONAL_2: "高度専門職2号",
    ResidenceStatus.BUSINESS_MANAGER: "経営・管理",
    ResidenceStatus.LEGAL_ACCOUNTING: "法律・会計業務",
    ResidenceStatus.MEDICAL_SERVICES: "医療",
    ResidenceStatus.RESEARCHER: "研究",
    ResidenceStatus.INSTRUCTOR: "教育",
    ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL: "技術・人文知識・国際業務",
    ResidenceStatus.INTRA_COMPANY_TRANSFEREE: "企業内転勤",
    ResidenceStatus.NURSING_CARE: "介護",
    ResidenceStatus.ENTERTAINER: "興行",
    ResidenceStatus.SKILLED_LABOR: "技能",
    ResidenceStatus.SPECIFIED_SKILLED_WORKER_1: "特定技能1号",
    ResidenceStatus.SPECIFIED_SKILLED_WORKER_2: "特定技能2号",
    ResidenceStatus.TECHNICAL_INTERN_TRAINING: "技能実習",
    ResidenceStatus.EMPLOYMENT_FOR_SKILL_DEVELOPMENT: "育成就労",
    ResidenceStatus.CULTURAL_ACTIVITIES: "文化活動",
    ResidenceStatus.TEMPORARY_VISITOR: "短期滞在",
    ResidenceStatus.STUDENT: "留学",
    ResidenceStatus.TRAINEE: "研修",
    ResidenceStatus.DEPENDENT: "家族滞在",
    ResidenceStatus.DESIGNATED_ACTIVITIES: "特定活動",
    ResidenceStatus.PERMANENT_RESIDENT: "永住者",
    ResidenceStatus.SPOUSE_OF_JAPANESE_NATIONAL: "日本人の配偶者等",
    ResidenceStatus.SPOUSE_OF_PERMANENT_RESIDENT: "永住者の配偶者等",
    ResidenceStatus.LONG_TERM_RESIDENT: "定住者",
    ResidenceStatus.SPECIAL_PERMANENT_RESIDENT: "特別永住者",
}

UNRESTRICTED_STATUSES = frozenset(
    {
        ResidenceStatus.PERMANENT_RESIDENT,
        ResidenceStatus.SPOUSE_OF_JAPANESE_NATIONAL,
        ResidenceStatus.SPOUSE_OF_PERMANENT_RESIDENT,
        ResidenceStatus.LONG_TERM_RESIDENT,
        ResidenceStatus.SPECIAL_PERMANENT_RESIDENT,
    }
)
"""No work restriction: any lawful work, factory lines included (§2.1)."""

SPECIFIED_SKILLED_STATUSES = frozenset(
    {ResidenceStatus.SPECIFIED_SKILLED_WORKER_1, ResidenceStatus.SPECIFIED_SKILLED_WORKER_2}
)

NON_WORKING_STATUSES = frozenset(
    {
        ResidenceStatus.STUDENT,
        ResidenceStatus.DEPENDENT,
        ResidenceStatus.CULTURAL_ACTIVITIES,
        ResidenceStatus.TRAINEE,
    }
)
"""就労不可 statuses: work only with a 資格外活動許可, within its limits (§2.1, §2.2)."""

_NO_CARD = frozenset(
    {
        ResidenceStatus.DIPLOMAT,
        ResidenceStatus.OFFICIAL,
        ResidenceStatus.TEMPORARY_VISITOR,
        ResidenceStatus.SPECIAL_PERMANENT_RESIDENT,
    }
)

NOT_DISPATCHABLE_STATUSES = frozenset(
    {ResidenceStatus.DIPLOMAT, ResidenceStatus.OFFICIAL, ResidenceStatus.TEMPORARY_VISITOR}
)
"""No 在留カード and no work an agency could offer (§2.1: 短期滞在 → No)."""

WORK_STATUSES_BY_ACTIVITY = frozenset(
    {
        ResidenceStatus.PROFESSOR,
        ResidenceStatus.ARTIST,
        ResidenceStatus.RELIGIOUS_ACTIVITIES,
        ResidenceStatus.JOURNALIST,
        ResidenceStatus.HIGHLY_SKILLED_PROFESSIONAL_1,
        ResidenceStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
        ResidenceStatus.BUSINESS_MANAGER,
        ResidenceStatus.LEGAL_ACCOUNTING,
        ResidenceStatus.MEDICAL_SERVICES,
        ResidenceStatus.RESEARCHER,
        ResidenceStatus.INSTRUCTOR,
        ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL,
        ResidenceStatus.INTRA_COMPANY_TRANSFEREE,
        ResidenceStatus.NURSING_CARE,
        ResidenceStatus.ENTERTAINER,
        ResidenceStatus.SKILLED_LABOR,
    }
)
"""別表第一 work statuses: dispatchable only to work that matches the status (§2.1)."""

_STATUS_RESTRICTION: dict[ResidenceStatus, WorkRestriction] = {
    **dict.fromkeys(UNRESTRICTED_STATUSES - _NO_CARD, WorkRestriction.NONE),
    **dict.fromkeys(WORK_STATUSES_BY_ACTIVITY, WorkRestriction.STATUS_ACTIVITIES_ONLY),
    **dict.fromkeys(SPECIFIED_SKILLED_STATUSES, WorkRestriction.STATUS_ACTIVITIES_ONLY),
    **dict.fromkeys(NON_WORKING_STATUSES, WorkRestriction.NOT_PERMITTED),
    ResidenceStatus.TECHNICAL_INTERN_TRAINING: WorkRestriction.DESIGNATED_ORGANISATION_ONLY,
    ResidenceStatus.DESIGNATED_ACTIVITIES: WorkRestriction.DESIGNATED_ACTIVITIES_ONLY,
}


class SpecifiedSkilledField(enum.StrEnum):
    """Fields (特定産業分野) of 特定技能, as named on the 指定書. Only two permit dispatch."""

    NURSING_CARE = "NURSING_CARE"
    BUILDING_CLEANING = "BUILDING_CLEANING"
    INDUSTRIAL_PRODUCTS_MANUFACTURING = "INDUSTRIAL_PRODUCTS_MANUFACTURING"
    CONSTRUCTION = "CONSTRUCTION"
    SHIPBUILDING = "SHIPBUILDING"
    AUTOMOBILE_REPAIR = "AUTOMOBILE_REPAIR"
    AVIATION = "AVIATION"
    ACCOMMODATION = "ACCOMMODATION"
    AGRICULTURE = "AGRICULTURE"
    FISHERY = "FISHERY"
    FOOD_AND_BEVERAGE_MANUFACTURING = "FOOD_AND_BEVERAGE_MANUFACTURING"
    FOOD_SERVICE = "FOOD_SERVICE"
    AUTOMOBILE_TRANSPORT = "AUTOMOBILE_TRANSPORT"
    RAILWAY = "RAILWAY"
    FORESTRY = "FORESTRY"
    WOOD_INDUSTRY = "WOOD_INDUSTRY"

    @property
    def ja(self) -> str:
        """The field's Japanese name."""
        return _FIELD_JA[self]


_FIELD_JA: dict[SpecifiedSkilledField, str] = {
    SpecifiedSkilledField.NURSING_CARE: "介護",
    SpecifiedSkilledField.BUILDING_CLEANING: "ビルクリーニング",
    SpecifiedSkilledField.INDUSTRIAL_PRODUCTS_MANUFACTURING: "工業製品製造業",
    SpecifiedSkilledField.CONSTRUCTION: "建設",
    SpecifiedSkilledField.SHIPBUILDING: "造船・舶用工業",
    SpecifiedSkilledField.AUTOMOBILE_REPAIR: "自動車整備",
    SpecifiedSkilledField.AVIATION: "航空",
    SpecifiedSkilledField.ACCOMMODATION: "宿泊",
    SpecifiedSkilledField.AGRICULTURE: "農業",
    SpecifiedSkilledField.FISHERY: "漁業",
    SpecifiedSkilledField.FOOD_AND_BEVERAGE_MANUFACTURING: "飲食料品製造業",
    SpecifiedSkilledField.FOOD_SERVICE: "外食業",
    SpecifiedSkilledField.AUTOMOBILE_TRANSPORT: "自動車運送業",
    SpecifiedSkilledField.RAILWAY: "鉄道",
    SpecifiedSkilledField.FORESTRY: "林業",
    SpecifiedSkilledField.WOOD_INDUSTRY: "木材産業",
}

DISPATCHABLE_SPECIFIED_SKILLED_FIELDS = frozenset(
    {SpecifiedSkilledField.AGRICULTURE, SpecifiedSkilledField.FISHERY}
)
"""特定技能 may be dispatched only in 農業 and 漁業 (§2.1); all others need direct hire."""


# --------------------------------------------------------------------------------------
# Dispatch permission
# --------------------------------------------------------------------------------------


class ExtraActivityPermission(enum.StrEnum):
    """The card's 資格外活動許可欄 (back of the card, §2.2)."""

    NONE = "NONE"
    """The field is empty: no work at all."""
    BLANKET = "BLANKET"
    """包括許可: "許可：原則週28時間以内・風俗営業等の従事を除く"."""
    INDIVIDUAL = "INDIVIDUAL"
    """個別許可: "許可（資格外活動許可書に記載された範囲内の活動）": read the separate permit."""


class DispatchRefusal(enum.StrEnum):
    """Why a status may not be dispatched to the proposed work; codes for the error catalog."""

    TECHNICAL_INTERN_NOT_DISPATCHABLE = "TECHNICAL_INTERN_NOT_DISPATCHABLE"
    SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE = "SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE"
    SPECIFIED_SKILLED_FIELD_REQUIRED = "SPECIFIED_SKILLED_FIELD_REQUIRED"
    SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE = "SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE"
    SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED = "SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED"
    WORK_OUTSIDE_STATUS = "WORK_OUTSIDE_STATUS"
    DESIGNATED_ACTIVITY_NOT_PERMITTED = "DESIGNATED_ACTIVITY_NOT_PERMITTED"
    EXTRA_ACTIVITY_PERMISSION_REQUIRED = "EXTRA_ACTIVITY_PERMISSION_REQUIRED"
    STUDENT_NOT_ENROLLED = "STUDENT_NOT_ENROLLED"
    ADULT_ENTERTAINMENT_PROHIBITED = "ADULT_ENTERTAINMENT_PROHIBITED"
    STATUS_NOT_DISPATCHABLE = "STATUS_NOT_DISPATCHABLE"


WEEKLY_HOURS_LIMIT = 28
"""Blanket 資格外活動許可: 28 hours a week, all employers together, any 7-day window (§2.2)."""

LONG_VACATION_DAILY_HOURS_LIMIT = 8
"""留学 only: 8 hours a day during the school's long vacations fixed in its rules (§2.2)."""


@dataclass(frozen=True)
class DispatchDecision:
    """The answer of ``check_dispatch_permitted``.

    When allowed, the limits the attendance checks must enforce come with it:
    ``weekly_hours_limit`` (28 under a blanket permission), ``long_vacation_daily_hours_limit``
    (8 for 留学 only; None means no vacation exception), and ``permit_document_check`` when
    the limits are those written on an individual permit instead.
    """

    allowed: bool
    refusal: DispatchRefusal | None = None
    weekly_hours_limit: int | None = None
    long_vacation_daily_hours_limit: int | None = None
    permit_document_check: bool = False

    @classmethod
    def refuse(cls, refusal: DispatchRefusal) -> DispatchDecision:
        """A refusal with its reason code."""
        return cls(allowed=False, refusal=refusal)


_ALLOWED = DispatchDecision(allowed=True)


def check_dispatch_permitted(
    status: ResidenceStatus,
    *,
    specified_skilled_field: SpecifiedSkilledField | None = None,
    agency_qualified_for_field: bool = False,
    work_matches_status: bool = False,
    extra_activity_permission: ExtraActivityPermission = ExtraActivityPermission.NONE,
    enrolled: bool = True,
    adult_entertainment: bool = False,
    designation_permits_work: bool = False,
    supervised_dispatch_type: bool = False,
) -> DispatchDecision:
    """May a worker with ``status`` be dispatched to the proposed work? (§2.1, §2.2)

    Every flag defaults to the answer that refuses, except ``enrolled``:

    * ``specified_skilled_field`` / ``agency_qualified_for_field``: 特定技能 is dispatchable
      only in 農業 or 漁業, and only by an agency that is in, or tied to, that industry (or
      funded or run by a local government or such a business).
    * ``work_matches_status``: for 技術・人文知識・国際業務 and the other 別表第一 work
      statuses, the coordinator's judgement that the work **at the client** matches the
      status and the worker's education or experience. Factory-line or general clerical
      work never matches 技人国.
    * ``extra_activity_permission``: for 留学, 家族滞在 and the other 就労不可 statuses.
      ``enrolled`` is False once a 留学 student has graduated or left school, which ends
      the permission. ``adult_entertainment`` marks work at 風俗営業 premises, never allowed
      under a 資格外活動許可.
    * ``designation_permits_work``: for 特定活動, whether the 指定書 allows this work.
    * ``supervised_dispatch_type``: for 育成就労 (from 2027-04-01), whether the plan is of
      the dispatch type (労働者派遣等監理型育成就労, seasonal fields).
    """
    if status in UNRESTRICTED_STATUSES:
        return _ALLOWED
    if status in NOT_DISPATCHABLE_STATUSES:
        return DispatchDecision.refuse(DispatchRefusal.STATUS_NOT_DISPATCHABLE)
    if status is ResidenceStatus.TECHNICAL_INTERN_TRAINING:
        return DispatchDecision.refuse(DispatchRefusal.TECHNICAL_INTERN_NOT_DISPATCHABLE)
    if status is ResidenceStatus.EMPLOYMENT_FOR_SKILL_DEVELOPMENT:
        if supervised_dispatch_type:
            return _ALLOWED
        return DispatchDecision.refuse(DispatchRefusal.SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE)
    if status in SPECIFIED_SKILLED_STATUSES:
        return _check_specified_skilled(specified_skilled_field, agency_qualified_for_field)
    if status in WORK_STATUSES_BY_ACTIVITY:
        if work_matches_status:
            return _ALLOWED
        return DispatchDecision.refuse(DispatchRefusal.WORK_OUTSIDE_STATUS)
    if status is ResidenceStatus.DESIGNATED_ACTIVITIES:
        if designation_permits_work:
            return _ALLOWED
        return DispatchDecision.refuse(DispatchRefusal.DESIGNATED_ACTIVITY_NOT_PERMITTED)
    if status in NON_WORKING_STATUSES:
        return _check_extra_activity(
            status, extra_activity_permission, enrolled=enrolled, adult=adult_entertainment
        )
    raise AssertionError(f"no dispatch rule for {status}")  # pragma: no cover


class PlacementQuestion(enum.StrEnum):
    """What the coordinator must establish at placement for ``check_dispatch_permitted``;
    the values are its keyword arguments (and the placement form's inputs)."""

    SPECIFIED_SKILLED_FIELD = "specified_skilled_field"
    AGENCY_QUALIFIED_FOR_FIELD = "agency_qualified_for_field"
    WORK_MATCHES_STATUS = "work_matches_status"
    DESIGNATION_PERMITS_WORK = "designation_permits_work"
    SUPERVISED_DISPATCH_TYPE = "supervised_dispatch_type"
    STUDENT_ENROLLED = "student_enrolled"
    ADULT_ENTERTAINMENT = "adult_entertainment"


def placement_questions(status: ResidenceStatus | None) -> tuple[PlacementQuestion, ...]:
    """The facts ``check_dispatch_permitted`` reads for ``status`` (none for a Japanese
    national, an unrestricted status or one never dispatchable)."""
    q = PlacementQuestion
    if status is None or status in UNRESTRICTED_STATUSES or status in NOT_DISPATCHABLE_STATUSES:
        return ()
    if status is ResidenceStatus.EMPLOYMENT_FOR_SKILL_DEVELOPMENT:
        return (q.SUPERVISED_DISPATCH_TYPE,)
    if status in SPECIFIED_SKILLED_STATUSES:
        return (q.SPECIFIED_SKILLED_FIELD, q.AGENCY_QUALIFIED_FOR_FIELD)
    if status in WORK_STATUSES_BY_ACTIVITY:
        return (q.WORK_MATCHES_STATUS,)
    if status is ResidenceStatus.DESIGNATED_ACTIVITIES:
        return (q.DESIGNATION_PERMITS_WORK,)
    if status is ResidenceStatus.STUDENT:
        return (q.STUDENT_ENROLLED, q.ADULT_ENTERTAINMENT)
    if status in NON_WORKING_STATUSES:
        return (q.ADULT_ENTERTAINMENT,)
    return ()  # 技能実習: refused whatever the answers


def _check_specified_skilled(
    field: SpecifiedSkilledField | None, agency_qualified: bool
) -> DispatchDecision:
    if field is None:
        return DispatchDecision.refuse(DispatchRefusal.SPECIFIED_SKILLED_FIELD_REQUIRED)
    if field not in DISPATCHABLE_SPECIFIED_SKILLED_FIELDS:
        return DispatchDecision.refuse(DispatchRefusal.SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE)
    if not agency_qualified:
        return DispatchDecision.refuse(DispatchRefusal.SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED)
    return _ALLOWED


def _check_extra_activity(
    status: ResidenceStatus,
    permission: ExtraActivityPermission,
    *,
    enrolled: bool,
    adult: bool,
) -> DispatchDecision:
    if permission is ExtraActivityPermission.NONE:
        return DispatchDecision.refuse(DispatchRefusal.EXTRA_ACTIVITY_PERMISSION_REQUIRED)
    if status is ResidenceStatus.STUDENT and not enrolled:
        return DispatchDecision.refuse(DispatchRefusal.STUDENT_NOT_ENROLLED)
    if adult:
        return DispatchDecision.refuse(DispatchRefusal.ADULT_ENTERTAINMENT_PROHIBITED)
    if permission is ExtraActivityPermission.INDIVIDUAL:
        return DispatchDecision(allowed=True, permit_document_check=True)
    return DispatchDecision(
        allowed=True,
        weekly_hours_limit=WEEKLY_HOURS_LIMIT,
        long_vacation_daily_hours_limit=(
            LONG_VACATION_DAILY_HOURS_LIMIT if status is ResidenceStatus.STUDENT else None
        ),
    )


# --------------------------------------------------------------------------------------
# Hours under a 資格外活動許可
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """A range of days, both ends included (e.g. a school's summer vacation)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("range ends before it starts")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class HoursViolationKind(enum.StrEnum):
    """Which limit was exceeded."""

    WEEKLY = "WEEKLY"
    DAILY_LONG_VACATION = "DAILY_LONG_VACATION"


@dataclass(frozen=True)
class HoursViolation:
    """A 7-day window (or a vacation day) whose worked minutes exceed the limit."""

    kind: HoursViolationKind
    start: date
    end: date
    worked_minutes: int
    limit_minutes: int


def find_hours_violations(
    minutes_by_day: Mapping[date, int],
    *,
    weekly_hours_limit: int = WEEKLY_HOURS_LIMIT,
    long_vacation_daily_hours_limit: int | None = None,
    long_vacations: Iterable[DateRange] = (),
) -> list[HoursViolation]:
    """Every breach of the 資格外活動 hour limits in the worked minutes given (§2.2).

    ``minutes_by_day`` is the worker's time at **all** employers. The weekly limit must hold
    over every rolling 7-day window, whichever weekday it starts on. When a daily vacation
    limit is given (留学), a window lying wholly inside a long vacation is checked day by day
    against it instead; a window that touches any term-time day keeps the weekly limit, so
    the weeks straddling a vacation's start or end stay under 28 hours (§2.2, **M**).
    Without a daily limit (家族滞在) vacations change nothing.
    """
    vacations = tuple(long_vacations) if long_vacation_daily_hours_limit is not None else ()

    def on_vacation(day: date) -> bool:
        return any(day in v for v in vacations)

    worked = {d: m for d, m in minutes_by_day.items() if m}
    if any(m < 0 for m in worked.values()):
        raise ValueError("worked minutes cannot be negative")
    violations: list[HoursViolation] = []
    if not worked:
        return violations
    week_limit = weekly_hours_limit * 60
    first, last = min(worked), max(worked)
    start = first - timedelta(days=6)
    while start <= last:
        days = [start + timedelta(days=i) for i in range(7)]
        if not all(on_vacation(d) for d in days):
            total = sum(worked.get(d, 0) for d in days)
            if total > week_limit:
                violations.append(
                    HoursViolation(HoursViolationKind.WEEKLY, days[0], days[-1], total, week_limit)
                )
        start += timedelta(days=1)
    if long_vacation_daily_hours_limit is not None:
        day_limit = long_vacation_daily_hours_limit * 60
        for day in sorted(worked):
            if on_vacation(day) and worked[day] > day_limit:
                violations.append(
                    HoursViolation(
                        HoursViolationKind.DAILY_LONG_VACATION, day, day, worked[day], day_limit
                    )
                )
    return violations


# --------------------------------------------------------------------------------------
# Expiry of the period of stay and the special period (特例期間)
# --------------------------------------------------------------------------------------

SPECIAL_PERIOD_MONTHS = 2
"""After the expiry, a pending renewal lets the worker stay up to 2 months (§2.3)."""


def special_period_end(expiry: date) -> date:
    """The last day of the special period: the end of the day 2 months after the expiry.

    Counted from the day after the expiry (民法140条), e.g. expiry 2026-04-15 → 2026-06-15,
    expiry 2027-02-28 → 2027-04-30 (a period starting on 1 March ends with April).
    """
    return period_end(expiry + timedelta(days=1), SPECIAL_PERIOD_MONTHS)


def work_permitted_until(
    expiry: date,
    *,
    application_filed_on: date | None = None,
    decided_on: date | None = None,
) -> date:
    """The last day the worker may work under the current status (§2.3).

    Without an application filed **on or before** ``expiry``, that is the expiry itself.
    With one, the special period runs until the decision (``decided_on``, the day it was
    notified) or the end of the day 2 months after the expiry, whichever comes first; a
    decision before the expiry leaves the expiry in force. Proof of the application (the
    申請中 stamp or the online receipt) is the caller's to check and store.

    The date applies to the **period of stay**, not to the card's own validity: a permanent
    resident's card can expire while the stay has no end.
    """
    if application_filed_on is None or application_filed_on > expiry:
        return expiry
    grace_end = special_period_end(expiry)
    if decided_on is None:
        return grace_end
    return max(expiry, min(decided_on, grace_end))


def expiring_within(expiry: date, days: int, *, today: date) -> bool:
    """True when the period of stay ends within ``days`` days of ``today``.

    An expiry already passed counts too: the dashboard's 90-day list must show it first,
    not drop it.
    """
    return (expiry - today).days <= days


@dataclass(frozen=True)
class StayAssessment:
    """Where a worker's period of stay stands on ``today``."""

    expiry: date
    work_permitted_until: date
    in_special_period: bool
    may_work: bool
    expiring_soon: bool
    days_until_expiry: int


def assess_stay(
    expiry: date,
    *,
    today: date,
    application_filed_on: date | None = None,
    decided_on: date | None = None,
    warn_days: int = 90,
) -> StayAssessment:
    """Combine the expiry, the special period and the warning window for one worker.

    ``warn_days`` defaults to the 90 days of the product's dashboard (PRODUCT.md, "See").
    """
    until = work_permitted_until(
        expiry, application_filed_on=application_filed_on, decided_on=decided_on
    )
    return StayAssessment(
        expiry=expiry,
        work_permitted_until=until,
        in_special_period=expiry < today <= until,
        may_work=today <= until,
        expiring_soon=expiring_within(expiry, warn_days, today=today),
        days_until_expiry=(expiry - today).days,
    )
