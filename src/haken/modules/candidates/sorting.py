"""The candidate list's sorts: one enum of fields, each on an index ``(column, id)``."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.candidates.models import Candidate
from haken.platform.sorting import Sorting


class CandidateSortField(StrEnum):
    CREATED = "created"
    KANA = "kana"
    ROMAJI = "romaji"


CANDIDATE_SORTING = Sorting(
    "CandidateSortValue",
    CandidateSortField,
    {
        CandidateSortField.CREATED: (Candidate.created_at,),  # ix_candidates_created
        CandidateSortField.KANA: (Candidate.kana_key,),  # ix_candidates_kana
        CandidateSortField.ROMAJI: (Candidate.romaji_key,),  # ix_candidates_romaji
    },
    tiebreak=Candidate.id,
    default="-created",
)
# The API's ``sort`` before the list pattern was ``newest`` (now ``-created``); it is still
# accepted, so existing clients keep working.
LEGACY_SORTS = {"newest": "-created"}
CandidateSort = StrEnum(  # type: ignore[misc]
    "CandidateSort",
    {member.name: member.value for member in CANDIDATE_SORTING.param} | {"NEWEST": "newest"},
)


def sort_value(sort: str) -> str:
    """A sort value of ``CANDIDATE_SORTING`` (``newest`` → ``-created``)."""
    return LEGACY_SORTS.get(sort, sort)
