"""haken.labor.premiums: JP_LABOR.md §1 (premiums, 1.1 hourly base, 1.2 rounding), §8 and the
public cases A and G, the day / week / month boundaries, and four properties.

Every expected number is worked out by hand from the rule (the reasoning is in the comments).
Calendar used: 2026-04-05 is a Sunday; April 2026 has 30 days; 2026-04-29 is 昭和の日.
Unless a test says otherwise: statutory rest day Sunday, week from Sunday, day change 05:00,
scheduled 480 min a day, the 60-hour month is the calendar month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import jpholiday
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haken.labor.premiums import (
    SUNDAY,
    ExcludedWage,
    MonthlyMinutesRounding,
    PayOptions,
    PremiumMinutes,
    Timecard,
    TimecardCsvError,
    WagePart,
    WorkSettings,
    YenRounding,
    average_monthly_scheduled_hours,
    calculate_premiums,
    hourly_base_from_daily,
    hourly_base_from_monthly,
    parse_weekday,
    premium_base,
    premium_pay,
    round_monthly_minutes,
    round_yen,
    rules_on,
    timecards_from_csv,
)

SETTINGS = WorkSettings()
RULES_2026 = rules_on(dt.date(2026, 4, 1))


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}")


def card(day: str, start: str, end: str, break_minutes: int = 0, **kw: object) -> Timecard:
    """A card from ``day`` ``start`` to ``end`` (the next day when ``end`` <= ``start``)."""
    begin = at(day, start)
    finish = at(day, end) if end != "24:00" else at(day, "00:00") + dt.timedelta(days=1)
    if finish <= begin:
        finish += dt.timedelta(days=1)
    return Timecard(begin, finish, break_minutes, **kw)  # type: ignore[arg-type]


def summary(*cards: Timecard, settings: WorkSettings = SETTINGS, **kw: object) -> dict[str, int]:
    return calculate_premiums(list(cards), settings, **kw).minutes.summary()  # type: ignore[arg-type]


def expected(**values: int) -> dict[str, int]:
    base = dict.fromkeys(
        (
            "regular",
            "within_statutory_overtime",
            "overtime",
            "overtime_over_60h",
            "night",
            "overtime_night",
            "rest_day",
            "rest_day_night",
        ),
        0,
    )
    base.update(values)
    return base


# --- A. public cases ----------------------------------------------------------------------


def test_case_a1_monthly_wage_hourly_base_and_overtime_night_hour() -> None:
    # (365 − 125) × 8 ÷ 12 = 160 h; 240,000 ÷ 160 = 1,500.
    hours = average_monthly_scheduled_hours(days_off_per_year=125, daily_scheduled_hours=Decimal(8))
    assert hours == Decimal(160)
    base = hourly_base_from_monthly([WagePart("基本給", Decimal(240000))], hours)
    assert base == Decimal(1500)
    # 13:00–23:00 with a 1 h break = 9 h worked: the 9th hour (22:00–23:00) is overtime and night.
    result = calculate_premiums([card("2026-04-08", "13:00", "23:00", 60)], SETTINGS)
    assert result.minutes.summary() == expected(
        regular=480, overtime=60, night=60, overtime_night=60
    )
    pay = premium_pay(
        result.minutes, base, result.rules, PayOptions(salary_covers_scheduled_time=True)
    )
    assert pay["overtime_night"] == Decimal(2250)  # 1,500 × 1.5
    assert sum(pay.values()) == Decimal(2250)


def test_case_a2_excluded_allowances_and_162_hours() -> None:
    parts = [
        WagePart("基本給", Decimal(235000)),
        WagePart("精皆勤手当", Decimal(8000)),
        WagePart("家族手当", Decimal(20000), ExcludedWage.FAMILY),
        WagePart("通勤手当", Decimal(15000), ExcludedWage.COMMUTING),
    ]
    assert premium_base(parts) == Decimal(243000)
    hours = average_monthly_scheduled_hours(days_off_per_year=122, daily_scheduled_hours=Decimal(8))
    assert hours == Decimal(162)  # (365 − 122) × 8 ÷ 12
    assert hourly_base_from_monthly(parts, hours) == Decimal(1500)


def test_case_a3_a4_hourly_amounts_of_each_kind() -> None:
    # One hour in each cell, hourly base 1,500, a monthly salary (regular time already paid).
    one_hour_each = PremiumMinutes(
        regular_night=60,
        overtime_to_60h=60,
        overtime_to_60h_night=60,
        overtime_over_60h=60,
        overtime_over_60h_night=60,
        rest_day=60,
        rest_day_night=60,
    )
    pay = premium_pay(
        one_hour_each,
        Decimal(1500),
        RULES_2026,
        PayOptions(salary_covers_scheduled_time=True),
    )
    assert pay["overtime"] == 1875  # × 1.25
    assert pay["rest_day"] == 2025  # × 1.35
    assert pay["overtime_over_60h"] == 2250  # × 1.5
    assert pay["overtime_over_60h_night"] == 2625  # × 1.75
    assert pay["rest_day_night"] == 2400  # × 1.6
    assert pay["regular_night"] == 375  # night inside scheduled time: the 25 % only
    # A4: the layering is additive: 1,875 + 375 = 2,250, not 2 × 1,875.
    assert pay["overtime_night"] == 1875 + 375
    # An hourly worker is paid the 100 % of a regular night hour here too: 1,500 × 1.25.
    hourly = premium_pay(PremiumMinutes(regular_night=60), Decimal(1500), RULES_2026)
    assert hourly["regular_night"] == 1875


def test_case_a5_rest_day_ten_hours_is_rest_day_work_only() -> None:
    # Sunday 08:00–19:00 less 1 h = 10 h, all 休日労働 (35 %): nothing is overtime.
    assert summary(card("2026-04-05", "08:00", "19:00", 60)) == expected(rest_day=600)


def test_case_a5_rest_day_hours_do_not_count_toward_60_hours() -> None:
    # 20 weekdays of 11 h (08:00–20:00, 1 h break) = 20 × 3 h = 60 h of overtime exactly
    # (April 1–28, Mon–Fri: 1-3, 6-10, 13-17, 20-24, 27, 28). Two Sundays of 10 h add 20 h
    # of rest-day work, which must not push anything past 60 h.
    weekdays = [d for d in (dt.date(2026, 4, n) for n in range(1, 29)) if d.weekday() < 5]
    assert len(weekdays) == 20
    cards = [card(d.isoformat(), "08:00", "20:00", 60) for d in weekdays]
    cards += [card("2026-04-12", "08:00", "19:00", 60), card("2026-04-19", "08:00", "19:00", 60)]
    result = summary(*cards)
    assert result["overtime"] == 3600
    assert result["overtime_over_60h"] == 0
    assert result["rest_day"] == 1200


def test_case_a7_monthly_total_rounding() -> None:
    assert round_monthly_minutes(10 * 60 + 29, MonthlyMinutesRounding.HALF_HOUR) == 600
    assert round_monthly_minutes(10 * 60 + 30, MonthlyMinutesRounding.HALF_HOUR) == 660
    assert round_monthly_minutes(10 * 60 + 1, MonthlyMinutesRounding.UP) == 660
    assert round_monthly_minutes(629, MonthlyMinutesRounding.NONE) == 629
    # Rounding is of the month's total only: 20 days of 10 minutes of overtime (9:00–18:10,
    # 1 h break) are 200 minutes; rounding each day down would make 0.
    weekdays = [d for d in (dt.date(2026, 4, n) for n in range(1, 29)) if d.weekday() < 5]
    cards = [card(d.isoformat(), "09:00", "18:10", 60) for d in weekdays]
    minutes = calculate_premiums(cards, SETTINGS).minutes
    assert minutes.overtime == 200
    pay = premium_pay(
        minutes,
        Decimal(1500),
        RULES_2026,
        PayOptions(minutes_rounding=MonthlyMinutesRounding.HALF_HOUR),
    )
    assert pay["overtime"] == Decimal(1875) * 3  # 3 h 20 min → 3 h


def test_case_a8_fifty_sen_rule() -> None:
    assert round_yen(Decimal("1867.49"), YenRounding.FIFTY_SEN) == 1867
    assert round_yen(Decimal("1867.50"), YenRounding.FIFTY_SEN) == 1868
    assert round_yen(Decimal("1867.01"), YenRounding.UP) == 1868
    assert round_yen(Decimal("1867.49"), YenRounding.NONE) == Decimal("1867.49")


def test_case_a9_flat_family_allowance_is_in_the_base() -> None:
    parts = [
        WagePart("基本給", Decimal(200000)),
        WagePart("家族手当", Decimal(10000), ExcludedWage.FAMILY, flat_rate=True),
    ]
    assert premium_base(parts) == Decimal(210000)


def test_hourly_base_from_daily_wage() -> None:
    # 12,000 a day over 7.5 scheduled hours = 1,600.
    assert hourly_base_from_daily(Decimal(12000), Decimal("7.5")) == 1600
    # 10,000 ÷ 7.5 = 1,333.33… → 1,333 under the 50-sen rule.
    assert hourly_base_from_daily(Decimal(10000), Decimal("7.5"), YenRounding.FIFTY_SEN) == 1333


# --- G. holidays ---------------------------------------------------------------------------


def test_case_g47_g48_holiday_data() -> None:
    assert len(jpholiday.year_holidays(2026)) == 18
    assert jpholiday.is_holiday(dt.date(2026, 5, 6))
    assert jpholiday.is_holiday(dt.date(2026, 9, 22))
    assert len(jpholiday.year_holidays(2027)) == 17
    assert jpholiday.is_holiday(dt.date(2027, 3, 22))


def test_case_g49_national_holiday_is_not_the_statutory_rest_day() -> None:
    # 2026-09-22 (Tuesday, 国民の休日) worked 8 h alone: ordinary time, no rest-day premium.
    assert summary(card("2026-09-22", "09:00", "18:00", 60)) == expected(regular=480)
    # Mon 9/21 (敬老の日) to Sat 9/26 at 8 h each: 48 h in the week from Sunday 9/20;
    # the first 40 h (Mon–Fri) are within, Saturday's 8 h are overtime. Nothing is rest day.
    cards = [card(f"2026-09-{n}", "09:00", "18:00", 60) for n in range(21, 27)]
    assert summary(*cards) == expected(regular=2400, overtime=480)


# --- boundaries ---------------------------------------------------------------------------


def test_overtime_into_the_rest_day_becomes_rest_day_work_at_midnight() -> None:
    # Saturday 14:00 → Sunday 03:00, no break, the week otherwise empty: 14–22 regular (8 h),
    # 22–24 overtime and night, Sunday 0–3 rest-day work and night (平6.5.31 基発331号).
    assert summary(card("2026-04-11", "14:00", "03:00")) == expected(
        regular=480,
        overtime=120,
        overtime_night=120,
        night=300,
        rest_day=180,
        rest_day_night=180,
    )


def test_rest_day_work_stops_at_midnight_of_the_next_day() -> None:
    # Sunday 20:00 → Monday 06:00: Sunday 20–24 rest day (22–24 night); Monday 0–6 is ordinary
    # time of the same shift (a day off: nothing scheduled), so 法内残業, with 0–5 at night.
    assert summary(card("2026-04-05", "20:00", "06:00")) == expected(
        within_statutory_overtime=360,
        night=120 + 300,
        rest_day=240,
        rest_day_night=120,
    )


def test_shift_ending_exactly_at_midnight_before_the_rest_day() -> None:
    # Saturday 16:00–24:00: no rest-day minute; one minute more is one rest-day minute.
    assert summary(card("2026-04-11", "16:00", "24:00")) == expected(regular=480, night=120)
    assert summary(card("2026-04-11", "16:00", "00:01")) == expected(
        regular=480, night=121, rest_day=1, rest_day_night=1
    )


def test_rest_day_starting_exactly_at_midnight() -> None:
    # Sunday 00:00–08:00: all rest-day work; 00:00–05:00 at night. (The shift starts before
    # the day change, so it is Saturday's working day, but the rest day is a calendar day.)
    assert summary(card("2026-04-05", "00:00", "08:00")) == expected(
        rest_day=480, rest_day_night=300, night=300
    )


def test_night_window_edges() -> None:
    # Ending exactly at 22:00 or starting exactly at 05:00: no night minute.
    assert summary(card("2026-04-08", "13:00", "22:00", 60))["night"] == 0
    assert summary(card("2026-04-08", "05:00", "14:00", 60))["night"] == 0
    # 21:59 → 22:01 and 04:59 → 05:01: one night minute each.
    assert summary(card("2026-04-08", "21:59", "22:01"))["night"] == 1
    assert summary(card("2026-04-08", "04:59", "05:01"))["night"] == 1


def test_break_at_night_is_not_night_work() -> None:
    # 22:00–07:00 with the break 02:00–03:00 given: 8 h worked, 22–02 and 03–05 at night = 6 h.
    explicit = Timecard(
        at("2026-04-08", "22:00"),
        at("2026-04-09", "07:00"),
        breaks=((at("2026-04-09", "02:00"), at("2026-04-09", "03:00")),),
    )
    assert summary(explicit) == expected(regular=480, night=360)
    # An unpositioned 60-minute break of 18:00–06:00 (720 min) goes in the middle:
    # work before it = (720 − 60) ÷ 2 = 330 min → break 23:30–00:30; night 22–05 = 420 − 60.
    result = summary(card("2026-04-08", "18:00", "06:00", 60))
    assert result["night"] == 360
    # 11 h worked: 330 min before the break, so the 8th hour ends 150 min after 00:30, at
    # 03:00; overtime 03:00–06:00, of which 03:00–05:00 at night.
    assert result["overtime"] == 180
    assert result["overtime_night"] == 120


def test_day_change_at_exactly_05_00() -> None:
    monday = card("2026-04-06", "09:00", "18:00", 60)  # 8 h on Monday
    # Tuesday 04:00–06:00 starts before 05:00: Monday's working day, past its 8 h → overtime.
    assert summary(monday, card("2026-04-07", "04:00", "06:00")) == expected(
        regular=480, overtime=120, overtime_night=60, night=60
    )
    # Tuesday 05:00–07:00 starts at the day change: Tuesday's working day, regular.
    assert summary(monday, card("2026-04-07", "05:00", "07:00")) == expected(regular=600)
    # With the day change at 00:00, the 04:00 start is Tuesday's too.
    midnight = WorkSettings(day_change=dt.time(0, 0))
    assert summary(monday, card("2026-04-07", "04:00", "06:00"), settings=midnight) == expected(
        regular=600, night=60
    )


def test_week_boundary_and_week_start() -> None:
    # Wed 4/8–Sat 4/11 and Mon 4/13–Tue 4/14, 8 h each (48 h).
    days = ["2026-04-08", "2026-04-09", "2026-04-10", "2026-04-11", "2026-04-13", "2026-04-14"]
    cards = [card(d, "09:00", "18:00", 60) for d in days]
    # Weeks from Sunday: 32 h + 16 h → no weekly overtime.
    assert summary(*cards) == expected(regular=2880)
    # Weeks from Wednesday: one week of 48 h → Tuesday's 8 h are overtime.
    from_wednesday = WorkSettings(week_start=parse_weekday("wednesday"))
    assert summary(*cards, settings=from_wednesday) == expected(regular=2400, overtime=480)


def test_weekly_40_hours_without_double_counting() -> None:
    # Mon 10 h (2 h daily overtime, not counted again), Tue–Fri 8 h: the week counts 8 × 5 =
    # 40 h, so Saturday's 5 h are all weekly overtime: 2 h + 5 h = 7 h in total.
    cards = [card("2026-04-06", "08:00", "19:00", 60)]
    cards += [card(f"2026-04-{n:02d}", "09:00", "18:00", 60) for n in range(7, 11)]
    cards.append(card("2026-04-11", "09:00", "14:00"))
    assert summary(*cards) == expected(regular=2400, overtime=420)


def test_saturday_non_statutory_day_off_counts_toward_40_hours() -> None:
    # Mon–Fri 8 h, Saturday 8 h: Saturday is ordinary time beyond 40 h → overtime (25 %), not
    # rest-day work; 4 h on Sunday 4/5, the first day of that week, are rest-day work and do
    # not add to the week (else Friday would already be past 40 h).
    cards = [card(f"2026-04-{n:02d}", "09:00", "18:00", 60) for n in range(6, 12)]
    cards.append(card("2026-04-05", "09:00", "13:00"))
    assert summary(*cards) == expected(regular=2400, overtime=480, rest_day=240)


def test_scheduled_hours_under_8_give_within_statutory_overtime() -> None:
    seven = WorkSettings(scheduled_minutes=420)
    # 8 h on a 7 h day: 7 h regular, 1 h 法内残業; 9 h: plus 1 h statutory overtime.
    assert summary(card("2026-04-08", "09:00", "18:00", 60), settings=seven) == expected(
        regular=420, within_statutory_overtime=60
    )
    assert summary(card("2026-04-08", "09:00", "19:00", 60), settings=seven) == expected(
        regular=420, within_statutory_overtime=60, overtime=60
    )
    # A card can mark a day off (0 scheduled): all its time within 8 h is 法内残業.
    day_off = card("2026-04-11", "09:00", "13:00", scheduled_minutes=0)
    assert summary(day_off) == expected(within_statutory_overtime=240)


def test_60_hour_boundary_minute() -> None:
    # 20 weekdays (April 1–28) of 08:00–20:00 less 1 h: 3 h daily overtime each = 60:00 exactly.
    weekdays = [d for d in (dt.date(2026, 4, n) for n in range(1, 29)) if d.weekday() < 5]
    cards = [card(d.isoformat(), "08:00", "20:00", 60) for d in weekdays]
    assert summary(*cards)["overtime_over_60h"] == 0
    # April 29 (a national holiday, ordinary time) 8 h 1 min: the 60:01st minute is over 60 h.
    one_more = card("2026-04-29", "09:00", "18:01", 60)
    result = summary(*cards, one_more)
    assert result["overtime"] == 3601
    assert result["overtime_over_60h"] == 1


def test_60_hour_count_restarts_at_the_month_boundary() -> None:
    weekdays = [d for d in (dt.date(2026, 4, n) for n in range(1, 29)) if d.weekday() < 5]
    cards = [card(d.isoformat(), "08:00", "20:00", 60) for d in weekdays]
    # Thursday April 30 and Friday May 1, 3 h overtime each: April is past 60 h, May is not.
    cards += [card("2026-04-30", "08:00", "20:00", 60), card("2026-05-01", "08:00", "20:00", 60)]
    result = calculate_premiums(cards, SETTINGS)
    months = result.by_month(SETTINGS)
    assert months[dt.date(2026, 4, 1)].overtime_over_60h == 180
    assert months[dt.date(2026, 5, 1)].overtime == 180
    assert months[dt.date(2026, 5, 1)].overtime_over_60h == 0
    # With the 60-hour month starting on the 16th, April 1–15 belong to the month from 3/16
    # (1-3, 6-10, 13-15: 11 weekdays × 3 h = 33 h) and April 16–May 1 to the month from 4/16
    # (16, 17, 20-24, 27, 28, 30, May 1: 11 days, 33 h).
    sixteenth = WorkSettings(month_start_day=16)
    result = calculate_premiums(cards, sixteenth)
    months = result.by_month(sixteenth)
    assert months[dt.date(2026, 3, 16)].overtime == 33 * 60
    assert months[dt.date(2026, 4, 16)].overtime == 33 * 60
    assert result.minutes.summary()["overtime_over_60h"] == 0


def test_period_uses_earlier_days_of_its_first_week() -> None:
    # Period April 1 (Wed)–30. Mon 3/30 and Tue 3/31 (8 h each) are in the first week; with
    # Wed–Fri 4/1–4/3 the week reaches 40 h, so Saturday 4/4 is overtime. Only April is shown.
    cards = [card(d, "09:00", "18:00", 60) for d in ("2026-03-30", "2026-03-31")]
    cards += [card(f"2026-04-{n:02d}", "09:00", "18:00", 60) for n in range(1, 5)]
    period = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert summary(*cards, period=period) == expected(regular=1440, overtime=480)


def test_touching_cards_are_one_shift() -> None:
    # 20:00–00:00 + 00:00–06:00 with the day change at 00:00: still one shift of Wednesday:
    # 20:00–04:00 regular, 04:00–06:00 overtime (04:00–05:00 at night); night 22–05 = 7 h.
    midnight = WorkSettings(day_change=dt.time(0, 0))
    whole = summary(card("2026-04-08", "20:00", "06:00"), settings=midnight)
    parts = summary(
        card("2026-04-08", "20:00", "24:00"),
        card("2026-04-09", "00:00", "06:00"),
        settings=midnight,
    )
    assert whole == parts == expected(regular=480, overtime=120, overtime_night=60, night=420)


def test_rules_are_effective_dated() -> None:
    assert rules_on(dt.date(2023, 3, 31), small_enterprise=True).over_60h_pct == 25
    assert rules_on(dt.date(2023, 4, 1), small_enterprise=True).over_60h_pct == 50
    assert rules_on(dt.date(2010, 4, 1)).over_60h_pct == 50
    assert rules_on(dt.date(2010, 3, 31)).over_60h_pct == 25
    assert rules_on(dt.date(2026, 4, 1), special_workplace=True).weekly_limit_minutes == 2640
    multipliers = RULES_2026.multipliers()
    assert multipliers["overtime_over_60h_night"] == Decimal("1.75")
    assert multipliers["rest_day_night"] == Decimal("1.60")
    # A period across the SME change is refused rather than half-computed.
    cards = [card("2023-03-31", "09:00", "18:00", 60), card("2023-04-03", "09:00", "18:00", 60)]
    with pytest.raises(ValueError, match="split the period"):
        calculate_premiums(cards, SETTINGS, small_enterprise=True)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        summary(card("2026-04-08", "09:00", "18:00"), card("2026-04-08", "17:00", "20:00"))
    with pytest.raises(ValueError, match="whole minute"):
        Timecard(dt.datetime(2026, 4, 8, 9, 0, 30), dt.datetime(2026, 4, 8, 10))
    with pytest.raises(ValueError, match="whole timecard"):
        card("2026-04-08", "09:00", "10:00", 60)
    with pytest.raises(ValueError, match="end after"):
        Timecard(at("2026-04-08", "10:00"), at("2026-04-08", "10:00"))
    with pytest.raises(ValueError):
        parse_weekday("someday")
    assert parse_weekday("日曜日") == SUNDAY


def test_csv_reading() -> None:
    text = (
        "date,start,end,break_minutes\n"
        "2026-04-08,09:00,18:00,60\n"
        "2026-04-09,16:00,24:00,0\n"
        "2026-04-10,22:00,06:00,\n"
    )
    cards = timecards_from_csv(text)
    assert [(c.start, c.end, c.break_minutes) for c in cards] == [
        (at("2026-04-08", "09:00"), at("2026-04-08", "18:00"), 60),
        (at("2026-04-09", "16:00"), at("2026-04-10", "00:00"), 0),
        (at("2026-04-10", "22:00"), at("2026-04-11", "06:00"), 0),
    ]
    with pytest.raises(TimecardCsvError, match="line 2"):
        timecards_from_csv("date,start,end,break_minutes\n2026-04-08,9h,18:00,0\n")
    with pytest.raises(TimecardCsvError, match="missing column"):
        timecards_from_csv("day,start,end\n")


# --- properties ---------------------------------------------------------------------------

WINDOW_START = dt.datetime(2026, 4, 5)  # a Sunday; six weeks, across the month boundary
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


@st.composite
def work_settings(draw: st.DrawFn) -> WorkSettings:
    return WorkSettings(
        rest_day=draw(st.sampled_from([None, 0, 5, 6])),
        week_start=draw(st.integers(0, 6)),
        day_change=draw(st.sampled_from([dt.time(0, 0), dt.time(5, 0), dt.time(4, 30)])),
        scheduled_minutes=draw(st.sampled_from([0, 360, 420, 480])),
        month_start_day=draw(st.sampled_from([1, 16])),
    )


@st.composite
def raw_card(draw: st.DrawFn) -> Timecard:
    start = WINDOW_START + dt.timedelta(
        days=draw(st.integers(0, 41)), minutes=draw(st.integers(0, 1439))
    )
    length = draw(st.integers(1, 16 * 60))
    end = start + dt.timedelta(minutes=length)
    if length > 61 and draw(st.booleans()):
        offset = draw(st.integers(1, length - 61))
        size = draw(st.integers(1, 60))
        begin = start + dt.timedelta(minutes=offset)
        return Timecard(start, end, breaks=((begin, begin + dt.timedelta(minutes=size)),))
    return Timecard(start, end, break_minutes=draw(st.integers(0, min(60, length - 1))))


def separate(cards: list[Timecard]) -> list[Timecard]:
    """Keep the cards that neither overlap nor touch an earlier kept one."""
    kept: list[Timecard] = []
    for candidate in cards:
        if all(candidate.end < k.start or k.end < candidate.start for k in kept):
            kept.append(candidate)
    return kept


cards_strategy = st.lists(raw_card(), min_size=1, max_size=30).map(separate)


def worked_minute_starts(cards: list[Timecard]) -> list[dt.datetime]:
    minutes = []
    for c in cards:
        for begin, end in c.worked_intervals():
            moment = begin
            while moment < end:
                minutes.append(moment)
                moment += dt.timedelta(minutes=1)
    return minutes


@PROPERTY_SETTINGS
@given(cards=cards_strategy, setup=work_settings())
def test_property_minutes_are_conserved(cards: list[Timecard], setup: WorkSettings) -> None:
    minutes = calculate_premiums(cards, setup).minutes
    assert minutes.total == sum(c.worked_minutes for c in cards)
    s = minutes.summary()
    assert (
        s["regular"] + s["within_statutory_overtime"] + s["overtime"] + s["rest_day"]
        == minutes.total
    )
    # Night counted minute by minute, independently: 22:00–05:00 of the worked minutes.
    night = sum(1 for m in worked_minute_starts(cards) if m.hour >= 22 or m.hour < 5)
    assert s["night"] == night
    rest = sum(1 for m in worked_minute_starts(cards) if setup.is_rest_day(m.date()))
    assert s["rest_day"] == rest


@PROPERTY_SETTINGS
@given(data=st.data(), cards=cards_strategy, setup=work_settings())
def test_property_order_does_not_matter(
    data: st.DataObject, cards: list[Timecard], setup: WorkSettings
) -> None:
    shuffled = data.draw(st.permutations(cards))
    assert calculate_premiums(shuffled, setup) == calculate_premiums(cards, setup)


@PROPERTY_SETTINGS
@given(
    cards=cards_strategy,
    setup=work_settings(),
    day=st.integers(0, 40),
    before=st.integers(1, 12 * 60),
    after=st.integers(1, 12 * 60),
)
def test_property_split_at_midnight_is_one_shift(
    cards: list[Timecard], setup: WorkSettings, day: int, before: int, after: int
) -> None:
    midnight = WINDOW_START + dt.timedelta(days=day + 1)
    start = midnight - dt.timedelta(minutes=before)
    end = midnight + dt.timedelta(minutes=after)
    others = [c for c in cards if c.end < start or end < c.start]
    whole = Timecard(start, end)
    parts = [Timecard(start, midnight), Timecard(midnight, end)]
    assert calculate_premiums([*others, whole], setup) == calculate_premiums(
        [*others, *parts], setup
    )


@PROPERTY_SETTINGS
@given(cards=cards_strategy, extra=raw_card(), setup=work_settings())
def test_property_adding_a_timecard_never_lowers_overtime(
    cards: list[Timecard], extra: Timecard, setup: WorkSettings
) -> None:
    if not all(extra.end < c.start or c.end < extra.start for c in cards):
        return  # an overlapping card is refused; a touching one would join a shift
    before = calculate_premiums(cards, setup).minutes.summary()
    after = calculate_premiums([*cards, extra], setup).minutes.summary()
    for key in ("overtime", "overtime_over_60h", "overtime_night"):
        assert after[key] >= before[key], key
    # 法内残業 may turn into statutory overtime, but time beyond the schedule never shrinks.
    beyond = ("within_statutory_overtime", "overtime")
    assert sum(after[k] for k in beyond) >= sum(before[k] for k in beyond)


def oracle(cards: list[Timecard], setup: WorkSettings) -> dict[str, int]:
    """The rules of JP_LABOR.md §1 applied one minute at a time, written independently of the
    module: a minute on the rest day (calendar) is rest-day work; otherwise the working day
    is the business day of its card's start; the 481st+ minute of the working day is daily
    overtime; a minute within the day but past 2,400 counted minutes in the week is weekly
    overtime; otherwise the first ``scheduled`` minutes of the day are regular, the rest
    法内残業; overtime minutes past 3,600 in the month are over 60 h. (Cards never touch
    here, so each card is its own shift.)"""
    out = dict.fromkeys(expected(), 0)
    daily: dict[dt.date, int] = {}
    regular: dict[dt.date, int] = {}
    weekly: dict[dt.date, int] = {}
    monthly: dict[dt.date, int] = {}
    for c in sorted(cards, key=lambda c: c.start):
        day = c.start.date()
        if c.start.time() < setup.day_change:
            day -= dt.timedelta(days=1)
        scheduled = 0 if setup.is_rest_day(day) else setup.scheduled_minutes
        week = day - dt.timedelta(days=(day.weekday() - setup.week_start) % 7)
        month = setup.month_of(day)
        for minute in worked_minute_starts([c]):
            night = minute.hour >= 22 or minute.hour < 5
            out["night"] += night
            if setup.is_rest_day(minute.date()):
                out["rest_day"] += 1
                out["rest_day_night"] += night
                continue
            daily[day] = daily.get(day, 0) + 1
            overtime = daily[day] > 480
            if not overtime:
                weekly[week] = weekly.get(week, 0) + 1
                overtime = weekly[week] > 2400
            if overtime:
                monthly[month] = monthly.get(month, 0) + 1
                out["overtime"] += 1
                out["overtime_night"] += night
                out["overtime_over_60h"] += monthly[month] > 3600
            elif regular.get(day, 0) < scheduled:
                regular[day] = regular.get(day, 0) + 1
                out["regular"] += 1
            else:
                out["within_statutory_overtime"] += 1
    return out


@PROPERTY_SETTINGS
@given(cards=cards_strategy, setup=work_settings())
def test_property_matches_a_minute_by_minute_reading_of_the_rules(
    cards: list[Timecard], setup: WorkSettings
) -> None:
    assert calculate_premiums(cards, setup).minutes.summary() == oracle(cards, setup)
