"""Labels of generated documents, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

DOCUMENT_FIELDS = {
    "kind": N_("Document"),
    "version": N_("Version"),
    "content_hash": N_("Content fingerprint (SHA-256)"),
    "format": N_("Format"),
}
LEDGER_ENTRY_FIELDS = {
    "kind": N_("Ledger entry"),
    "occurred_on": N_("Date"),
    "measure": N_("Employment-stability measure"),
}
FOREIGN_REPORT_FIELDS = {
    "format": N_("Format"),
    "month": N_("Month"),
    "rows": N_("Rows"),
}
ANNUAL_REPORT_FIELDS = {
    "format": N_("Format"),
    "year": N_("Business year"),
    "kind": N_("Document"),
    "office_id": N_("Agency office"),
}
BULK_FIELDS = {
    "kind": N_("Document"),
    "client_id": N_("Client"),
    "total": N_("Documents planned"),
}
ACTIONS = {"download": N_("Downloaded")}


def register_labels() -> None:
    registry.add_record_labels("document", RecordLabels(N_("Generated document"), DOCUMENT_FIELDS))
    registry.add_record_labels(
        "ledger_entry", RecordLabels(N_("Agency ledger entry"), LEDGER_ENTRY_FIELDS)
    )
    registry.add_record_labels(
        "foreign_worker_report",
        RecordLabels(N_("Foreign worker reports"), FOREIGN_REPORT_FIELDS),
    )
    registry.add_record_labels(
        "annual_report", RecordLabels(N_("Annual business report"), ANNUAL_REPORT_FIELDS)
    )
    registry.add_record_labels("document_bulk", RecordLabels(N_("Bulk generation"), BULK_FIELDS))
    registry.add_action_labels(ACTIONS)
