"""Routes of the 労働条件通知書兼就業条件明示書 (documents/labour_notice.py): the office issues it
per assignment (API and the contract's document page); the worker downloads their own from
the portal with the other documents addressed to them (``/me/documents/…``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from haken.modules.documents.auth import DocumentsIssue
from haken.modules.documents.labour_notice import STATED, LabourNoticeIssue, labour_notices
from haken.modules.documents.pages import _back, _contract_of, _refused
from haken.modules.documents.schemas import DocumentRead
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError, ValidationFailedError
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok
from haken.web.csrf import CsrfProtected
from haken.web.i18n import gettext_
from haken.web.render import flash, redirect

router = APIRouter(prefix="/api/documents", tags=["documents"])
page_router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])


@router.post(
    "/assignments/{assignment_id:int}/labour-notice",
    response_model=Envelope[DocumentRead],
    dependencies=[Depends(default_limit)],
)
async def issue_labour_notice(
    assignment_id: int, payload: LabourNoticeIssue, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 労働条件通知書兼就業条件明示書 (労基法15条, 労基則5条, 派遣法34条) of an
    assignment: the contract period in force (a renewal recorded on the worker issues a new
    version), the renewal cap and the range of changes (2024), the 無期転換 application chance
    and post-conversion terms once the right has arisen; items not given are carried from the
    worker's last notice; refused naming every missing item."""
    return ok(
        await labour_notices.issue(
            session, principal, assignment_id=assignment_id, data=payload, today=dt.date.today()
        )
    )


@page_router.post("/documents/assignments/{assignment_id:int}/labour-notice")
async def issue_labour_notice_page(
    request: Request,
    assignment_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    contract_id = _contract_of(form)
    values = {name: str(form.get(name) or "").strip() for name in STATED}
    try:
        data = LabourNoticeIssue.model_validate(values)
        issued = await labour_notices.issue(
            session, principal, assignment_id=assignment_id, data=data, today=dt.date.today()
        )
    except ValidationError as error:
        bad = ValidationFailedError(
            details=[{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in error.errors()]
        )
        raise await _refused(request, session, principal, bad, contract_id) from error
    except HakenError as error:
        if error.status_code == 404:
            raise
        raise await _refused(request, session, principal, error, contract_id) from error
    flash(
        request,
        "success",
        gettext_(
            "The notice of working conditions was issued (version %(version)s).",
            version=issued.version,
        ),
    )
    return redirect(request, _back(contract_id))


__all__ = ["page_router", "router"]
