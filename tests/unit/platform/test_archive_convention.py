"""The archive convention (``archived_at`` only): the read DTOs' derived ``archived`` and
``set_archived``, which PATCH ``archived`` goes through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ConfigDict

from haken.platform.editing import set_archived
from haken.platform.schemas import ArchivedRead

WHEN = dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.UTC)


class _Read(ArchivedRead):
    model_config = ConfigDict(from_attributes=True)

    id: int
    archived: bool
    archived_at: dt.datetime | None


@dataclass
class _Row:
    id: int
    archived_at: dt.datetime | None


def test_archived_is_derived_from_archived_at_for_rows_and_mappings() -> None:
    assert _Read.model_validate(_Row(1, WHEN)).archived is True
    assert _Read.model_validate(_Row(2, None)).archived is False
    assert _Read.model_validate({"id": 3, "archived_at": WHEN}).archived is True
    assert _Read.model_validate({"id": 4, "archived_at": None}).archived is False
    # The API's schema is unchanged: a required boolean, in its place.
    schema = _Read.model_json_schema(mode="serialization")
    assert schema["properties"]["archived"] == {"title": "Archived", "type": "boolean"}
    assert "archived" in schema["required"]


def test_set_archived_sets_and_clears_the_date_and_keeps_the_first() -> None:
    row = _Row(1, None)
    set_archived(row, True)
    first = row.archived_at
    assert first is not None
    set_archived(row, True)
    assert row.archived_at == first
    set_archived(row, False)
    assert row.archived_at is None
