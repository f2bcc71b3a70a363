"""Labels of an office (its form's labels), for the audit log."""

from __future__ import annotations

from haken.modules.offices.service import offices_service
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

OFFICE_FIELDS = {
    "id": N_("Office"),
    "name": N_("Office name"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "manager_name": N_("Agency manager (派遣元責任者)"),
    "is_default": N_("Default office"),
    "archived": N_("Archived"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "office",
        RecordLabels(
            N_("Agency office"),
            OFFICE_FIELDS,
            "/admin/offices/{id}/edit",
            names=offices_service.office_names,
        ),
    )
