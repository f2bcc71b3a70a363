"""What each import target reads from a row and how it creates the record.

A row becomes the area's own create DTO (``EmployeeCreate``, ``CandidateCreate``: the form's
and the API's validation, no weaker copy) and is written by that area's service ``create``
(its duplicate checks, numbering, encryption and audit row) or, for employees, clients, sites
and units, its batched ``create_many`` (the same checks per chunk of rows, a fixed number of
statements whatever the rows; the parents a chunk names read at once by ``prefetch``).
Assignments stay one ``create_assignment`` per row: its rules (an overlapping placement, the
site's 抵触日 clocks) read the placements the file's earlier rows have just written, which a
batched read would have to compute a second time. Cells are only made readable
first: text folded (NFKC), dates of any common Japanese spelling to ISO, the Japanese words
of a few enumerations (男性, 派遣, 有期, 甲 …) to their codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.schemas import AssignmentCreate
from haken.modules.assignments.service import assignments_service
from haken.modules.candidates.schemas import CandidateCreate
from haken.modules.candidates.service import candidates_service
from haken.modules.clients.schemas import ClientCreate, SiteCreate, UnitCreate
from haken.modules.clients.service import clients_service
from haken.modules.employees.schemas import EmployeeCreate
from haken.modules.employees.service import employees_service
from haken.modules.imports.errors import (
    ImportReferenceAmbiguousError,
    ImportReferenceNotFoundError,
    ImportUnitMismatchError,
)
from haken.modules.imports.schemas import ImportTarget
from haken.platform import context
from haken.platform.access import Principal
from haken.platform.errors import HakenError
from haken.platform.jptext import PREFECTURES, search_key
from haken.platform.tabular import cell_text, parse_date

TIMEZONE = "Asia/Tokyo"
"""The agency's calendar (the settings' default): an imported placement is checked as of
today there, as the form checks it."""

Create = Callable[[AsyncSession, Principal, Any], Awaitable[int]]
Lookups = dict[tuple[str, str], Any]
Resolve = Callable[[AsyncSession, Principal, dict[str, Any], Lookups], Awaitable[dict[str, Any]]]
Prefetch = Callable[[AsyncSession, Principal, Sequence[dict[str, Any]], Lookups], Awaitable[None]]
CreateMany = Callable[
    [AsyncSession, Principal, Sequence[Any], Sequence[str]], Awaitable[list[int | HakenError]]
]

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
    {
        "birth_date",
        "residence_card_expiry",
        "hire_date",
        "reception_date",
        "arrival_date",
        "dispatch_started_on",
        "start_date",
        "end_date",
    }
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
    "entity_kind": {"法人": "corporation", "個人": "individual", "個人事業主": "individual"},
}


@dataclass(frozen=True)
class Target:
    name: ImportTarget
    fields: tuple[str, ...]
    required: tuple[str, ...]
    dto: type[BaseModel]
    create: Create | None
    """The area's create of one row (None where it has a batched ``create_many``)."""
    unique: tuple[str, ...]
    """Fields two rows of one file may not share (the line of the first is reported)."""
    resolve: Resolve | None = None
    """Turns the names a file gives (the client by 法人番号 or name, the site by name, the
    employee and contract by number) into the ids the DTO takes; a name that matches
    nothing, or several, is the row's problem (``ImportReferenceNotFoundError`` …)."""
    refs: tuple[tuple[str, str], ...] = ()
    """DTO field → the file's field it comes from (a problem is reported at that column)."""
    create_many: CreateMany | None = None
    """The area's batched create (one result per row: the id or the catalog error), when it
    has one; else :func:`one_by_one` over ``create``."""
    prefetch: Prefetch | None = None
    """Reads what a chunk of rows names at once into the lookups ``resolve`` reads (the
    references then cost a statement per chunk, not per row)."""

    async def create_rows(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[Any],
        request_ids: Sequence[str],
    ) -> list[int | HakenError]:
        if self.create_many is not None:
            return await self.create_many(session, principal, items, request_ids)
        assert self.create is not None, f"{self.name}: neither create nor create_many"
        return await one_by_one(self.create, session, principal, items, request_ids)


async def one_by_one(
    create: Create,
    session: AsyncSession,
    principal: Principal,
    items: Sequence[Any],
    request_ids: Sequence[str],
) -> list[int | HakenError]:
    """Each item through the area's single ``create`` (its request id set around it); a
    catalog error is that item's result. An error caused by a database integrity error
    ends the run (the transaction is spoilt): it is the last result."""
    results: list[int | HakenError] = []
    previous = context.request_id()
    try:
        for data, request in zip(items, request_ids, strict=True):
            context.set_request_id(request)
            try:
                results.append(await create(session, principal, data))
            except HakenError as error:
                results.append(error)
                if spoilt(error):
                    break
    finally:
        context.set_request_id(previous)
    return results


def spoilt(error: HakenError) -> bool:
    """A race the checks did not see: the transaction cannot go on."""
    return isinstance(error.__cause__, IntegrityError)


