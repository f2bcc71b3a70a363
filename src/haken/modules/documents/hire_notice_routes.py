"""Routes of the 労働条件通知書 at hire (documents/hire_notice.py): the office issues it per
employee, before any placement (API and the worker's document page, /documents?employee_id=);
the worker downloads their own from the portal (``/me/documents/…``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from haken.modules.documents.auth import DocumentsIssue
from haken.modules.documents.hire_notice import HIRE_STATED, HireNoticeIssue, hire_notices
from haken.modules.documents.pages import _list_page
from haken.modules.documents.schemas import DocumentRead
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError, ValidationFailedError
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState
from haken.web.i18n import gettext_
from haken.web.render import flash, redirect

router = APIRouter(prefix="/api/documents", tags=["documents"])
page_router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such employee"}}


@router.post(
    "/employees/{employee_id:int}/hire-notice",
    response_model=Envelope[DocumentRead],
    responses=NOT_FOUND,
    dependencies=[Depends(default_limit)],
)
async def issue_hire_notice(
    employee_id: int, payload: HireNoticeIssue, principal: DocumentsIssue, session: SessionDep
) -> Any:
    """Issue the 労働条件通知書 of an employee at hire, without an assignment (労基法15条,
    労基則5条; for a dispatch worker also 派遣法31条の2第2項 and 34条の2): the terms the
    employee record holds (employment type, 無期 or the contract period, the pay settings),
    the rest as stated here (empty: as on the worker's last notice); refused naming every
    missing item; a new version only when the data changed."""
    return ok(
        await hire_notices.issue(
            session, principal, employee_id=employee_id, data=payload, today=dt.date.today()
        )
    )


@page_router.post("/documents/employees/{employee_id:int}/hire-notice")
async def issue_hire_notice_page(
    request: Request,
    employee_id: int,
    principal: DocumentsIssue,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in HIRE_STATED}
    try:
        data = HireNoticeIssue.model_validate(values)
        issued = await hire_notices.issue(
            session, principal, employee_id=employee_id, data=data, today=dt.date.today()
        )
    except (ValidationError, HakenError) as error:
        if isinstance(error, HakenError) and error.status_code == 404:
            raise
        refusal = (
            ValidationFailedError(
                details=[{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in error.errors()]
            )
            if isinstance(error, ValidationError)
            else error
        )
        state: FormState[Any] = FormState()
        state.add_error(refusal)
        carried = await hire_notices.carried(session, employee_id)
        shown = {name: values[name] or carried[name] for name in HIRE_STATED}
        raise FormRejected(
            await _list_page(
                request,
                session,
                principal,
                state,
                employee_id=employee_id,
                status_code=422,
                hire_values=shown,
            )
        ) from error
    flash(
        request,
        "success",
        gettext_(
            "The notice of working conditions at hire was issued (version %(version)s).",
            version=issued.version,
        ),
    )
    return redirect(request, f"/documents?employee_id={employee_id}")


__all__ = ["page_router", "router"]
