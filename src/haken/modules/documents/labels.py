"""Labels of generated documents, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

DOCUMENT_FIELDS = {
    "kind": N_("Document"),
    "version": N_("Version"),
    "content_hash": N_("Content fingerprint (SHA-256)"),
}
ACTIONS = {"download": N_("Downloaded")}


def register_labels() -> None:
    registry.add_record_labels("document", RecordLabels(N_("Generated document"), DOCUMENT_FIELDS))
    registry.add_action_labels(ACTIONS)