async def _create_employees(
    session: AsyncSession, principal: Principal, items: Sequence[Any], request_ids: Sequence[str]
) -> list[int | HakenError]:
    return await employees_service.create_many(session, principal, items, request_ids=request_ids)


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
        unique=("employee_number", "email"),
        create=None,
        create_many=_create_employees,
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


# --- clients, sites, units, assignments ------------------------------------------------------

_ADDRESS = ("postal_code", "prefecture", "city", "address_line1", "address_line2", "phone")
_KINDS = {
    "client": ("client", "派遣先"),
    "site": ("site", "事業所"),
    "unit": ("unit", "組織単位"),
    "employee": ("employee", "社員"),
    "contract": ("contract", "派遣契約"),
}


def _not_found(kind: str, field: str, value: str) -> HakenError:
    en, ja = _KINDS[kind]
    return ImportReferenceNotFoundError(kind_en=en, kind_ja=ja, value=value, fields=(field,))


def _one(kind: str, field: str, value: str, ids: Sequence[int]) -> int:
    if not ids:
        raise _not_found(kind, field, value)
    if len(ids) > 1:
        en, ja = _KINDS[kind]
        raise ImportReferenceAmbiguousError(kind_en=en, kind_ja=ja, value=value, fields=(field,))
    return ids[0]


async def _client_id(session: AsyncSession, value: str, field: str, lookups: Lookups) -> int:
    key = ("client", value)
    if key not in lookups:
        lookups[key] = await clients_service.client_ids_named(session, value)
    return _one("client", field, value, lookups[key])


async def _resolve_site(
    session: AsyncSession, principal: Principal, values: dict[str, Any], lookups: Lookups
) -> dict[str, Any]:
    client = values.pop("client", None)
    if client is not None:
        values["client_id"] = await _client_id(session, client, "client", lookups)
    return values


async def _resolve_unit(
    session: AsyncSession, principal: Principal, values: dict[str, Any], lookups: Lookups
) -> dict[str, Any]:
    client = values.pop("client", None)
    site = values.pop("site", None)
    client_ids = None
    if client is not None:
        client_ids = [await _client_id(session, client, "client", lookups)]
    if site is not None:
        key = ("site", f"{client_ids}:{site}")
        if key not in lookups:
            lookups[key] = await clients_service.site_ids_named(
                session, site, client_ids=client_ids
            )
        values["site_id"] = _one("site", "site", site, lookups[key])
    return values


_RATE_FIELDS = ("hourly_pay", "hourly_bill")


async def _resolve_assignment(
    session: AsyncSession, principal: Principal, values: dict[str, Any], lookups: Lookups
) -> dict[str, Any]:
    number = values.pop("employee_number", None)
    contract = values.pop("contract_number", None)
    unit = values.pop("unit", None)
    rate = {name: values.pop(name) for name in _RATE_FIELDS if name in values}
    if rate:
        values["rate"] = rate
    if number is not None:
        key = ("employee", number)
        if key not in lookups:
            lookups[key] = (await employees_service.ids_by_number(session, [number])).get(number)
        if lookups[key] is None:
            raise _not_found("employee", "employee_number", number)
        values["employee_id"] = lookups[key]
    if contract is not None:
        key = ("contract", contract)
        if key not in lookups:  # a file places many people on a few contracts
            lookups[key] = await assignments_service.contract_ref_by_number(session, contract)
        ref = lookups[key]
        if ref is None:
            raise _not_found("contract", "contract_number", contract)
        values["contract_id"], unit_id = ref
        if unit is not None:
            key = ("unit", str(unit_id))
            if key not in lookups:
                lookups[key] = await clients_service.get_unit_placement(session, unit_id)
            if search_key(lookups[key].unit_name) != search_key(unit):
                raise ImportUnitMismatchError(value=unit, fields=("unit",))
    return values


async def _create_clients(
    session: AsyncSession, principal: Principal, items: Sequence[Any], request_ids: Sequence[str]
) -> list[int | HakenError]:
    return await clients_service.create_many_clients(
        session, principal, items, request_ids=request_ids
    )


async def _create_sites(
    session: AsyncSession, principal: Principal, items: Sequence[Any], request_ids: Sequence[str]
) -> list[int | HakenError]:
    return await clients_service.create_many_sites(
        session, principal, items, request_ids=request_ids
    )


async def _create_units(
    session: AsyncSession, principal: Principal, items: Sequence[Any], request_ids: Sequence[str]
) -> list[int | HakenError]:
    return await clients_service.create_many_units(
        session, principal, items, request_ids=request_ids
    )


async def _prefetch_clients(
    session: AsyncSession, rows: Sequence[dict[str, Any]], lookups: Lookups
) -> None:
    """The clients a chunk of rows names, read at once into ``lookups`` (as
    :func:`_client_id` keys them): one statement, whatever the rows."""
    wanted = sorted(
        {row["client"] for row in rows if row.get("client") is not None}
        - {value for kind, value in lookups if kind == "client"}
    )
    if wanted:
        found = await clients_service.client_ids_named_many(session, wanted)
        for value in wanted:
            lookups[("client", value)] = found[value]


