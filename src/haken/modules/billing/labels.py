"""Labels of the billing area, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

INVOICE_FIELDS = {
    "state": N_("State"),
    "number": N_("Invoice number"),
    "issue_date": N_("Issue date"),
    "total": N_("Total"),
    "paid_amount": N_("Amount received"),
    "void_reason": N_("Reason for voiding"),
}
ACTIONS = {
    "issue": N_("Invoice issued"),
    "void": N_("Invoice voided"),
    "credit_note": N_("Credit note issued"),
    "payment": N_("Payment recorded"),
}


def register_labels() -> None:
    registry.add_record_labels("invoice", RecordLabels(N_("Invoice"), INVOICE_FIELDS))
    registry.add_record_labels("bill_rate", RecordLabels(N_("Bill rate"), {}))
    registry.add_record_labels("bill_fixed_item", RecordLabels(N_("Fixed billing item"), {}))
    registry.add_record_labels("bill_client", RecordLabels(N_("Client billing settings"), {}))
    registry.add_action_labels(ACTIONS)
