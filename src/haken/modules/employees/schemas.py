"""Pydantic models of the employees area, and the person fields candidates share.

Personal numbers (My Number, residence-card number, bank account number) are accepted on
input and never come back in a read model: reads carry ``…_masked`` values
(``********90CD``) and only the audited reveal endpoint returns them in full.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

import jaconv
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from haken.labor.my_number import is_valid_my_number, normalise_my_number
from haken.labor.residence import (
    WEEKLY_HOURS_LIMIT,
    ExtraActivityPermission,
    ResidenceStatus,
    is_valid_card_number,
    normalise_card_number,
)
from haken.platform.editing import NotNull
from haken.platform.jptext import PREFECTURE_PATTERN
from haken.platform.names import is_romaji, name_key
from haken.platform.schemas import InputModel, ListFilter
from haken.platform.types import CountryCode, PhoneNumber, PostalCode, expectation, expecting

# --- enumerations -------------------------------------------------------------------------


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNSPECIFIED = "unspecified"


class EmploymentType(StrEnum):
    DISPATCH = "dispatch"  # 派遣
    CONTRACT = "contract"  # 請負
    STAFF = "staff"  # 社内スタッフ


class TermType(StrEnum):
    FIXED = "fixed"  # 有期
    INDEFINITE = "indefinite"  # 無期


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"  # 休職
    LEFT = "left"  # 退職


class BankAccountType(StrEnum):
    ORDINARY = "ordinary"  # 普通 (全銀 1)
    CURRENT = "current"  # 当座 (全銀 2)
    SAVINGS = "savings"  # 貯蓄 (全銀 4)


class WithholdingColumn(StrEnum):
    """甲欄 when the employee filed the 扶養控除等申告書 with haken's agency, else 乙欄."""

    KOU = "kou"
    OTSU = "otsu"


