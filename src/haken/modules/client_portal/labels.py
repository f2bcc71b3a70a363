"""Labels of the client portal, for the audit log (the invitation of a client supervisor and
the change of what it sees)."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import registry

ACTIONS = {
    "invite": N_("Invited to the client portal"),
    # The agency changed a supervisor's sites and 組織単位 (before/after: site_ids, unit_ids,
    # labelled with the user's fields in identity/labels.py).
    "change_units": N_("Client portal units changed"),
}


def register_labels() -> None:
    registry.add_action_labels(ACTIONS)
