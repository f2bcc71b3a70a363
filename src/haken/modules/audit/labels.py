"""Labels the audit page shows for what every record type shares: actions and common fields.

Each area registers its own record types and fields (``RecordLabels``) from its
``register_web()``; what is shared by all of them is registered here once.
Message ids are marked with ``N_`` and translated when shown.
"""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

ACTIONS = {
    "create": N_("Record added"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "archive": N_("Archived"),
    "restore": N_("Restored"),
    "reveal": N_("Full numbers shown"),
    "status": N_("Stage changed"),
    "photo": N_("Photo replaced"),
    "hire": N_("Hired"),
    "placement": N_("Current placement changed"),
    "contract_periods": N_("Employment contracts replaced"),
    "dependants": N_("Dependants replaced"),
    "end": N_("Placement ended"),
    "cancel": N_("Cancelled"),
    "change_rate": N_("Rate changed"),
    "extend_limit": N_("Period limit extended"),
    "move_in": N_("Move-in recorded"),
    "move_out": N_("Move-out recorded"),
    "login": N_("Session started"),
    "logout": N_("Signed out"),
    "refresh": N_("Session renewed"),
    "revoke": N_("Session ended"),
    "password_change": N_("Password changed"),
    "password_reset_request": N_("Password reset requested"),
    "password_reset": N_("Password reset"),
    "change_role": N_("Role changed"),
    "preferences": N_("Preferences changed"),
    "deactivate": N_("Deactivated"),
    "invalidate": N_("Cache entries invalidated"),
    "clear": N_("Cache cleared"),
    "rotate": N_("Keys rotated"),
    "export": N_("Exported"),
}

COMMON_FIELDS = {
    "id": N_("ID"),
    "version": N_("Version"),
    "archived": N_("Archived"),
    "archived_at": N_("Archived"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "name": N_("Name"),
    "status": N_("Status"),
    "email": N_("E-mail address"),
    "phone": N_("Phone"),
    "postal_code": N_("Postal code"),
    "prefecture": N_("Prefecture"),
    "city": N_("City"),
    "address_line1": N_("Address"),
    "address_line2": N_("Building and room"),
    "employee_id": N_("Employee"),
    "client_id": N_("Client"),
    "site_id": N_("Site"),
    "unit_id": N_("Unit"),
    "user_id": N_("User"),
    "reason": N_("Reason"),
    "purpose": N_("Purpose"),
    "fields": N_("Fields shown"),
    "format": N_("File format"),
    "filters": N_("Filters"),
    "sort": N_("Order"),
}


def register_labels() -> None:
    registry.add_action_labels(ACTIONS)
    registry.add_common_fields(COMMON_FIELDS)
    # An export of the log is itself audited (entity id "list").
    registry.add_record_labels("audit", RecordLabels(N_("Audit log")))
