"""Master-data imports: employees and candidates from a CSV or Excel file.

Flow: a source's column mapping is saved per target (``put_mapping``); a file is uploaded
(``upload``: stored with its sha256; with a mapping it is checked at once — the **dry run**);
the report lists every problem with its line, column letter, field, catalog code and message;
``commit`` writes every row or, with any problem, none.

**The same validation as the forms**: each row becomes the area's create DTO
(``targets.TARGETS``) and is written by the area's own service ``create`` (employees: the
duplicate person and the taken 社員番号, numbering, encrypted numbers; candidates: the likely
duplicate refused as the form does before "register anyway"). The dry run runs those very
creates inside a SAVEPOINT and rolls it back, so what it reports is what the commit meets;
two rows of one file that share an employee number or an e-mail address are refused too
(the line of the first is named).

**All or nothing**: the commit runs the same rows in the request's (or the job's) one
transaction; any problem rolls every row back. **Idempotent**: the same content for the same
target finds the first upload (committed: answered as it is; else checked again).
**Audited with the file**: every created record's own audit row carries the request id
``import-<id>-line-<n>`` (file and line), and the file has its rows: ``upload``, ``recheck``,
``commit`` with the counts. Files of more than ``inline_limit`` rows are checked and committed
by a background job (``imports.run``) whose progress the page shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.imports.errors import (
    ImportBusyError,
    ImportColumnMissingError,
    ImportDuplicateInFileError,
    ImportEmptyError,
    ImportHasErrorsError,
    ImportInvalidValueError,
    ImportMappingInvalidError,
    ImportNoMappingError,
    ImportNotCheckedError,
    ImportUnreadableError,
)
from haken.modules.imports.models import MasterImport, MasterImportMapping
from haken.modules.imports.repository import ImportRepository
from haken.modules.imports.schemas import (
    ImportProblem,
    ImportRead,
    ImportState,
    ImportSummary,
    ImportTarget,
    MappingRead,
    MappingUpdate,
)
from haken.modules.imports.targets import TARGETS, Lookups, Target, cell_value, spoilt
from haken.platform import context
from haken.platform.access import Principal, Role
from haken.platform.editing import check_version
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.jobs import enqueue_job
from haken.platform.repository import utcnow
from haken.platform.tabular import (
    UnreadableFile,
    cell_text,
    column_letter,
    file_format,
    header_index,
    read_rows,
    resolve_column,
)
from haken.web.forms import field_message

RUN_JOB = "imports.run"
REPORT_LIMIT = 1000
"""Problems kept in the stored report (the count of rows with problems is always whole)."""
PROGRESS_EVERY = 500
CHUNK = 500
"""Rows handed to the area's create at once (the employees' batched create writes a chunk in
a fixed number of statements)."""


def _both(make: Callable[[], str]) -> dict[str, str]:
    """A message in both languages (the report is read in either)."""
    previous = context.locale()
    try:
        found = {}
        for language in ("ja", "en"):
            context.set_locale(language)
            found[language] = make()
        return found
    finally:
        context.set_locale(previous)


class _Report:
    def __init__(self) -> None:
        self.problems: list[dict[str, Any]] = []
        self.lines: set[int] = set()

    def add(
        self,
        line: int,
        column: int | None,
        name: str | None,
        code: str,
        message: dict[str, str],
    ) -> None:
        self.lines.add(line)
        if len(self.problems) < REPORT_LIMIT:
            self.problems.append(
                {
                    "line": line,
                    "column": column_letter(column) if column is not None else None,
                    "field": name,
                    "code": code,
                    "message": message,
                }
            )

    def error(self, line: int, column: int | None, name: str | None, error: HakenError) -> None:
        self.add(
            line, column, name, error.code, {"ja": error.message("ja"), "en": error.message("en")}
        )


def _columns(
    target: Target, mapping: MasterImportMapping, header: tuple[Any, ...]
) -> dict[str, int]:
    names = header_index(header)
    found: dict[str, int] = {}
    for name, column in mapping.columns.items():
        if not column or name not in target.fields:
            continue
        index = resolve_column(names, column)
        if index is None:
            raise ImportColumnMissingError(column=column, field=name, row=mapping.header_row)
        found[name] = index
    return found


class MasterImports:
    """The use cases (``imports_service``); like every service, never commits."""

    inline_limit = 2000
    """Rows checked and committed in the request; a larger file goes to a background job."""

    # --- mappings ------------------------------------------------------------------------

    async def list_mappings(
        self, session: AsyncSession, principal: Principal, *, target: ImportTarget | None = None
    ) -> list[MappingRead]:
        rows = await ImportRepository(session).mappings(target.value if target else None)
        return [MappingRead.model_validate(m) for m in rows]

    async def put_mapping(
        self, session: AsyncSession, principal: Principal, *, data: MappingUpdate
    ) -> MappingRead:
        target = TARGETS[data.target]
        columns = {k: v for k, v in data.columns.items() if v and k in target.fields}
        missing = [name for name in target.required if name not in columns]
        if missing:
            raise ImportMappingInvalidError(details={"fields": missing})
        repo = ImportRepository(session)
        row = await repo.mapping(data.target.value, data.source)
        before = _mapping_snapshot(row) if row else None
        if row is None:
            row = MasterImportMapping(target=data.target.value, source=data.source)
            repo.add(row)
        elif data.version is not None:
            check_version(row, data.version)
        row.columns = columns
        row.header_row = data.header_row
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="import_mapping",
            entity_id=row.id,
            action="create" if before is None else "update",
            before=before,
            after=_mapping_snapshot(row),
        )
        return MappingRead.model_validate(row)

    # --- files ---------------------------------------------------------------------------

    async def upload(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        target: ImportTarget,
        source: str,
        filename: str,
        content: bytes,
    ) -> ImportRead:
        """Store the file and, when its source has a mapping, check it (the dry run: nothing
        but the file and its report is written). The same content for the same target finds
        the first upload: committed, it is answered as it is; else it is checked again."""
        repo = ImportRepository(session)
        digest = hashlib.sha256(content).hexdigest()
        row = await repo.file_by_hash(target.value, digest)
        if row is not None and row.state == ImportState.COMMITTED:
            return _read(row)
        if row is not None and row.state in (ImportState.CHECKING, ImportState.COMMITTING):
            raise ImportBusyError()
        rows = _read_rows(content)
        source = source[:100]
        mapping = await repo.mapping(target.value, source)
        header_row = mapping.header_row if mapping else 1
        header = [cell_text(c) for c in rows[header_row - 1]] if len(rows) >= header_row else []
        created = row is None
        if row is None:
            row = MasterImport(
                target=target.value,
                sha256=digest,
                file_format=file_format(content),
                content=content,
                uploaded_by=principal.user_id,
                state=ImportState.UNMAPPED.value,
                report=[],
                header=header,
                source=source,
                filename=filename[:255] or "import",
                row_count=0,
                processed=0,
                error_count=0,
                imported_count=0,
            )
            repo.add(row)
        row.source = source
        row.filename = filename[:255] or "import"
        row.header = header
        await self._check_or_queue(session, principal, repo, row, mapping, rows)
        await audit_service.record(
            session,
            principal,
            entity_type="master_import",
            entity_id=row.id,
            action="upload" if created else "recheck",
            after=_file_snapshot(row),
        )
        return _read(row)

    async def recheck(
        self, session: AsyncSession, principal: Principal, *, import_id: int
    ) -> ImportRead:
        """Check a stored file again with its source's mapping as saved now."""
        repo = ImportRepository(session)
        row = await repo.file(import_id, lock=True)
        if row is None:
            raise NotFoundError()
        if row.state == ImportState.COMMITTED:
            return _read(row)
        if row.state in (ImportState.CHECKING, ImportState.COMMITTING):
            raise ImportBusyError()
        mapping = await repo.mapping(row.target, row.source)
        rows = _read_rows(row.content)
        if mapping is not None and len(rows) >= mapping.header_row:
            row.header = [cell_text(c) for c in rows[mapping.header_row - 1]]
        await self._check_or_queue(session, principal, repo, row, mapping, rows)
        await audit_service.record(
            session,
            principal,
            entity_type="master_import",
            entity_id=row.id,
            action="recheck",
            after=_file_snapshot(row),
        )
        return _read(row)

    async def _check_or_queue(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: ImportRepository,
        row: MasterImport,
        mapping: MasterImportMapping | None,
        rows: list[tuple[Any, ...]],
    ) -> None:
        row.processed = 0
        row.error_count = 0
        row.report = []
        if mapping is None:
            row.state = ImportState.UNMAPPED.value
            row.row_count = max(len(rows) - 1, 0)
            await repo.flush()
            return
        data = _data_rows(rows, mapping.header_row)
        if not data:
            raise ImportEmptyError()
        _columns(TARGETS[ImportTarget(row.target)], mapping, rows[mapping.header_row - 1])
        row.row_count = len(data)
        if row.row_count > self.inline_limit:
            row.state = ImportState.CHECKING.value
            await repo.flush()
            self._enqueue(session, principal, row, write=False)
            return
        await repo.flush()
        report, _ = await self._run(session, principal, row, mapping, rows, write=False)
        _store_report(row, report)
        row.state = ImportState.CHECKED.value
        await repo.flush()

    async def get_import(
        self, session: AsyncSession, principal: Principal, *, import_id: int
    ) -> ImportRead:
        row = await ImportRepository(session).file(import_id)
        if row is None:
            raise NotFoundError()
        return _read(row)

    async def recent(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int = 50,
        before: int | None = None,
    ) -> list[ImportSummary]:
        rows = await ImportRepository(session).recent(limit=limit, before=before)
        return [ImportSummary.model_validate(dict(r._mapping)) for r in rows]

    async def commit(
        self, session: AsyncSession, principal: Principal, *, import_id: int
    ) -> ImportRead:
        """All or nothing: the stored file's rows are created again through the areas'
        services; any problem refuses the commit (``IMPORTS_HAS_ERRORS``, the problems in the
        details) and nothing is written. A committed file answers with its first result; a
        large one is queued (state ``committing``, the page follows its progress)."""
        repo = ImportRepository(session)
        row = await repo.file(import_id, lock=True)
        if row is None:
            raise NotFoundError()
        if row.state == ImportState.COMMITTED:
            return _read(row)
        if row.state in (ImportState.CHECKING, ImportState.COMMITTING):
            raise ImportBusyError()
        if row.state == ImportState.UNMAPPED:
            raise ImportNotCheckedError()
        if row.error_count:
            raise ImportHasErrorsError(count=row.error_count)
        mapping = await repo.mapping(row.target, row.source)
        if mapping is None:
            raise ImportNoMappingError()
        if row.row_count > self.inline_limit:
            row.state = ImportState.COMMITTING.value
            row.processed = 0
            await repo.flush()
            self._enqueue(session, principal, row, write=True)
            return _read(row)
        rows = _read_rows(row.content)
        report, created = await self._run(session, principal, row, mapping, rows, write=True)
        if report.lines:
            raise ImportHasErrorsError(
                count=len(report.lines), details=[_problem(p) for p in report.problems[:100]]
            )
        await self._committed(session, principal, repo, row, created)
        return _read(row)

    async def _committed(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: ImportRepository,
        row: MasterImport,
        created: int,
    ) -> None:
        row.state = ImportState.COMMITTED.value
        row.imported_count = created
        row.processed = row.row_count
        row.committed_at = utcnow()
        row.committed_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="master_import",
            entity_id=row.id,
            action="commit",
            after=_file_snapshot(row),
        )

    # --- the background job ----------------------------------------------------------------

    @staticmethod
    def _enqueue(
        session: AsyncSession, principal: Principal, row: MasterImport, *, write: bool
    ) -> None:
        enqueue_job(
            session,
            RUN_JOB,
            key=f"{RUN_JOB}:{row.id}:{'commit' if write else 'check'}:{row.version}",
            import_id=row.id,
            write=write,
            user_id=principal.user_id,
            role=principal.role.value,
            email=principal.email,
        )

    async def run_job(
        self,
        session: AsyncSession,
        *,
        import_id: int,
        write: bool,
        user_id: int,
        role: str,
        email: str,
    ) -> dict[str, Any]:
        """The body of ``imports.run``: the dry run or the commit of a large file in the
        job's one transaction (a commit with any problem writes no record: its rows are
        rolled back to a savepoint and the file returns to ``checked`` with the report)."""
        principal = Principal(user_id=user_id, role=Role(role), email=email)
        repo = ImportRepository(session)
        row = await repo.file(import_id)
        expected = ImportState.COMMITTING if write else ImportState.CHECKING
        if row is None or row.state != expected:
            return {"skipped": True}
        mapping = await repo.mapping(row.target, row.source)
        rows = _read_rows(row.content)
        if mapping is None:
            row.state = ImportState.UNMAPPED.value
            await repo.flush()
            return {"unmapped": True}
        if write:
            async with repo.savepoint() as savepoint:
                report, created = await self._run(
                    session, principal, row, mapping, rows, write=True, progress=True
                )
                if report.lines:
                    await savepoint.rollback()
            if report.lines:
                _store_report(row, report)
                row.state = ImportState.CHECKED.value
                await repo.flush()
                return {"errors": len(report.lines)}
            await self._committed(session, principal, repo, row, created)
            return {"imported": created}
        report, _ = await self._run(
            session, principal, row, mapping, rows, write=False, progress=True
        )
        _store_report(row, report)
        row.state = ImportState.CHECKED.value
        row.processed = row.row_count
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="master_import",
            entity_id=row.id,
            action="recheck",
            after=_file_snapshot(row),
        )
        return {"errors": len(report.lines)}

    # --- the rows --------------------------------------------------------------------------

    async def _run(
        self,
        session: AsyncSession,
        principal: Principal,
        row: MasterImport,
        mapping: MasterImportMapping,
        rows: list[tuple[Any, ...]],
        *,
        write: bool,
        progress: bool = False,
    ) -> tuple[_Report, int]:
        """Every row through the DTO and the area's create; ``write=False`` inside a savepoint
        rolled back at the end (the dry run)."""
        target = TARGETS[ImportTarget(row.target)]
        repo = ImportRepository(session)
        if write:
            return await self._rows(session, principal, repo, row, target, mapping, rows, progress)
        async with repo.savepoint() as savepoint:
            found = await self._rows(session, principal, repo, row, target, mapping, rows, progress)
            await savepoint.rollback()
        return found

    async def _rows(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: ImportRepository,
        row: MasterImport,
        target: Target,
        mapping: MasterImportMapping,
        rows: list[tuple[Any, ...]],
        progress: bool,
    ) -> tuple[_Report, int]:
        report = _Report()
        columns = _columns(target, mapping, rows[mapping.header_row - 1])
        seen: dict[tuple[str, str], int] = {}
        created = 0
        pending: list[tuple[int, Any]] = []
        lookups: Lookups = {}
        refs = dict(target.refs)

        async def write_pending() -> bool:
            """Create the rows waiting (one chunk); False when the transaction is spoilt."""
            nonlocal created
            lines = [line for line, _ in pending]
            items = [data for _, data in pending]
            pending.clear()
            try:
                results = await target.create_rows(
                    session, principal, items, [f"import-{row.id}-line-{n}" for n in lines]
                )
            except HakenError as error:  # the chunk's insert met a race: nothing goes on
                report.error(lines[0], None, None, error)
                return False
            for line, result in zip(lines, results, strict=False):
                if isinstance(result, HakenError):
                    found: str | None = next(
                        (f for f in getattr(result, "fields", ()) or () if f in columns), None
                    )
                    report.error(line, columns.get(found) if found else None, found, result)
                    if spoilt(result):
                        return False
                else:
                    created += 1
            return True

        data_rows = _data_rows(rows, mapping.header_row)
        block: list[dict[str, Any]] = []
        for done, (line, cells) in enumerate(data_rows, start=1):
            if progress and done % PROGRESS_EVERY == 0:
                await repo.publish_progress(row.id, done)
            if (done - 1) % CHUNK == 0:
                # The next chunk's cells read at once, and what they name (the parents)
                # looked up in a statement or two for the chunk, not one per row.
                block = [
                    _values(columns, cells) for _, cells in data_rows[done - 1 : done - 1 + CHUNK]
                ]
                if target.prefetch is not None:
                    await target.prefetch(session, principal, block, lookups)
            values = block[(done - 1) % CHUNK]
            if target.resolve is not None:
                try:
                    values = await target.resolve(session, principal, values, lookups)
                except HakenError as error:
                    found_field = next(iter(getattr(error, "fields", ()) or ()), None)
                    report.error(line, columns.get(found_field or ""), found_field, error)
                    continue
            try:
                data = target.dto.model_validate(values)
            except ValidationError as error:
                for problem in error.errors():
                    loc = str(problem["loc"][0]) if problem["loc"] else None
                    if loc == "rate" and len(problem["loc"]) > 1:
                        loc = str(problem["loc"][1])  # the pay rate's own columns
                    loc = refs.get(loc or "", loc)
                    message = _both(lambda p=problem: _value_message(p))  # type: ignore[misc]
                    report.add(
                        line,
                        columns.get(loc) if loc else None,
                        loc,
                        ImportInvalidValueError.code,
                        message,
                    )
                continue
            duplicate = False
            for name in target.unique:
                value = getattr(data, name, None)
                if value is None:
                    continue
                key = (name, str(value).casefold())
                if key in seen:
                    report.error(
                        line,
                        columns.get(name),
                        name,
                        ImportDuplicateInFileError(line=seen[key]),
                    )
                    duplicate = True
                else:
                    seen[key] = line
            if duplicate:
                continue
            pending.append((line, data))
            if len(pending) >= CHUNK and not await write_pending():
                return report, created
        if pending:
            await write_pending()
        return report, created


