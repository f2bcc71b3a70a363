"""Web pages of the candidates area: the pipeline, the 履歴書 form, status moves, the photo
and the hire.

The same service as ``endpoints.py`` (coordinators and above). Hiring creates
the employee in the candidate's transaction and lands on the new employee. The
photo is uploaded here and shown through the API's photo route, which has the
same access policy (the session cookie signs the image request in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from haken.labor.residence import ResidenceStatus
from haken.modules.candidates.errors import CandidateLikelyDuplicateError
from haken.modules.candidates.labels import register_labels
from haken.modules.candidates.photos import PHOTO_MAX_BYTES
from haken.modules.candidates.schemas import (
    TRANSITIONS,
    CandidateCreate,
    CandidateDetail,
    CandidateFilter,
    CandidateSort,
    CandidateStatus,
    CandidateUpdate,
    Conversation,
    JlptLevel,
    StatusChange,
)
from haken.modules.candidates.service import candidates_service
from haken.modules.employees.labels import EMPLOYMENT_TYPE, TERM_TYPE, labels_for_templates, options
from haken.modules.employees.schemas import EmployeeHire, VersionBody
from haken.platform.access import CoordinatorPrincipal, Principal, Role
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.params import choice
from haken.web.registry import NavItem, RecordSection, registry
from haken.web.render import flash, redirect, render

router = APIRouter(
    prefix="/candidates", include_in_schema=False, dependencies=[Depends(default_limit)]
)
CandidateId = Annotated[int, Path(ge=1)]

STATUS = {
    CandidateStatus.NEW: N_("New"),
    CandidateStatus.SCREENING: N_("Screening"),
    CandidateStatus.INTERVIEW: N_("Interview"),
    CandidateStatus.OFFERED: N_("Offered"),
    CandidateStatus.HIRED: N_("Hired"),
    CandidateStatus.REJECTED: N_("Rejected"),
    CandidateStatus.WITHDRAWN: N_("Withdrawn"),
}
CONVERSATION = {
    Conversation.NONE: N_("None"),
    Conversation.BASIC: N_("Greetings"),
    Conversation.DAILY: N_("Daily conversation"),
    Conversation.BUSINESS: N_("Enough for work"),
    Conversation.NATIVE: N_("Native"),
}
SECRET_FIELDS = ("residence_card_number",)
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _labels() -> dict[str, Any]:
    return {
        **labels_for_templates(),
        "candidate_status_labels": {k.value: gettext_(v) for k, v in STATUS.items()},
        "candidate_status_options": options(STATUS),  # type: ignore[arg-type]
        "jlpt_options": [("", "—")] + [(level.value, level.value) for level in JlptLevel],
        "conversation_options": [("", "—"), *options(CONVERSATION)],  # type: ignore[arg-type]
        "conversation_labels": {k.value: gettext_(v) for k, v in CONVERSATION.items()},
    }


@router.get("")
async def candidates(
    request: Request,
    principal: CoordinatorPrincipal,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status_value: Annotated[str | None, Query(alias="status", max_length=100)] = None,
    residence_value: Annotated[str | None, Query(alias="residence_status", max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    # An unknown filter value (an old link) is ignored, not a 422 (web.params).
    status = choice(CandidateStatus, status_value)
    residence_status = choice(ResidenceStatus, residence_value)
    filters = CandidateFilter(q=q, status=status, residence_status=residence_status)
    result = await candidates_service.list(
        session,
        principal,
        filters=filters,
        sort=CandidateSort.NEWEST,
        request=PageRequest(limit=50, cursor=cursor),
    )
    shown = {
        "q": q or "",
        "status": status.value if status else "",
        "residence_status": residence_status.value if residence_status else "",
        "cursor": cursor or "",
    }
    return render(
        request,
        "candidates/list.html",
        {"result": result, "filters": shown, **_labels()},
        block="results",
    )


def _form_page(
    request: Request,
    state: FormState[Any],
    *,
    candidate: CandidateDetail | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "candidates/form.html",
        {"form": state, "candidate": candidate, "employee": candidate, **_labels()},
        status_code=status_code,
    )


@router.get("/new")
async def new_candidate(request: Request, _principal: CoordinatorPrincipal) -> Any:
    defaults = {
        "nationality": "",
        "gender": "unspecified",
        "extra_activity_permission": "NONE",
        "reception_date": _today(request).isoformat(),
    }
    return _form_page(request, FormState(values=defaults))


@router.post("")
async def create_candidate(
    request: Request, principal: CoordinatorPrincipal, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(CandidateCreate, form)
    # A likely duplicate is warned of until "register anyway" is ticked (an override).
    confirmed = form.get(CandidateLikelyDuplicateError.override or "") == "true"
    state.values[CandidateLikelyDuplicateError.override or ""] = "true" if confirmed else ""
    if state.data is not None:
        try:
            created = await candidates_service.create(
                session, principal, state.data, warn_duplicate=not confirmed
            )
        except HakenError as error:
            state.add_error(error)
            existing = error.details.get("candidate_id") if isinstance(error.details, dict) else None
            if state.override is not None and existing:
                state.override = replace(state.override, link=f"/candidates/{existing}")
    if not state.ok:
        raise FormRejected(_form_page(request, state, status_code=422))
    flash(request, "success", gettext_("The candidate was registered."))
    return redirect(request, f"/candidates/{created.id}")


# The order moves are offered in: forward first, the stages that end the pipeline last.
_MOVE_ORDER = list(CandidateStatus)
_CLOSING = frozenset({CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN})


def stage_options(current: CandidateStatus) -> list[tuple[str, str]]:
    """The stage select: a blank "choose" first (no stage is preselected, least of all
    不採用/辞退), then the forward move, then the closing ones. ``hired`` has its own form."""
    moves = sorted(
        (s for s in TRANSITIONS[current] if s is not CandidateStatus.HIRED),
        key=lambda s: (s in _CLOSING, _MOVE_ORDER.index(s)),
    )
    if not moves:
        return []
    return [
        ("", gettext_("Choose the new stage")),
        *((s.value, gettext_(STATUS[s])) for s in moves),
    ]


def _detail_page(
    request: Request,
    candidate: CandidateDetail,
    *,
    hire_form: FormState[Any] | None = None,
    status_form: FormState[Any] | None = None,
    photo_form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    current = CandidateStatus(candidate.status)
    return render(
        request,
        "candidates/detail.html",
        {
            "candidate": candidate,
            "moves": stage_options(current),
            "can_hire": CandidateStatus.HIRED in TRANSITIONS[current],
            "hire_form": hire_form
            or FormState(
                values={
                    "employment_type": "dispatch",
                    "term_type": "fixed",
                    "hire_date": _today(request).isoformat(),
                }
            ),
            "status_form": status_form or FormState(),
            "photo_form": photo_form or FormState(),
            "photo_types": PHOTO_TYPES,
            "photo_limit_mb": PHOTO_MAX_BYTES // (1024 * 1024),
            "hire_employment_options": options(EMPLOYMENT_TYPE),  # type: ignore[arg-type]
            "hire_term_options": options(TERM_TYPE),  # type: ignore[arg-type]
            **_labels(),
        },
        status_code=status_code,
    )


@router.get("/{candidate_id:int}")
async def candidate_detail(
    request: Request,
    principal: CoordinatorPrincipal,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    return _detail_page(request, await candidates_service.get(session, principal, candidate_id))


def _current_values(candidate: CandidateDetail) -> dict[str, Any]:
    values = candidate.model_dump(mode="json")
    for name in SECRET_FIELDS:
        values[name] = ""
    return {k: ("" if v is None else v) for k, v in values.items()}


@router.get("/{candidate_id:int}/edit")
async def edit_candidate(
    request: Request,
    principal: CoordinatorPrincipal,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    candidate = await candidates_service.get(session, principal, candidate_id)
    return _form_page(request, FormState(values=_current_values(candidate)), candidate=candidate)


@router.post("/{candidate_id:int}")
async def update_candidate(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    candidate = await candidates_service.get(session, principal, candidate_id)
    state = parse_form(CandidateUpdate, await request.form(), current=_current_values(candidate))
    await save_form(
        state,
        lambda data: candidates_service.update(session, principal, candidate_id, data),
    )
    if not state.ok:
        raise FormRejected(_form_page(request, state, candidate=candidate, status_code=422))
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/candidates/{candidate_id}")


@router.post("/{candidate_id:int}/status")
async def change_status(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    state = parse_form(StatusChange, await request.form())
    await save_form(
        state, lambda data: candidates_service.change_status(session, principal, candidate_id, data)
    )
    if not state.ok:
        candidate = await candidates_service.get(session, principal, candidate_id)
        raise FormRejected(_detail_page(request, candidate, status_form=state, status_code=422))
    return redirect(request, f"/candidates/{candidate_id}")


@router.post("/{candidate_id:int}/hire")
async def hire(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    """Hire an offered candidate: the new employee record opens next."""
    state = parse_form(EmployeeHire, await request.form())
    result = await save_form(
        state,
        lambda data: candidates_service.hire(session, principal, candidate_id, data),
    )
    if not state.ok:
        candidate = await candidates_service.get(session, principal, candidate_id)
        raise FormRejected(_detail_page(request, candidate, hire_form=state, status_code=422))
    flash(
        request,
        "success",
        gettext_(
            "Hired: the employee record was created with the employee number %(number)s.",
            number=result.employee.employee_number,
        ),
    )
    return redirect(request, f"/employees/{result.employee.id}")


@router.post("/{candidate_id:int}/photo")
async def upload_photo(
    request: Request,
    principal: CoordinatorPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    settings: SettingsDep,
    candidate_id: CandidateId,
) -> Any:
    """Replace the photo (multipart form); the service reads the type from the content."""
    form = await request.form()
    state = parse_form(VersionBody, form)
    upload = form.get("photo")
    content = await upload.read(PHOTO_MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
    if not content:
        state.errors["photo"] = gettext_("This field is required.")
    await save_form(
        state,
        lambda data: candidates_service.set_photo(
            session,
            principal,
            candidate_id,
            content=content,
            version=data.version,
            data_dir=settings.data_dir,
        ),
    )
    if not state.ok:
        candidate = await candidates_service.get(session, principal, candidate_id)
        raise FormRejected(_detail_page(request, candidate, photo_form=state, status_code=422))
    flash(request, "success", gettext_("The photo was saved."))
    return redirect(request, f"/candidates/{candidate_id}")


async def _employee_photo(
    _request: Request, session: AsyncSession, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    """The photo taken when the employee was a candidate (nothing for a direct registration)."""
    if employee.candidate_id is None:
        return None
    try:
        candidate = await candidates_service.get(session, principal, employee.candidate_id)
    except HakenError as error:  # an application record no longer readable: no section
        if error.status_code == 404:
            return None
        raise
    return {"candidate": candidate}


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem("candidates", N_("Candidates"), "/candidates", minimum=Role.COORDINATOR, order=10)
    )
    registry.add_record_section(
        "employee",
        RecordSection(
            "photo",
            "candidates/_employee_photo.html",
            _employee_photo,
            minimum=Role.COORDINATOR,
            order=10,
        ),
    )
