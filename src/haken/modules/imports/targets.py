"""What each import target reads from a row and how it creates the record.

A row becomes the area's own create DTO (``EmployeeCreate``, ``CandidateCreate``: the form's
and the API's validation, no weaker copy) and is written by that area's service ``create``
(its duplicate checks, numbering, encryption and audit row). Cells are only made readable
first: text folded (NFKC), dates of any common Japanese spelling to ISO, the Japanese words
of a few enumerations (男性, 派遣, 有期, 甲 …) to their codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.candidates.schemas import CandidateCreate
from haken.modules.candidates.service import candidates_service
from haken.modules.employees.schemas import EmployeeCreate
from haken.modules.employees.service import employees_service
from haken.modules.imports.schemas import ImportTarget
from haken.platform.access import Principal
from haken.platform.tabular import cell_text, parse_date

Create = Callable[[AsyncSession, Principal, Any], Awaitable[int]]

_PERSON_REQUIRED = ("name_kana", "name_romaji", "birth_date")
_PERSON = (
    "name_kanji",
    "name_kana",
    "name_romaji",
    "birth_date",
    "gender",
    "nationality",
    "residence_status",
    "residence_card_number",
    "residence_card_expiry",
    "extra_activity_permission",
    "extra_activity_weekly_hours",
    "phone",
    "email",
    "postal_code",
    "prefecture",
    "city",
    "address_line1",
    "address_line2",
)
DATE_FIELDS = frozenset(
    {"birth_date", "residence_card_expiry", "hire_date", "reception_date", "arrival_date"}
)
ALIASES: dict[str, dict[str, str]] = {
    "gender": {
        "男": "male",
        "男性": "male",
        "m": "male",
        "女": "female",
        "女性": "female",
        "f": "female",
        "不明": "unspecified",
    },
    "employment_type": {
        "派遣": "dispatch",
        "請負": "contract",
        "社内": "staff",
        "社内スタッフ": "staff",
    },
    "term_type": {"有期": "fixed", "無期": "indefinite"},
    "withholding_column": {"甲": "kou", "甲欄": "kou", "乙": "otsu", "乙欄": "otsu"},
    "extra_activity_permission": {"なし": "none", "包括": "blanket", "個別": "individual"},
}


@dataclass(frozen=True)
class Target:
    name: ImportTarget
    fields: tuple[str, ...]
    required: tuple[str, ...]
    dto: type[BaseModel]
    create: Create
    unique: tuple[str, ...]
    """Fields two rows of one file may not share (the line of the first is reported)."""


async def _create_employee(session: AsyncSession, principal: Principal, data: Any) -> int:
    return await employees_service.create_returning_id(session, principal, data)


async def _create_candidate(session: AsyncSession, principal: Principal, data: Any) -> int:
    # The form without "register anyway" ticked: a likely duplicate is refused.
    return (await candidates_service.create(session, principal, data, warn_duplicate=True)).id


TARGETS: dict[ImportTarget, Target] = {
    ImportTarget.EMPLOYEES: Target(
        ImportTarget.EMPLOYEES,
        fields=(
            "employee_number",
            *_PERSON,
            "employment_type",
            "term_type",
            "hire_date",
            "client_worker_id",
            "my_number",
            "withholding_column",
            "notes",
        ),
        required=(*_PERSON_REQUIRED, "employment_type", "hire_date"),
        dto=EmployeeCreate,
        create=_create_employee,
        unique=("employee_number", "email"),
    ),
    ImportTarget.CANDIDATES: Target(
        ImportTarget.CANDIDATES,
        fields=(*_PERSON, "reception_date", "arrival_date", "notes"),
        required=_PERSON_REQUIRED,
        dto=CandidateCreate,
        create=_create_candidate,
        unique=("email",),
    ),
}


def cell_value(name: str, value: Any) -> Any:
    """A cell as the DTO reads it: None when empty (the field's default applies)."""
    if name in DATE_FIELDS:
        day = parse_date(value)
        if day is not None:
            return day
    text = cell_text(value)
    if not text:
        return None
    aliases = ALIASES.get(name)
    if aliases is not None:
        return aliases.get(text, aliases.get(text.casefold(), text.casefold()))
    if name == "prefecture" and text.isdigit() and len(text) == 1:
        return "0" + text
    return text


__all__ = ["ALIASES", "DATE_FIELDS", "TARGETS", "Target", "cell_value"]
