"""haken.labor.premiums.classify against a frozen copy of the classification before it worked
in whole minutes (issue 18 item 8: the invoicing batch's hot spot). The copy below is the
code of ``classify`` and its helpers as they were (datetimes, pieces cut per interval, cells
by name), kept verbatim as the oracle; hypothesis draws months of cards (touching, across
midnight, at the late-night edges and the day change, with break minutes or exact breaks),
settings (rest weekday or none, rest dates, week start, day change, scheduled minutes, the
起算日) and rules, and the two must agree exactly: the same result, or the same error.

``bench/billing_days_bench.py`` times the oracle against the current code on the bench's rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from haken.labor.premiums import (
    _CELL_NAMES,
    MINUTE,
    DayMinutes,
    Interval,
    PremiumMinutes,
    PremiumResult,
    PremiumRules,
    Timecard,
    WorkSettings,
    classify,
    rules_on,
)

PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, derandomize=True)

# --- the oracle: labor.premiums' classification before it worked in minutes (frozen) -------


def _sum_minutes(parts: Iterable[PremiumMinutes]) -> PremiumMinutes:
    """The cell-wise sum of many :class:`PremiumMinutes` (one object built, not one a part)."""
    sums = dict.fromkeys(_CELL_NAMES, 0)
    for part in parts:
        for name in _CELL_NAMES:
            sums[name] += getattr(part, name)
    return PremiumMinutes(**sums)


@dataclass(slots=True)
class _Cells:
    values: dict[str, int]

    def add(self, name: str, minutes: int, night: bool) -> None:
        if minutes:
            key = f"{name}_night" if night else name
            self.values[key] = self.values.get(key, 0) + minutes

    def freeze(self) -> PremiumMinutes:
        return PremiumMinutes(**self.values)


def _is_night(moment: dt.datetime, rules: PremiumRules) -> bool:
    t = moment.time()
    if rules.night_start <= rules.night_end:
        return rules.night_start <= t < rules.night_end
    return t >= rules.night_start or t < rules.night_end


def _pieces(interval: Interval, rules: PremiumRules) -> list[Interval]:
    """The interval cut at every midnight and night boundary, so that each piece lies in one
    calendar day and is wholly night or wholly not."""
    start, end = interval
    cuts = {start, end}
    day = start.date()
    while day <= end.date():
        for clock in (dt.time(0, 0), rules.night_start, rules.night_end):
            moment = dt.datetime.combine(day, clock)
            if start < moment < end:
                cuts.add(moment)
        day += dt.timedelta(days=1)
    ordered = sorted(cuts)
    return list(itertools.pairwise(ordered))


def _shifts(timecards: Iterable[Timecard]) -> list[list[Timecard]]:
    """Cards in time order, touching cards joined into one shift; overlaps refused."""
    cards = sorted(timecards, key=lambda c: (c.start, c.end))
    shifts: list[list[Timecard]] = []
    for card in cards:
        if shifts:
            last = shifts[-1][-1]
            if card.start < last.end:
                raise ValueError(
                    f"timecards overlap: {last.start:%Y-%m-%d %H:%M}–{last.end:%H:%M} and "
                    f"{card.start:%Y-%m-%d %H:%M}–{card.end:%H:%M}"
                )
            if card.start == last.end:
                shifts[-1].append(card)
                continue
        shifts.append([card])
    return shifts


def _plain_day(
    cards: Sequence[Timecard],
    working_day: dt.date,
    scheduled: int,
    settings: WorkSettings,
    rules: PremiumRules,
    week_done: int,
) -> int | None:
    """The worked minutes of a plain day shift, else None: one card, on one calendar date
    that is not a statutory rest day, wholly outside the late-night hours, within the
    scheduled minutes, the daily 8 h and what is left of the weekly 40 h. Every such minute
    is regular (the general path would find exactly that, piece by piece: the fast path of
    the invoicing and payroll batches, where most days are such days)."""
    if len(cards) != 1:
        return None
    card = cards[0]
    start, end = card.start, card.end
    if start.date() != end.date() or rules.night_start <= rules.night_end:
        return None
    if start.time() < rules.night_end or end.time() > rules.night_start:
        return None
    if settings.is_rest_day(working_day) or settings.is_rest_day(start.date()):
        return None
    worked = card.worked_minutes
    if worked > scheduled or worked > rules.daily_limit_minutes:
        return None
    if worked > rules.weekly_limit_minutes - week_done:
        return None
    return worked


def oracle_classify(
    timecards: Iterable[Timecard],
    settings: WorkSettings,
    rules: PremiumRules,
    *,
    period: tuple[dt.date, dt.date] | None = None,
) -> PremiumResult:
    """Classify every worked minute (see the module text for the rules).

    Pass the cards of the days before ``period`` that share its first week (and its 60-hour
    month, when the period does not start on the 起算日): they fill the weekly and monthly
    counters but are not reported. Cards of working days after ``period`` are ignored.
    """
    by_day: dict[dt.date, list[list[Timecard]]] = {}
    for shift in _shifts(timecards):
        by_day.setdefault(settings.working_day(shift[0].start), []).append(shift)

    weekly: dict[dt.date, int] = {}
    monthly: dict[dt.date, int] = {}
    days = []
    for working_day in sorted(by_day):
        if period is not None and working_day > period[1]:
            break
        shifts = by_day[working_day]
        cards = [card for shift in shifts for card in shift]
        overrides = [c.scheduled_minutes for c in cards if c.scheduled_minutes is not None]
        scheduled = overrides[0] if overrides else settings.scheduled_minutes
        if settings.is_rest_day(working_day):
            scheduled = 0
        week = settings.week_of(working_day)
        plain = _plain_day(cards, working_day, scheduled, settings, rules, weekly.get(week, 0))
        if plain is not None:
            weekly[week] = weekly.get(week, 0) + plain
            if period is None or working_day >= period[0]:
                days.append(DayMinutes(working_day, PremiumMinutes(regular=plain)))
            continue
        month = settings.month_of(working_day)
        cells = _Cells({})
        daily = 0
        regular_used = 0
        for card in cards:
            for interval in card.worked_intervals():
                for begin, finish in _pieces(interval, rules):
                    count = (finish - begin) // MINUTE
                    night = _is_night(begin, rules)
                    if settings.is_rest_day(begin.date()):
                        cells.add("rest_day", count, night)
                        continue
                    within_day = max(0, min(count, rules.daily_limit_minutes - daily))
                    daily += count
                    within_week = max(
                        0, min(within_day, rules.weekly_limit_minutes - weekly.get(week, 0))
                    )
                    weekly[week] = weekly.get(week, 0) + within_week
                    regular = max(0, min(within_week, scheduled - regular_used))
                    regular_used += regular
                    cells.add("regular", regular, night)
                    cells.add("within_statutory", within_week - regular, night)
                    overtime = count - within_week
                    done = monthly.get(month, 0)
                    to_60h = max(0, min(overtime, rules.monthly_overtime_tier_minutes - done))
                    monthly[month] = done + overtime
                    cells.add("overtime_to_60h", to_60h, night)
                    cells.add("overtime_over_60h", overtime - to_60h, night)
        if period is None or working_day >= period[0]:
            days.append(DayMinutes(working_day, cells.freeze()))
    total = _sum_minutes(day.minutes for day in days)
    return PremiumResult(minutes=total, days=tuple(days), rules=rules)


# --- the property ----------------------------------------------------------------------------

BASE = dt.datetime(2026, 3, 28)  # a Saturday; the month's 起算日 falls inside the window
CLOCKS = [0, 1, 4 * 60, 5 * 60 - 1, 5 * 60, 5 * 60 + 1, 8 * 60, 12 * 60, 17 * 60,
          22 * 60 - 1, 22 * 60, 22 * 60 + 1, 23 * 60 + 59]  # fmt: skip
"""Minutes of the day the starts and ends gather at: midnight, the night edges, the day change."""


@st.composite
def card(draw: st.DrawFn, start: dt.datetime) -> Timecard:
    length = draw(
        st.one_of(
            st.sampled_from([1, 59, 60, 240, 480, 481, 540, 600, 720, 1439, 1440]),
            st.integers(min_value=1, max_value=26 * 60),
        )
    )
    end = start + length * MINUTE
    kind = draw(st.sampled_from(["none", "minutes", "exact"]))
    if kind == "minutes" and length > 1:
        return Timecard(start, end, break_minutes=draw(st.integers(0, length - 1)))
    if kind == "exact" and length > 2:
        cuts = sorted(draw(st.sets(st.integers(1, length - 1), min_size=2, max_size=4)))
        pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        breaks = tuple((start + a * MINUTE, start + b * MINUTE) for a, b in pairs)
        return Timecard(start, end, breaks=breaks)
    scheduled = draw(st.one_of(st.none(), st.sampled_from([0, 240, 480])))
    return Timecard(start, end, scheduled_minutes=scheduled)


@st.composite
def month_of_cards(draw: st.DrawFn) -> list[Timecard]:
    cards: list[Timecard] = []
    cursor = BASE + draw(st.integers(0, 3 * 1440)) * MINUTE
    for _ in range(draw(st.integers(1, 30))):
        how = draw(st.sampled_from(["touch", "gap", "edge"]))
        if how == "touch":
            gap = 0  # touching cards: one shift
        elif how == "gap":
            gap = draw(st.integers(1, 3 * 1440))
        else:  # later that day or the next at one of the edges
            clock = draw(st.sampled_from(CLOCKS))
            gap = (clock - cursor.hour * 60 - cursor.minute) % 1440
            gap += draw(st.sampled_from([0, 1440]))
        start = cursor + gap * MINUTE
        if cards and draw(st.integers(0, 30)) == 0:
            start = cards[-1].start + (cards[-1].end - cards[-1].start) // 2  # an overlap
            start = start.replace(second=0, microsecond=0)
        made = draw(card(start))
        cards.append(made)
        cursor = max(cursor, made.end)
    return draw(st.permutations(cards))


@st.composite
def work_settings(draw: st.DrawFn) -> WorkSettings:
    rest_dates = draw(
        st.frozensets(st.dates(dt.date(2026, 3, 28), dt.date(2026, 5, 20)), max_size=4)
    )
    change = draw(st.sampled_from([dt.time(5), dt.time(0), dt.time(4, 30), dt.time(6),
                                   dt.time(22), dt.time(5, 0, 30)]))  # fmt: skip
    return WorkSettings(
        rest_day=draw(st.one_of(st.none(), st.integers(0, 6))),
        rest_dates=rest_dates,
        week_start=draw(st.integers(0, 6)),
        day_change=change,
        scheduled_minutes=draw(st.sampled_from([0, 240, 420, 480, 540])),
        month_start_day=draw(st.sampled_from([1, 1, 11, 16, 21, 28])),
    )


def _rules(small: bool, special: bool) -> PremiumRules:
    return rules_on(dt.date(2026, 4, 1), small_enterprise=small, special_workplace=special)


def _outcome(run: object) -> object:
    try:
        return run()  # type: ignore[operator]
    except ValueError as error:
        return ("ValueError", str(error))


@PROPERTY_SETTINGS
@given(
    cards=month_of_cards(),
    work=work_settings(),
    small=st.booleans(),
    special=st.booleans(),
    period=st.one_of(
        st.none(),
        st.tuples(
            st.dates(dt.date(2026, 3, 28), dt.date(2026, 4, 20)),
            st.integers(0, 40),
        ).map(lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))),
    ),
)
def test_classify_equals_the_frozen_classification(
    cards: list[Timecard],
    work: WorkSettings,
    small: bool,
    special: bool,
    period: tuple[dt.date, dt.date] | None,
) -> None:
    rules = _rules(small, special)
    new = _outcome(lambda: classify(cards, work, rules, period=period))
    old = _outcome(lambda: oracle_classify(cards, work, rules, period=period))
    assert new == old


def test_a_dense_grid_of_single_cards_equals_the_frozen_classification() -> None:
    """Every start on the quarter hour of a week, a few lengths and breaks, one card at a
    time and the whole week's cards together (the weekly 40 h and the 60 h month filled)."""
    work = WorkSettings(rest_dates=frozenset({dt.date(2026, 4, 1)}))
    rules = _rules(False, False)
    week = []
    compared = 0
    for offset in range(0, 7 * 1440, 15):
        start = BASE + offset * MINUTE
        for length, pause in ((480, 0), (540, 60), (615, 45), (1000, 0)):
            one = Timecard(start, start + (length + pause) * MINUTE, break_minutes=pause)
            assert classify([one], work, rules) == oracle_classify([one], work, rules)
            compared += 1
        if offset % 1440 == 8 * 60 + 45:
            week.append(Timecard(start, start + 13 * 60 * MINUTE, break_minutes=60))
    assert classify(week, work, rules) == oracle_classify(week, work, rules)
    assert compared == 7 * 96 * 4
