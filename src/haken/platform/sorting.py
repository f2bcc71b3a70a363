"""A list's sorts, declared once as an enum of fields and turned into ``±field`` values.

Each member of a list's field enum names the indexed column(s) it sorts on; :class:`Sorting`
generates both directions (``field`` ascending, ``-field`` descending) and appends the
primary key as the tie-break in the same direction, so every order is total and keyset
pagination (``platform/pagination.py``) can position after the last row. Only fields
backed by an index ``(column…, id)`` belong in the enum: a sort the database cannot walk
in index order is not offered.

The API takes the generated enum (:attr:`Sorting.param`, an unknown value is a 422); pages
read ``?sort=`` leniently with :meth:`Sorting.parse` (an unknown or stale value falls back
to the default: a bookmarked URL must not break a page). Column headers of a page link to
:meth:`Sorting.toggle` and announce :meth:`Sorting.aria` (``macros/lists.html``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum, StrEnum
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy.orm import InstrumentedAttribute

from haken.platform.pagination import SortKey

F = TypeVar("F", bound=StrEnum)

DESCENDING_PREFIX = "-"


class Sorting(Generic[F]):
    """The sorts of one list: ``fields`` (a StrEnum) → columns, both directions, id last."""

    def __init__(
        self,
        name: str,
        fields: type[F],
        columns: Mapping[F, Sequence[InstrumentedAttribute[Any]]],
        *,
        tiebreak: InstrumentedAttribute[Any],
        default: str,
    ) -> None:
        missing = set(fields) - set(columns)
        if missing:
            raise ValueError(f"{name}: no columns for {sorted(m.value for m in missing)}")
        self.name = name
        self.fields = fields
        self._keys: dict[str, tuple[SortKey, ...]] = {}
        for field in fields:
            for direction in ("asc", "desc"):
                value = field.value if direction == "asc" else DESCENDING_PREFIX + field.value
                self._keys[value] = (
                    *(SortKey(column, direction) for column in columns[field]),
                    SortKey(tiebreak, direction),
                )
        if default not in self._keys:
            raise ValueError(f"{name}: default {default!r} is not one of {self.values}")
        self.default = default
        # The API's parameter type: an enum of every value, so OpenAPI lists them.
        members = {
            value.lstrip(DESCENDING_PREFIX).upper()
            + ("_DESC" if value.startswith(DESCENDING_PREFIX) else ""): value
            for value in self._keys
        }
        self.param: type[StrEnum] = StrEnum(name, members)  # type: ignore[misc]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def keys(self, value: str | Enum | None) -> tuple[SortKey, ...]:
        """The sort keys of ``value`` (``field`` or ``-field``); KeyError when unknown."""
        return self._keys[self._text(value) or self.default]

    def parse(self, value: str | None) -> str:
        """``value`` when it is one of the sorts, else the default (pages: never an error)."""
        text = self._text(value)
        return text if text in self._keys else self.default

    def field(self, value: str) -> str:
        """The field of a sort value: ``-kana`` → ``kana``."""
        return value.removeprefix(DESCENDING_PREFIX)

    def descending(self, value: str) -> bool:
        return value.startswith(DESCENDING_PREFIX)

    def toggle(self, current: str, field: str | Enum) -> str:
        """The sort a column header links to: its field ascending, or descending when the
        list is already sorted ascending on it."""
        name = self._text(field)
        if name not in self._keys:
            raise KeyError(name)
        return DESCENDING_PREFIX + name if current == name else name

    def aria(self, current: str, field: str | Enum) -> Literal["ascending", "descending", "none"]:
        """``aria-sort`` of a column header."""
        name = self._text(field)
        if current == name:
            return "ascending"
        if current == DESCENDING_PREFIX + name:
            return "descending"
        return "none"

    @staticmethod
    def _text(value: str | Enum | None) -> str:
        if isinstance(value, Enum):
            return str(value.value)
        return value or ""
