"""Labels of clients, sites, units and contacts (their forms' labels), for the audit log."""

from __future__ import annotations

from haken.modules.clients.service import clients_service
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

CLIENT_FIELDS = {
    "name": N_("Company name"),
    "name_kana": N_("Company name in kana"),
    "entity_kind": N_("Kind"),
    "corporate_number": N_("Corporate number"),
    "invoice_registration_number": N_("Invoice registration number"),
}
SITE_FIELDS = {
    "name": N_("Site name"),
    "dispatch_started_on": N_("Dispatch started"),
    "conflict_date": N_("Conflict date (抵触日)"),
    "extension_hearing_date": N_("Union hearing for the extension"),
    "manager_name": N_("Client manager (派遣先責任者)"),
    "manager_title": N_("Client manager's title"),
    "manager_department": N_("Client manager's department"),
    "manager_phone": N_("Manager's phone"),
    "complaint_name": N_("Complaints contact"),
    "complaint_title": N_("Complaints contact's title"),
    "complaint_department": N_("Complaints contact's department"),
    "complaint_phone": N_("Complaints phone"),
    "own_employees": N_("Client's own employees at the site"),
}
UNIT_FIELDS = {
    "name": N_("Unit name"),
    "head_title": N_("Title of the unit's head"),
    "supervisor_name": N_("Supervisor (指揮命令者)"),
    "supervisor_title": N_("Supervisor's title"),
    "supervisor_department": N_("Supervisor's department"),
    "supervisor_phone": N_("Supervisor's phone"),
}
CONTACT_FIELDS = {
    "department": N_("Department"),
    "title": N_("Title"),
    "role": N_("Role"),
    "is_primary": N_("Main contact"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "client",
        RecordLabels(
            N_("Client"), CLIENT_FIELDS, "/clients/{id}", names=clients_service.client_names
        ),
    )
    registry.add_record_labels(
        "client_site",
        RecordLabels(N_("Site"), SITE_FIELDS, "/sites/{id}", names=clients_service.site_names),
    )
    registry.add_record_labels(
        "client_unit", RecordLabels(N_("Unit"), UNIT_FIELDS, "/units/{id}/edit")
    )
    registry.add_record_labels("client_contact", RecordLabels(N_("Client contact"), CONTACT_FIELDS))
