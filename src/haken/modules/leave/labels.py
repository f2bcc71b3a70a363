"""Labels of the paid-leave ledger, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

LEDGER_FIELDS = {
    "kind": N_("Kind"),
    "unit": N_("Unit"),
    "hours": N_("Hours"),
    "dates": N_("Dates"),
    "request_id": N_("Leave request"),
    "reason": N_("Reason"),
    "grant_date": N_("Grant date"),
    "days": N_("Days granted"),
    "expires_on": N_("Valid until"),
    "table": N_("Grant table"),
    "format": N_("Format"),
    "on": N_("As of"),
}
ACTIONS = {
    "take": N_("Leave taken"),
    "designate": N_("Leave designated"),
    "cancel": N_("Leave cancelled"),
    "grant": N_("Leave granted"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "leave_ledger",
        RecordLabels(N_("Paid leave ledger"), LEDGER_FIELDS, href="/employees/{id}"),
    )
    registry.add_action_labels(ACTIONS)