class Relationship(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER = "other"


class Disability(StrEnum):
    NONE = "none"
    GENERAL = "general"  # 一般の障害者
    SPECIAL = "special"  # 特別障害者


class RevealField(StrEnum):
    MY_NUMBER = "my_number"
    RESIDENCE_CARD_NUMBER = "residence_card_number"
    BANK_ACCOUNT_NUMBER = "bank_account_number"


class EmployeeSortField(StrEnum):
    """Fields the employee list sorts on (``sort=field`` / ``sort=-field``); each has an
    index ``(column, id)`` (``employees/sorting.py`` maps them to columns)."""

    KANA = "kana"  # name in kana, あ→ん
    ROMAJI = "romaji"
    HIRE_DATE = "hire_date"
    CREATED = "created"


# --- field types and pure validators --------------------------------------------------------

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = PhoneNumber
Nationality = CountryCode
Prefecture = Annotated[
    str,
    StringConstraints(pattern=PREFECTURE_PATTERN),
    expecting("prefecture", "expected a JIS X 0401 prefecture code, 01-47"),
]

_KANA = re.compile(r"^[\u3041-\u309f\u30fc]+$")  # hiragana (the key folds katakana into it)
_HOLDER_KANA = re.compile(r"^[\u30a1-\u30f6\u30fcA-Z0-9 ()\-./]+$")


def check_kana(value: str) -> str:
    key = name_key(value) or ""
    if not key or _KANA.fullmatch(key) is None:
        raise expectation("katakana", "expected the name in kana (katakana or hiragana)")
    return value


def check_romaji(value: str) -> str:
    if not is_romaji(value):
        raise expectation("romaji", "expected the name in Latin letters")
    return unicodedata.normalize("NFKC", value)


def check_card_number(value: str) -> str:
    if not is_valid_card_number(value):
        raise expectation(
            "residence_card_number", "expected 2 letters, 8 digits, 2 letters (AB12345678CD)"
        )
    return normalise_card_number(value)


def check_my_number(value: str) -> str:
    if not is_valid_my_number(value):
        raise expectation("my_number", "expected 12 digits with a valid check digit")
    return normalise_my_number(value)


def resolve_extra_activity(
    permission: ExtraActivityPermission, weekly_hours: int | None
) -> int | None:
    """The weekly-hours limit to record for a 資格外活動許可 (JP_DISPATCH.md §2.2).

    None without permission; 28 (or an agreed lower figure) under the blanket permission;
    the figure written on the permit under an individual one.
    """
    if permission is ExtraActivityPermission.NONE:
        if weekly_hours is not None:
            raise ValueError("weekly hours need a 資格外活動許可")
        return None
    if permission is ExtraActivityPermission.BLANKET:
        if weekly_hours is None:
            return WEEKLY_HOURS_LIMIT
        if not 1 <= weekly_hours <= WEEKLY_HOURS_LIMIT:
            raise ValueError(f"the blanket permission allows at most {WEEKLY_HOURS_LIMIT} h")
        return weekly_hours
    if weekly_hours is None or not 1 <= weekly_hours <= 40:
        raise ValueError("an individual permission needs its weekly hours (1-40)")
    return weekly_hours


def masked(last4: str | None, length: int) -> str | None:
    """``********90CD`` from the stored last four characters (the number is never read)."""
    if last4 is None:
        return None
    return "*" * (length - len(last4)) + last4


# --- the person fields shared with candidates ----------------------------------------------


class PersonFields(InputModel):
    """Fields of a person record; every one optional here (edits), required ones in Create."""

    name_kanji: Text100 | None = None
    name_kana: Annotated[Text100 | None, NotNull] = None
    name_romaji: Annotated[Text100 | None, NotNull] = None
    birth_date: Annotated[dt.date | None, NotNull] = None
    gender: Annotated[Gender | None, NotNull] = None
    nationality: Annotated[Nationality | None, NotNull] = None
    residence_status: ResidenceStatus | None = None
    residence_card_number: str | None = Field(default=None, max_length=40)
    residence_card_expiry: dt.date | None = Field(
        default=None, description="在留期間満了日 (for 永住者: the card's validity date)"
    )
    extra_activity_permission: Annotated[ExtraActivityPermission | None, NotNull] = None
    extra_activity_weekly_hours: int | None = Field(default=None, ge=1, le=40)
    phone: Phone | None = None
    email: EmailStr | None = None
    postal_code: PostalCode | None = None
    prefecture: Prefecture | None = Field(default=None, description="JIS X 0401 code, 01-47")
    city: Text100 | None = None
    address_line1: Text200 | None = None
    address_line2: Text200 | None = None

    @field_validator("name_kana")
    @classmethod
    def _kana(cls, value: str | None) -> str | None:
        return check_kana(value) if value is not None else None

    @field_validator("name_romaji")
    @classmethod
    def _romaji(cls, value: str | None) -> str | None:
        return check_romaji(value) if value is not None else None

    @field_validator("residence_card_number")
    @classmethod
    def _card(cls, value: str | None) -> str | None:
        return check_card_number(value) if value is not None else None

    @field_validator("birth_date")
    @classmethod
    def _birth(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date.today():
            raise ValueError("birth date out of range")
        return value


class PersonCreateFields(PersonFields):
    """The minimum of a person: kana and romaji names (the duplicate key) and birth date."""

    name_kana: Text100
    name_romaji: Text100
    birth_date: dt.date
    gender: Gender = Gender.UNSPECIFIED
    nationality: Nationality = "JP"
    extra_activity_permission: ExtraActivityPermission = ExtraActivityPermission.NONE

    @model_validator(mode="after")
    def _extra_activity(self) -> PersonCreateFields:
        self.extra_activity_weekly_hours = resolve_extra_activity(
            self.extra_activity_permission, self.extra_activity_weekly_hours
        )
        return self


# --- employee inputs ------------------------------------------------------------------------


class BankAccountInput(InputModel):
    bank_code: Annotated[
        str,
        StringConstraints(pattern=r"^\d{4}$"),
        expecting("digits", "expected 4 digits", count=4),
    ]
    branch_code: Annotated[
        str,
        StringConstraints(pattern=r"^\d{3}$"),
        expecting("digits", "expected 3 digits", count=3),
    ]
    account_type: BankAccountType = BankAccountType.ORDINARY
    account_number: Annotated[
        str,
        StringConstraints(pattern=r"^\d{1,7}$"),
        expecting("digits_up_to", "expected 1 to 7 digits", count=7),
    ]
    holder_kana: Annotated[str, StringConstraints(min_length=1, max_length=60)]

    @field_validator("account_number")
    @classmethod
    def _pad(cls, value: str) -> str:
        return value.zfill(7)

    @field_validator("holder_kana")
    @classmethod
    def _holder(cls, value: str) -> str:
        """Full-width katakana and capitals: what the bank registered, not a romaji guess."""
        text = jaconv.h2z(unicodedata.normalize("NFKC", value), kana=True)
        text = jaconv.hira2kata(text).upper().replace("\u3000", " ").strip()
        if _HOLDER_KANA.fullmatch(text) is None:
            raise expectation("holder_kana", "expected katakana, capitals, digits, space or ()-./")
        return text


class ContractPeriodInput(InputModel):
    start_date: dt.date
    end_date: dt.date
    note: Annotated[str, StringConstraints(max_length=200)] = ""

    @model_validator(mode="after")
    def _order(self) -> ContractPeriodInput:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class DependantInput(InputModel):
    name: Text100
    name_kana: Text100 | None = None
    relationship: Relationship
    birth_date: dt.date
    disability: Disability = Disability.NONE
    cohabiting: bool = True
    income_within_limit: bool = Field(
        default=True, description="Within the income limit of a 扶養親族 (payroll decides)"
    )


class EmploymentFields(InputModel):
    """What a hire decides about the employment."""

    employment_type: EmploymentType
    term_type: TermType = TermType.FIXED
    hire_date: dt.date
    employee_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None
    ) = None
    client_worker_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None
    ) = None
    contract_periods: list[ContractPeriodInput] = Field(default_factory=list, max_length=100)
    notes: Annotated[str, StringConstraints(max_length=4000)] = ""


