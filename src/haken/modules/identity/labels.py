"""Labels of users and sign-in sessions (their forms' labels), for the audit log."""

from __future__ import annotations

from functools import cache

from babel import Locale

from haken.modules.identity.service import identity_service
from haken.platform import context
from haken.platform.access import Role
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, enum_labeller, registry

ROLE_LABELS = {
    Role.SUPER_ADMIN: N_("Super administrator"),
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.SITE_MANAGER: N_("Site manager"),
    Role.EMPLOYEE: N_("Employee"),
}
# Shown for a client's account (never offered in the role select: invitation only).
CLIENT_ROLE_LABELS = {Role.CLIENT_SUPERVISOR: N_("Client supervisor")}
# Every role as shown on a page or an export (a list of users may hold a client account).
SHOWN_ROLE_LABELS = {**ROLE_LABELS, **CLIENT_ROLE_LABELS}
# The language select of the account page: each language by its own name.
LANGUAGE_LABELS = {"ja": "日本語", "en": "English"}

USER_FIELDS = {
    "display_name": N_("Name"),
    "email": N_("E-mail address"),
    "password": N_("Password"),
    "role": N_("Role"),
    "locale": N_("Language of the pages"),
    "is_active": N_("Active"),
    "site_ids": N_("Sites managed (site managers)"),
    "employee_id": N_("Employee record"),
    "client_id": N_("Client"),  # a client supervisor's client (the client portal)
    "unit_ids": N_("Organisational units (client supervisors)"),
}


@cache
def _languages(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).languages)


def language_name(code: str) -> str | None:
    """A page language's name in the UI language (CLDR: "ja" → 日本語 / Japanese)."""
    return _languages(context.locale()).get(code)


USER_VALUES = {
    "role": enum_labeller(SHOWN_ROLE_LABELS),
    "locale": language_name,
}


def register_labels() -> None:
    registry.add_record_labels(
        "user",
        RecordLabels(
            N_("User"),
            USER_FIELDS,
            "/admin/users/{id}",
            values=USER_VALUES,
            names=identity_service.user_names,
        ),
    )
    registry.add_record_labels("auth_session", RecordLabels(N_("Sign-in session")))
