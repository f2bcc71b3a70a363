"""The small pieces the offices feed: which billed cells are an office's (billing's
``OfficeCells``) and how a contract's office is printed on the statutory documents."""

from __future__ import annotations

import datetime as dt

from haken.modules.billing.service import OfficeCells
from haken.modules.documents.service import office_heading, office_words
from haken.modules.offices.schemas import OfficeRead

NOW = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)


def _office(**fields: object) -> OfficeRead:
    values: dict[str, object] = {
        "id": 2,
        "name": "豊田営業所",
        "address": "愛知県豊田市西町1-200",
        "phone": "0565-00-2222",
        "manager_name": "鈴木 真理子",
        "is_default": False,
        "archived_at": None,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
        **fields,
    }
    return OfficeRead.model_validate(values)


def test_an_office_holds_its_contracts_and_the_default_the_unattached_cells() -> None:
    branch = OfficeCells("豊田営業所", frozenset({7, 9}), is_default=False)
    head = OfficeCells("名古屋本社", frozenset({1}), is_default=True)
    assert [branch.holds(c) for c in (7, 9, 1, None)] == [True, True, False, False]
    assert [head.holds(c) for c in (7, 1, None)] == [False, True, True]


def test_the_office_line_under_the_agency_name() -> None:
    assert office_words(_office()) == "豊田営業所 愛知県豊田市西町1-200 TEL 0565-00-2222"
    assert office_words(_office(address="", phone="")) == "豊田営業所"
    assert office_words(None) == ""
    snapshot = {"agency_name": "株式会社ハケン"}
    assert office_heading(snapshot, "豊田営業所") == ["株式会社ハケン", "派遣元事業所: 豊田営業所"]
    # A version issued before offices (no line in its snapshot) prints as it did.
    assert office_heading(snapshot, "") == ["株式会社ハケン"]
