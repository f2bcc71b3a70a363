"""Labels of users and sign-in sessions (their forms' labels), for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

USER_FIELDS = {
    "display_name": N_("Name"),
    "email": N_("E-mail address"),
    "password": N_("Password"),
    "role": N_("Role"),
    "locale": N_("Language of the pages"),
    "is_active": N_("Active"),
    "site_ids": N_("Sites managed (site managers)"),
    "employee_id": N_("Employee record"),
}


def register_labels() -> None:
    registry.add_record_labels("user", RecordLabels(N_("User"), USER_FIELDS, "/admin/users/{id}"))
    registry.add_record_labels("auth_session", RecordLabels(N_("Sign-in session")))
