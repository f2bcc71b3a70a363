"""Partial updates: NOT NULL columns refuse null (schemas and services), nullable ones clear."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import haken.modules
import haken.modules.models  # every table, for the schema ↔ column check
from haken.modules.assignments.models import Assignment, DispatchContract
from haken.modules.assignments.schemas import AssignmentUpdate, ContractUpdate
from haken.modules.attendance.models import Timecard
from haken.modules.attendance.schemas import TimecardUpdate
from haken.modules.candidates.models import Candidate
from haken.modules.candidates.schemas import CandidateUpdate
from haken.modules.clients.models import Client, ClientContact, ClientSite, ClientUnit
from haken.modules.clients.schemas import ClientUpdate, ContactUpdate, SiteUpdate, UnitUpdate
from haken.modules.employees.models import Employee
from haken.modules.employees.schemas import EmployeeUpdate
from haken.modules.housing.models import Apartment, Occupancy, Room
from haken.modules.housing.schemas import ApartmentUpdate, OccupancyUpdate, RoomUpdate
from haken.modules.imports.models import MasterImportMapping
from haken.modules.imports.schemas import MappingUpdate
from haken.modules.offices.models import Office
from haken.modules.offices.schemas import OfficeUpdate
from haken.modules.payroll.models import PayrollBonus
from haken.modules.payroll.schemas import BonusUpdate
from haken.platform.editing import NULL_NOT_ALLOWED, NotNull, apply_changes, refuses_null
from haken.platform.errors import ValidationFailedError

# Every partial-update schema and the table it writes.
UPDATE_SCHEMAS: list[tuple[type[BaseModel], type[Any]]] = [
    (ClientUpdate, Client),
    (SiteUpdate, ClientSite),
    (UnitUpdate, ClientUnit),
    (ContactUpdate, ClientContact),
    (EmployeeUpdate, Employee),
    (CandidateUpdate, Candidate),
    (ContractUpdate, DispatchContract),
    (AssignmentUpdate, Assignment),
    (ApartmentUpdate, Apartment),
    (RoomUpdate, Room),
    (OccupancyUpdate, Occupancy),
    (TimecardUpdate, Timecard),
    (BonusUpdate, PayrollBonus),
    (MappingUpdate, MasterImportMapping),
    (OfficeUpdate, Office),
]


# Nullable columns whose field may still not be cleared (the business requires a value).
REQUIRED_THOUGH_NULLABLE = {(SiteUpdate, "prefecture")}


def _update_schemas_in_modules() -> set[type[BaseModel]]:
    found = set()
    for info in pkgutil.iter_modules(haken.modules.__path__):
        try:
            schemas = importlib.import_module(f"haken.modules.{info.name}.schemas")
        except ModuleNotFoundError:
            continue
        for name, value in vars(schemas).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and name.endswith("Update")
                and value.__module__ == schemas.__name__
                and "version" in value.model_fields
            ):
                found.add(value)
    return found


def _admits_none(field: Any) -> bool:
    """The field's type lets a JSON null through (``X | None``); a replace schema's plain
    ``list[...]`` or ``int`` with a default refuses it by type."""
    annotation = field.annotation
    return annotation is Any or type(None) in typing.get_args(annotation)


def test_every_update_schema_is_checked_against_its_table() -> None:
    assert _update_schemas_in_modules() == {schema for schema, _ in UPDATE_SCHEMAS}


@pytest.mark.parametrize(
    ("schema", "model"), UPDATE_SCHEMAS, ids=[s.__name__ for s, _ in UPDATE_SCHEMAS]
)
def test_a_field_refuses_null_exactly_when_its_column_is_not_null(
    schema: type[BaseModel], model: type[Any]
) -> None:
    columns = model.__table__.columns
    unmarked = [
        name
        for name, field in schema.model_fields.items()
        if name in columns
        and name != "version"  # the optimistic-lock token, never written as sent
        and not columns[name].nullable
        and not field.is_required()
        and _admits_none(field)
        and not refuses_null(field)
    ]
    assert unmarked == [], f"{schema.__name__}: mark the fields of NOT NULL columns NotNull"
    marked_nullable = {
        (schema, name)
        for name, field in schema.model_fields.items()
        if name in columns and columns[name].nullable and refuses_null(field)
    }
    assert marked_nullable <= REQUIRED_THOUGH_NULLABLE


class _Patch(BaseModel):
    name: Annotated[str | None, Field(min_length=1, max_length=20), NotNull] = None
    notes: Annotated[str | None, NotNull] = Field(default=None, max_length=10)
    nickname: str | None = None


def test_not_null_may_be_absent_but_not_null() -> None:
    assert _Patch.model_validate({}).model_fields_set == set()
    assert _Patch.model_validate({"notes": ""}).notes == ""  # an optional text clears to ""
    assert _Patch.model_validate({"nickname": None}).nickname is None
    with pytest.raises(ValidationError) as refused:
        _Patch.model_validate({"name": None, "notes": None})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("name",), NULL_NOT_ALLOWED),
        (("notes",), NULL_NOT_ALLOWED),
    ]
    with pytest.raises(ValidationError):
        _Patch.model_validate({"notes": "x" * 11})  # the field's own constraints still apply
    schema = _Patch.model_json_schema()["properties"]
    assert schema["name"]["type"] == "string" and "anyOf" not in schema["name"]
    assert schema["notes"] == {"default": None, "maxLength": 10, "title": "Notes", "type": "string"}
    assert {"type": "null"} in schema["nickname"]["anyOf"]


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), nullable=False)
    nickname: Mapped[str | None] = mapped_column(String(20), nullable=True)


def test_apply_changes_clears_nullable_and_refuses_null_for_not_null() -> None:
    row = _Row(id=1, name="Sato", nickname="Sa")
    apply_changes(row, {"nickname": None})
    assert row.nickname is None
    with pytest.raises(ValidationFailedError) as refused:
        apply_changes(row, {"nickname": "S", "name": None})
    assert refused.value.details == [
        {"loc": "name", "code": NULL_NOT_ALLOWED, "message": refused.value.details[0]["message"]}
    ]
    assert (row.name, row.nickname) == ("Sato", None)  # nothing set
