"""Shared bases of request schemas, and the one place where user text is normalised.

Every request body (API and pages: ``web.forms.parse_form`` validates with the same
schemas) and every list filter inherits :class:`InputModel`, whose before-validator
passes each string — also inside lists, tuples and dicts — through :func:`normalise_text`
(policy: docs/security.md "Text input"):

- line breaks: ``\\r\\n``, ``\\r``, U+2028 and U+2029 become ``\\n``;
- invisible format characters are removed: bidi embeddings, overrides, isolates and marks
  (U+061C, U+200E/200F, U+202A–202E, U+2066–2069), zero-width characters (U+200B–200D,
  U+2060–2064, U+FEFF), deprecated format characters (U+206A–206F), interlinear annotation
  (U+FFF9–FFFB) and tag characters (U+E0000–E007F). They are invisible, so a user could
  neither see nor delete them; they arrive with copy and paste, and they spoof displays;
- C0 and C1 control characters other than ``\\t`` and ``\\n`` (NUL, ESC, DEL …), lone
  surrogates and non-characters (U+FDD0–FDEF, U+xFFFE/xFFFF) are refused: no keyboard
  types them, PostgreSQL cannot store a NUL, and removing ESC would silently keep the
  rest of an escape sequence. The error (``invalid_character``) names the field;
- NFC, except that CJK compatibility ideographs (U+F900–FAFF, U+2F800–2FA1F: 神 and
  other variant forms in people's names) are kept as sent; variation selectors
  (異体字 sequences) are kept.

The same validator refuses JSON type mix-ups that pydantic's lax mode would take:
``true``/``false`` for a number, a number for a boolean, a number (or numeric text) for
a date or time (a Unix timestamp to pydantic; :data:`Day`/:data:`Instant` do the same for
query parameters). 422; form fields are strings.

Passwords are excluded (:data:`Password`; :data:`VERBATIM` marks any other such field).
List filters use :class:`QueryModel`, which removes refused characters instead of
refusing them: a search term is never stored, and a list page should not fail on it.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

INVALID_CHARACTER = "invalid_character"
"""Pydantic error type (``details[].code`` of ``VALIDATION_FAILED``) of a refused character."""

_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_INVISIBLE = re.compile(
    "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    "\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
    "\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff"
    "\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff"
    "\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff"
    "\U0010fffe\U0010ffff]"
)
_CJK_COMPATIBILITY = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")

TextPolicy = Literal["refuse", "drop"]


def _nfc(text: str) -> str:
    """NFC that leaves CJK compatibility ideographs alone (NFC would map 神 U+FA19 to 神).

    An ideograph is a starter that composes with nothing, so normalising the pieces
    between them equals normalising the whole, minus that one mapping.
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    pieces = _CJK_COMPATIBILITY.split(text)
    # split() with a group: odd indexes are the ideographs themselves.
    return "".join(p if i % 2 else unicodedata.normalize("NFC", p) for i, p in enumerate(pieces))


def normalise_text(text: str, *, policy: TextPolicy = "refuse") -> str:
    """``text`` as haken stores it (module docstring); idempotent.

    Raises ``PydanticCustomError(invalid_character)`` on a refused character under the
    ``refuse`` policy; ``drop`` removes it instead.
    """
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to do
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    refused = _REFUSED.search(text)
    if refused is not None:
        if policy == "drop":
            text = _REFUSED.sub("", text)
        else:
            raise PydanticCustomError(
                INVALID_CHARACTER,
                "text may not contain the control or non-character {character}",
                {"character": f"U+{ord(refused.group()):04X}"},
            )
    return _nfc(text)


def _normalise_deep(value: Any, policy: TextPolicy) -> Any:
    if isinstance(value, str):
        return normalise_text(value, policy=policy)
    if isinstance(value, Mapping):
        return {
            _normalise_deep(key, policy): _normalise_deep(item, policy)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_normalise_deep(item, policy) for item in value)
    return value


_NUMBERS = (int, float, Decimal)


