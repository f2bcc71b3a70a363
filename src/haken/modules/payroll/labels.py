"""Labels of payroll: payslip lines, and the audited records (runs, pay settings,
adjustments) for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

LINE_LABELS = {
    "bonus": N_("Bonus"),
    "base_salary": N_("Monthly salary"),
    "absence": N_("Absence deduction"),
    "leave_unpaid": N_("Deduction for days of statutory leave or closure"),
    "shutdown_allowance": N_("Shutdown allowance (employer's reasons)"),
    "paid_leave": N_("Paid leave pay"),
    "regular": N_("Hours worked"),
    "regular_night": N_("Late-night hours"),
    "within_statutory_overtime": N_("Overtime within the statutory hours"),
    "within_statutory_overtime_night": N_("Overtime within the statutory hours, late night"),
    "overtime": N_("Overtime"),
    "overtime_night": N_("Overtime, late night"),
    "overtime_over_60h": N_("Overtime beyond 60 hours"),
    "overtime_over_60h_night": N_("Overtime beyond 60 hours, late night"),
    "rest_day": N_("Statutory rest-day work"),
    "rest_day_night": N_("Statutory rest-day work, late night"),
    "allowance": N_("Allowances"),
    "commuting": N_("Commuting allowance"),
    "adjustment": N_("Adjustment"),
    "health": N_("Health insurance"),
    "nursing": N_("Nursing-care insurance"),
    "child_support": N_("Child-support contribution"),
    "pension": N_("Pension insurance"),
    "employment_insurance": N_("Employment insurance"),
    "income_tax": N_("Income tax withheld"),
    "resident_tax": N_("Resident tax"),
    "housing": N_("Agency housing"),
    "other": N_("Other deductions"),
}
RUN_FIELDS = {
    "period_start": N_("Period start"),
    "period_end": N_("Period end"),
    "pay_date": N_("Pay date"),
    "state": N_("State"),
    "attempt": N_("Run number"),
    # a download of the salary transfer file (action transfer_file)
    "count": N_("Transfers"),
    "total": N_("Total amount"),
    "sha256": N_("File fingerprint (SHA-256)"),
}
PROFILE_FIELDS = {
    "pay_type": N_("Pay type"),
    "monthly_salary": N_("Monthly salary"),
    "average_monthly_minutes": N_("Average monthly scheduled minutes"),
    "scheduled_days": N_("Scheduled days a month"),
    "allowance": N_("Allowances"),
    "commuting": N_("Commuting allowance"),
    "standard_remuneration": N_("Standard monthly remuneration"),
    "social_insured": N_("Social insurance"),
    "employment_insured": N_("Employment insurance"),
    "resident_tax": N_("Resident tax June–May"),
    "other_deductions": N_("Other deductions"),
    "payslip_e_delivery_consent": N_("Consent to electronic payslips"),
    "payslip_e_delivery_consent_on": N_("Consent given on"),
    "insured_kind": N_("Payment base days rule"),
}
GRADE_FIELDS = {
    "employee_id": N_("Employee"),
    "effective_from": N_("First premium month"),
    "kind": N_("Decided by"),
    "health_grade": N_("Health insurance grade"),
    "health_standard": N_("Standard monthly remuneration"),
    "pension_grade": N_("Pension grade"),
    "pension_standard": N_("Pension standard monthly remuneration"),
    "average": N_("Average monthly remuneration"),
    "months": N_("Months used"),
    "method": N_("Averaging method"),
    "consent": N_("Annual average consented"),
    "retroactive_excluded": N_("Retroactive pay left out"),
    "basis": N_("How it was decided"),
}
ADJUSTMENT_FIELDS = {
    "id": N_("Number"),
    "employee_id": N_("Employee"),
    "period_start": N_("Period start"),
    "amount": N_("Amount"),
    "reason": N_("Reason"),
    "source_payslip_id": N_("Corrected payslip"),
}
BONUS_FIELDS = {
    "pay_date": N_("Pay date"),
    "title": N_("Name of the payment"),
    "state": N_("State"),
    "entries": N_("Employees, amounts and withholding rates"),
    "total": N_("Total amount"),
    # a download of the bonus transfer file (action transfer_file)
    "count": N_("Transfers"),
    "sha256": N_("File fingerprint (SHA-256)"),
}
PDF_EXPORT_FIELDS = {
    "run_id": N_("Payroll run"),
    "bonus_id": N_("Bonus payment"),
    "total": N_("Payslips"),
}
ACTIONS = {
    "run": N_("Payroll run"),
    "transfer_file": N_("Transfer file downloaded"),
    "calculate": N_("Calculated"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "payroll_run", RecordLabels(N_("Payroll run"), RUN_FIELDS, href="/payroll/runs/{id}")
    )
    registry.add_record_labels(
        "payroll_profile",
        RecordLabels(N_("Pay settings"), PROFILE_FIELDS, href="/employees/{id}"),
    )
    registry.add_record_labels(
        "payroll_adjustment", RecordLabels(N_("Payroll adjustment"), ADJUSTMENT_FIELDS)
    )
    registry.add_record_labels(
        "payroll_grade", RecordLabels(N_("Standard monthly remuneration"), GRADE_FIELDS)
    )
    registry.add_record_labels(
        "payroll_bonus",
        RecordLabels(N_("Bonus payment"), BONUS_FIELDS, href="/payroll/bonuses/{id}"),
    )
    registry.add_record_labels(
        "payroll_pdf_export",
        RecordLabels(
            N_("Payslips as one PDF"), PDF_EXPORT_FIELDS, href="/payroll/pdf-exports/{id}"
        ),
    )
    registry.add_action_labels(ACTIONS)
