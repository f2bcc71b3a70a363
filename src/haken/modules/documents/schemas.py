from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from haken.platform.schemas import InputModel
from haken.platform.types import YearMonth


class InsuranceReasons(InputModel):
    """The reasons an insurance was not filed for one worker (item 5 of the notice)."""

    employee_id: int = Field(ge=1)
    health: str = Field(default="", max_length=200)
    pension: str = Field(default="", max_length=200)
    employment: str = Field(default="", max_length=200)


class ClientNoticeIssue(InputModel):
    """Issue the 派遣先への通知 of a contract (a new version only when the data changed)."""

    reasons: list[InsuranceReasons] = Field(default_factory=list, max_length=1000)
    agreement_worker_ids: list[int] = Field(
        default_factory=list,
        max_length=1000,
        description="workers covered by the labour-management agreement (労使協定方式)",
    )


class IndividualContractIssue(InputModel):
    """The 個別契約書's clauses the contract record does not hold (則21–22条); a clause not
    given is carried from the last version."""

    safety: str = Field(default="", max_length=2000, description="安全及び衛生")
    complaints: str = Field(default="", max_length=2000, description="苦情の処理")
    cancellation_measures: str = Field(
        default="", max_length=2000, description="契約解除に当たって講ずる措置"
    )
    dispute_prevention: str = Field(
        default="", max_length=2000, description="派遣先が雇用する場合の紛争防止措置"
    )
    welfare: str = Field(default="", max_length=2000, description="福利厚生施設の利用等")


class DocumentRead(BaseModel):
    id: int
    kind: str
    subject_type: str
    subject_id: int
    client_id: int | None
    contract_id: int | None
    employee_id: int | None
    version: int
    content_hash: str
    issued_by: int | None
    issued_at: dt.datetime


class DocumentDetail(DocumentRead):
    snapshot: dict[str, Any]


class LedgerEntryIn(InputModel):
    """One row appended to the 派遣元管理台帳 (never edited: a correction is a new row)."""

    kind: Literal[
        "complaint", "training", "career_consultation", "stability_wish", "stability_measure"
    ]
    occurred_on: dt.date
    measure: Literal["", "direct_hire_request", "new_client", "agency_indefinite", "other"] = Field(
        default="", description="item 20: the measure (wished or taken)"
    )
    content: str = Field(default="", max_length=2000)
    method: str = Field(default="", max_length=200, description="how the measure was taken")
    response_on: dt.date | None = Field(default=None, description="the date of the reply")
    response: str = Field(default="", max_length=2000, description="the reply or the handling")


class AgencyLedgerIssue(InputModel):
    """Issue the 派遣元管理台帳 of an assignment, appending the given rows first."""

    entries: list[LedgerEntryIn] = Field(default_factory=list, max_length=100)


class ClientLedgerIssue(InputModel):
    """Issue the 派遣先管理台帳 data of a site for a month (its days actually worked)."""

    month: YearMonth | None = Field(
        default=None, description="the month of the days worked (YYYY-MM); this month if empty"
    )


class ForeignReportRow(BaseModel):
    """One hire or separation of a foreign worker and its 外国人雇用状況届出."""

    employee_id: int
    employee_number: str
    name: str
    event: Literal["hire", "separation"]
    event_date: dt.date
    insured: bool
    due: dt.date | None = Field(description="None: no report (特別永住者, 外交, 公用)")
    overdue: bool
    form: str
    nationality: str
    birth_date: dt.date
    sex: str
    residence_status: str
    period_of_stay_until: dt.date | None
    extra_activity_permission: bool
    residence_card_last4: str
