"""The inbox's sort (``/inbox``): by when a notification came, i.e. its id (the index is
``(user_id, id)``), newest first by default."""

from __future__ import annotations

from haken.modules.notifications.models import Notification
from haken.modules.notifications.schemas import InboxSortField
from haken.platform.sorting import Sorting

INBOX_SORTING = Sorting(
    "InboxSort",
    InboxSortField,
    {InboxSortField.SENT: ()},
    tiebreak=Notification.id,
    default="-sent",
)
