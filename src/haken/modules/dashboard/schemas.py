"""Pydantic shapes of the agency dashboard (``GET /api/dashboard``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel


class Figure(BaseModel):
    """One number and the list it counts (its filter in the URL)."""

    key: str
    value: int
    href: str


class Bar(BaseModel):
    """One row of a breakdown: a client, a site, an employment type, a month."""

    key: str
    label: str
    value: int
    href: str


class FillRate(BaseModel):
    ordered: int
    placed: int
    percent: int | None  # None: no headcount ordered
    href: str


class MarginRow(BaseModel):
    client_id: int
    client_name: str
    billed: int
    labour: int
    margin: int
    href: str


class MarginTile(BaseModel):
    """The margin report's client level of one month (cached apart: docs/dashboard.md)."""

    rows: list[MarginRow]
    unbilled_labour: int


class Occupancy(BaseModel):
    capacity: int
    occupied: int
    percent: int | None
    by_apartment: list[Bar]  # value = occupied; label = name; see capacities
    capacities: dict[str, int]
    href: str


class AgencyDashboard(BaseModel):
    today: dt.date
    scope: Literal["agency", "sites"]
    figures: list[Figure]
    headcount_by_type: list[Bar]
    placed_by_client: list[Bar]
    placed_by_site: list[Bar]
    trend: list[Bar]  # key = YYYY-MM, value = headcount at the month's end (today for this one)
    fill: FillRate
    overtime_by_site: list[Bar]  # value = statutory overtime minutes this payroll period
    margin_month: dt.date | None  # the month of the margin figures (coordinators and up)
    margin_by_client: list[MarginRow] | None  # = the margin report's client level
    margin_unbilled_labour: int | None  # labour cost of the workers billed to nobody
    occupancy: Occupancy | None
    computed_at: dt.datetime
