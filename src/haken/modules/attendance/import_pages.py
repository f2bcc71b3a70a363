"""Web pages of the client timesheet import (/attendance/imports): pick a client, save its
column mapping, upload a file (the dry run), read the report, commit.

The same service as the API (``imports.py``); a refusal (no mapping, unreadable file, a
commit with problems) re-renders the page with its catalog message, status 422, the
transaction rolled back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from haken.modules.attendance.auth import AttendanceOffice
from haken.modules.attendance.import_schemas import (
    EmployeeKey,
    ImportField,
    ImportRead,
    MappingRead,
    MappingUpdate,
)
from haken.modules.attendance.imports import imports_service
from haken.modules.clients.service import clients_service
from haken.platform.access import Principal, Role
from haken.platform.context import locale
from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, RecordLabels, registry
from haken.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]

FIELD_LABELS = {
    ImportField.EMPLOYEE.value: N_("Employee (number or name)"),
    ImportField.DATE.value: N_("Date"),
    ImportField.START.value: N_("Start"),
    ImportField.END.value: N_("End"),
    ImportField.BREAK_MINUTES.value: N_("Break (minutes)"),
    ImportField.SHIFT_CODE.value: N_("Shift"),
    ImportField.NOTE.value: N_("Note"),
}
KEY_LABELS = {
    EmployeeKey.NUMBER.value: N_("Employee number"),
    EmployeeKey.NAME.value: N_("Name (kanji, kana or romaji)"),
}


async def _clients(session: AsyncSession, principal: Principal) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for site in await clients_service.get_site_choices(session, principal):
        seen.setdefault(site.client_id, site.client_name)
    return sorted(seen.items(), key=lambda item: item[1])


async def _index(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    client_id: int | None,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Any:
    clients = await _clients(session, principal)
    mapping: MappingRead | None = None
    if client_id is not None:
        found = {m.client_id: m for m in await imports_service.list_mappings(session, principal)}
        mapping = found.get(client_id)
    return render(
        request,
        "attendance/imports.html",
        {
            "clients": clients,
            "client_id": client_id,
            "mapping": mapping,
            "values": values or {},
            "error": error,
            "fields": [(k, gettext_(v)) for k, v in FIELD_LABELS.items()],
            "keys": [(k, gettext_(v)) for k, v in KEY_LABELS.items()],
            "recent": await imports_service.recent(session, principal),
            "client_names": dict(clients),
        },
        status_code=status_code,
    )


@router.get("/attendance/imports")
async def imports(
    request: Request,
    principal: AttendanceOffice,
    session: SessionDep,
    client_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    """Client picker, the client's mapping, the upload form and the recent uploads."""
    return await _index(request, session, principal, client_id)


@router.post("/attendance/imports/mapping")
async def save_mapping(
    request: Request, principal: AttendanceOffice, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    try:
        client_id = int(values.get("client_id", ""))
    except ValueError:
        return redirect(request, "/attendance/imports")
    try:
        data = MappingUpdate.model_validate(
            {
                "columns": {f.value: values.get(f"col_{f.value}", "") for f in ImportField},
                "employee_key": values.get("employee_key") or EmployeeKey.NUMBER.value,
                "header_row": values.get("header_row") or 1,
                "version": values.get("version") or None,
            }
        )
        await imports_service.put_mapping(session, principal, client_id=client_id, data=data)
    except (ValidationError, HakenError) as error:
        if isinstance(error, HakenError) and error.status_code == 404:
            raise
        message = (
            error.message(locale())
            if isinstance(error, HakenError)
            else gettext_("Map the employee and the date, and either start and end or the shift.")
        )
        raise FormRejected(
            await _index(
                request,
                session,
                principal,
                client_id,
                error=message,
                values=values,
                status_code=422,
            )
        ) from error
    flash(request, "success", gettext_("The column mapping was saved."))
    return redirect(request, f"/attendance/imports?client_id={client_id}")


@router.post("/attendance/imports")
async def upload(
    request: Request, principal: AttendanceOffice, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    try:
        client_id = int(str(form.get("client_id", "")))
    except ValueError:
        return redirect(request, "/attendance/imports")
    file = form.get("file")
    content = await file.read() if isinstance(file, UploadFile) else b""
    try:
        if not content:
            raise FormRejected(
                await _index(
                    request,
                    session,
                    principal,
                    client_id,
                    error=gettext_("Choose a CSV or Excel file."),
                    status_code=422,
                )
            )
        done = await imports_service.dry_run(
            session,
            principal,
            client_id=client_id,
            filename=(file.filename or "") if isinstance(file, UploadFile) else "",
            content=content,
        )
    except HakenError as error:
        if error.status_code == 404:
            raise
        raise FormRejected(
            await _index(
                request,
                session,
                principal,
                client_id,
                error=error.message(locale()),
                status_code=422,
            )
        ) from error
    return redirect(request, f"/attendance/imports/{done.id}")


def _report(
    request: Request,
    data: ImportRead,
    client_name: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "attendance/import_report.html",
        {
            "data": data,
            "client_name": client_name,
            "error": error,
            "field_labels": {k: gettext_(v) for k, v in FIELD_LABELS.items()},
        },
        status_code=status_code,
    )


async def _client_name(session: AsyncSession, principal: Principal, client_id: int) -> str:
    return dict(await _clients(session, principal)).get(client_id, f"#{client_id}")


@router.get("/attendance/imports/{import_id:int}")
async def report(
    request: Request, principal: AttendanceOffice, session: SessionDep, import_id: Id
) -> Any:
    """The dry-run report: every problem with its line, column and message; commit when
    there is none."""
    data = await imports_service.get_import(session, principal, import_id=import_id)
    return _report(request, data, await _client_name(session, principal, data.client_id))


@router.post("/attendance/imports/{import_id:int}/commit")
async def commit(
    request: Request,
    principal: AttendanceOffice,
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
        name = await _client_name(session, principal, data.client_id)
        raise FormRejected(
            _report(request, data, name, error=error.message(locale()), status_code=422)
        ) from error
    flash(
        request,
        "success",
        gettext_("%(count)s timecards were imported.", count=done.imported_count),
    )
    return redirect(request, f"/attendance/imports/{import_id}")


MAPPING_AUDIT_FIELDS = {
    "columns": N_("Columns"),
    "employee_key": N_("The employee column holds"),
    "header_row": N_("Header row"),
}
FILE_AUDIT_FIELDS = {
    "client_id": N_("Client"),
    "filename": N_("File"),
    "sha256": N_("Content hash (SHA-256)"),
    "state": N_("State"),
    "row_count": N_("Rows"),
    "error_count": N_("Rows with problems"),
    "imported_count": N_("Timecards imported"),
}
IMPORT_ACTIONS = {
    "upload": N_("Uploaded and checked"),
    "recheck": N_("Checked again"),
    "commit": N_("Imported"),
}


def register_import_web() -> None:
    registry.add_record_labels(
        "timesheet_mapping",
        RecordLabels(N_("Timesheet column mapping"), MAPPING_AUDIT_FIELDS, href=None),
    )
    registry.add_record_labels(
        "timesheet_import",
        RecordLabels(N_("Timesheet import"), FILE_AUDIT_FIELDS, href="/attendance/imports/{id}"),
    )
    registry.add_action_labels(IMPORT_ACTIONS)
    registry.add_nav(
        NavItem(
            "timesheet-imports",
            N_("Timesheet import"),
            "/attendance/imports",
            minimum=Role.COORDINATOR,
            order=24,
        )
    )


__all__ = ["register_import_web", "router"]
