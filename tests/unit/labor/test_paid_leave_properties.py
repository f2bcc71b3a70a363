"""Properties of haken.labor.paid_leave: balances, the order of consumption, the 80 % rule.

The checks replay the ledger's draws independently of the code under test.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from haken.labor.paid_leave import (
    Attendance,
    DayKind,
    HourlyCapExceeded,
    InsufficientLeave,
    LeaveBalance,
    LeaveTaken,
    LeaveUnit,
    LedgerOptions,
    Schedule,
    StatutoryGrant,
    calculate_grants,
    leave_balance,
)

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)
OPTIONS = LedgerOptions(daily_hours=Decimal("7.5"), hourly_cap_days=5)
HOURS_PER_DAY = 8


@st.composite
def worker(draw: st.DrawFn) -> tuple[date, tuple[StatutoryGrant, ...]]:
    hired = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)))
    hours = draw(st.integers(min_value=8, max_value=40))
    days = draw(st.integers(min_value=1, max_value=5))
    schedule = Schedule(hours_per_week=hours, days_per_week=days)  # type: ignore[arg-type]
    return hired, calculate_grants(hired, schedule, on=hired + timedelta(days=6 * 366))


@st.composite
def leave(draw: st.DrawFn, hired: date) -> list[LeaveTaken]:
    offsets = draw(st.lists(st.integers(min_value=0, max_value=6 * 366), unique=True, max_size=60))
    taken = []
    for offset in offsets:
        unit = draw(
            st.sampled_from([LeaveUnit.DAY, LeaveUnit.DAY, LeaveUnit.HALF_DAY, LeaveUnit.HOURS])
        )
        hours = draw(st.integers(min_value=1, max_value=3)) if unit is LeaveUnit.HOURS else 0
        taken.append(LeaveTaken(hired + timedelta(days=offset), unit, hours))
    return taken


def amount(t: LeaveTaken) -> Fraction:
    return {LeaveUnit.DAY: Fraction(1), LeaveUnit.HALF_DAY: Fraction(1, 2)}.get(
        t.unit, Fraction(t.hours, HOURS_PER_DAY)
    )


def ledger(
    grants: tuple[StatutoryGrant, ...], taken: list[LeaveTaken], on: date, advance: bool
) -> LeaveBalance | None:
    options = LedgerOptions(
        daily_hours=OPTIONS.daily_hours, hourly_cap_days=5, allow_advance=advance
    )
    try:
        return leave_balance(grants, taken, on=on, options=options)
    except InsufficientLeave:
        return None


@PROPERTY_SETTINGS
@given(data=st.data(), person=worker())
def test_balance_never_negative_without_advance(
    data: st.DataObject, person: tuple[date, tuple[StatutoryGrant, ...]]
) -> None:
    hired, grants = person
    taken = data.draw(leave(hired))
    on = hired + timedelta(days=data.draw(st.integers(min_value=0, max_value=7 * 366)))
    try:
        plain = ledger(grants, taken, on, advance=False)
        advanced = ledger(grants, taken, on, advance=True)
    except HourlyCapExceeded:
        assume(False)
        return
    assert advanced is not None  # an advance never runs short
    ever_owed = advanced.advanced > 0 or any(d.taken is None for d in advanced.draws)
    # Refused without an advance exactly when the advance ledger had to lend.
    assert (plain is None) == ever_owed
    if plain is None:
        return
    assert plain.advanced == 0 and plain.remaining >= 0
    for g in plain.grants:
        assert g.remaining >= 0 and g.lapsed >= 0 and 0 <= g.used <= g.granted
        if g.grant_date <= on:  # a grant not yet made has nothing used, left or lapsed
            assert g.used + g.remaining + g.lapsed == g.granted  # nothing counted twice or lost
    # Every day taken up to `on` is drawn exactly once.
    drawn = sum((d.days for d in plain.draws), Fraction(0))
    assert drawn == sum((amount(t) for t in taken if t.day <= on), Fraction(0))


@PROPERTY_SETTINGS
@given(data=st.data(), person=worker(), advance=st.booleans())
def test_consumption_never_takes_a_later_grant_before_a_valid_earlier_one(
    data: st.DataObject, person: tuple[date, tuple[StatutoryGrant, ...]], advance: bool
) -> None:
    hired, grants = person
    taken = data.draw(leave(hired))
    on = hired + timedelta(days=7 * 366)
    try:
        balance = ledger(grants, taken, on, advance=advance)
    except HourlyCapExceeded:
        assume(False)
        return
    if balance is None:
        return
    ordered = sorted(grants, key=lambda g: (g.grant_date, g.expires_on))
    left = {g.grant_date: Fraction(g.days) for g in ordered}
    by_day: dict[date, list[tuple[date, Fraction]]] = {}
    for d in balance.draws:
        if d.taken is None:  # repayment of an advance, on the new grant's date
            left[d.grant_date] -= d.days
            continue
        by_day.setdefault(d.day, []).append((d.grant_date, d.days))
        grant = next(g for g in ordered if g.grant_date == d.grant_date)
        assert grant.grant_date <= d.day <= grant.expires_on  # only a valid grant is used
        left[d.grant_date] -= d.days
        assert left[d.grant_date] >= 0
        # Every earlier grant still valid that day is used up before this one is touched.
        for earlier in ordered:
            if earlier.grant_date >= d.grant_date:
                break
            if earlier.grant_date <= d.day <= earlier.expires_on:
                assert left[earlier.grant_date] == 0
    for draws in by_day.values():
        dates = [g for g, _ in draws]
        assert dates == sorted(dates)  # within one day's leave too: oldest first


@PROPERTY_SETTINGS
@given(
    attended=st.integers(min_value=0, max_value=400),
    absent=st.integers(min_value=0, max_value=400),
    excluded=st.dictionaries(
        st.sampled_from(
            [
                DayKind.EMPLOYER_CLOSURE,
                DayKind.FORCE_MAJEURE,
                DayKind.LAWFUL_STRIKE,
                DayKind.HOLIDAY_WORK,
                DayKind.DAY_OFF,
            ]
        ),
        st.integers(min_value=0, max_value=200),
    ),
)
def test_eighty_percent_rule(attended: int, absent: int, excluded: dict[DayKind, int]) -> None:
    base = Attendance.of_days({DayKind.WORKED: attended, DayKind.ABSENT: absent})
    with_excluded = Attendance.of_days(
        {DayKind.WORKED: attended, DayKind.ABSENT: absent, **excluded}
    )
    assert with_excluded == base  # excluded days change nothing
    # attended ÷ (attended + absent) ≥ 4/5, in integers.
    assert base.met() == (5 * attended >= 4 * (attended + absent))


@PROPERTY_SETTINGS
@given(person=worker())
def test_grants_grow_with_service_and_follow_each_other(
    person: tuple[date, tuple[StatutoryGrant, ...]],
) -> None:
    _, grants = person
    for before, after in itertools.pairwise(grants):
        assert before.days <= after.days
        assert before.grant_date < after.grant_date <= before.expires_on
        assert after.grant_date - before.grant_date in (timedelta(days=365), timedelta(days=366))
