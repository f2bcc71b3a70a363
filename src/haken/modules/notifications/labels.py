"""Labels of inbox notifications, for the audit log."""

from __future__ import annotations

from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

NOTIFICATION_FIELDS = {
    "marked": N_("Notifications marked as read"),
}
ACTIONS = {
    "read": N_("Notification read"),
    "read_all": N_("All notifications read"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "notification", RecordLabels(N_("Notification"), NOTIFICATION_FIELDS)
    )
    registry.add_action_labels(ACTIONS)
