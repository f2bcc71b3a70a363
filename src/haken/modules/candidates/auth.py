"""The access of candidates (応募者).

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CoordinatorPrincipal

CandidatesRead = CoordinatorPrincipal
"""The pipeline, a record, the photo."""
CandidatesWrite = CoordinatorPrincipal
"""Register, edit, stage moves, photo, hire, delete; their forms."""
CandidatesExport = CoordinatorPrincipal
"""The candidate list as CSV/Excel."""
NumbersReveal = AdminPrincipal
"""The residence card number in full (audited)."""

__all__ = ["CandidatesExport", "CandidatesRead", "CandidatesWrite", "NumbersReveal"]