def _values(columns: dict[str, int], cells: tuple[Any, ...]) -> dict[str, Any]:
    """A row's mapped cells as the DTO reads them (empty cells left out)."""
    values: dict[str, Any] = {}
    for name, index in columns.items():
        value = cell_value(name, cells[index] if index < len(cells) else None)
        if value is not None:
            values[name] = value
    return values


def _value_message(problem: Any) -> str:
    """The form's message for a refused value; a choice also lists the values accepted."""
    message = field_message(problem)
    expected = (problem.get("ctx") or {}).get("expected")
    if problem.get("type") == "enum" and isinstance(expected, str):
        return f"{message} ({expected})"
    return message


def _read_rows(content: bytes) -> list[tuple[Any, ...]]:
    try:
        return read_rows(content)
    except UnreadableFile as error:
        raise ImportUnreadableError(reason=error.reason) from error


def _data_rows(rows: list[tuple[Any, ...]], header_row: int) -> list[tuple[int, tuple[Any, ...]]]:
    return [
        (number, cells)
        for number, cells in enumerate(rows[header_row:], start=header_row + 1)
        if any(cell_text(c) for c in cells)
    ]


def _store_report(row: MasterImport, report: _Report) -> None:
    row.report = sorted(report.problems, key=lambda p: (p["line"], p["column"] or ""))
    row.error_count = len(report.lines)