class EmployeeHire(EmploymentFields):
    """Body of ``POST /api/candidates/{id}/hire``: the candidate's ``version`` plus the job."""

    version: int = Field(ge=1)


class VacationRange(InputModel):
    """A long vacation of the worker's school (学則で定める長期休業期間), both days included."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> VacationRange:
        if self.end < self.start:
            raise ValueError("the vacation ends before it starts")
        return self


LongVacations = Annotated[list[VacationRange], Field(max_length=20)]
"""留学: the school's long vacations, in which 8 h a day replaces 28 h a week (attendance)."""


class EmployeeCreate(PersonCreateFields, EmploymentFields):
    """A direct registration (staff, re-imports); hires from candidates go through hire."""

    renewal_applied_on: dt.date | None = None
    renewal_decided_on: dt.date | None = None
    my_number: str | None = None
    bank_account: BankAccountInput | None = None
    withholding_column: WithholdingColumn = WithholdingColumn.KOU
    conversion_exempt: bool = False
    dependants: list[DependantInput] = Field(default_factory=list, max_length=30)
    long_vacations: LongVacations = Field(default_factory=list)

    @field_validator("my_number")
    @classmethod
    def _my_number(cls, value: str | None) -> str | None:
        return check_my_number(value) if value is not None else None


class EmployeeUpdate(PersonFields):
    """Partial edit; an explicit ``null`` clears a field (e.g. My Number after retention)."""

    version: int = Field(ge=1)
    long_vacations: Annotated[LongVacations | None, NotNull] = None
    renewal_applied_on: dt.date | None = None
    renewal_decided_on: dt.date | None = None
    my_number: str | None = None
    bank_account: BankAccountInput | None = None
    withholding_column: Annotated[WithholdingColumn | None, NotNull] = None
    conversion_exempt: Annotated[bool | None, NotNull] = None
    employment_type: Annotated[EmploymentType | None, NotNull] = None
    term_type: Annotated[TermType | None, NotNull] = None
    hire_date: Annotated[dt.date | None, NotNull] = None
    leave_date: dt.date | None = None
    leave_reason: Annotated[str, StringConstraints(max_length=200)] | None = None
    status: Annotated[EmployeeStatus | None, NotNull] = None
    employee_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None
    ) = None
    client_worker_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None
    ) = None
    notes: Annotated[Annotated[str, StringConstraints(max_length=4000)] | None, NotNull] = None

    @field_validator("my_number")
    @classmethod
    def _my_number(cls, value: str | None) -> str | None:
        return check_my_number(value) if value is not None else None


