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
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from haken.modules.audit.service import audit_service
from haken.modules.candidates.auth import CandidatesExport, CandidatesRead, CandidatesWrite
from haken.modules.candidates.errors import CandidateLikelyDuplicateError
from haken.modules.candidates.labels import register_labels
from haken.modules.candidates.photos import PHOTO_MAX_BYTES
from haken.modules.candidates.schemas import (
    TRANSITIONS,
    CandidateCreate,
    CandidateDetail,
    CandidateFilter,
    CandidateRead,
    CandidateStatus,
    CandidateUpdate,
    Conversation,
    JlptLevel,
    StatusChange,
)
from haken.modules.candidates.service import candidates_service
from haken.modules.candidates.sorting import CANDIDATE_SORTING, CandidateSortField
from haken.modules.employees.labels import (
    EMPLOYMENT_TYPE,
    TERM_TYPE,
    labels_for_templates,
    options,
    residence_label,
)
from haken.modules.employees.schemas import EmployeeHire, VersionBody
from haken.platform.access import Principal, Role
from haken.platform.deps import DatabaseDep, SessionDep, SettingsDep
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
    local_moment,
)
from haken.web.registry import NavItem, RecordSection, registry
from haken.web.render import country_name, flash, redirect, render

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


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


def _today(request: Request) -> dt.date:
    return dt.datetime.now(_zone(request)).date()


def _labels() -> dict[str, Any]:
    return {
        **labels_for_templates(),
        "candidate_status_labels": {k.value: gettext_(v) for k, v in STATUS.items()},
        "candidate_status_options": options(STATUS),  # type: ignore[arg-type]
        "jlpt_options": [("", "—")] + [(level.value, level.value) for level in JlptLevel],
        "conversation_options": [("", "—"), *options(CONVERSATION)],  # type: ignore[arg-type]
        "conversation_labels": {k.value: gettext_(v) for k, v in CONVERSATION.items()},
    }


LIST_PAGE_SIZE = 50


def _columns(zone: ZoneInfo) -> tuple[Column[CandidateRead], ...]:
    """The candidate list's columns: the screen's headers and the export's header row."""
    stages = {key.value: gettext_(label) for key, label in STATUS.items()}
    return (
        Column(
            "name",
            N_("Name"),
            lambda c: c.name_kanji or c.name_kana,
            sort=CandidateSortField.KANA,
        ),
        Column(
            "name_romaji", N_("Romaji"), lambda c: c.name_romaji, sort=CandidateSortField.ROMAJI
        ),
        Column("birth_date", N_("Birth date"), lambda c: c.birth_date),
        Column("nationality", N_("Nationality"), lambda c: country_name(c.nationality)),
        Column(
            "residence_status",
            N_("Residence status"),
            lambda c: residence_label(c.residence_status) or None,
        ),
        Column("status", N_("Stage"), lambda c: stages[c.status.value]),
        Column("reception_date", N_("Received"), lambda c: c.reception_date),
        Column(
            "created_at",
            N_("Registered"),
            lambda c: local_moment(c.created_at, zone),
            sort=CandidateSortField.CREATED,
        ),
    )


@router.get("")
async def candidates(request: Request, principal: CandidatesRead, session: SessionDep) -> Any:
    """Search by any name form, stage and residence status; filters, sort and cursor live in
    the URL (``web.lists``); an unknown value is ignored, not a 422."""
    state = ListState.from_query(CandidateFilter, CANDIDATE_SORTING, request.query_params)
    result = await candidates_service.list(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        request=state.page_request(LIST_PAGE_SIZE),
    )
    return render(
        request,
        "candidates/list.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(_zone(request)),
            **_labels(),
        },
        block="results",
    )


@router.get("/export.{file_format}")
async def export_candidates(
    request: Request,
    principal: CandidatesExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered candidate list, every page, as CSV or Excel with the screen's labels
    (coordinators and above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(CandidateFilter, CANDIDATE_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="candidate",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[CandidateRead]:
        return await candidates_service.list(
            session, principal, filters=state.filters, sort=state.sort, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_columns(_zone(request)),
        fetch=fetch,
        stem="candidates",
        today=_today(request),
        sheet_title=gettext_("Candidates"),
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
async def new_candidate(request: Request, _principal: CandidatesWrite) -> Any:
    defaults = {
        "nationality": "",
        "gender": "unspecified",
        "extra_activity_permission": "NONE",
        "reception_date": _today(request).isoformat(),
    }
    return _form_page(request, FormState(values=defaults))


@router.post("")
async def create_candidate(
    request: Request, principal: CandidatesWrite, _csrf: CsrfProtected, session: SessionDep
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
            existing = (
                error.details.get("candidate_id") if isinstance(error.details, dict) else None
            )
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
    principal: CandidatesRead,
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
    principal: CandidatesWrite,
    session: SessionDep,
    candidate_id: CandidateId,
) -> Any:
    candidate = await candidates_service.get(session, principal, candidate_id)
    return _form_page(request, FormState(values=_current_values(candidate)), candidate=candidate)


@router.post("/{candidate_id:int}")
async def update_candidate(
    request: Request,
    principal: CandidatesWrite,
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
    principal: CandidatesWrite,
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
    principal: CandidatesWrite,
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
    principal: CandidatesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    settings: SettingsDep,
    candidate_id: CandidateId,
) -> Any:
    """Replace the photo (multipart form); the service reads the type from the content."""
    form = await request.form()
    state = parse_form(VersionBody, form)
    state.values["photo"] = ""  # the file input: a refusal naming it lands on it
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