def _problem(stored: dict[str, Any]) -> dict[str, Any]:
    messages = stored["message"]
    return {
        "line": stored["line"],
        "column": stored["column"],
        "field": stored["field"],
        "code": stored["code"],
        "message": messages.get(context.locale(), messages["en"]),
    }


def _read(row: MasterImport) -> ImportRead:
    report = row.report or []
    return ImportRead(
        id=row.id,
        target=ImportTarget(row.target),
        source=row.source,
        filename=row.filename,
        file_format=row.file_format,
        sha256=row.sha256,
        state=ImportState(row.state),
        header=list(row.header or []),
        row_count=row.row_count,
        processed=row.processed,
        error_count=row.error_count,
        imported_count=row.imported_count,
        problems=[ImportProblem.model_validate(_problem(p)) for p in report],
        problems_total=len(report),
        created_at=row.created_at,
        committed_at=row.committed_at,
        version=row.version,
    )


def _mapping_snapshot(row: MasterImportMapping) -> dict[str, Any]:
    return {
        "target": row.target,
        "source": row.source,
        "columns": dict(row.columns),
        "header_row": row.header_row,
    }


def _file_snapshot(row: MasterImport) -> dict[str, Any]:
    return {
        "target": row.target,
        "source": row.source,
        "filename": row.filename,
        "sha256": row.sha256,
        "state": row.state,
        "row_count": row.row_count,
        "error_count": row.error_count,
        "imported_count": row.imported_count,
    }


imports_service = MasterImports()

__all__ = ["RUN_JOB", "MasterImports", "imports_service"]
