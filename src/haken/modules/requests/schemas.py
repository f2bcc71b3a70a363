"""Requests: the payload of each type (a discriminated union on ``type``), the approval
chain of each type as data, inputs and reads."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Discriminator, Field, Tag, model_validator

from haken.modules.leave.schemas import HalfDay, TakingUnit
from haken.platform.schemas import InputModel, ListFilter


class RequestType(StrEnum):
    PAID_LEAVE = "paid_leave"  # 有給 (day, half day, hours)
    HOME_LEAVE = "home_leave"  # 一時帰国
    RESIGNATION = "resignation"  # 退社
    ABSENCE = "absence"  # 欠勤
    ADDRESS_CHANGE = "address_change"  # 住所変更
    OTHER = "other"


class RequestState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED_BY_SITE = "approved_by_site"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


OPEN_STATES = frozenset({RequestState.SUBMITTED, RequestState.APPROVED_BY_SITE})


class Approver(StrEnum):
    SITE = "site"  # the site manager of the employee's current site (or an admin)
    ADMIN = "admin"  # an administrator


# Who approves each type, in order. The last step's approval applies the request.
CHAINS: dict[RequestType, tuple[Approver, ...]] = {
    RequestType.PAID_LEAVE: (Approver.SITE,),
    RequestType.ABSENCE: (Approver.SITE,),
    RequestType.OTHER: (Approver.SITE,),
    RequestType.HOME_LEAVE: (Approver.SITE, Approver.ADMIN),
    RequestType.RESIGNATION: (Approver.SITE, Approver.ADMIN),
    RequestType.ADDRESS_CHANGE: (Approver.ADMIN,),
}

Dates = Annotated[list[dt.date], Field(min_length=1, max_length=31)]
Reason = Annotated[str, Field(max_length=500)]


def _unique(dates: list[dt.date]) -> None:
    if len(set(dates)) != len(dates):
        raise ValueError("give each date once")


class PaidLeavePayload(InputModel):
    type: Literal["paid_leave"]
    unit: TakingUnit = TakingUnit.DAY
    dates: Dates
    hours: int = Field(default=0, ge=0, le=7)
    half: HalfDay | None = Field(
        default=None, description="am or pm for a half day (the morning when not given)"
    )
    reason: Reason = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique(self.dates)
        if self.unit is TakingUnit.HOURS and self.hours < 1:
            raise ValueError("hourly leave needs 1 to 7 hours")
        if self.unit is not TakingUnit.HOURS and self.hours:
            raise ValueError("hours only with unit 'hours'")
        if self.half is not None and self.unit is not TakingUnit.HALF_DAY:
            raise ValueError("a half (am or pm) only with unit 'half_day'")
        if self.unit is TakingUnit.HALF_DAY and self.half is None:
            object.__setattr__(self, "half", HalfDay.AM)
        return self


class HomeLeavePayload(InputModel):
    type: Literal["home_leave"]
    start: dt.date
    end: dt.date
    destination: str = Field(min_length=1, max_length=200)
    contact: str = Field(min_length=1, max_length=200)  # a phone number or an address there
    reason: Reason = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end < self.start:
            raise ValueError("the return is before the departure")
        return self


class ResignationPayload(InputModel):
    type: Literal["resignation"]
    last_day: dt.date
    reason: Reason = ""


class AbsencePayload(InputModel):
    type: Literal["absence"]
    dates: Dates
    reason: Reason = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique(self.dates)
        return self


class AddressChangePayload(InputModel):
    type: Literal["address_change"]
    effective_on: dt.date
    postal_code: str = Field(default="", max_length=10)
    address: str = Field(min_length=1, max_length=300)


class OtherPayload(InputModel):
    type: Literal["other"]
    subject: str = Field(min_length=1, max_length=120)
    detail: str = Field(default="", max_length=2000)


def _payload_type(value: Any) -> str | None:
    found = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return found if isinstance(found, str) else None


# A callable discriminator: InputModel's text validator runs on every field (``type`` too),
# which pydantic's field discriminator does not allow.
RequestPayload = Annotated[
    Annotated[PaidLeavePayload, Tag("paid_leave")]
    | Annotated[HomeLeavePayload, Tag("home_leave")]
    | Annotated[ResignationPayload, Tag("resignation")]
    | Annotated[AbsencePayload, Tag("absence")]
    | Annotated[AddressChangePayload, Tag("address_change")]
    | Annotated[OtherPayload, Tag("other")],
    Discriminator(_payload_type),
]


class RequestCreate(InputModel):
    """A request of the caller's own (an employee account)."""

    payload: RequestPayload
    comment: str = Field(default="", max_length=1000)


class RequestDecision(InputModel):
    version: int = Field(ge=1)
    comment: str = Field(default="", max_length=1000)


class RequestRejection(InputModel):
    version: int = Field(ge=1)
    comment: str = Field(min_length=1, max_length=1000)  # a rejection says why


class RequestCommentCreate(InputModel):
    comment: str = Field(min_length=1, max_length=1000)


class RequestFilter(ListFilter):
    state: RequestState | None = None
    type: RequestType | None = None
    employee_id: int | None = Field(default=None, ge=1)
    actionable: bool = False  # only what the caller may decide now (the approval queue)


class RequestQueueFilter(ListFilter):
    """The office's page (/requests): the queue by default, every readable request with
    ``all``; by state and type."""

    all: bool = False
    state: RequestState | None = None
    type: RequestType | None = None

    def to_filter(self) -> RequestFilter:
        return RequestFilter(state=self.state, type=self.type, actionable=not self.all)


class MyRequestFilter(ListFilter):
    """The portal's page (/me/requests): the worker's own, by state and type."""

    state: RequestState | None = None
    type: RequestType | None = None


class RequestSortField(StrEnum):
    SENT = "sent"  # the request's id: the order they were sent in (its index)


class RequestEventRead(BaseModel):
    id: int
    action: str
    actor_id: int | None
    comment: str
    at: dt.datetime


class RequestRead(BaseModel):
    id: int
    employee_id: int
    type: RequestType
    payload: dict[str, Any]
    state: RequestState
    step: int
    approver: Approver | None
    chain: list[Approver]
    requested_by: int | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class RequestDetail(RequestRead):
    events: list[RequestEventRead]


class ExitFacts(BaseModel):
    """What an approved resignation fixes, for the other areas (housing, payroll)."""

    employee_id: int
    request_id: int
    last_working_day: dt.date
    move_out_due: dt.date
    final_pay_start: dt.date
    final_pay_end: dt.date
