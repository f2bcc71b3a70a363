"""Labels of employee requests (申請), for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

REQUEST_FIELDS = {
    "state": N_("State"),
    "type": N_("Request type"),
    "comment": N_("Comment"),
}
# submit, approve and reject share the attendance area's labels (registered there).
ACTIONS = {
    "withdraw": N_("Request withdrawn"),
    "comment": N_("Comment added"),
}


def register_labels() -> None:
    registry.add_record_labels("request", RecordLabels(N_("Request"), REQUEST_FIELDS))
    registry.add_action_labels(ACTIONS)
