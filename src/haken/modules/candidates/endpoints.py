"""HTTP API of the candidates area: parse, call one service method, return the envelope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from fastapi.responses import FileResponse

from haken.modules.candidates.auth import CandidatesRead, CandidatesWrite, NumbersReveal
from haken.modules.candidates.photos import PHOTO_MAX_BYTES
from haken.modules.candidates.schemas import (
    CandidateCreate,
    CandidateDetail,
    CandidateFilter,
    CandidateRead,
    CandidateRemoval,
    CandidateUpdate,
    HireResult,
    StatusChange,
)
from haken.modules.candidates.service import candidates_service
from haken.modules.candidates.sorting import CandidateSort, sort_value
from haken.modules.employees.schemas import (
    EmployeeHire,
    ResidenceExpiryRead,
    RevealedNumbers,
    RevealRequest,
)
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import AdminRateLimit, default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(
    prefix="/api/candidates", tags=["candidates"], dependencies=[Depends(default_limit)]
)
CandidateId = Annotated[int, Path(ge=1)]


@router.get("", response_model=PageEnvelope[CandidateRead])
async def list_candidates(
    principal: CandidatesRead,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[CandidateFilter, Query()],
    sort: CandidateSort = CandidateSort("-created"),  # type: ignore[valid-type]
) -> Any:
    """Candidates, newest first by default (``-created``; ``newest`` is still accepted);
    ``q`` matches a prefix of the kanji, kana or romaji name in any width or kana script."""
    result = await candidates_service.list(
        session, principal, filters=filters, sort=sort_value(sort.value), request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/residence-expiring", response_model=PageEnvelope[ResidenceExpiryRead])
async def residence_expiring(
    principal: CandidatesRead,
    session: SessionDep,
    settings: SettingsDep,
    paging: PageQuery,
    days: Annotated[int, Query(ge=0, le=730, description="window in days from today")] = 90,
) -> Any:
    """Candidates still in the pipeline whose period of stay ends within ``days``."""
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    result = await candidates_service.residence_expiring(
        session, principal, days=days, today=today, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("", response_model=Envelope[CandidateDetail], status_code=201)
async def create_candidate(
    body: CandidateCreate, principal: CandidatesWrite, session: SessionDep
) -> Any:
    return ok(await candidates_service.create(session, principal, body))


@router.get("/{candidate_id:int}", response_model=Envelope[CandidateDetail])
async def get_candidate(
    principal: CandidatesRead, session: SessionDep, candidate_id: CandidateId
) -> Any:
    return ok(await candidates_service.get(session, principal, candidate_id))


@router.patch("/{candidate_id:int}", response_model=Envelope[CandidateDetail])
async def update_candidate(
    body: CandidateUpdate,
    principal: CandidatesWrite,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    return ok(await candidates_service.update(session, principal, candidate_id, body))


@router.post("/{candidate_id:int}/status", response_model=Envelope[CandidateDetail])
async def change_status(
    body: StatusChange,
    principal: CandidatesWrite,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    """Move the candidate through the pipeline (new → screening → interview → offered,
    or rejected / withdrawn); the move is kept in the status history."""
    return ok(await candidates_service.change_status(session, principal, candidate_id, body))


@router.post("/{candidate_id:int}/hire", response_model=Envelope[HireResult], status_code=201)
async def hire_candidate(
    body: EmployeeHire,
    principal: CandidatesWrite,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    """Hire an offered candidate: creates the employee in the same transaction; refuses a
    duplicate (same normalised romaji name and birth date) with EMPLOYEE_DUPLICATE."""
    return ok(await candidates_service.hire(session, principal, candidate_id, body))


@router.delete("/{candidate_id:int}", response_model=Envelope[CandidateRemoval])
async def delete_candidate(
    principal: CandidatesWrite,
    session: SessionDep,
    settings: SettingsDep,
    candidate_id: CandidateId,
    version: Annotated[int, Query(ge=1)],
) -> Any:
    archived = await candidates_service.delete(
        session, principal, candidate_id, version=version, data_dir=settings.data_dir
    )
    return ok(CandidateRemoval(deleted=archived is None, candidate=archived))


@router.put("/{candidate_id:int}/photo", response_model=Envelope[CandidateRead])
async def upload_photo(
    principal: CandidatesWrite,
    session: SessionDep,
    settings: SettingsDep,
    candidate_id: CandidateId,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP, at most 5 MB")],
    version: Annotated[int, Form(ge=1)],
) -> Any:
    """Replace the photo; the type is read from the content, the name is ours."""
    content = await file.read(PHOTO_MAX_BYTES + 1)  # bounded; the service refuses a larger one
    return ok(
        await candidates_service.set_photo(
            session,
            principal,
            candidate_id,
            content=content,
            version=version,
            data_dir=settings.data_dir,
        )
    )


@router.get("/{candidate_id:int}/photo", response_model=None, response_class=FileResponse)
async def get_photo(
    principal: CandidatesRead,
    session: SessionDep,
    settings: SettingsDep,
    candidate_id: CandidateId,
) -> FileResponse:
    path, content_type = await candidates_service.photo(
        session, principal, candidate_id, data_dir=settings.data_dir
    )
    return FileResponse(
        path,
        media_type=content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/{candidate_id:int}/reveal", response_model=Envelope[RevealedNumbers])
async def reveal_numbers(
    body: RevealRequest,
    response: Response,
    principal: NumbersReveal,
    _limit: AdminRateLimit,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    """The residence-card number in full: admins only, audited, never cached."""
    response.headers["Cache-Control"] = "no-store"
    return ok(await candidates_service.reveal(session, principal, candidate_id, body))
