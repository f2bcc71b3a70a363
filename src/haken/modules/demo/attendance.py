"""Demo attendance: site shifts, timecards of every running assignment (the first
``MAX_WORKERS``) for the two closed payroll periods before today's and today's open one,
the two periods closed and their ledger computed (the same rules as the attendance
service: ``ledger_values`` and ``classify_period``),
all as rows for the generator's batched INSERTs.

What the data shows: day shifts (日勤) everywhere, night shifts (夜勤) at every third site,
overtime on about a quarter of the days, some Sunday (法定休日) work, paid leave and
absences, one worker on 育児休業, two days closed for the agency's reasons (休業手当) and
a day of 労災 leave in the last closed period; in the open period, approved days, the last
two days submitted (pending) and a few rejected with a comment; 留学 students (28 h a
week) on four 6 h 45 min evenings a week, 27 h, close to their limit.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from haken.labor import closing
from haken.modules.attendance.models import Timecard
from haken.modules.attendance.service import classify_period, ledger_values, week_before

ZONE_NAME = "Asia/Tokyo"
ZONE = ZoneInfo(ZONE_NAME)
DAY_CHANGE = dt.time(5, 0)
DAY = ("日勤", dt.time(8, 30), dt.time(17, 30), 60)
NIGHT = ("夜勤", dt.time(20, 30), dt.time(5, 30), 60)
STUDENT = (dt.time(16, 30), dt.time(0, 0), 45)  # 6 h 45 min, four days a week: 27 h
STUDENT_DAYS = frozenset({0, 1, 3, 4})
ATTENDANCE_TABLES = (
    "attendance_shift_patterns", "attendance_timecards", "attendance_periods", "attendance_ledger",
)  # fmt: skip
"""Tables with an ``id`` the generator numbers (site settings are keyed by the site)."""
MAX_WORKERS = 200
"""Running assignments given timecards (the first by id): every one at the demo's sizes;
the benchmark's 20,000 employees would otherwise spend minutes classifying."""
REJECTIONS = ("終了時刻を確認してください", "休憩時間が記録と異なります", "シフトが違います")