class ContractPeriodsReplace(InputModel):
    version: int = Field(ge=1)
    periods: list[ContractPeriodInput] = Field(max_length=100)


class DependantsReplace(InputModel):
    version: int = Field(ge=1)
    dependants: list[DependantInput] = Field(max_length=30)


class VersionBody(InputModel):
    version: int = Field(ge=1)


class RevealRequest(InputModel):
    """Which numbers to show in full, and why (the purpose goes into the audit row)."""

    fields: list[RevealField] = Field(min_length=1, max_length=3)
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


# --- reads ------------------------------------------------------------------------------------


class BankAccountRead(BaseModel):
    bank_code: str
    branch_code: str
    account_type: BankAccountType
    account_number_masked: str
    holder_kana: str


class ContractPeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    start_date: dt.date
    end_date: dt.date
    note: str


class DependantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_kana: str | None
    relationship: Relationship
    birth_date: dt.date
    disability: Disability
    cohabiting: bool
    income_within_limit: bool


class EmployeeRead(BaseModel):
    id: int
    employee_number: str | None
    candidate_id: int | None
    name_kanji: str | None
    name_kana: str
    name_romaji: str
    birth_date: dt.date
    gender: Gender
    nationality: str
    residence_status: ResidenceStatus | None
    residence_card_number_masked: str | None
    residence_card_expiry: dt.date | None
    renewal_applied_on: dt.date | None
    renewal_decided_on: dt.date | None
    work_permitted_until: dt.date | None = Field(
        description="The last day of lawful work: the expiry, or the special period (特例期間)"
    )
    extra_activity_permission: ExtraActivityPermission
    extra_activity_weekly_hours: int | None
    long_vacations: list[VacationRange] = Field(default_factory=list)
    phone: str | None
    email: str | None
    postal_code: str | None
    prefecture: str | None
    city: str | None
    address_line1: str | None
    address_line2: str | None
    employment_type: EmploymentType
    term_type: TermType
    hire_date: dt.date
    leave_date: dt.date | None
    leave_reason: str | None
    status: EmployeeStatus
    client_worker_id: str | None
    current_client_id: int | None
    current_site_id: int | None
    bank_account: BankAccountRead | None
    my_number_masked: str | None
    withholding_column: WithholdingColumn
    conversion_exempt: bool
    indefinite_conversion_date: dt.date | None = Field(
        description="The day the right to 無期転換 arises (fixed-term, not exempt), else null"
    )
    notes: str
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class EmployeeDetail(EmployeeRead):
    contract_periods: list[ContractPeriodRead]
    dependants: list[DependantRead]


class RevealedNumbers(BaseModel):
    """The full numbers asked for; a field not asked for, or not recorded, is null."""

    my_number: str | None = None
    residence_card_number: str | None = None
    bank_account_number: str | None = None


class ResidenceExpiryRead(BaseModel):
    id: int
    kind: str = Field(description="employee or candidate")
    name_kanji: str | None
    name_kana: str
    name_romaji: str
    nationality: str
    residence_status: ResidenceStatus | None
    residence_card_expiry: dt.date
    renewal_applied_on: dt.date | None = None
    renewal_decided_on: dt.date | None = None
    work_permitted_until: dt.date
    in_special_period: bool
    days_left: int = Field(description="Days from today to work_permitted_until (negative: past)")
    current_site_id: int | None = None


