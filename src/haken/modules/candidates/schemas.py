"""Pydantic models of the candidates area and the pipeline's transition table.

The person fields (names, birth date, residence status and card, contact, address) are
the employees area's :class:`PersonFields`, so a hire copies them without translation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from haken.labor.residence import ExtraActivityPermission, ResidenceStatus
from haken.modules.employees.schemas import (
    EmployeeDetail,
    Gender,
    PersonCreateFields,
    PersonFields,
    Phone,
    Text100,
)
from haken.platform.editing import NotNull
from haken.platform.schemas import InputModel, ListFilter
from haken.platform.types import expecting

# --- the pipeline ---------------------------------------------------------------------------


class CandidateStatus(StrEnum):
    NEW = "new"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFERED = "offered"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


TRANSITIONS: dict[CandidateStatus, frozenset[CandidateStatus]] = {
    CandidateStatus.NEW: frozenset(
        {CandidateStatus.SCREENING, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN}
    ),
    CandidateStatus.SCREENING: frozenset(
        {CandidateStatus.INTERVIEW, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN}
    ),
    CandidateStatus.INTERVIEW: frozenset(
        {CandidateStatus.OFFERED, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN}
    ),
    CandidateStatus.OFFERED: frozenset(
        {CandidateStatus.HIRED, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN}
    ),
    # A rejected or withdrawn candidate may be reconsidered; a hire is final.
    CandidateStatus.REJECTED: frozenset({CandidateStatus.SCREENING}),
    CandidateStatus.WITHDRAWN: frozenset({CandidateStatus.SCREENING}),
    CandidateStatus.HIRED: frozenset(),
}
"""Every allowed move of the pipeline, in one place. ``hired`` is reached only by the hire
endpoint, which creates the employee in the same transaction."""

OPEN_STATUSES = frozenset(
    {
        CandidateStatus.NEW,
        CandidateStatus.SCREENING,
        CandidateStatus.INTERVIEW,
        CandidateStatus.OFFERED,
    }
)


def can_move(current: CandidateStatus, target: CandidateStatus) -> bool:
    return target in TRANSITIONS[current]


# --- 履歴書 enumerations -----------------------------------------------------------------------


class MaritalStatus(StrEnum):
    SINGLE = "single"
    MARRIED = "married"
    OTHER = "other"


class JlptLevel(StrEnum):
    N1 = "N1"
    N2 = "N2"
    N3 = "N3"
    N4 = "N4"
    N5 = "N5"


class Conversation(StrEnum):
    NONE = "none"
    BASIC = "basic"  # 挨拶程度
    DAILY = "daily"  # 日常会話
    BUSINESS = "business"  # 業務に支障なし
    NATIVE = "native"


class LicenseKind(StrEnum):
    DRIVING_ORDINARY = "driving_ordinary"  # 普通自動車
    DRIVING_SEMI_MEDIUM = "driving_semi_medium"  # 準中型
    DRIVING_MEDIUM = "driving_medium"  # 中型
    DRIVING_LARGE = "driving_large"  # 大型
    MOTORCYCLE = "motorcycle"
    FORKLIFT = "forklift"  # フォークリフト運転技能講習
    SLINGING = "slinging"  # 玉掛け
    CRANE_SMALL_MOBILE = "crane_small_mobile"  # 小型移動式クレーン (< 5 t)
    CRANE_MOBILE = "crane_mobile"  # 移動式クレーン (≥ 5 t)
    CRANE_OVERHEAD = "crane_overhead"  # 床上操作式クレーン
    GAS_WELDING = "gas_welding"
    ARC_WELDING = "arc_welding"
    OTHER = "other"


class ExperienceKind(StrEnum):
    """The factory-experience check boxes of agency 履歴書 forms (PRIOR_ART.md §1.3)."""

    NC_LATHE = "nc_lathe"
    LATHE = "lathe"
    PRESS = "press"
    FORKLIFT = "forklift"
    PACKING = "packing"
    WELDING = "welding"
    CAR_PARTS_ASSEMBLY = "car_parts_assembly"
    CAR_PARTS_LINE = "car_parts_line"
    CAR_PARTS_INSPECTION = "car_parts_inspection"
    ELECTRONICS_INSPECTION = "electronics_inspection"
    FOOD_PROCESSING = "food_processing"
    CASTING = "casting"
    LINE_LEADER = "line_leader"
    PAINTING = "painting"
    OTHER = "other"


class UniformSize(StrEnum):
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"
    XXL = "2XL"
    XXXL = "3XL"
    XXXXL = "4XL"


class CommuteMethod(StrEnum):
    CAR = "car"
    MOTORCYCLE = "motorcycle"
    BICYCLE = "bicycle"
    WALK = "walk"
    PUBLIC_TRANSPORT = "public_transport"
    COMPANY_SHUTTLE = "company_shuttle"  # 送迎
    OTHER = "other"


YearMonth = Annotated[
    str,
    StringConstraints(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"),
    expecting("year_month", "expected a year and month, YYYY-MM"),
]
Text500 = Annotated[str, StringConstraints(max_length=500)]


class LicenseEntry(InputModel):
    kind: LicenseKind
    name: Annotated[str, StringConstraints(max_length=100)] = ""
    acquired_on: dt.date | None = None
    expires_on: dt.date | None = None


class FamilyMember(InputModel):
    name: Text100
    relationship: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    age: int | None = Field(default=None, ge=0, le=130)
    cohabiting: bool = False
    dependent: bool = False


class WorkHistoryEntry(InputModel):
    company: Text100
    start_month: YearMonth
    end_month: YearMonth | None = None
    job: Annotated[str, StringConstraints(max_length=100)] = ""
    description: Text500 = ""


class EmergencyContact(InputModel):
    name: Text100
    relationship: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    phone: Phone


class ResumeFields(InputModel):
    """The 履歴書 beyond the person fields; all optional (edits)."""

    arrival_date: dt.date | None = None
    marital_status: MaritalStatus | None = None
    jlpt_level: JlptLevel | None = None
    japanese_conversation: Conversation | None = None
    licenses: Annotated[list[LicenseEntry] | None, NotNull] = Field(default=None, max_length=30)
    experience: Annotated[list[ExperienceKind] | None, NotNull] = Field(default=None, max_length=20)
    experience_notes: Annotated[
        Annotated[str, StringConstraints(max_length=2000)] | None, NotNull
    ] = None
    uniform_size: UniformSize | None = None
    shoe_size_cm: Decimal | None = Field(default=None, ge=15, le=35, multiple_of=Decimal("0.5"))
    commute_method: CommuteMethod | None = None
    commute_minutes: int | None = Field(default=None, ge=0, le=300)
    emergency_contact: EmergencyContact | None = None
    family: Annotated[list[FamilyMember] | None, NotNull] = Field(default=None, max_length=10)
    work_history: Annotated[list[WorkHistoryEntry] | None, NotNull] = Field(
        default=None, max_length=20
    )
    notes: Annotated[Annotated[str, StringConstraints(max_length=4000)] | None, NotNull] = None


class CandidateCreate(PersonCreateFields, ResumeFields):
    reception_date: dt.date | None = Field(default=None, description="受付日; today if omitted")


class CandidateUpdate(PersonFields, ResumeFields):
    """Partial edit with the ``version`` read; an explicit ``null`` clears a field."""

    version: int = Field(ge=1)
    reception_date: Annotated[dt.date | None, NotNull] = None


class StatusChange(InputModel):
    status: CandidateStatus
    version: int = Field(ge=1)
    note: Text500 = ""


class StatusChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_status: CandidateStatus | None
    to_status: CandidateStatus
    changed_at: dt.datetime
    changed_by: int | None
    note: str


class CandidateRead(BaseModel):
    id: int
    status: CandidateStatus
    status_changed_at: dt.datetime
    reception_date: dt.date
    arrival_date: dt.date | None
    name_kanji: str | None
    name_kana: str
    name_romaji: str
    birth_date: dt.date
    gender: Gender
    nationality: str
    marital_status: MaritalStatus | None
    residence_status: ResidenceStatus | None
    residence_card_number_masked: str | None
    residence_card_expiry: dt.date | None
    extra_activity_permission: ExtraActivityPermission
    extra_activity_weekly_hours: int | None
    phone: str | None
    email: str | None
    postal_code: str | None
    prefecture: str | None
    city: str | None
    address_line1: str | None
    address_line2: str | None
    jlpt_level: JlptLevel | None
    japanese_conversation: Conversation | None
    licenses: list[LicenseEntry]
    experience: list[ExperienceKind]
    experience_notes: str
    uniform_size: UniformSize | None
    shoe_size_cm: Decimal | None
    commute_method: CommuteMethod | None
    commute_minutes: int | None
    emergency_contact: EmergencyContact | None
    family: list[FamilyMember]
    work_history: list[WorkHistoryEntry]
    has_photo: bool
    employee_id: int | None
    notes: str
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CandidateDetail(CandidateRead):
    status_history: list[StatusChangeRead]


class HireResult(BaseModel):
    candidate: CandidateRead
    employee: EmployeeDetail


class CandidateFilter(ListFilter):
    """The candidate list's filters (API and page); the sort is ``CANDIDATE_SORTING``."""

    q: Annotated[str | None, Field(max_length=100, description="prefix of any name form")] = None
    status: CandidateStatus | None = None
    nationality: Annotated[str | None, Field(pattern=r"^[A-Za-z]{2}$")] = None
    residence_status: ResidenceStatus | None = None
    include_archived: bool = False


class CandidateRemoval(BaseModel):
    """A candidate nobody refers to is deleted; a hired one is archived (and returned)."""

    deleted: bool
    candidate: CandidateRead | None = None
