"""Field types shared by the DTOs of several areas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from haken.platform.jptext import POSTAL_CODE_PATTERN, normalize_postal_code

LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time takes no UTC offset (e.g. 08:30)")
    return value


LocalTime = Annotated[
    dt.time,
    AfterValidator(_without_offset),
    # JSON Schema's ``format: time`` (RFC 3339 full-time) demands an offset; these are
    # wall-clock times at the workplace (始業・終業), so say exactly what is sent.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_TIME_PATTERN,
            "description": "local wall-clock time at the workplace, HH:MM[:SS], no offset",
            "examples": ["08:30", "17:15:00"],
        }
    ),
]
"""A time of day at the workplace (Japan): ``08:30``; no UTC offset."""

PostalCode = Annotated[
    str, Field(pattern=POSTAL_CODE_PATTERN), AfterValidator(normalize_postal_code)
]
"""A Japanese postal code, ``1000001`` or ``100-0001``, stored as ``100-0001``."""