async def _prefetch_site(
    session: AsyncSession, principal: Principal, rows: Sequence[dict[str, Any]], lookups: Lookups
) -> None:
    await _prefetch_clients(session, rows, lookups)


async def _prefetch_unit(
    session: AsyncSession, principal: Principal, rows: Sequence[dict[str, Any]], lookups: Lookups
) -> None:
    """The clients, then the sites a chunk of rows names (two statements): the keys
    :func:`_resolve_unit` reads, so it reads nothing itself."""
    await _prefetch_clients(session, rows, lookups)
    wanted: dict[tuple[str, str], tuple[str, list[int] | None]] = {}
    for row in rows:
        site = row.get("site")
        if site is None:
            continue
        client = row.get("client")
        client_ids = None
        if client is not None:
            ids = lookups.get(("client", client), [])
            if len(ids) != 1:
                continue  # the row's own problem: resolving it reports the client
            client_ids = ids
        key = ("site", f"{client_ids}:{site}")
        if key not in lookups:
            wanted[key] = (site, client_ids)
    if wanted:
        found = await clients_service.site_ids_named_many(session, list(wanted.values()))
        for key, (site, client_ids) in wanted.items():
            lookups[key] = found[(site, None if client_ids is None else tuple(client_ids))]


async def _prefetch_assignment(
    session: AsyncSession, principal: Principal, rows: Sequence[dict[str, Any]], lookups: Lookups
) -> None:
    """The employees a chunk of rows names by 社員番号, read at once (one statement); the
    contracts are read once each (a file places many people on a few contracts)."""
    numbers = sorted(
        {row["employee_number"] for row in rows if row.get("employee_number") is not None}
        - {value for kind, value in lookups if kind == "employee"}
    )
    if numbers:
        found = await employees_service.ids_by_number(session, numbers)
        for number in numbers:
            lookups[("employee", number)] = found.get(number)


async def _create_assignment(session: AsyncSession, principal: Principal, data: Any) -> int:
    # The assignments service's own create: 抵触日 (site and individual), the minimum wage
    # of the site's prefecture, overlapping placements, the contract's period.
    today = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    return (
        await assignments_service.create_assignment(session, principal, data=data, today=today)
    ).id


TARGETS[ImportTarget.CLIENTS] = Target(
    ImportTarget.CLIENTS,
    fields=(
        "name",
        "name_kana",
        "entity_kind",
        "corporate_number",
        "invoice_registration_number",
        *_ADDRESS,
        "notes",
    ),
    required=("name",),
    dto=ClientCreate,
    unique=("corporate_number",),
    create=None,
    create_many=_create_clients,
)
TARGETS[ImportTarget.SITES] = Target(
    ImportTarget.SITES,
    fields=(
        "client",
        "name",
        *_ADDRESS,
        "dispatch_started_on",
        "manager_name",
        "manager_department",
        "manager_title",
        "manager_phone",
        "complaint_name",
        "complaint_department",
        "complaint_title",
        "complaint_phone",
        "own_employees",
    ),
    required=("client", "name", "prefecture", "address_line1"),
    dto=SiteCreate,
    unique=(),
    resolve=_resolve_site,
    refs=(("client_id", "client"),),
    create=None,
    create_many=_create_sites,
    prefetch=_prefetch_site,
)
TARGETS[ImportTarget.UNITS] = Target(
    ImportTarget.UNITS,
    fields=(
        "client",
        "site",
        "name",
        "head_title",
        "supervisor_name",
        "supervisor_department",
        "supervisor_title",
        "supervisor_phone",
        "notes",
    ),
    required=("site", "name"),
    dto=UnitCreate,
    unique=(),
    resolve=_resolve_unit,
    refs=(("site_id", "site"),),
    create=None,
    create_many=_create_units,
    prefetch=_prefetch_unit,
)
TARGETS[ImportTarget.ASSIGNMENTS] = Target(
    ImportTarget.ASSIGNMENTS,
    fields=(
        "employee_number",
        "contract_number",
        "unit",
        "start_date",
        "end_date",
        "hourly_pay",
        "hourly_bill",
        "notes",
    ),
    required=("employee_number", "contract_number", "start_date", "hourly_pay"),
    dto=AssignmentCreate,
    create=_create_assignment,
    unique=(),
    resolve=_resolve_assignment,
    prefetch=_prefetch_assignment,
    refs=(
        ("employee_id", "employee_number"),
        ("contract_id", "contract_number"),
        ("rate", "hourly_pay"),
    ),
)


_PREFECTURE_CODES = {name: code for code, name in PREFECTURES.items()}


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
    if name == "prefecture" and not text.isdigit():  # 愛知県 / 愛知 → 23
        return next(
            (
                _PREFECTURE_CODES[t]
                for t in (text, text + "県", text + "府", text + "都")
                if t in _PREFECTURE_CODES
            ),
            text,
        )
    return text


__all__ = ["ALIASES", "DATE_FIELDS", "TARGETS", "Target", "cell_value"]
