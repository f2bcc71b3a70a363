"""The audit log's sorts: the time of the entry, on ``ix_audit_log_occurred_id``."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.audit.models import AuditEntry
from haken.platform.sorting import Sorting


class AuditSortField(StrEnum):
    OCCURRED = "occurred"


AUDIT_SORTING = Sorting(
    "AuditSort",
    AuditSortField,
    {AuditSortField.OCCURRED: (AuditEntry.occurred_at,)},
    tiebreak=AuditEntry.id,
    default="-occurred",
)
AuditSort = AUDIT_SORTING.param