@lru_cache(maxsize=1024)
def _scalar_types(annotation: Any) -> frozenset[Any]:
    """The plain types a field's annotation admits (``Annotated`` and unions unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar_types(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return frozenset().union(*(_scalar_types(arg) for arg in get_args(annotation)))
    return frozenset({annotation}) if isinstance(annotation, type) else frozenset({object})


_TIMESTAMP = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def refuse_timestamp(value: Any) -> Any:
    """Dates and times are ISO 8601 text: a number (or numeric text) is refused.

    Pydantic's lax mode would read ``0``, ``"0"`` or ``0.5`` as a Unix timestamp
    (1970-01-01); the API's schema says ``format: date``/``date-time``.
    """
    if isinstance(value, (bool, int, float, Decimal)) or (
        isinstance(value, str) and _TIMESTAMP.fullmatch(value)
    ):
        raise PydanticCustomError(
            "temporal_type", "Input should be an ISO 8601 date or time, not a number"
        )
    return value


Day = Annotated[dt.date, BeforeValidator(refuse_timestamp)]
"""A date query parameter (``YYYY-MM-DD``; no Unix timestamp)."""
Instant = Annotated[AwareDatetime, BeforeValidator(refuse_timestamp)]
"""An aware date-time query parameter (ISO 8601 with offset; no Unix timestamp)."""


def _refuse_json_type_mixups(value: Any, annotation: Any) -> None:
    """A JSON ``true``/``false`` is no number and a number no boolean.

    Pydantic's lax mode would read ``true`` as 1 and ``0`` as ``false``; the API's
    schema says ``integer``/``number``/``boolean``, so a body that mixes them up
    is refused (422). Form fields arrive as strings and are not concerned.
    """
    if value is None:
        return
    kinds = _scalar_types(annotation)
    if object in kinds:
        return
    given = kinds - {type(None)}
    if given and all(issubclass(kind, (dt.date, dt.time)) for kind in given):
        refuse_timestamp(value)
        return
    if isinstance(value, str):
        return
    numeric = any(issubclass(kind, _NUMBERS) and kind is not bool for kind in kinds)
    if isinstance(value, bool):
        if numeric and bool not in kinds:
            raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    elif isinstance(value, (int, float, Decimal)) and bool in kinds and not numeric:
        raise PydanticCustomError("bool_type", "Input should be a valid boolean")


class Verbatim:
    """Field metadata: take the string as sent (passwords; nothing else should need it)."""

    def __repr__(self) -> str:
        return "VERBATIM"


VERBATIM = Verbatim()

Password = Annotated[
    str, VERBATIM, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=1024)
]
"""A password as typed: neither normalised nor stripped (identity hashes what was sent)."""


class InputModel(BaseModel):
    """Base of every request schema: unknown fields refused, text normalised and stripped.

    Nested models of a body inherit it too (a test walks every write route's body).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_policy: ClassVar[TextPolicy] = "refuse"

    @field_validator("*", mode="before")
    @classmethod
    def _normalise_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None:
            _refuse_json_type_mixups(value, field.annotation)
        if field is not None and any(isinstance(item, Verbatim) for item in field.metadata):
            return value
        return _normalise_deep(value, cls.text_policy)


class QueryModel(InputModel):
    """Base of list filters (query parameters): refused characters are removed, not refused."""

    text_policy: ClassVar[TextPolicy] = "drop"


class ListFilter(QueryModel):
    """Base of a list's filters declared once and taken whole as query parameters
    (``filters: Annotated[XFilter, Query()]``, by the API and the page alike).

    Other parameters of the same request (``limit``, ``cursor``, ``count``, ``sort``) arrive
    in the same query string, so unknown names are ignored here rather than refused.
    """

    model_config = ConfigDict(extra="ignore")


class _ArchivedView:
    """A row seen by a read DTO, with ``archived`` derived from ``archived_at``."""

    __slots__ = ("_row",)

    def __init__(self, row: Any) -> None:
        self._row = row

    @property
    def archived(self) -> bool:
        return self._row.archived_at is not None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class ArchivedRead(BaseModel):
    """Base of the read DTO of a record under the archive convention (``archived_at`` only,
    ``platform.repository``) whose API still says ``archived: bool`` (clients, sites, units,
    contracts, apartments, rooms, before migration ``0017_archived_at``). The subclass
    declares ``archived: bool`` and ``archived_at`` where they were; ``archived`` is read
    only, derived here from ``archived_at`` (a row or a mapping without it)."""

    @model_validator(mode="before")
    @classmethod
    def _derive_archived(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            if "archived" in data:
                return data
            return {**data, "archived": data.get("archived_at") is not None}
        if hasattr(data, "archived_at") and not hasattr(data, "archived"):
            return _ArchivedView(data)
        return data