def _utc(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    begin = dt.datetime.combine(day, start, ZONE)
    finish = dt.datetime.combine(day, end, ZONE)
    if finish <= begin:
        finish += dt.timedelta(days=1)
    return begin.astimezone(dt.UTC), finish.astimezone(dt.UTC)


def periods(today: dt.date, cutoff_day: int) -> list[closing.ClosingPeriod]:
    """The two closed payroll periods before today's and today's (open) one."""
    current = closing.period_containing(today, cutoff_day)
    last = closing.period_containing(current.start - dt.timedelta(days=1), cutoff_day)
    before = closing.period_containing(last.start - dt.timedelta(days=1), cutoff_day)
    return [before, last, current]


class AttendanceRows:
    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        now: dt.datetime,
        cutoff_day: int,
        take: Callable[[str], int],
    ) -> None:
        self.rng, self.today, self.now, self.take = rng, today, now, take
        self.periods = periods(today, cutoff_day)
        self.settings: list[dict[str, Any]] = []
        self.shifts: list[dict[str, Any]] = []
        self.timecards: list[dict[str, Any]] = []
        self.closed: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Rows per table, parents first."""
        return {
            "attendance_site_settings": self.settings,
            "attendance_shift_patterns": self.shifts,
            "attendance_timecards": self.timecards,
            "attendance_periods": self.closed,
            "attendance_ledger": self.ledger,
        }

    def build(self, sites: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> None:
        stamp = {"created_at": self.now, "updated_at": self.now, "version": 1}
        night_sites = set()
        for index, site in enumerate(sites):
            self.settings.append(
                {"site_id": site["id"], "timezone": ZONE_NAME, "day_change": DAY_CHANGE, **stamp}
            )
            patterns = [DAY] + ([NIGHT] if index % 3 == 0 else [])
            for code, start, end, pause in patterns:
                self.shifts.append({
                    "id": self.take("attendance_shift_patterns"), "site_id": site["id"],
                    "code": code, "start_time": start, "end_time": end,
                    "break_minutes": pause, "is_default": code == DAY[0],
                })  # fmt: skip
            if index % 3 == 0:
                night_sites.add(site["id"])
        first, last = self.periods[0].start, self.today - dt.timedelta(days=1)
        running = [
            row
            for row in assignments
            if row["status"] == "active" and row["start_date"] <= self.today <= row["end_date"]
        ]
        for row in sorted(running, key=lambda r: int(r["id"]))[:MAX_WORKERS]:
            shift = NIGHT if row["site_id"] in night_sites and self.rng.random() < 0.4 else DAY
            day = max(first, row["start_date"])
            while day <= last:
                card = self._card(row, day, shift, stamp)
                if card is not None:
                    self.timecards.append(card)
                day += dt.timedelta(days=1)
        for period in self.periods[:2]:
            self.closed.append({
                "id": self.take("attendance_periods"), "kind": "payroll", "subject_id": 0,
                "period_start": period.start, "period_end": period.end, "state": "closed",
                "closed_at": self.now, "closed_by": None, "reopened_at": None,
                "reopened_by": None, "reopen_reason": None, **stamp,
            })  # fmt: skip
        self._billing_closed(stamp)
        self._leave_and_closure(running)
        self._ledger()

    def _leave_and_closure(self, running: list[dict[str, Any]]) -> None:
        """In the last closed period: the first worker (not a student) on 育児休業 from the
        period's middle on, the second off two days closed for the agency's reasons
        (休業手当 on the payslip), the third one day of 労災 leave."""
        workers = [
            int(r["employee_id"])
            for r in sorted(running, key=lambda r: int(r["id"]))[:MAX_WORKERS]
            if r["weekly_hours_limit"] is None
        ][:3]
        period = self.periods[1]
        middle = period.start + dt.timedelta(days=14)
        taken: dict[int, int] = defaultdict(int)
        for card in self.timecards:
            day, who = card["work_date"], int(card["employee_id"])
            if who not in workers or day not in period or day.weekday() >= 5:
                continue
            index = workers.index(who)
            if index == 0 and day >= middle:
                marker = "childcare"
            elif index == 1 and taken[who] < 2:
                marker = "employer_closure"
            elif index == 2 and taken[who] < 1:
                marker = "work_injury"
            else:
                continue
            taken[who] += 1
            card.update(
                marker=marker, shift_code=None, start_at=None, end_at=None, break_minutes=0,
                note="デモ: 休業" if marker != "childcare" else "デモ: 育児休業",
            )  # fmt: skip

    def _billing_closed(self, stamp: dict[str, Any]) -> None:
        """The oldest closed month's billing period (the demo contracts' cut-off: month end) of
        every contract with cards in it, closed; the first contract's reopened with a reason,
        so the billing periods page shows both states."""
        billing = periods(self.today, 0)[0]
        contracts = sorted(
            {int(c["contract_id"]) for c in self.timecards if c["work_date"] in billing}
        )
        for index, contract_id in enumerate(contracts):
            reopened = index == 0
            self.closed.append({
                "id": self.take("attendance_periods"), "kind": "billing",
                "subject_id": contract_id, "period_start": billing.start,
                "period_end": billing.end, "state": "open" if reopened else "closed",
                "closed_at": self.now, "closed_by": None,
                "reopened_at": self.now if reopened else None, "reopened_by": None,
                "reopen_reason": "請求書の作業時間の訂正" if reopened else None, **stamp,
            })  # fmt: skip

    def _card(
        self, row: dict[str, Any], day: dt.date, shift: tuple[Any, ...], stamp: dict[str, Any]
    ) -> dict[str, Any] | None:
        rng, weekday = self.rng, day.weekday()
        code: str | None
        marker = "none"
        if row["weekly_hours_limit"] is not None:  # 資格外活動: four evenings a week
            if weekday not in STUDENT_DAYS:
                return None
            code, (start, end, pause) = None, STUDENT
        else:
            if weekday == 5 or (weekday == 6 and rng.random() > 0.08):
                return None  # Saturday off; Sunday (法定休日) work now and then
            code, start, end, pause = shift
            draw = rng.random()
            if weekday < 5 and draw < 0.03:
                marker = "paid_leave"
            elif weekday < 5 and draw < 0.05:
                marker = "absence"
            elif draw < 0.3:  # overtime: 30 min to 2 h 30 min
                extra = dt.datetime.combine(day, end) + dt.timedelta(minutes=30 * rng.randint(1, 5))
                end = extra.time()
        state, comment, submitted, approved = "locked", None, self.now, self.now
        if day >= self.periods[2].start:
            state = "approved"
            if day >= self.today - dt.timedelta(days=2):
                state, approved = "submitted", None
            elif rng.random() < 0.03:
                state, comment, submitted, approved = "draft", rng.choice(REJECTIONS), None, None
        start_at = end_at = None
        if marker == "none":
            start_at, end_at = _utc(day, start, end)
        return {
            "id": self.take("attendance_timecards"), "employee_id": row["employee_id"],
            "assignment_id": row["id"], "contract_id": row["contract_id"],
            "site_id": row["site_id"], "work_date": day,
            "shift_code": code if marker == "none" else None, "start_at": start_at,
            "end_at": end_at, "timezone": ZONE_NAME,
            "break_minutes": pause if marker == "none" else 0, "marker": marker, "note": "",
            "state": state, "rejected_comment": comment,
            "source": "portal" if rng.random() < 0.5 else "manual", "import_file_id": None,
            "submitted_at": submitted, "approved_at": approved, "approved_by": None,
            "hours_warnings": None, "warned": False, **stamp,
        }  # fmt: skip

    def _ledger(self) -> None:
        """One payroll row per worker and one billing row per contract (cut-off: month end,
        the demo contracts' default) for each period with counted cards."""
        by_worker: dict[int, list[Timecard]] = defaultdict(list)
        by_contract: dict[int, list[Timecard]] = defaultdict(list)
        for card in self.timecards:
            if card["state"] in ("approved", "locked"):
                row = Timecard(**card)
                by_worker[row.employee_id].append(row)
                by_contract[row.contract_id].append(row)
        for period in self.periods:
            first = week_before(period)
            for employee_id, cards in by_worker.items():
                self._entry(
                    "payroll", employee_id, period, [c for c in cards if c.work_date >= first]
                )
            for contract_id, cards in by_contract.items():
                workers: dict[int, list[Timecard]] = defaultdict(list)
                for c in cards:
                    if first <= c.work_date <= period.end:
                        workers[c.employee_id].append(c)
                chosen = [c for rows in workers.values() for c in rows]
                if not any(c.work_date in period for c in chosen):
                    continue
                total = sum(
                    (classify_period(rows, period, DAY_CHANGE) for rows in workers.values()),
                    start=classify_period([], period, DAY_CHANGE),
                )
                self.ledger.append({
                    "id": self.take("attendance_ledger"), "kind": "billing",
                    "subject_id": contract_id, "period_start": period.start,
                    "period_end": period.end, **ledger_values(total, chosen, period),
                })  # fmt: skip

    def _entry(
        self, kind: str, subject: int, period: closing.ClosingPeriod, cards: list[Timecard]
    ) -> None:
        cards = [c for c in cards if c.work_date <= period.end]
        if not any(c.work_date in period for c in cards):
            return
        minutes = classify_period(cards, period, DAY_CHANGE)
        self.ledger.append({
            "id": self.take("attendance_ledger"), "kind": kind, "subject_id": subject,
            "period_start": period.start, "period_end": period.end,
            **ledger_values(minutes, cards, period),
        })  # fmt: skip
