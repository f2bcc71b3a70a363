"""The leave list's sorts (``/leave``): one enum of fields over the per-employee figures.

The list is one grouped statement over ``leave_grants`` (a subquery per employee: days left,
next expiry, the open 5-day duty), so its sort columns are the subquery's columns, never
NULL (an absent date sorts last as 9999-12-31), with the employee id as the tie-break.
"""

from __future__ import annotations

from haken.modules.leave.repository import OVERVIEW
from haken.modules.leave.schemas import LeaveSortField
from haken.platform.sorting import Sorting

LEAVE_SORTING = Sorting(
    "LeaveSort",
    LeaveSortField,
    {
        LeaveSortField.DEADLINE: (OVERVIEW.c.deadline_key,),  # type: ignore[dict-item]
        LeaveSortField.REMAINING: (OVERVIEW.c.remaining,),  # type: ignore[dict-item]
        LeaveSortField.EXPIRY: (OVERVIEW.c.expiry_key,),  # type: ignore[dict-item]
    },
    tiebreak=OVERVIEW.c.employee_id,  # type: ignore[arg-type]
    default="deadline",
)
