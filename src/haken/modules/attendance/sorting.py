"""The sorts of the attendance lists (platform/sorting.py)."""

from __future__ import annotations

from haken.modules.attendance.models import Timecard
from haken.modules.attendance.schemas import TimecardSortField
from haken.platform.sorting import Sorting

TIMECARD_SORTING = Sorting(
    "TimecardSort",
    TimecardSortField,
    {TimecardSortField.WORK_DATE: (Timecard.work_date,)},
    tiebreak=Timecard.id,
    default="-work_date",
)
