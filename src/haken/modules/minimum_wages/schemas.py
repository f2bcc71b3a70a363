"""Request and response shapes of the minimum-wage area."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, computed_field, model_validator

from haken.labor.minimum_wage import PREFECTURE_CODES
from haken.platform.jptext import PREFECTURE_PATTERN, PREFECTURES
from haken.platform.schemas import InputModel

FiscalYear = Annotated[int, Field(ge=2024, le=2100)]


class AmountIn(InputModel):
    prefecture: Annotated[str, Field(pattern=PREFECTURE_PATTERN)]
    hourly_yen: Annotated[int, Field(ge=1, le=10_000)]
    effective_from: dt.date


class FiscalYearCreate(InputModel):
    """A fiscal year's amounts, all 47 prefectures, each with its effective date."""

    fiscal_year: FiscalYear
    amounts: Annotated[list[AmountIn], Field(min_length=47, max_length=47)]

    @model_validator(mode="after")
    def _every_prefecture_once(self) -> FiscalYearCreate:
        given = sorted(a.prefecture for a in self.amounts)
        if given != list(PREFECTURE_CODES):
            raise ValueError("every prefecture (01-47) exactly once")
        return self


class AmountRead(BaseModel):
    prefecture: str
    fiscal_year: int
    hourly_yen: int
    effective_from: dt.date | None = Field(
        description="null: in force before the records begin (FY2024's dates are not published "
        "in the source)"
    )
    shipped: bool = Field(description="shipped with haken (true) or entered by the agency")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prefecture_name(self) -> str | None:
        return PREFECTURES.get(self.prefecture)


class FiscalYearSummary(BaseModel):
    fiscal_year: int
    shipped: bool
    prefectures: int
    lowest_yen: int
    highest_yen: int
    first_effective: dt.date | None
    last_effective: dt.date | None


class FiscalYearRead(BaseModel):
    fiscal_year: int
    shipped: bool
    amounts: list[AmountRead]


class DeleteOutcome(BaseModel):
    fiscal_year: int
    outcome: str
    removed: int
