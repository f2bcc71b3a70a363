"""Request and response shapes of the clients area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, computed_field

from haken.platform.editing import NotNull
from haken.platform.jptext import PREFECTURE_PATTERN, PREFECTURES
from haken.platform.schemas import ArchivedRead, InputModel, ListFilter, QueryModel
from haken.platform.types import PhoneNumber, PostalCode

EntityKind = Literal["corporation", "individual"]
ContactRole = Literal["sales", "billing", "site", "other"]
Status = Literal["active", "archived"]
NameSort = Literal["name", "-name", "created", "-created"]
SiteSort = Literal["name", "-name", "created", "-created", "conflict_date", "-conflict_date"]

Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=100)]
Line = Annotated[str, Field(max_length=200)]
Phone = PhoneNumber
Prefecture = Annotated[str, Field(pattern=PREFECTURE_PATTERN, description="JIS X 0401 code")]


class AddressIn(InputModel):
    postal_code: PostalCode | None = None
    prefecture: Prefecture | None = None
    city: Short = ""
    address_line1: Line = ""
    address_line2: Line = ""
    phone: Phone | None = None


class AddressPatch(InputModel):
    postal_code: PostalCode | None = None
    prefecture: Prefecture | None = None
    city: Annotated[Short | None, NotNull] = None
    address_line1: Annotated[Line | None, NotNull] = None
    address_line2: Annotated[Line | None, NotNull] = None
    phone: Phone | None = None


class AddressRead(BaseModel):
    postal_code: str | None
    prefecture: str | None
    city: str
    address_line1: str
    address_line2: str
    phone: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prefecture_name(self) -> str | None:
        return PREFECTURES.get(self.prefecture) if self.prefecture else None


# --- clients ---------------------------------------------------------------------------


class ClientCreate(AddressIn):
    name: Name
    name_kana: Name | None = None
    entity_kind: EntityKind = "corporation"
    corporate_number: str | None = Field(default=None, max_length=30)
    invoice_registration_number: str | None = Field(default=None, max_length=30)
    notes: str = Field(default="", max_length=4000)


class ClientUpdate(AddressPatch):
    """Only the fields sent are changed; ``version`` is the one the edit was based on."""

    version: int = Field(ge=1)
    name: Annotated[Name | None, NotNull] = None
    name_kana: Name | None = None
    entity_kind: Annotated[EntityKind | None, NotNull] = None
    corporate_number: str | None = Field(default=None, max_length=30)
    invoice_registration_number: str | None = Field(default=None, max_length=30)
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)
    archived: Annotated[bool | None, NotNull] = Field(
        default=None, description="false restores an archived client"
    )


class ClientRead(AddressRead, ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_kana: str | None
    entity_kind: EntityKind
    corporate_number: str | None
    invoice_registration_number: str | None
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ClientFilter(ListFilter):
    """The client list's filters (API and page); the sort is ``sorting.CLIENT_SORTING``."""

    q: Annotated[str | None, Field(max_length=100)] = None
    prefecture: Annotated[str | None, Field(pattern=PREFECTURE_PATTERN)] = None
    status: Status = "active"


class DeleteOutcome(BaseModel):
    """A record nothing refers to is deleted; one that is referenced is archived instead."""

    id: int
    outcome: Literal["deleted", "archived"]


# --- sites -------------------------------------------------------------------------------


class _SitePeople(InputModel):
    manager_name: Annotated[Short | None, NotNull] = None
    manager_department: Annotated[Short | None, NotNull] = None
    manager_title: Annotated[Short | None, NotNull] = None
    manager_phone: Phone | None = None
    complaint_name: Annotated[Short | None, NotNull] = None
    complaint_department: Annotated[Short | None, NotNull] = None
    complaint_title: Annotated[Short | None, NotNull] = None
    complaint_phone: Phone | None = None
    own_employees: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="the client's own employees at the site (派遣先管理台帳: 則35条3項); "
        "empty = unknown",
    )


class SiteCreate(AddressIn, _SitePeople):
    client_id: int = Field(ge=1)
    name: Name
    prefecture: Prefecture  # a site's address is required: it is on every contract
    address_line1: Name
    dispatch_started_on: dt.date | None = Field(
        default=None, description="First day of dispatch to this site (starts the 3-year clock)"
    )


class SiteUpdate(AddressPatch, _SitePeople):
    version: int = Field(ge=1)
    name: Annotated[Name | None, NotNull] = None
    # A site's address stays filled in (it is on every contract), as SiteCreate requires.
    prefecture: Annotated[Prefecture | None, NotNull] = None
    address_line1: Annotated[Name | None, NotNull] = None
    dispatch_started_on: dt.date | None = None
    archived: Annotated[bool | None, NotNull] = None


