"""A clean dry run's stored verdict (no database): the cards come back from its JSON exactly
as they were checked, and the digests that decide whether a commit may start from it change
with anything the rows were checked against."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from haken.labor.residence import ExtraActivityPermission
from haken.modules.assignments.schemas import AttendanceTerms
from haken.modules.attendance.imports import (
    Checked,
    Verdict,
    _Card,
    _Lookups,
    mapping_digest,
)
from haken.modules.attendance.models import ImportMapping, ShiftPattern, SiteSettings
from haken.modules.employees.schemas import (
    EmployeeBrief,
    EmployeeStatus,
    EmploymentType,
    TermType,
)

TERMS = AttendanceTerms(
    assignment_id=7,
    employee_id=3,
    contract_id=5,
    client_id=2,
    site_id=11,
    start_date=dt.date(2026, 4, 1),
    end_date=dt.date(2026, 9, 30),
    status="active",
    billing_cutoff_day=20,
    scheduled_minutes=480,
    weekly_hours_limit=None,
    vacation_daily_hours_limit=None,
)
BRIEF = EmployeeBrief(
    id=3,
    name_kanji="山田 太郎",
    name_kana="ヤマダ タロウ",
    name_romaji="Yamada Taro",
    birth_date=dt.date(1990, 1, 1),
    nationality="JP",
    residence_status=None,
    work_permitted_until=None,
    extra_activity_permission=ExtraActivityPermission.NONE,
    extra_activity_weekly_hours=None,
    employment_type=EmploymentType.DISPATCH,
    term_type=TermType.FIXED,
    status=EmployeeStatus.ACTIVE,
    is_indefinite=False,
    current_client_id=2,
    current_site_id=11,
    archived=False,
    employee_number="E-0001",
)


def _lookups(**changes: object) -> _Lookups:
    settings = SiteSettings(site_id=11, timezone="Asia/Tokyo", day_change=dt.time(5, 0))
    shift = ShiftPattern(
        site_id=11,
        code="夜",
        start_time=dt.time(22, 0),
        end_time=dt.time(7, 0),
        break_minutes=int(changes.pop("break_minutes", 60)),  # type: ignore[call-overload]
    )
    return _Lookups(
        terms={7: TERMS.model_copy(update=changes.pop("terms", {}))},  # type: ignore[arg-type]
        briefs={3: BRIEF.model_copy(update=changes.pop("brief", {}))},  # type: ignore[arg-type]
        settings={11: settings},
        shifts={(11, "夜"): shift},
    )


def _mapping(**columns: str) -> ImportMapping:
    return ImportMapping(
        client_id=2,
        columns={"employee": "社員番号", "date": "日付", **columns},
        employee_key="number",
        header_row=1,
    )


def _cards() -> list[_Card]:
    base = {
        "employee_id": 3,
        "assignment_id": 7,
        "contract_id": 5,
        "site_id": 11,
        "timezone": "Asia/Tokyo",
        "marker": "none",
    }
    return [
        _Card(
            **base,  # type: ignore[arg-type]
            work_date=dt.date(2026, 4, 6),
            note="",
            break_minutes=60,
            start_at=dt.datetime(2026, 4, 5, 23, 0, tzinfo=dt.UTC),
            end_at=dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC),
            line=2,
        ),
        _Card(
            **base,  # type: ignore[arg-type]
            work_date=dt.date(2026, 4, 7),
            note="夜勤",
            shift_code="夜",
            break_minutes=60,
            start_at=dt.datetime(2026, 4, 7, 13, 0, tzinfo=dt.UTC),
            end_at=dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC),
            line=4,
        ),
    ]


def _checked() -> Checked:
    lookups = _lookups()
    return Checked(
        row_count=3,
        cards=_cards(),
        terms=lookups.terms,
        briefs=lookups.briefs,
        lookups=lookups,
        first=dt.date(2026, 4, 6),
        last=dt.date(2026, 4, 7),
        date_column=2,
    )


def test_the_cards_come_back_from_the_stored_json_as_they_were_checked() -> None:
    verdict = Verdict.of("ab" * 32, _mapping(), _checked())
    stored = json.loads(json.dumps(verdict.encode()))  # what the JSON column gives back
    again = Verdict.decode(stored)
    assert again is not None and again == verdict
    cards = again.cards(_lookups())
    assert cards is not None
    assert [dataclasses.asdict(c) for c in cards] == [dataclasses.asdict(c) for c in _cards()]
    assert (again.first, again.last, again.date_column) == (
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 7),
        2,
    )


def test_a_missing_placement_gives_no_cards() -> None:
    verdict = Verdict.of("ab" * 32, _mapping(), _checked())
    lookups = _lookups()
    lookups.terms.clear()
    assert verdict.cards(lookups) is None


def test_anything_but_a_verdict_of_this_layout_is_none() -> None:
    encoded = Verdict.of("ab" * 32, _mapping(), _checked()).encode()
    assert Verdict.decode(None) is None
    assert Verdict.decode([["社員番号", "日付"], ["E-0001", {"d": "2026-04-06"}]]) is None
    assert Verdict.decode({**encoded, "verdict": 0}) is None


def test_the_data_digest_changes_with_what_the_rows_were_checked_against() -> None:
    same = _lookups().digest()
    assert _lookups().digest() == same
    changed = [
        _lookups(terms={"end_date": dt.date(2026, 4, 30)}),
        _lookups(terms={"status": "cancelled"}),
        _lookups(brief={"employee_number": "E-0002"}),
        _lookups(brief={"work_permitted_until": dt.date(2026, 4, 6)}),
        _lookups(break_minutes=45),
    ]
    assert len({same, *(lookups.digest() for lookups in changed)}) == 1 + len(changed)
    moved = _lookups()
    moved.settings[11].day_change = dt.time(4, 0)
    assert moved.digest() != same
    more = _lookups()
    more.terms[8] = TERMS.model_copy(update={"assignment_id": 8, "employee_id": 4})
    assert more.digest() != same


def test_the_mapping_digest_changes_with_the_mapping() -> None:
    assert mapping_digest(_mapping()) == mapping_digest(_mapping())
    assert mapping_digest(_mapping(note="G")) != mapping_digest(_mapping(note="備考"))
    header = _mapping()
    header.header_row = 2
    assert mapping_digest(header) != mapping_digest(_mapping())
