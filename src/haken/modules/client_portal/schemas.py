from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, EmailStr, Field

from haken.platform.schemas import InputModel


class SupervisorInvite(InputModel):
    client_id: int = Field(ge=1)
    email: EmailStr
    display_name: str = Field(default="", max_length=120)
    site_ids: list[int] = Field(min_length=1, max_length=200)
    unit_ids: list[int] = Field(
        default_factory=list,
        max_length=200,
        description="組織単位 of the chosen sites the supervisor is limited to (none: all units)",
    )
    locale: str = Field(default="ja", pattern="^(ja|en)$")


class SupervisorInvited(BaseModel):
    user_id: int
    email: str
    client_id: int
    site_ids: list[int]
    unit_ids: list[int] = Field(default_factory=list)
    expires_in_hours: int


class SupervisorUnitsChange(InputModel):
    """What a client supervisor sees, changed by the agency: its 組織単位 (none: every unit of
    its sites) and, when given, its sites (of its client; omitted: unchanged)."""

    version: int = Field(ge=1)
    unit_ids: list[int] = Field(
        default_factory=list,
        max_length=200,
        description="組織単位 of its sites the supervisor is limited to (none: all units)",
    )
    site_ids: list[int] | None = Field(
        default=None, min_length=1, max_length=200, description="omitted: unchanged"
    )


class TimecardConfirm(InputModel):
    version: int = Field(ge=1)


class TimecardDispute(InputModel):
    version: int = Field(ge=1)
    comment: str = Field(min_length=1, max_length=1000)


class PortalWorker(BaseModel):
    """A worker placed with the client: name, where, when, what work. Never pay or IDs."""

    employee_id: int
    name: str
    name_kana: str
    site_name: str
    unit_name: str
    start_date: dt.date
    end_date: dt.date
    work_content: str
    contract_id: int
    contract_number: str


class PortalTimecard(BaseModel):
    id: int
    employee_id: int
    name: str
    work_date: dt.date
    start: str | None
    end: str | None
    break_minutes: int
    worked_minutes: int
    marker: str = Field(
        default="none",
        description="none (worked) or the leave/absence the day is (有給休暇, 欠勤 …)",
    )
    state: str
    rejected_comment: str | None
    version: int


class PortalWeek(BaseModel):
    first: dt.date
    last: dt.date
    timecards: list[PortalTimecard]


class PortalAlert(BaseModel):
    """A 抵触日 the supervisor must act on: the site's (事業所単位, 派遣法40条の2; the 意見聴取
    must be done by ``hearing_deadline``) or a worker's in a unit (組織単位, 40条の3)."""

    kind: str = Field(description="site (事業所単位) or individual (組織単位)")
    site_id: int
    site_name: str
    unit_name: str | None = None
    employee_id: int | None = None
    name: str | None = None
    conflict_date: dt.date
    hearing_deadline: dt.date | None = None
    days_left: int