class SiteExtensionCreate(InputModel):
    """A hearing (意見聴取) of the majority union or representative that extends the limit."""

    version: int = Field(ge=1, description="the site's version")
    hearing_date: dt.date
    months: int = Field(default=36, ge=1, le=36)
    heard_party: Name
    opinion: str = Field(default="", max_length=4000)


class SiteExtensionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hearing_date: dt.date
    months: int
    heard_party: str
    opinion: str
    created_at: dt.datetime


class SiteRead(AddressRead, ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: int
    name: str
    manager_name: str
    manager_department: str
    manager_title: str
    manager_phone: str | None
    complaint_name: str
    complaint_department: str
    complaint_title: str
    complaint_phone: str | None
    dispatch_started_on: dt.date | None
    conflict_date: dt.date | None
    own_employees: int | None = None
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class SiteDetail(SiteRead):
    extensions: list[SiteExtensionRead] = Field(default_factory=list)
    hearing_deadline: dt.date | None = Field(
        default=None, description="Last day for the hearing that extends the current 抵触日"
    )


class SiteFilter(QueryModel):
    client_id: int | None = None
    q: str | None = None
    prefecture: str | None = None
    status: Status = "active"
    sort: SiteSort = "name"


# --- units -------------------------------------------------------------------------------


class UnitCreate(InputModel):
    site_id: int = Field(ge=1)
    name: Name
    head_title: Short = ""
    supervisor_name: Short = ""
    supervisor_department: Short = ""
    supervisor_title: Short = ""
    supervisor_phone: Phone | None = None
    notes: str = Field(default="", max_length=4000)


class UnitUpdate(InputModel):
    version: int = Field(ge=1)
    name: Annotated[Name | None, NotNull] = None
    head_title: Annotated[Short | None, NotNull] = None
    supervisor_name: Annotated[Short | None, NotNull] = None
    supervisor_department: Annotated[Short | None, NotNull] = None
    supervisor_title: Annotated[Short | None, NotNull] = None
    supervisor_phone: Phone | None = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)
    archived: Annotated[bool | None, NotNull] = None


class UnitRead(ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    client_id: int
    name: str
    head_title: str
    supervisor_name: str
    supervisor_department: str
    supervisor_title: str
    supervisor_phone: str | None
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class UnitFilter(QueryModel):
    site_id: int | None = None
    client_id: int | None = None
    q: str | None = None
    status: Status = "active"
    sort: NameSort = "name"


# --- contacts ------------------------------------------------------------------------------


class ContactCreate(InputModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_kana: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    department: Short = ""
    title: Short = ""
    role: ContactRole = "other"
    email: EmailStr | None = None
    phone: Phone | None = None
    is_primary: bool = False
    notes: str = Field(default="", max_length=4000)


class ContactUpdate(InputModel):
    version: int = Field(ge=1)
    name: Annotated[Annotated[str, Field(min_length=1, max_length=100)] | None, NotNull] = None
    name_kana: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    department: Annotated[Short | None, NotNull] = None
    title: Annotated[Short | None, NotNull] = None
    role: Annotated[ContactRole | None, NotNull] = None
    email: EmailStr | None = None
    phone: Phone | None = None
    is_primary: Annotated[bool | None, NotNull] = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: int
    name: str
    name_kana: str | None
    department: str
    title: str
    role: ContactRole
    email: str | None
    phone: str | None
    is_primary: bool
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ContactFilter(QueryModel):
    q: str | None = None
    sort: NameSort = "name"


# --- for other modules -----------------------------------------------------------------------


@dataclass(frozen=True)
class SiteLabel:
    """A site's and its client's names, for other modules' displays."""

    site_id: int
    site_name: str
    client_id: int
    client_name: str
    prefecture: str | None = None
    """JIS X 0401 code of the site's prefecture."""
    conflict_date: dt.date | None = None
    """The site's 抵触日 (事業所単位; filled by ``get_site_labels``: the portal's alerts)."""


@dataclass(frozen=True)
class UnitPlacement:
    """Where a unit sits, for assignments and contracts (read through the service only)."""

    unit_id: int
    unit_name: str
    site_id: int
    site_name: str
    client_id: int
    client_name: str
    site_conflict_date: dt.date | None
    archived: bool
    """True when the unit, its site or its client is archived: no new placements there."""
    site_prefecture: str | None = None
    """JIS X 0401 code of the site's prefecture: whose minimum wage applies (最低賃金法13条)."""
