"""Labels of contracts and assignments (their forms' labels), for the audit log."""

from __future__ import annotations

from haken.modules.assignments.service import assignments_service
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

# Names copied into contracts and assignments at signing.
_COPIED = {
    "client_name": N_("Client"),
    "site_name": N_("Site"),
    "unit_name": N_("Unit"),
    "contract_number": N_("Contract number"),
}
CONTRACT_FIELDS = {
    **_COPIED,
    "period_start": N_("From"),
    "period_end": N_("To"),
    "working_days": N_("Working days"),
    "start_time": N_("Start time"),
    "end_time": N_("End time"),
    "break_minutes": N_("Break (minutes)"),
    "headcount": N_("Headcount"),
    "default_hourly_bill": N_("Default bill rate (yen an hour)"),
    "work_content": N_("Work content"),
    "work_place": N_("Place of work"),
    "responsibility_level": N_("Degree of responsibility"),
    "supervisor_name": N_("Supervisor (指揮命令者)"),
    "supervisor_title": N_("Supervisor's title"),
    "supervisor_department": N_("Supervisor's department"),
    "agency_manager_name": N_("Agency manager (派遣元責任者)"),
    "office_id": N_("Agency office"),
    "client_manager_name": N_("Client manager (派遣先責任者)"),
    "overtime_hours_per_day": N_("Overtime limit a day (hours)"),
    "overtime_hours_per_month": N_("Overtime limit a month (hours)"),
    "overtime_hours_per_year": N_("Overtime limit a year (hours)"),
    "billing_cutoff_day": N_("Billing cut-off day"),
    "billing_cutoff_from": N_("Billing cut-off applies from"),
    "limited_to_agreement_workers": N_("Limited to workers under the labour-management agreement"),
    "limited_to_exempt_workers": N_("Limited to indefinite or 60+ workers"),
    "work_exemption": N_("Exemption from the period limit"),
    "exemption_note": N_("Note on the exemption"),
}
ASSIGNMENT_FIELDS = {
    **_COPIED,
    "contract_id": N_("Contract"),
    "start_date": N_("From"),
    "end_date": N_("Last day worked"),
    "end_reason": N_("Reason"),
    "work_exemption": N_("Exemption from the period limit"),
    "exemption_note": N_("Note on the exemption"),
    "exemption": N_("Exemption from the period limit"),
    "site_conflict_date": N_("Site conflict date"),
    "individual_conflict_date": N_("Individual conflict date"),
    "conflict_date": N_("Conflict date (抵触日)"),
    "conflict_kind": N_("Which limit binds"),
    "weekly_hours_limit": N_("Weekly hours limit"),
    "vacation_daily_hours_limit": N_("Daily hours limit in school holidays"),
    "permit_document_check": N_("Work permit document checked"),
    "supervised_dispatch_type": N_("Dispatch type checked"),
    "student_enrolled": N_("Enrolled student"),
    "work_matches_status": N_("Work matches the residence status"),
    "designation_permits_work": N_("Designation permits the work"),
    "agency_qualified_for_field": N_("Agency qualified for the field"),
    "allow_negative_margin": N_("Pay above the bill rate allowed"),
    "override_reason": N_("Reason for overriding the warning"),
    "rate_id": N_("Rate"),
    "rate_effective_from": N_("Effective from"),
    "rate_hourly_pay": N_("Hourly pay (時給, yen)"),
    "rate_hourly_bill": N_("Hourly bill (請求単価, yen)"),
    "rate_overtime_pay_pct": N_("Overtime pay"),
    "rate_late_night_pay_pct": N_("Late-night pay"),
    "rate_holiday_pay_pct": N_("Holiday pay"),
    "rate_overtime_bill_pct": N_("Overtime bill"),
    "rate_late_night_bill_pct": N_("Late-night bill"),
    "rate_holiday_bill_pct": N_("Holiday bill"),
}

PRIOR_PERIOD_FIELDS = {
    "start_date": N_("From"),
    "end_date": N_("To"),
    "source": N_("Declared by"),
    "source_note": N_("Agency or document"),
    "entered_by": N_("Entered by"),
    "confirmed_by": N_("Confirmed by"),
    "confirmed_at": N_("Confirmed at"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "dispatch_contract",
        RecordLabels(
            N_("Contract"),
            CONTRACT_FIELDS,
            "/contracts/{id}",
            names=assignments_service.contract_numbers,
        ),
    )
    registry.add_record_labels("assignment", RecordLabels(N_("Assignment"), ASSIGNMENT_FIELDS))
    registry.add_record_labels(
        "prior_dispatch_period",
        RecordLabels(N_("Period through another agency"), PRIOR_PERIOD_FIELDS),
    )
