"""Web pages of the master-data imports (/imports): the list, a new upload, the column
mapping of the file's source, the dry-run report (with the progress of a background job),
and the commit behind a confirmation page.

The same service as the API; a refusal (unreadable file, a mapping without the required
fields, a commit with problems) re-renders the page with its catalog message, status 422,
the transaction rolled back.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from haken.modules.employees.labels import EMPLOYEE_FIELDS, PERSON_FIELDS
from haken.modules.imports.auth import ImportsWrite
from haken.modules.imports.schemas import ImportRead, ImportState, ImportTarget, MappingUpdate
from haken.modules.imports.service import imports_service
from haken.modules.imports.targets import TARGETS
from haken.platform.access import Principal, Role
from haken.platform.context import locale
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, RecordLabels, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]

TARGET_LABELS = {
    ImportTarget.EMPLOYEES.value: N_("Employees"),
    ImportTarget.CANDIDATES.value: N_("Candidates"),
    ImportTarget.CLIENTS.value: N_("Clients"),
    ImportTarget.SITES.value: N_("Client sites"),
    ImportTarget.UNITS.value: N_("Units"),
    ImportTarget.ASSIGNMENTS.value: N_("Assignments"),
}
STATE_LABELS = {
    ImportState.UNMAPPED.value: N_("waiting for a column mapping"),
    ImportState.CHECKING.value: N_("being checked"),
    ImportState.CHECKED.value: N_("checked, nothing imported yet"),
    ImportState.COMMITTING.value: N_("being imported"),
    ImportState.COMMITTED.value: N_("imported"),
}
FIELD_LABELS = {
    **PERSON_FIELDS,
    **{k: v for k, v in EMPLOYEE_FIELDS.items() if k in TARGETS[ImportTarget.EMPLOYEES].fields},
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "postal_code": N_("Postal code"),
    "prefecture": N_("Prefecture"),
    "city": N_("City"),
    "address_line1": N_("Address"),
    "address_line2": N_("Building and room"),
    "notes": N_("Notes"),
    "reception_date": N_("Received on"),
    "arrival_date": N_("Arrived in Japan"),
    # clients, sites, units, assignments
    "name": N_("Name"),
    "entity_kind": N_("Kind"),
    "corporate_number": N_("Corporate number"),
    "invoice_registration_number": N_("Invoice registration number"),
    "client": N_("Client (corporate number or name)"),
    "site": N_("Site name"),
    "dispatch_started_on": N_("Dispatch started"),
    "manager_name": N_("Client manager (派遣先責任者)"),
    "manager_department": N_("Client manager's department"),
    "manager_title": N_("Client manager's title"),
    "manager_phone": N_("Manager's phone"),
    "complaint_name": N_("Complaints contact"),
    "complaint_department": N_("Complaints contact's department"),
    "complaint_title": N_("Complaints contact's title"),
    "complaint_phone": N_("Complaints phone"),
    "own_employees": N_("Client's own employees at the site"),
    "head_title": N_("Title of the unit's head"),
    "supervisor_name": N_("Supervisor"),
    "supervisor_department": N_("Supervisor's department"),
    "supervisor_title": N_("Supervisor's title"),
    "supervisor_phone": N_("Supervisor's phone"),
    "contract_number": N_("Contract number"),
    "unit": N_("Unit name"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "hourly_pay": N_("Hourly pay"),
    "hourly_bill": N_("Hourly bill"),
}
# A field whose label depends on what the file holds.
TARGET_FIELD_LABELS = {
    ImportTarget.CLIENTS: {"name": N_("Company name"), "name_kana": N_("Company name in kana")},
    ImportTarget.SITES: {"name": N_("Site name")},
    ImportTarget.UNITS: {"name": N_("Unit name"), "site": N_("Site name")},
}


def _field_labels(target: ImportTarget | None = None) -> dict[str, str]:
    labels = {**FIELD_LABELS, **TARGET_FIELD_LABELS.get(target, {})} if target else FIELD_LABELS
    return {k: gettext_(v) for k, v in labels.items()}


def _raw_labels(target: ImportTarget) -> dict[str, str]:
    return {**FIELD_LABELS, **TARGET_FIELD_LABELS.get(target, {})}


@router.get("/imports/templates/{target}")
async def template(principal: ImportsWrite, target: ImportTarget) -> Response:
    """An empty file for ``target``: one header row of its fields' labels in the reader's
    language (UTF-8 with a BOM, as Excel opens it), which the mapping form recognises."""
    labels = _field_labels(target)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        [labels[name] for name in TARGETS[target].fields]
    )
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="import-{target.value}.csv"',
        },
    )


async def _list(
    request: Request, session: AsyncSession, principal: Principal, before: int | None
) -> Any:
    items = await imports_service.recent(session, principal, limit=50, before=before)
    return render(
        request,
        "imports/list.html",
        {
            "items": items,
            "next_before": items[-1].id if len(items) == 50 else None,
            "targets": {k: gettext_(v) for k, v in TARGET_LABELS.items()},
            "states": {k: gettext_(v) for k, v in STATE_LABELS.items()},
        },
    )


@router.get("/imports")
async def imports_list(
    request: Request,
    principal: ImportsWrite,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> Any:
    """Every uploaded file, newest first, with its state."""
    return await _list(request, session, principal, before)


async def _new(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Any:
    mappings = await imports_service.list_mappings(session, principal)
    return render(
        request,
        "imports/new.html",
        {
            "targets": [(k, gettext_(v)) for k, v in TARGET_LABELS.items()],
            "sources": sorted({m.source for m in mappings}),
            "error": error,
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/imports/new")
async def new_import(request: Request, principal: ImportsWrite, session: SessionDep) -> Any:
    """The upload form: what the file holds, where it comes from, the file."""
    return await _new(request, session, principal)


@router.post("/imports")
async def upload(
    request: Request, principal: ImportsWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    file = form.get("file")
    content = await file.read() if isinstance(file, UploadFile) else b""
    source = values.get("source", "").strip()[:100]
    target = values.get("target", "")
    message = None
    if target not in TARGET_LABELS:
        message = gettext_("Choose what the file holds.")
    elif not source:
        message = gettext_("Name the source of the file (the system or client it comes from).")
    elif not content:
        message = gettext_("Choose a CSV or Excel file.")
    if message is not None:
        raise FormRejected(
            await _new(request, session, principal, error=message, values=values, status_code=422)
        )
    try:
        done = await imports_service.upload(
            session,
            principal,
            target=ImportTarget(target),
            source=source,
            filename=(file.filename or "") if isinstance(file, UploadFile) else "",
            content=content,
        )
    except HakenError as error:
        raise FormRejected(
            await _new(
                request,
                session,
                principal,
                error=error.message(locale()),
                values=values,
                status_code=422,
            )
        ) from error
    if done.state == ImportState.UNMAPPED:
        return redirect(request, f"/imports/{done.id}/mapping")
    return redirect(request, f"/imports/{done.id}")


def _report(
    request: Request, data: ImportRead, *, error: str | None = None, status_code: int = 200
) -> Any:
    return render(
        request,
        "imports/report.html",
        {
            "data": data,
            "error": error,
            "target_label": gettext_(TARGET_LABELS[data.target.value]),
            "state_label": gettext_(STATE_LABELS[data.state.value]),
            "field_labels": _field_labels(data.target),
            "running": data.state in (ImportState.CHECKING, ImportState.COMMITTING),
        },
        status_code=status_code,
        block="report",
    )


@router.get("/imports/{import_id:int}")
async def report(
    request: Request, principal: ImportsWrite, session: SessionDep, import_id: Id
) -> Any:
    """The dry-run report: every problem with its line, column and message; the progress of
    a background check or import; the way to the commit when there is no problem."""
    data = await imports_service.get_import(session, principal, import_id=import_id)
    return _report(request, data)


async def _mapping_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    data: ImportRead,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Any:
    target = TARGETS[data.target]
    saved = {
        m.source: m
        for m in await imports_service.list_mappings(session, principal, target=data.target)
    }.get(data.source)
    labels = _field_labels(data.target)
    chosen: dict[str, str] = {}
    for name in target.fields:
        if values is not None:
            chosen[name] = values.get(f"col_{name}", "")
        elif saved is not None:
            chosen[name] = saved.columns.get(name, "")
        else:  # a header that reads like the field's label or its name
            raw = _raw_labels(data.target)[name]
            guesses = {labels[name], gettext_(raw), raw, name}
            chosen[name] = next((h for h in data.header if h in guesses), "")
    return render(
        request,
        "imports/mapping.html",
        {
            "data": data,
            "fields": [(n, labels[n], n in target.required) for n in target.fields],
            "chosen": chosen,
            "header": [h for h in data.header if h],
            "header_row": (values or {}).get("header_row") or (saved.header_row if saved else 1),
            "saved": saved,
            "error": error,
            "target_label": gettext_(TARGET_LABELS[data.target.value]),
        },
        status_code=status_code,
    )


@router.get("/imports/{import_id:int}/mapping")
async def mapping(
    request: Request, principal: ImportsWrite, session: SessionDep, import_id: Id
) -> Any:
    """The source's column mapping, with the file's header texts to choose from."""
    data = await imports_service.get_import(session, principal, import_id=import_id)
    return await _mapping_page(request, session, principal, data)


@router.post("/imports/{import_id:int}/mapping")
async def save_mapping(
    request: Request,
    principal: ImportsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    import_id: Id,
) -> Any:
    data = await imports_service.get_import(session, principal, import_id=import_id)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    try:
        body = MappingUpdate.model_validate(
            {
                "target": data.target.value,
                "source": data.source,
                "columns": {n: values.get(f"col_{n}", "") for n in TARGETS[data.target].fields},
                "header_row": values.get("header_row") or 1,
                "version": values.get("version") or None,
            }
        )
        await imports_service.put_mapping(session, principal, data=body)
        done = await imports_service.recheck(session, principal, import_id=import_id)
    except (ValidationError, HakenError) as error:
        if isinstance(error, HakenError) and error.status_code == 404:
            raise
        message = (
            error.message(locale())
            if isinstance(error, HakenError)
            else gettext_("Check the header row (1 to 20) and the columns.")
        )
        raise FormRejected(
            await _mapping_page(
                request, session, principal, data, error=message, values=values, status_code=422
            )
        ) from error
    flash(request, "success", gettext_("The column mapping was saved and the file checked."))
    return redirect(request, f"/imports/{done.id}")


@router.get("/imports/{import_id:int}/commit")
async def confirm_commit(
    request: Request, principal: ImportsWrite, session: SessionDep, import_id: Id
) -> Any:
    data = await imports_service.get_import(session, principal, import_id=import_id)
    return confirmation(
        request,
        title=gettext_("Import the file"),
        question=gettext_(
            "%(count)s records are created from %(file)s.", count=data.row_count, file=data.filename
        ),
        consequences=[
            gettext_("Every row is created, or with any problem none."),
            gettext_("Each record's audit entry names the file and its line."),
        ],
        action=f"/imports/{import_id}/commit",
        button=gettext_("Import"),
        cancel=f"/imports/{import_id}",
    )


@router.post("/imports/{import_id:int}/commit")
async def commit(
    request: Request,
    principal: ImportsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    import_id: Id,
) -> Any:
    try:
        done = await imports_service.commit(session, principal, import_id=import_id)
    except HakenError as error:
        if error.status_code == 404:
            raise
        data = await imports_service.get_import(session, principal, import_id=import_id)
        raise FormRejected(
            _report(request, data, error=error.message(locale()), status_code=422)
        ) from error
    if done.state == ImportState.COMMITTED:
        flash(
            request,
            "success",
            gettext_("%(count)s records were imported.", count=done.imported_count),
        )
    return redirect(request, f"/imports/{import_id}")


MAPPING_AUDIT_FIELDS = {
    "target": N_("What the file holds"),
    "source": N_("Import source"),
    "columns": N_("Columns"),
    "header_row": N_("Header row"),
}
FILE_AUDIT_FIELDS = {
    "target": N_("What the file holds"),
    "source": N_("Import source"),
    "filename": N_("File"),
    "sha256": N_("Content hash (SHA-256)"),
    "state": N_("State"),
    "row_count": N_("Rows"),
    "error_count": N_("Rows with problems"),
    "imported_count": N_("Records imported"),
}
IMPORT_ACTIONS = {
    "upload": N_("Uploaded and checked"),
    "recheck": N_("Checked again"),
    "commit": N_("Imported"),
}


def register_web() -> None:
    registry.add_record_labels(
        "import_mapping", RecordLabels(N_("Import column mapping"), MAPPING_AUDIT_FIELDS, href=None)
    )
    registry.add_record_labels(
        "master_import", RecordLabels(N_("Import"), FILE_AUDIT_FIELDS, href="/imports/{id}")
    )
    registry.add_action_labels(IMPORT_ACTIONS)
    registry.add_nav(
        NavItem("imports", N_("Imports"), "/imports", minimum=Role.COORDINATOR, order=26)
    )


__all__ = ["register_web", "router"]
