from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from haken.platform.schemas import InputModel


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
