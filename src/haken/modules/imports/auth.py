"""The access of the master-data imports, named once for ``endpoints.py`` and ``pages.py``."""

from __future__ import annotations

from haken.platform.access import CoordinatorPrincipal

ImportsWrite = CoordinatorPrincipal
"""Upload, map, check and commit imports, and read them: coordinators and above (the same
people who register employees and candidates through the forms)."""

__all__ = ["ImportsWrite"]
