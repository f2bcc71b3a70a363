"""Labels of timecards, periods, 36協定 limits and site settings, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

TIMECARD_FIELDS = {
    "employee_id": N_("Employee"),
    "assignment_id": N_("Placement"),
    "work_date": N_("Work date"),
    "shift_code": N_("Shift"),
    "start_at": N_("Start"),
    "end_at": N_("End"),
    "break_minutes": N_("Break (minutes)"),
    "marker": N_("Leave or absence"),
    "note": N_("Note"),
    "state": N_("State"),
    "rejected_comment": N_("Reason for sending back"),
}
PERIOD_FIELDS = {
    "kind": N_("Period type"),
    "subject_id": N_("Contract"),
    "period_start": N_("From"),
    "period_end": N_("To"),
    "state": N_("State"),
    "reopen_reason": N_("Reason for reopening"),
}
AGREEMENT_FIELDS = {
    "site_id": N_("Site"),
    "period_start": N_("Agreement year starts"),
    "monthly_limit_minutes": N_("Overtime limit a month (minutes)"),
    "yearly_limit_minutes": N_("Overtime limit a year (minutes)"),
    "variable_hours_1y": N_("One-year variable working hours"),
    "special_clause": N_("Special clause"),
    "special_monthly_limit_minutes": N_("Special clause: limit a month (minutes)"),
    "special_yearly_limit_minutes": N_("Special clause: limit a year (minutes)"),
    "special_months_max": N_("Special clause: months a year"),
}
SITE_FIELDS = {
    "timezone": N_("Time zone"),
    "day_change": N_("Day change (business day starts)"),
    "shifts": N_("Shifts"),
}
ACTIONS = {
    "submit": N_("Submitted"),
    "approve": N_("Approved"),
    "reject": N_("Sent back"),
    "close": N_("Period closed"),
    "reopen": N_("Period reopened"),
}


def register_labels() -> None:
    registry.add_record_labels("timecard", RecordLabels(N_("Timecard"), TIMECARD_FIELDS))
    registry.add_record_labels(
        "attendance_period", RecordLabels(N_("Attendance period"), PERIOD_FIELDS)
    )
    registry.add_record_labels(
        "overtime_agreement", RecordLabels(N_("36 agreement limits"), AGREEMENT_FIELDS)
    )
    registry.add_record_labels(
        "attendance_site", RecordLabels(N_("Site attendance settings"), SITE_FIELDS)
    )
    registry.add_action_labels(ACTIONS)
