"""Candidate use cases: the 履歴書, the pipeline, the photo, and the hire.

Never commits; every write records an audit row in the same transaction. The hire creates
the employee through ``employees_service`` in the caller's transaction, so the candidate's
status, its history row, the employee and both audit rows commit together or not at all.
The residence-card number is sealed with the employees area's helpers (one reveal path,
one rotation path: see docs/architecture.md, "Personal numbers").
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.residence import ExtraActivityPermission
from haken.modules.audit.service import audit_service
from haken.modules.candidates import photos
from haken.modules.candidates.errors import (
    CandidateArchivedError,
    CandidateLikelyDuplicateError,
    InvalidTransitionError,
    NoPhotoError,
    PhotoTooLargeError,
)
from haken.modules.candidates.models import Candidate, CandidateStatusChange
from haken.modules.candidates.repository import CandidateRepository
from haken.modules.candidates.schemas import (
    OPEN_STATUSES,
    CandidateCreate,
    CandidateDetail,
    CandidateFilter,
    CandidateRead,
    CandidateStatus,
    CandidateUpdate,
    HireResult,
    ResumeFields,
    StatusChange,
    StatusChangeRead,
    can_move,
)
from haken.modules.employees.schemas import (
    EmployeeCreate,
    EmployeeHire,
    PersonFields,
    ResidenceExpiryRead,
    RevealedNumbers,
    RevealField,
    RevealRequest,
    masked,
    resolve_extra_activity,
)
from haken.modules.employees.service import (
    employees_service,
    reveal_sealed,
    rotate_row,
    seal,
    unseal,
)
from haken.platform.access import Principal
from haken.platform.db import after_commit, utcnow
from haken.platform.errors import (
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from haken.platform.logging import redact
from haken.platform.names import name_key, romaji_key
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.security import field_cipher

CONTEXT = "candidates"
AGENCY_ZONE = ZoneInfo("Asia/Tokyo")
_PERSON = tuple(name for name in PersonFields.model_fields if name != "residence_card_number")
_RESUME = tuple(ResumeFields.model_fields)
_FIELDS = ("reception_date", *_PERSON, *_RESUME)
_NOT_NULL = frozenset(
    {
        "reception_date",
        "name_kana",
        "name_romaji",
        "birth_date",
        "gender",
        "nationality",
        "extra_activity_permission",
        "licenses",
        "experience",
        "experience_notes",
        "family",
        "work_history",
        "notes",
    }
)
_LIST_DEFAULTS: dict[str, Any] = {
    "licenses": [],
    "experience": [],
    "family": [],
    "work_history": [],
    "experience_notes": "",
    "notes": "",
}


def _stored(value: Any) -> Any:
    """Enums as their values, nested models and lists as JSON-ready data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value.value if hasattr(value, "value") else value


def snapshot(row: Candidate) -> dict[str, Any]:
    """The audited state: ciphertext under a sensitive name; nested PII (the emergency
    contact's phone, family birth data) redacted by key."""
    data = {name: _stored(getattr(row, name)) for name in _FIELDS}
    data["emergency_contact"] = redact(row.emergency_contact)
    data["family"] = redact(row.family)
    data.update(
        status=row.status,
        residence_card_number=row.residence_card_number_enc,
        photo=row.photo_file is not None,
        employee_id=row.employee_id,
        archived_at=row.archived_at,
    )
    return data


def to_read(row: Candidate) -> CandidateRead:
    data = {name: getattr(row, name) for name in _FIELDS}
    data.update(
        id=row.id,
        status=row.status,
        status_changed_at=row.status_changed_at,
        residence_card_number_masked=masked(row.residence_card_last4, 12),
        has_photo=row.photo_file is not None,
        employee_id=row.employee_id,
        archived_at=row.archived_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )
    return CandidateRead.model_validate(data)


def _set_keys(row: Candidate) -> None:
    row.kanji_key = name_key(row.name_kanji)
    row.kana_key = name_key(row.name_kana) or ""
    row.romaji_key = romaji_key(row.name_romaji) or ""


