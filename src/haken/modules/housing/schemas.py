"""Request and response shapes of the housing area."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from haken.platform.editing import NotNull
from haken.platform.jptext import PREFECTURE_PATTERN, PREFECTURES
from haken.platform.schemas import ArchivedRead, InputModel, ListFilter, QueryModel
from haken.platform.types import PhoneNumber, PostalCode

UtilitiesPolicy = Literal["included", "flat", "tenant"]
Status = Literal["active", "archived"]
NameSort = Literal["name", "-name", "created", "-created"]
StaySort = Literal["move_in", "-move_in"]

Yen = Annotated[int, Field(ge=0, le=10_000_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Line = Annotated[str, Field(max_length=200)]
Phone = PhoneNumber


class ApartmentCreate(InputModel):
    name: Name
    postal_code: PostalCode | None = None
    prefecture: Annotated[str, Field(pattern=PREFECTURE_PATTERN)]
    city: Annotated[str, Field(max_length=100)] = ""
    address_line1: Name
    address_line2: Line = ""
    landlord_name: Line = ""
    landlord_phone: Phone | None = None
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None
    monthly_rent: Yen | None = Field(default=None, description="paid to the landlord, whole unit")
    utilities_policy: UtilitiesPolicy = "included"
    utilities_flat_monthly: Yen = Field(default=0, description="per occupant, when flat")
    parking_spaces: int = Field(default=0, ge=0, le=1000)
    parking_fee_monthly: Yen = Field(default=0, description="per occupant using a space")
    notes: str = Field(default="", max_length=4000)


class ApartmentUpdate(InputModel):
    version: int = Field(ge=1)
    name: Annotated[Name | None, NotNull] = None
    postal_code: PostalCode | None = None
    prefecture: Annotated[Annotated[str, Field(pattern=PREFECTURE_PATTERN)] | None, NotNull] = None
    city: Annotated[Annotated[str, Field(max_length=100)] | None, NotNull] = None
    address_line1: Annotated[Name | None, NotNull] = None
    address_line2: Annotated[Line | None, NotNull] = None
    landlord_name: Annotated[Line | None, NotNull] = None
    landlord_phone: Phone | None = None
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None
    monthly_rent: Yen | None = None
    utilities_policy: Annotated[UtilitiesPolicy | None, NotNull] = None
    utilities_flat_monthly: Annotated[Yen | None, NotNull] = None
    parking_spaces: Annotated[int | None, NotNull] = Field(default=None, ge=0, le=1000)
    parking_fee_monthly: Annotated[Yen | None, NotNull] = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)
    archived: Annotated[bool | None, NotNull] = None


class ApartmentRead(ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    postal_code: str | None
    prefecture: str
    city: str
    address_line1: str
    address_line2: str
    landlord_name: str
    landlord_phone: str | None
    lease_start: dt.date | None
    lease_end: dt.date | None
    monthly_rent: int | None
    utilities_policy: UtilitiesPolicy
    utilities_flat_monthly: int
    parking_spaces: int
    parking_fee_monthly: int
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prefecture_name(self) -> str | None:
        return PREFECTURES.get(self.prefecture)


class ApartmentFilter(ListFilter):
    """The apartment lists' filters (API and page); the sort is ``APARTMENT_SORTING``."""

    q: Annotated[str | None, Field(max_length=100)] = None
    prefecture: Annotated[str | None, Field(pattern=PREFECTURE_PATTERN)] = None
    status: Status = "active"


class RoomCreate(InputModel):
    apartment_id: int = Field(ge=1)
    name: Annotated[str, Field(min_length=1, max_length=50)]
    capacity: int = Field(ge=1, le=50)
    monthly_rent: Yen | None = Field(default=None, description="paid to the landlord, this room")
    rent_per_occupant: Yen
    notes: str = Field(default="", max_length=4000)


class RoomUpdate(InputModel):
    version: int = Field(ge=1)
    name: Annotated[Annotated[str, Field(min_length=1, max_length=50)] | None, NotNull] = None
    capacity: Annotated[int | None, NotNull] = Field(default=None, ge=1, le=50)
    monthly_rent: Yen | None = None
    rent_per_occupant: Annotated[Yen | None, NotNull] = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)
    archived: Annotated[bool | None, NotNull] = None


class RoomRead(ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    apartment_id: int
    name: str
    capacity: int
    monthly_rent: int | None
    rent_per_occupant: int
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class MoveIn(InputModel):
    """Defaults (rent, utilities, parking fee) come from the room and apartment."""

    employee_id: int = Field(ge=1)
    room_id: int = Field(ge=1)
    move_in: dt.date
    move_out: dt.date | None = None
    monthly_rent: Yen | None = None
    utilities_monthly: Yen | None = None
    parking: bool = False
    notes: str = Field(default="", max_length=4000)


class MoveOut(InputModel):
    version: int = Field(ge=1)
    move_out: dt.date


class OccupancyUpdate(InputModel):
    """Charges and notes; dates change through move-out (or delete a wrong entry)."""

    version: int = Field(ge=1)
    monthly_rent: Annotated[Yen | None, NotNull] = None
    utilities_monthly: Annotated[Yen | None, NotNull] = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=4000)


class OccupancyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    employee_name: str | None = None
    room_id: int
    room_name: str | None = None
    apartment_id: int
    apartment_name: str | None = None
    move_in: dt.date
    move_out: dt.date | None
    monthly_rent: int
    utilities_monthly: int
    parking: bool
    parking_fee_monthly: int
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class OccupancyFilter(QueryModel):
    apartment_id: int | None = None
    room_id: int | None = None
    employee_id: int | None = None
    current_on: dt.date | None = None
    # Stays running on this day or starting later (today's and the scheduled ones).
    ongoing_from: dt.date | None = None
    sort: StaySort = "-move_in"


class RoomOccupancy(BaseModel):
    room_id: int
    name: str
    capacity: int
    occupied: int
    vacancies: int


class ApartmentOccupancy(BaseModel):
    apartment_id: int
    name: str
    prefecture: str
    capacity: int
    occupied: int
    vacancies: int
    rooms: list[RoomOccupancy]


class Deduction(BaseModel):
    """One stay's charges for one payroll month, prorated by days (labor.housing)."""

    occupancy_id: int
    employee_id: int
    employee_name: str | None = None
    apartment_id: int
    apartment_name: str
    room_id: int
    room_name: str
    year: int
    month: int
    move_in: dt.date
    move_out: dt.date | None
    days_occupied: int
    days_in_month: int
    rent: int
    utilities: int
    parking: int
    total: int


class DeleteOutcome(BaseModel):
    """A record nothing refers to is deleted; one that is referenced is archived instead."""

    id: int
    outcome: Literal["deleted", "archived"]
