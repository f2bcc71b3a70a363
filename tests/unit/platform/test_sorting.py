"""platform.sorting: both directions and the id tie-break from one enum; lenient pages."""

from __future__ import annotations

from enum import StrEnum

import pytest

from haken.modules.employees.models import Employee
from haken.platform.names import romaji_orders
from haken.platform.sorting import Sorting


class Field(StrEnum):
    KANA = "kana"
    HIRED = "hired"


SORTING = Sorting(
    "TestSort",
    Field,
    {Field.KANA: (Employee.kana_key,), Field.HIRED: (Employee.hire_date,)},
    tiebreak=Employee.id,
    default="kana",
)


def test_each_field_gives_both_directions_with_the_id_last() -> None:
    assert SORTING.values == ("kana", "-kana", "hired", "-hired")
    assert [(k.name, k.direction) for k in SORTING.keys("-hired")] == [
        ("hire_date", "desc"),
        ("id", "desc"),
    ]
    assert [(k.name, k.direction) for k in SORTING.keys("kana")] == [
        ("kana_key", "asc"),
        ("id", "asc"),
    ]
    assert {m.value for m in SORTING.param} == set(SORTING.values)


def test_pages_fall_back_to_the_default_and_headers_flip() -> None:
    assert SORTING.parse("bogus") == "kana" and SORTING.parse(None) == "kana"
    assert SORTING.parse("-hired") == "-hired"
    assert SORTING.toggle("kana", Field.KANA) == "-kana"
    assert SORTING.toggle("-kana", Field.KANA) == "kana"
    assert SORTING.toggle("kana", Field.HIRED) == "hired"
    assert SORTING.aria("-hired", "hired") == "descending"
    assert SORTING.aria("kana", "hired") == "none"
    with pytest.raises(KeyError):
        SORTING.keys("bogus")


def test_a_field_without_columns_or_a_bad_default_is_refused() -> None:
    with pytest.raises(ValueError, match="no columns"):
        Sorting(
            "X", Field, {Field.KANA: (Employee.kana_key,)}, tiebreak=Employee.id, default="kana"
        )
    with pytest.raises(ValueError, match="default"):
        Sorting(
            "X",
            Field,
            {Field.KANA: (Employee.kana_key,), Field.HIRED: (Employee.hire_date,)},
            tiebreak=Employee.id,
            default="nope",
        )


def test_romaji_orders_split_the_words_for_the_other_order() -> None:
    assert romaji_orders("An Nguyen") == [("nguyen", "an")]
    assert romaji_orders("Van An Nguyen") == [("annguyen", "van"), ("nguyen", "vanan")]
    assert romaji_orders("Santos Mar") == [("mar", "santos")]
    assert romaji_orders("Maria") == [] and romaji_orders("サントス マリア") == []
