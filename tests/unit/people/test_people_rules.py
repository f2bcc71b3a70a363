"""Pure pieces of the people areas: hours limits, masks, periods, pipeline, photo types."""

from __future__ import annotations

import datetime as dt

import pytest

from haken.labor.residence import ExtraActivityPermission
from haken.modules.candidates.photos import path_of, sniff_image
from haken.modules.candidates.schemas import TRANSITIONS, CandidateStatus, can_move
from haken.modules.employees.errors import ContractPeriodsOverlapError
from haken.modules.employees.schemas import (
    BankAccountInput,
    ContractPeriodInput,
    masked,
    resolve_extra_activity,
)
from haken.modules.employees.service import check_periods


@pytest.mark.parametrize(
    ("permission", "hours", "expected"),
    [
        (ExtraActivityPermission.NONE, None, None),
        (ExtraActivityPermission.BLANKET, None, 28),
        (ExtraActivityPermission.BLANKET, 20, 20),
        (ExtraActivityPermission.INDIVIDUAL, 12, 12),
    ],
)
def test_weekly_hours_by_permission(
    permission: ExtraActivityPermission, hours: int | None, expected: int | None
) -> None:
    assert resolve_extra_activity(permission, hours) == expected


@pytest.mark.parametrize(
    ("permission", "hours"),
    [
        (ExtraActivityPermission.NONE, 10),
        (ExtraActivityPermission.BLANKET, 29),
        (ExtraActivityPermission.INDIVIDUAL, None),
        (ExtraActivityPermission.INDIVIDUAL, 41),
    ],
)
def test_weekly_hours_refused(permission: ExtraActivityPermission, hours: int | None) -> None:
    with pytest.raises(ValueError):
        resolve_extra_activity(permission, hours)


def test_masks_show_only_the_last_four() -> None:
    assert masked("9018", 12) == "********9018"
    assert masked("4321", 7) == "***4321"
    assert masked(None, 12) is None


def test_bank_holder_is_stored_as_full_width_katakana() -> None:
    account = BankAccountInput(
        bank_code="0001", branch_code="001", account_number="123", holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ"
    )
    assert account.holder_kana == "ヤマダ タロウ"
    assert account.account_number == "0000123"
    with pytest.raises(ValueError):
        BankAccountInput(
            bank_code="0001", branch_code="001", account_number="1", holder_kana="山田・太郎"
        )


def test_overlapping_periods_are_refused() -> None:
    def period(start: str, end: str) -> ContractPeriodInput:
        return ContractPeriodInput(
            start_date=dt.date.fromisoformat(start), end_date=dt.date.fromisoformat(end)
        )

    contracts = check_periods(
        [period("2021-04-01", "2022-03-31"), period("2020-04-01", "2021-03-31")]
    )
    assert [c.start for c in contracts] == [dt.date(2020, 4, 1), dt.date(2021, 4, 1)]
    with pytest.raises(ContractPeriodsOverlapError):
        check_periods([period("2020-04-01", "2021-03-31"), period("2021-03-31", "2022-03-31")])


def test_pipeline_table() -> None:
    assert can_move(CandidateStatus.OFFERED, CandidateStatus.HIRED)
    assert not can_move(CandidateStatus.NEW, CandidateStatus.HIRED)
    assert TRANSITIONS[CandidateStatus.HIRED] == frozenset()
    # Every status reaches rejected or withdrawn until it is final.
    for status, targets in TRANSITIONS.items():
        if status in {CandidateStatus.NEW, CandidateStatus.SCREENING, CandidateStatus.INTERVIEW}:
            assert {CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN} <= targets


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a", None),
        (b"<svg xmlns=", None),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_photo_type_comes_from_the_content(head: bytes, expected: str | None) -> None:
    assert sniff_image(head) == expected


def test_photo_names_cannot_walk_out_of_the_directory(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    assert path_of(base, "0123abcd.png").parent == base / "uploads" / "candidates"
    for bad in ("../secret.png", "a/b.png", ".hidden", ""):
        with pytest.raises(ValueError):
            path_of(base, bad)
