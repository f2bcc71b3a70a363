"""``haken calc premiums``: one week of a worker's timecards, classified by hand from the law.

The week of Sunday 2026-04-05 (the statutory rest day is Sunday, weeks start on Sunday, day
change 05:00, 480 scheduled minutes, the 60-hour month is April):

* Mon 4/6 09:00–18:00, 60 min break: 480 worked → regular 480.
* Tue 4/7 13:00–23:00, 60 min break (placed mid-span, 17:30–18:30): 540 worked; the 8th hour
  ends at 22:00, so 22:00–23:00 is overtime and night → regular 480, overtime 60 (night).
* Wed 4/8 22:00–07:00, 60 min break (mid-span: 02:00–03:00): 480 worked → regular 480;
  night 22:00–02:00 + 03:00–05:00 = 360.
* Thu 4/9, Fri 4/10 09:00–18:00, 60 min break: regular 480 each. The week has now counted
  5 × 480 = 2,400 min (40 h).
* Sat 4/11 (a day off, not the statutory rest day) 09:00–24:00, 60 min break: 840 worked,
  all past 40 h in the week → overtime 840, of which 22:00–24:00 night = 120.
* Sun 4/12 (statutory rest day) 20:00–02:00: Sunday 20:00–24:00 is rest-day work (240; night
  22:00–24:00 = 120); Monday 00:00–02:00 is no longer rest-day work (平6.5.31 基発331号):
  ordinary time of Sunday's shift, a day with nothing scheduled, in the new week → 法内残業
  120, all night.
* Mon 4/13 04:00–06:00: starts before the 05:00 day change, so it is Sunday's working day
  too: 120 more 法内残業 (Sunday's daily count is 240 of 480), night 04:00–05:00 = 60.

Totals: regular 5 × 480 = 2,400; 法内残業 120 + 120 = 240; overtime 60 + 840 = 900 (none past
60 h); night 60 + 360 + 120 + 120 + 120 + 60 = 840; overtime at night 60 + 120 = 180;
rest day 240, of which at night 120. Check: 2,400 + 240 + 900 + 240 = 3,780 = every minute
worked (480 + 540 + 480 × 3 + 840 + 360 + 120).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from haken import cli

WEEK = """date,start,end,break_minutes
2026-04-06,09:00,18:00,60
2026-04-07,13:00,23:00,60
2026-04-08,22:00,07:00,60
2026-04-09,09:00,18:00,60
2026-04-10,09:00,18:00,60
2026-04-11,09:00,24:00,60
2026-04-12,20:00,02:00,0
2026-04-13,04:00,06:00,0
"""


@pytest.fixture
def week_csv(tmp_path: Path) -> Path:
    path = tmp_path / "timecards.csv"
    path.write_text(WEEK, encoding="utf-8")
    return path


def run(*args: str) -> dict[str, dict[str, float]]:
    result = CliRunner().invoke(cli.app, ["calc", "premiums", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_week_by_hand(week_csv: Path) -> None:
    output = run("--file", str(week_csv), "--rest-day", "sunday")
    assert output["minutes"] == {
        "regular": 2400,
        "within_statutory_overtime": 240,
        "overtime": 900,
        "overtime_over_60h": 0,
        "night": 840,
        "overtime_night": 180,
        "rest_day": 240,
        "rest_day_night": 120,
    }
    # LSA 37, 労基則20条: 25 %, 50 % past 60 h, 35 % rest day, 25 % night, overlaps added.
    assert output["multipliers"]["overtime"] == 1.25
    assert output["multipliers"]["overtime_over_60h"] == 1.5
    assert output["multipliers"]["rest_day"] == 1.35
    assert output["multipliers"]["overtime_night"] == 1.5
    assert output["multipliers"]["overtime_over_60h_night"] == 1.75
    assert output["multipliers"]["rest_day_night"] == 1.6


def test_scheduled_minutes_option(week_csv: Path) -> None:
    # 420 scheduled minutes: each weekday's 8th hour becomes 法内残業 (5 × 60 more); Tuesday's
    # 9th hour is still statutory overtime; nothing else changes.
    output = run("--file", str(week_csv), "--rest-day", "sunday", "--scheduled-minutes", "420")
    assert output["minutes"]["regular"] == 2100
    assert output["minutes"]["within_statutory_overtime"] == 540
    assert output["minutes"]["overtime"] == 900


def test_day_change_option(week_csv: Path) -> None:
    # With the day change at 00:00, Monday 4/13 04:00–06:00 is Monday's own working day (480
    # scheduled): regular 120 instead of 法内残業. Sunday's shift still starts on Sunday.
    output = run("--file", str(week_csv), "--rest-day", "sunday", "--day-change", "00:00")
    assert output["minutes"]["regular"] == 2520
    assert output["minutes"]["within_statutory_overtime"] == 120


def test_week_start_and_rest_day_options(week_csv: Path) -> None:
    # Statutory rest day Saturday, weeks from Monday (4/6–4/12): Saturday's 840 minutes are
    # rest-day work (22:00–24:00 at night), and Sunday 4/12 is an ordinary day off in the same
    # week, whose 40 h were reached on Friday: Sunday 20:00–24:00 is overtime (22–24 night).
    # Monday 4/13 00:00–02:00 and 04:00–06:00 belong to Sunday's working day: overtime too,
    # all at night except 05:00–06:00. Overtime 60 (Tue) + 240 + 120 + 120 = 540.
    output = run("--file", str(week_csv), "--rest-day", "saturday", "--week-start", "monday")
    assert output["minutes"] == {
        "regular": 2400,
        "within_statutory_overtime": 0,
        "overtime": 540,
        "overtime_over_60h": 0,
        "night": 840,
        "overtime_night": 60 + 120 + 120 + 60,
        "rest_day": 840,
        "rest_day_night": 120,
    }


def test_bad_csv_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,start,end,break_minutes\n2026-04-06,9 o'clock,18:00,60\n", "utf-8")
    result = CliRunner().invoke(
        cli.app, ["calc", "premiums", "--file", str(path), "--rest-day", "sunday"]
    )
    assert result.exit_code == 2
    assert "line 2" in result.output
    result = CliRunner().invoke(
        cli.app, ["calc", "premiums", "--file", str(path), "--rest-day", "someday"]
    )
    assert result.exit_code == 2
    assert "day of the week" in result.output
