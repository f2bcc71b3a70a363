"""The requests lists' sorts (``/requests``, ``/me/requests``): by when a request was sent,
i.e. its id (the indexes are ``(employee_id, id)`` and ``(approver, id)``), newest first
by default."""

from __future__ import annotations

from haken.modules.requests.models import Request
from haken.modules.requests.schemas import RequestSortField
from haken.platform.sorting import Sorting

REQUEST_SORTING = Sorting(
    "RequestSort",
    RequestSortField,
    {RequestSortField.SENT: ()},
    tiebreak=Request.id,
    default="-sent",
)
