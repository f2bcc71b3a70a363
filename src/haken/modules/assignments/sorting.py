"""The sorts of the contract and assignment lists: one enum of fields per list, each on an
index ``(column, id)`` (``models.py``: ``ix_dispatch_contracts_*``, ``ix_assignments_*``)."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.assignments.models import Assignment, DispatchContract
from haken.platform.sorting import Sorting


class ContractSortField(StrEnum):
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    CREATED = "created"
    NUMBER = "number"


class AssignmentSortField(StrEnum):
    START_DATE = "start_date"
    END_DATE = "end_date"
    CREATED = "created"
    CONFLICT_DATE = "conflict_date"


CONTRACT_SORTING = Sorting(
    "ContractSort",
    ContractSortField,
    {
        ContractSortField.PERIOD_START: (DispatchContract.period_start,),
        ContractSortField.PERIOD_END: (DispatchContract.period_end,),
        ContractSortField.CREATED: (DispatchContract.created_at,),
        ContractSortField.NUMBER: (DispatchContract.contract_number,),
    },
    tiebreak=DispatchContract.id,
    default="-period_start",
)
ASSIGNMENT_SORTING = Sorting(
    "AssignmentSort",
    AssignmentSortField,
    {
        AssignmentSortField.START_DATE: (Assignment.start_date,),
        AssignmentSortField.END_DATE: (Assignment.end_date,),
        AssignmentSortField.CREATED: (Assignment.created_at,),
        # Rows without a 抵触日 are left out of this order (repository).
        AssignmentSortField.CONFLICT_DATE: (Assignment.conflict_date,),
    },
    tiebreak=Assignment.id,
    default="-start_date",
)
# The API's ``sort`` parameters: every value they had, plus ``-number``/``-conflict_date``.
ContractSort = CONTRACT_SORTING.param
AssignmentSort = ASSIGNMENT_SORTING.param
