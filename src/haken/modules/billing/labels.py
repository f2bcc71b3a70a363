"""Labels of the billing area, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

INVOICE_FIELDS = {
    "kind": N_("Kind"),
    "client_id": N_("Client"),
    "client_name": N_("Client name"),
    "cutoff_day": N_("Cut-off day"),
    "period_start": N_("Period start"),
    "period_end": N_("Period end"),
    "state": N_("State"),
    "number": N_("Invoice number"),
    "issue_date": N_("Issue date"),
    "layout": N_("Layout"),
    "registration_number": N_("Registration number"),
    "tax_rounding": N_("Tax rounding"),
    "subtotal": N_("Subtotal"),
    "taxable_10": N_("Taxable at 10%"),
    "tax_10": N_("Tax at 10%"),
    "taxable_8": N_("Taxable at 8%"),
    "tax_8": N_("Tax at 8%"),
    "total": N_("Total"),
    "paid_amount": N_("Amount received"),
    "paid_on": N_("Received on"),
    "credits_invoice_id": N_("Credited invoice"),
    "replaces_invoice_id": N_("Replaced invoice"),
    "void_reason": N_("Reason for voiding"),
    "issued_at": N_("Issued at"),
    "issued_by": N_("Issued by"),
    "voided_at": N_("Voided at"),
    "voided_by": N_("Voided by"),
    "amount": N_("Amount"),
    "received_on": N_("Received on"),
    "lines": N_("Lines"),
}
RATE_FIELDS = {
    "contract_id": N_("Contract"),
    "assignment_id": N_("Placement"),
    "effective_from": N_("Effective from"),
    "base_rate": N_("Base bill rate"),
    "bands": N_("Time-band rates"),
    "rounding_unit": N_("Rounding step (minutes)"),
    "rounding_mode": N_("Rounding"),
    "created_at": N_("Created at"),
    "created_by": N_("Created by"),
}
FIXED_ITEM_FIELDS = {
    "contract_id": N_("Contract"),
    "kind": N_("Kind"),
    "label": N_("Label"),
    "amount": N_("Amount"),
    "effective_from": N_("Effective from"),
    "effective_to": N_("Effective to"),
    "tax_rate": N_("Tax rate"),
    "created_at": N_("Created at"),
}
CLIENT_FIELDS = {
    "client_id": N_("Client"),
    "layout": N_("Layout"),
    "coordinator_user_id": N_("Coordinator"),
    "cutoff_day": N_("Closing day"),
    "cutoff_from": N_("Closing day applies from"),
    "tax_rounding": N_("Tax rounding"),
}
BATCH_FIELDS = {
    "month": N_("Billing month"),
    "client_filter": N_("Clients"),
    "status": N_("Status"),
    "total": N_("Clients to invoice"),
    "attempt": N_("Attempt"),
}
ACTIONS = {
    "issue": N_("Invoice issued"),
    "void": N_("Invoice voided"),
    "credit_note": N_("Credit note issued"),
    "payment": N_("Payment recorded"),
    "draft_month": N_("Invoicing of the month started"),
    "resume_month": N_("Invoicing of the month resumed"),
}


def register_labels() -> None:
    registry.add_record_labels("invoice", RecordLabels(N_("Invoice"), INVOICE_FIELDS))
    registry.add_record_labels("bill_rate", RecordLabels(N_("Bill rate"), RATE_FIELDS))
    registry.add_record_labels(
        "bill_fixed_item", RecordLabels(N_("Fixed billing item"), FIXED_ITEM_FIELDS)
    )
    registry.add_record_labels(
        "bill_client", RecordLabels(N_("Client billing settings"), CLIENT_FIELDS)
    )
    registry.add_record_labels(
        "billing_batch", RecordLabels(N_("Invoicing of a month"), BATCH_FIELDS)
    )
    # An export of the margin report is audited (entity id "list": format, filters, sort).
    registry.add_record_labels("billing_margin", RecordLabels(N_("Margin report")))
    registry.add_action_labels(ACTIONS)
