"""Command-line use cases of the people areas (same services as the API)."""

from __future__ import annotations

from dataclasses import dataclass

from haken.config import Settings
from haken.modules.candidates.service import candidates_service
from haken.modules.employees.service import employees_service
from haken.platform.db import Database, session_scope
from haken.platform.security import configure_field_cipher


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    employees: int
    candidates: int


async def rotate_field_keys(settings: Settings) -> RotationResult:
    """Re-encrypt every personal number under the first key of ``HAKEN_FIELD_KEY``.

    Rotation: put the new key first, keep the old ones after it, run this, then drop the
    old keys. One transaction, so an interrupted run changes nothing.
    """
    cipher = configure_field_cipher(settings.resolved_field_key)
    database = Database(settings.resolved_database_url)
    try:
        async with session_scope(database, write=True) as session:
            employees = await employees_service.rotate_field_keys(session)
            candidates = await candidates_service.rotate_field_keys(session)
    finally:
        await database.dispose()
    return RotationResult(cipher.primary_key_id, employees, candidates)
