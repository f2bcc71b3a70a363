"""How the audit log names the reports' exports (entity id "list": format, filters, sort)."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

REPORTS = {
    "report_headcount": N_("Headcount report"),
    "report_overtime": N_("Overtime report"),
    "report_residence": N_("Residence card report"),
    "report_conflicts": N_("Conflict date schedule"),
}


def register_labels() -> None:
    for entity_type, label in REPORTS.items():
        registry.add_record_labels(entity_type, RecordLabels(label))