class EmployeeFilter(ListFilter):
    """The employee list's filters, declared once: the API and the page take them whole as
    query parameters (``Annotated[EmployeeFilter, Query()]``)."""

    q: Annotated[
        str | None,
        Field(
            max_length=100,
            description="prefix of any name form; romaji in either order (given-family or "
            "family-given)",
        ),
    ] = None
    status: EmployeeStatus | None = None
    employment_type: EmploymentType | None = None
    term_type: TermType | None = None
    client_id: Annotated[int | None, Field(ge=1, le=2**63 - 1, description="派遣先 now")] = None
    site_id: Annotated[int | None, Field(ge=1, le=2**63 - 1, description="事業所 now")] = None
    nationality: Annotated[str | None, Field(pattern=r"^[A-Za-z]{2}$")] = None
    residence_status: ResidenceStatus | None = None
    employee_number: Annotated[str | None, Field(max_length=20)] = None
    client_worker_id: Annotated[str | None, Field(max_length=40)] = None
    include_left: Annotated[
        bool, Field(description="also list employees who left (退職); implied by status=left")
    ] = False
    include_archived: bool = False


class PayrollFacts(BaseModel):
    """What the payroll area reads of an employee (``employees_service.payroll_facts``)."""

    model_config = ConfigDict(frozen=True)

    employee_id: int
    birth_date: dt.date
    otsu: bool
    """乙欄: no 扶養控除等申告書 filed with the agency."""
    dependents: int
    """扶養親族等の数 (月額表 備考1(4))."""
    hire_date: dt.date
    leave_date: dt.date | None


class PaymentAccount(BaseModel):
    """An employee's salary account as the transfer file needs it (the number decrypted;
    ``employees_service.payment_accounts``, whose caller audits what it does with it)."""

    model_config = ConfigDict(frozen=True)

    employee_id: int
    employee_number: str
    holder_kana: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str


class EmployeeBrief(BaseModel):
    """What other modules (housing, assignments, attendance) need to know about a worker."""

    model_config = ConfigDict(frozen=True)

    id: int
    name_kanji: str | None
    name_kana: str
    name_romaji: str
    birth_date: dt.date
    nationality: str
    residence_status: ResidenceStatus | None
    work_permitted_until: dt.date | None
    gender: str = ""  # the 派遣先への通知 states the sex (35条1項1号)
    extra_activity_permission: ExtraActivityPermission
    extra_activity_weekly_hours: int | None
    long_vacations: tuple[tuple[dt.date, dt.date], ...] = ()
    employment_type: EmploymentType
    term_type: TermType
    status: EmployeeStatus
    is_indefinite: bool
    current_client_id: int | None
    current_site_id: int | None
    archived: bool
    hire_date: dt.date | None = None
    leave_date: dt.date | None = None
    employee_number: str | None = None
    residence_card_last4: str | None = None  # the 外国人雇用状況届出 list

    @property
    def display_name(self) -> str:
        return self.name_kanji or self.name_kana


def plain(data: BaseModel, fields: set[str] | None = None) -> dict[str, Any]:
    """The model's set fields as a dict (what an edit actually changes)."""
    return data.model_dump(include=fields, exclude_unset=True)


class SiteHeadcount(BaseModel):
    client_id: int
    client_name: str
    site_id: int
    site_name: str
    headcount: int


class Headcount(BaseModel):
    """Active employees in scope: ``total`` = ``placed`` + ``unplaced`` + ``not_dispatched``.

    ``placed`` are at a client site (``by_site`` lists each site; its counts add up to
    ``placed``), ``unplaced`` are dispatched workers with no running placement, and
    ``not_dispatched`` are in-house staff and contract work (請負), who are never placed.
    """

    total: int
    placed: int
    unplaced: int
    not_dispatched: int
    by_site: list[SiteHeadcount]
