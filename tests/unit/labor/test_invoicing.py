"""The pure invoice arithmetic (haken.labor.invoicing), every expected value by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haken.labor.invoicing import (
    Band,
    BandRate,
    BillRate,
    MinuteRounding,
    RateKind,
    TaxRounding,
    bands_from_ledger,
    corporate_check_digit,
    invoice_totals,
    is_valid_registration_number,
    line_amount,
    round_daily,
    round_minutes,
    tax_of,
)

TEN, EIGHT = Decimal("0.10"), Decimal("0.08")


@pytest.mark.parametrize(
    ("minutes", "unit", "mode", "expected"),
    [
        (37, 15, MinuteRounding.DOWN, 30),
        (37, 15, MinuteRounding.NEAREST, 30),  # 7 < 7.5
        (38, 15, MinuteRounding.NEAREST, 45),
        (44, 30, MinuteRounding.DOWN, 30),
        (45, 30, MinuteRounding.NEAREST, 60),  # half up
        (29, 30, MinuteRounding.DOWN, 0),
        (37, 1, MinuteRounding.DOWN, 37),
    ],
)
def test_round_minutes(minutes: int, unit: int, mode: MinuteRounding, expected: int) -> None:
    assert round_minutes(minutes, unit, mode) == expected


def test_rounding_is_per_day_not_per_total() -> None:
    # 3 days of 20 minutes' overtime: per day 15 each = 45; the total 60 would stay 60.
    assert round_daily([20, 20, 20], 15, MinuteRounding.DOWN) == 45


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        round_minutes(-1, 15, MinuteRounding.DOWN)


def test_bands_from_the_ledger_figures() -> None:
    summary = {
        "regular": 9000,
        "within_statutory_overtime": 60,
        "overtime": 4000,  # includes the 400 beyond 60 h
        "overtime_over_60h": 400,
        "night": 300,
        "overtime_night": 100,
        "rest_day": 480,
        "rest_day_night": 0,
    }
    assert bands_from_ledger(summary) == {
        Band.REGULAR: 9060,
        Band.OVERTIME: 3600,
        Band.OVERTIME_OVER_60H: 400,
        Band.LATE_NIGHT: 300,
        Band.REST_DAY: 480,
    }


def test_band_rates_yen_or_multiplier_with_statutory_defaults() -> None:
    rate = BillRate(
        base=Decimal("1800"),
        bands={
            Band.OVERTIME: BandRate(RateKind.MULTIPLIER, Decimal("1.30")),
            Band.LATE_NIGHT: BandRate(RateKind.YEN, Decimal("500")),
        },
    )
    assert rate.hourly(Band.REGULAR) == Decimal("1800")
    assert rate.hourly(Band.OVERTIME) == Decimal("2340")  # 1800 × 1.30
    assert rate.hourly(Band.LATE_NIGHT) == Decimal("500")
    assert rate.hourly(Band.OVERTIME_OVER_60H) == Decimal("2700")  # default × 1.50
    assert rate.hourly(Band.REST_DAY) == Decimal("2430")  # default × 1.35


def test_a_rate_refuses_an_unknown_rounding_unit() -> None:
    with pytest.raises(ValueError, match="rounding unit"):
        BillRate(base=Decimal("1800"), bands={}, rounding_unit=10)


def test_line_amount_is_cut_to_the_yen() -> None:
    assert line_amount(125, Decimal("1750")) == 3645  # 3645.83…
    assert line_amount(60, Decimal("1800.50")) == 1800


def test_tax_is_rounded_once_per_rate_per_invoice() -> None:
    # Per line, 100.5 + 100.5 cut down would be 200; once per invoice it is 201.
    totals = invoice_totals([(1005, TEN), (1005, TEN)], TaxRounding.DOWN)
    assert totals.subtotal == 2010
    assert [(t.rate, t.taxable, t.tax) for t in totals.taxes] == [(TEN, 2010, 201)]
    assert totals.total == 2211


def test_tax_per_rate_and_rounding_setting() -> None:
    lines = [(100001, TEN), (50555, TEN), (1001, EIGHT)]
    down = invoice_totals(lines, TaxRounding.DOWN)
    # 10 %: 150556 × 0.1 = 15055.6; 8 %: 1001 × 0.08 = 80.08
    assert [(t.taxable, t.tax) for t in down.taxes] == [(150556, 15055), (1001, 80)]
    assert down.tax == 15135
    assert down.total == 151557 + 15135
    half = invoice_totals(lines, TaxRounding.HALF_UP)
    assert [t.tax for t in half.taxes] == [15056, 80]
    up = invoice_totals(lines, TaxRounding.UP)
    assert [t.tax for t in up.taxes] == [15056, 81]


def test_a_credit_mirrors_the_invoice_tax() -> None:
    assert tax_of(-2010, TEN, TaxRounding.DOWN) == -201
    assert tax_of(-15, TEN, TaxRounding.UP) == -2


def test_an_unknown_tax_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="tax rate"):
        invoice_totals([(100, Decimal("0.05"))], TaxRounding.DOWN)


def test_registration_number() -> None:
    # 法人番号 7000012050002: base digits from the right 2,0,0,0,5,0,2,1,0,0,0,0;
    # Σ Pn×Qn = 2 + 5 + 2 + 2×1 = 11; 9 − 11 mod 9 = 7.
    assert corporate_check_digit("000012050002") == 7
    assert is_valid_registration_number("T7000012050002")
    assert not is_valid_registration_number("T8000012050002")  # wrong check digit
    assert not is_valid_registration_number("7000012050002")  # no T
    assert not is_valid_registration_number("T700001205000")  # 12 digits
    assert is_valid_registration_number("T8000012050002", corporation=False)  # form only
