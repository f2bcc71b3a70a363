"""Labels of the client portal, for the audit log (the invitation of a client supervisor)."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import registry

ACTIONS = {"invite": N_("Invited to the client portal")}


def register_labels() -> None:
    registry.add_action_labels(ACTIONS)
