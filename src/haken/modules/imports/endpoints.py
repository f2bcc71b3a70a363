"""HTTP API of the master-data imports: /api/imports/…"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.datastructures import UploadFile

from haken.modules.imports.auth import ImportsWrite
from haken.modules.imports.schemas import (
    ImportRead,
    ImportSummary,
    ImportTarget,
    MappingRead,
    MappingUpdate,
)
from haken.modules.imports.service import imports_service
from haken.platform.deps import SessionDep
from haken.platform.errors import ValidationFailedError
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/imports", tags=["imports"], dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]


@router.get("", response_model=Envelope[list[ImportSummary]])
async def list_imports(
    principal: ImportsWrite,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> Any:
    """Uploaded files, newest first, with their state and counts (``before`` = the last id
    of the previous page)."""
    return ok(await imports_service.recent(session, principal, limit=limit, before=before))


@router.get("/mappings", response_model=Envelope[list[MappingRead]])
async def list_mappings(
    principal: ImportsWrite, session: SessionDep, target: ImportTarget | None = None
) -> Any:
    return ok(await imports_service.list_mappings(session, principal, target=target))


@router.put("/mappings", response_model=Envelope[MappingRead])
async def put_mapping(body: MappingUpdate, principal: ImportsWrite, session: SessionDep) -> Any:
    """Save a source's layout for a target: each field → a header text or a column letter;
    ``version`` when replacing one."""
    return ok(await imports_service.put_mapping(session, principal, data=body))


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["target", "source", "file"],
                    "properties": {
                        "target": {"type": "string", "enum": [t.value for t in ImportTarget]},
                        "source": {"type": "string", "minLength": 1, "maxLength": 100},
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV (UTF-8 or Shift_JIS) or Excel .xlsx",
                        },
                    },
                }
            }
        },
    }
}


async def _upload_form(request: Request) -> tuple[ImportTarget, str, str, bytes]:
    """The multipart body, read in the endpoint (see attendance's upload: the access
    dependency's Idempotency-Key claim hashes the raw body first)."""
    problems: list[dict[str, Any]] = []
    try:
        form = await request.form()
    except Exception as error:  # a body that is not multipart or urlencoded form data
        raise ValidationFailedError(
            details=[{"loc": ["body"], "code": "form", "message": "multipart form expected"}]
        ) from error
    raw_target = form.get("target")
    target = None
    if isinstance(raw_target, str) and raw_target in {t.value for t in ImportTarget}:
        target = ImportTarget(raw_target)
    else:
        problems.append({"loc": ["body", "target"], "code": "enum", "message": "a target"})
    raw_source = form.get("source")
    source = raw_source.strip() if isinstance(raw_source, str) else ""
    if not 1 <= len(source) <= 100:
        problems.append({"loc": ["body", "source"], "code": "string", "message": "a source"})
    file = form.get("file")
    if not isinstance(file, UploadFile):
        problems.append({"loc": ["body", "file"], "code": "missing", "message": "a file"})
    if problems:
        raise ValidationFailedError(details=problems)
    assert isinstance(file, UploadFile) and target is not None
    return target, source, file.filename or "", await file.read()


@router.post("", response_model=Envelope[ImportRead], openapi_extra=_UPLOAD_BODY)
async def upload(request: Request, principal: ImportsWrite, session: SessionDep) -> Any:
    """Upload (multipart ``target``, ``source``, ``file``): the file is stored and, when the
    source has a mapping, checked row by row (the dry run; nothing else is written; a large
    file is checked by a background job, state ``checking``). The same file again answers
    with the same import."""
    target, source, filename, content = await _upload_form(request)
    return ok(
        await imports_service.upload(
            session, principal, target=target, source=source, filename=filename, content=content
        )
    )


@router.get("/{import_id:int}", response_model=Envelope[ImportRead])
async def get_import(principal: ImportsWrite, session: SessionDep, import_id: Id) -> Any:
    """The import with its report (line, column, field, catalog code, message)."""
    return ok(await imports_service.get_import(session, principal, import_id=import_id))


@router.post("/{import_id:int}/commit", response_model=Envelope[ImportRead])
async def commit(principal: ImportsWrite, session: SessionDep, import_id: Id) -> Any:
    """All or nothing: every row is created, or with any problem none (``IMPORTS_HAS_ERRORS``);
    a large file is queued (state ``committing``). A committed import answers with its result."""
    return ok(await imports_service.commit(session, principal, import_id=import_id))