def _invalid(loc: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(details=[FieldError(loc, "value_error", message).as_dict()])


class CandidatesService:
    # --- reads ------------------------------------------------------------------------------

    async def names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Candidates' names (kanji, else kana) by id, one query, unscoped (the audit log)."""
        return await CandidateRepository(session).names(ids)

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: CandidateFilter,
        sort: str,
        request: PageRequest,
    ) -> PageResult[CandidateRead]:
        """One page of the list; ``sort`` is a value of ``CANDIDATE_SORTING``."""
        page = await CandidateRepository(session).page_list(principal, filters, sort, request)
        return PageResult(
            items=[to_read(row) for row in page.items],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
            total=page.total,
        )

    async def _readable(
        self, repo: CandidateRepository, principal: Principal, candidate_id: int
    ) -> Candidate:
        row = await repo.readable(principal, candidate_id)
        if row is None:
            raise NotFoundError()
        return row

    async def _editable(
        self, repo: CandidateRepository, principal: Principal, candidate_id: int, version: int
    ) -> Candidate:
        row = await self._readable(repo, principal, candidate_id)
        if row.version != version:
            raise VersionConflictError()
        if row.archived_at is not None:
            raise CandidateArchivedError()
        return row

    async def _detail(self, repo: CandidateRepository, row: Candidate) -> CandidateDetail:
        history = await repo.history(row.id)
        return CandidateDetail(
            **to_read(row).model_dump(),
            status_history=[StatusChangeRead.model_validate(h) for h in history],
        )

    async def get(
        self, session: AsyncSession, principal: Principal, candidate_id: int
    ) -> CandidateDetail:
        repo = CandidateRepository(session)
        return await self._detail(repo, await self._readable(repo, principal, candidate_id))

    async def residence_expiring(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        days: int,
        today: dt.date,
        request: PageRequest,
    ) -> PageResult[ResidenceExpiryRead]:
        """Candidates still in the pipeline whose period of stay ends within ``days``.

        A candidate has no renewal on record with the agency, so the end is the expiry.
        """
        until = today + dt.timedelta(days=days)
        statuses = [s.value for s in OPEN_STATUSES]
        page = await CandidateRepository(session).page_expiring(principal, until, statuses, request)
        items = []
        for row in page.items:
            assert row.residence_card_expiry is not None
            items.append(
                ResidenceExpiryRead(
                    id=row.id,
                    kind="candidate",
                    name_kanji=row.name_kanji,
                    name_kana=row.name_kana,
                    name_romaji=row.name_romaji,
                    nationality=row.nationality,
                    residence_status=row.residence_status,  # type: ignore[arg-type]
                    residence_card_expiry=row.residence_card_expiry,
                    work_permitted_until=row.residence_card_expiry,
                    in_special_period=False,
                    days_left=(row.residence_card_expiry - today).days,
                )
            )
        return PageResult(
            items=items, next_cursor=page.next_cursor, has_more=page.has_more, total=page.total
        )

    # --- writes --------------------------------------------------------------------------------

    def _record_status(
        self,
        repo: CandidateRepository,
        principal: Principal | None,
        row: Candidate,
        target: CandidateStatus,
        note: str,
    ) -> None:
        now = utcnow()
        repo.add(
            CandidateStatusChange(
                candidate_id=row.id,
                from_status=row.status,
                to_status=target.value,
                changed_at=now,
                changed_by=principal.user_id if principal else None,
                note=note,
            )
        )
        row.status = target.value
        row.status_changed_at = now

    async def create(
        self,
        session: AsyncSession,
        principal: Principal,
        data: CandidateCreate,
        *,
        warn_duplicate: bool = False,
    ) -> CandidateDetail:
        """Register a candidate; with ``warn_duplicate`` (the form until "register anyway"
        is ticked) a likely duplicate (same romaji name and birth date) is refused first."""
        repo = CandidateRepository(session)
        if warn_duplicate:
            key = romaji_key(data.name_romaji) or ""
            existing = await repo.likely_duplicate(principal, key, data.birth_date)
            if key and existing is not None:
                raise CandidateLikelyDuplicateError(details={"candidate_id": existing})
        values = {name: _stored(getattr(data, name)) for name in _FIELDS}
        for name, default in _LIST_DEFAULTS.items():
            if values.get(name) is None:
                values[name] = default
        if values["reception_date"] is None:
            values["reception_date"] = dt.datetime.now(AGENCY_ZONE).date()
        row = Candidate(status=CandidateStatus.NEW.value, status_changed_at=utcnow(), **values)
        _set_keys(row)
        seal(row, RevealField.RESIDENCE_CARD_NUMBER, data.residence_card_number, CONTEXT)
        repo.add(row)
        await repo.flush()
        repo.add(
            CandidateStatusChange(
                candidate_id=row.id,
                from_status=None,
                to_status=CandidateStatus.NEW.value,
                changed_at=row.status_changed_at,
                changed_by=principal.user_id,
                note="",
            )
        )
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=row.id,
            action="create",
            after=snapshot(row),
        )
        return await self._detail(repo, row)

    async def update(
        self, session: AsyncSession, principal: Principal, candidate_id: int, data: CandidateUpdate
    ) -> CandidateDetail:
        repo = CandidateRepository(session)
        row = await self._editable(repo, principal, candidate_id, data.version)
        before = snapshot(row)
        changes = data.model_fields_set - {"version"}
        for name in changes & set(_FIELDS):
            value = getattr(data, name)
            if value is None and name in _NOT_NULL:
                raise _invalid(name, "may not be null")
            setattr(row, name, _stored(value))
        if changes & {"extra_activity_permission", "extra_activity_weekly_hours"}:
            try:
                # A new permission without hours takes that permission's default.
                row.extra_activity_weekly_hours = resolve_extra_activity(
                    ExtraActivityPermission(row.extra_activity_permission),
                    data.extra_activity_weekly_hours
                    if "extra_activity_weekly_hours" in changes
                    else None,
                )
            except ValueError as error:
                raise _invalid("extra_activity_weekly_hours", str(error)) from error
        if changes & {"name_kanji", "name_kana", "name_romaji"}:
            _set_keys(row)
        if "residence_card_number" in changes:
            seal(row, RevealField.RESIDENCE_CARD_NUMBER, data.residence_card_number, CONTEXT)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=row.id,
            action="update",
            before=before,
            after=snapshot(row),
        )
        return await self._detail(repo, row)

    async def change_status(
        self, session: AsyncSession, principal: Principal, candidate_id: int, data: StatusChange
    ) -> CandidateDetail:
        """Move through the pipeline (TRANSITIONS); ``hired`` only through :meth:`hire`."""
        repo = CandidateRepository(session)
        row = await self._editable(repo, principal, candidate_id, data.version)
        current = CandidateStatus(row.status)
        if data.status is CandidateStatus.HIRED or not can_move(current, data.status):
            raise InvalidTransitionError(current=current.value, target=data.status.value)
        self._record_status(repo, principal, row, data.status, data.note)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=row.id,
            action="status",
            before={"status": current.value},
            after={"status": row.status, "note": data.note},
        )
        return await self._detail(repo, row)

    async def hire(
        self, session: AsyncSession, principal: Principal, candidate_id: int, data: EmployeeHire
    ) -> HireResult:
        """Create the employee from an offered candidate, link both, mark the candidate hired.

        A duplicate employee (same normalised romaji name and birth date) is refused by
        the employees area with EMPLOYEE_DUPLICATE; nothing is written then.
        """
        repo = CandidateRepository(session)
        row = await self._editable(repo, principal, candidate_id, data.version)
        current = CandidateStatus(row.status)
        if not can_move(current, CandidateStatus.HIRED):
            raise InvalidTransitionError(current=current.value, target=CandidateStatus.HIRED.value)
        person = {name: getattr(row, name) for name in _PERSON}
        person["residence_card_number"] = unseal(row, RevealField.RESIDENCE_CARD_NUMBER, CONTEXT)
        try:
            create = EmployeeCreate.model_validate(
                {**person, **data.model_dump(exclude={"version"})}
            )
        except ValidationError as error:
            details = [
                FieldError(".".join(str(p) for p in e["loc"]), e["type"], e["msg"]).as_dict()
                for e in error.errors()
            ]
            raise ValidationFailedError(details=details) from error
        employee = await employees_service.create(session, principal, create, candidate_id=row.id)
        self._record_status(repo, principal, row, CandidateStatus.HIRED, "")
        row.employee_id = employee.id
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=row.id,
            action="hire",
            before={"status": current.value, "employee_id": None},
            after={"status": row.status, "employee_id": employee.id},
        )
        return HireResult(candidate=to_read(row), employee=employee)

    async def delete(
        self,
        session: AsyncSession,
        principal: Principal,
        candidate_id: int,
        *,
        version: int,
        data_dir: Path,
    ) -> CandidateRead | None:
        """Delete a candidate nobody refers to (personal data kept no longer than needed);
        a hired one is archived instead, since its employee record points to it.
        Returns the archived record, or None when the candidate was deleted."""
        repo = CandidateRepository(session)
        row = await self._readable(repo, principal, candidate_id)
        if row.version != version:
            raise VersionConflictError()
        before = snapshot(row)
        if row.employee_id is not None:
            row.archived_at = row.archived_at or utcnow()
            await repo.flush()
            await audit_service.record(
                session,
                principal,
                entity_type="candidate",
                entity_id=row.id,
                action="archive",
                before={"archived_at": None},
                after={"archived_at": row.archived_at},
            )
            return to_read(row)
        photo = row.photo_file
        await repo.delete(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=candidate_id,
            action="delete",
            before=before,
        )

        async def remove_photo() -> None:
            photos.remove(data_dir, photo)

        after_commit(session, remove_photo)
        return None

    async def reveal(
        self, session: AsyncSession, principal: Principal, candidate_id: int, request: RevealRequest
    ) -> RevealedNumbers:
        """The residence-card number in full (the only number a candidate has), audited."""
        repo = CandidateRepository(session)
        row = await self._readable(repo, principal, candidate_id)
        return await reveal_sealed(
            session, principal, row, request, entity_type="candidate", context_prefix=CONTEXT
        )

    # --- photo -----------------------------------------------------------------------------------

    async def set_photo(
        self,
        session: AsyncSession,
        principal: Principal,
        candidate_id: int,
        *,
        content: bytes,
        version: int,
        data_dir: Path,
    ) -> CandidateRead:
        if len(content) > photos.PHOTO_MAX_BYTES:
            raise PhotoTooLargeError(limit=photos.PHOTO_MAX_BYTES)
        # Decoded and re-encoded without metadata (PhotoTypeError / PhotoPixelsError).
        content, content_type = await asyncio.to_thread(photos.normalise, content)
        repo = CandidateRepository(session)
        row = await self._editable(repo, principal, candidate_id, version)
        old = row.photo_file
        row.photo_file = photos.store(data_dir, content, content_type)
        row.photo_content_type = content_type
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="candidate",
            entity_id=row.id,
            action="photo",
            before={"photo": old is not None},
            after={"photo": True, "bytes": len(content)},
        )

        async def remove_old() -> None:
            photos.remove(data_dir, old)

        after_commit(session, remove_old)
        return to_read(row)

    async def photo(
        self, session: AsyncSession, principal: Principal, candidate_id: int, *, data_dir: Path
    ) -> tuple[Path, str]:
        """The stored photo's path and content type (the type we sniffed, not the client's)."""
        row = await self._readable(CandidateRepository(session), principal, candidate_id)
        if row.photo_file is None or row.photo_content_type is None:
            raise NoPhotoError()
        path = photos.path_of(data_dir, row.photo_file)
        if not path.is_file():
            raise NoPhotoError()
        return path, row.photo_content_type

    # --- keys ------------------------------------------------------------------------------------

    async def rotate_field_keys(self, session: AsyncSession, *, batch: int = 500) -> int:
        """Re-encrypt residence-card numbers not under the primary key; returns rows changed."""
        cipher = field_cipher()
        prefix = f"v1:{cipher.primary_key_id}:"
        repo = CandidateRepository(session)
        changed, after_id = 0, 0
        while True:
            rows = await repo.needing_rotation(prefix, after_id, batch)
            if not rows:
                break
            for row in rows:
                rotate_row(row, CONTEXT)
                after_id = row.id
            changed += len(rows)
            await repo.flush()
        await audit_service.record(
            session,
            None,
            entity_type="field_keys",
            entity_id="candidates",
            action="rotate",
            after={"rows": changed, "key_id": cipher.primary_key_id},
        )
        return changed


candidates_service = CandidatesService()
