"""LocalTime: what the OpenAPI says is what the API sends (schemathesis checks responses)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import BaseModel, ValidationError

from haken.platform.types import LOCAL_TIME_PATTERN, LocalTime


class Shift(BaseModel):
    start: LocalTime


@pytest.mark.parametrize("value", ["00:00", "08:30", "17:15:00", "23:59:59", "09:05:00.5"])
def test_every_serialised_time_matches_the_documented_pattern(value: str) -> None:
    sent = Shift.model_validate({"start": value}).model_dump(mode="json")["start"]
    assert re.fullmatch(LOCAL_TIME_PATTERN, sent), sent


def test_the_schema_promises_no_offset_and_no_rfc3339_format() -> None:
    for mode in ("validation", "serialization"):
        schema = Shift.model_json_schema(mode=mode)["properties"]["start"]
        assert schema["pattern"] == LOCAL_TIME_PATTERN
        assert "format" not in schema  # RFC 3339 full-time would demand an offset


def test_a_time_with_an_offset_is_refused() -> None:
    with pytest.raises(ValidationError, match="no UTC offset"):
        Shift.model_validate({"start": "08:30+09:00"})
    with pytest.raises(ValidationError):
        Shift.model_validate({"start": dt.time(8, 30, tzinfo=dt.UTC)})
