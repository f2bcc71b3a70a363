"""Client timesheet import: a client's own CSV or Excel layout → timecards.

Flow: a coordinator saves the client's column mapping (``put_mapping``); uploads a file
(``dry_run``: the file is stored with its sha256 and checked row by row, nothing else is
written); reads the report (line, column, catalog code of every problem); commits
(``commit``: the file is checked again against the data as it is now, and either every
row becomes a timecard in this one transaction or, with any problem, none does).

The commit does not validate every row a second time. A clean dry run stores its verdict
(``Verdict``): the validated, normalised cards, keyed by the file's sha256, a digest of the
mapping and a digest of the data the rows were checked against (the client's placements over
the file's days, their workers, the sites' settings and shifts: ``_Lookups``). The commit
reads those again (set reads, one statement each) and, when both digests still match, only
re-checks what the digests do not cover, for the whole file at once: the closed periods over
the file's days and the cards entered since on its placements and days. A changed mapping or
any change to the looked-up data falls back to checking the file row by row, as the dry run
did; whichever path, a row that became invalid refuses the whole commit.

The same content uploaded again for the same client finds the first upload: a committed file
answers with its first result and writes nothing (idempotent re-upload and re-commit).

The checks are the timecard form's (``AttendanceService._check_day``, ``set_times``, the
closed periods, one card per placement and day) with their catalog codes; only the lookups
are made per file instead of per row (one query each), so 20,000 rows are a handful of
statements. Imported cards are ``submitted`` (the client's sheet is the worker's statement;
the office still approves), ``source = "import"`` and carry the file's id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.residence import DateRange, find_hours_violations
from haken.modules.assignments.schemas import AttendanceTerms
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.errors import (
    DayTakenError,
    ImportAmbiguousEmployeeError,
    ImportBadDateError,
    ImportBadNumberError,
    ImportBadTimeError,
    ImportColumnMissingError,
    ImportDuplicateRowError,
    ImportEmptyError,
    ImportHasErrorsError,
    ImportNoAssignmentError,
    ImportNoMappingError,
    ImportUnknownEmployeeError,
    ImportUnreadableError,
    PeriodClosedError,
    UnknownShiftError,
)
from haken.modules.attendance.import_schemas import (
    EmployeeKey,
    ImportField,
    ImportProblem,
    ImportRead,
    ImportState,
    MappingRead,
    MappingUpdate,
)
from haken.modules.attendance.models import (
    ImportFile,
    ImportMapping,
    Period,
    ShiftPattern,
    SiteSettings,
)
from haken.modules.attendance.repository import ImportRepository
from haken.modules.attendance.schemas import Marker
from haken.modules.attendance.service import (
    DEFAULT_DAY_CHANGE,
    DEFAULT_TIMEZONE,
    HOURS_WINDOW_DAYS,
    AttendanceService,
    attendance_service,
    day_hours_warnings,
    set_times,
    worked_minutes,
)
from haken.modules.audit.service import audit_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.platform import tabular
from haken.platform.access import Principal
from haken.platform.context import locale
from haken.platform.editing import check_version
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.repository import utcnow
from haken.platform.tabular import parse_date

MAX_ROWS = 100_000
"""Data rows one file may hold (a month of 3,000 workers); more is refused as unreadable."""
REPORT_LIMIT = 1000
"""Problems kept in the stored report (the count is always whole)."""

_TIME = re.compile(r"^(\d{1,2})[:：時](\d{2})(?:[:：](\d{2}))?分?$")
_COMPACT_TIME = re.compile(r"^(\d{1,2})(\d{2})$")


# --- reading the file -----------------------------------------------------------------------


def read_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of the file (the first sheet of a workbook) as a tuple of cell values, read
    by the shared reader (``platform.tabular``); an unreadable file is the catalog's error."""
    try:
        return tabular.read_rows(content, max_rows=MAX_ROWS)
    except tabular.UnreadableFile as error:
        reason = f"more than {MAX_ROWS} rows" if error.reason == "too many rows" else error.reason
        raise ImportUnreadableError(reason=reason) from error


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def resolve_columns(header: Sequence[Any], mapping: ImportMapping) -> dict[ImportField, int]:
    """Each mapped field → the index of its column: by the header's text first, else by the
    column letter. A mapped column the file lacks is refused for the whole file."""
    names = {_text(cell): i for i, cell in enumerate(header) if _text(cell)}
    found: dict[ImportField, int] = {}
    for name, column in mapping.columns.items():
        if not column:
            continue
        key = _text(column)
        if key in names:
            found[ImportField(name)] = names[key]
        elif (index := tabular.letter_index(key)) is not None:
            found[ImportField(name)] = index
        else:
            raise ImportColumnMissingError(column=column, field=name, row=mapping.header_row)
    return found


# --- parsing cells --------------------------------------------------------------------------


def parse_time(value: Any) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):  # an Excel duration such as 8:00
        minutes = int(value.total_seconds() // 60)
        return dt.time(minutes // 60, minutes % 60) if 0 <= minutes < 24 * 60 else None
    text = _text(value)
    match = _TIME.match(text) or _COMPACT_TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour == 24 and minute == 0:
        return dt.time(0, 0)  # 24:00, the end of a day worked to midnight
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_minutes(value: Any) -> int | None:
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    text = _text(value)
    if not text:
        return 0
    if text.isdigit():
        minutes = int(text)
    else:
        match = _TIME.match(text)
        if match is None:
            return None
        minutes = int(match[1]) * 60 + int(match[2])
    return minutes if 0 <= minutes <= 1440 else None


def _name_key(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold()


# --- checking a file ------------------------------------------------------------------------


@dataclass(slots=True)
class _Card:
    """A timecard to be written: the fields ``set_times`` fills, without the ORM's
    instrumentation (20,000 of them are built per file); ``line`` is its row in the file."""

    employee_id: int
    assignment_id: int
    contract_id: int
    site_id: int
    work_date: dt.date
    timezone: str
    marker: str
    note: str
    shift_code: str | None = None
    break_minutes: int = 0
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = None
    hours_warnings: list[dict[str, Any]] | None = None
    warned: bool = False
    line: int = 0


@dataclass(slots=True)
class _Row:
    line: int
    cells: tuple[Any, ...]


@dataclass(slots=True)
class _Lookups:
    """What the rows are checked against that the office can change between a dry run and
    its commit, read for the file's days (one statement each): the client's placements,
    their workers, the sites' settings and shift patterns. ``digest`` fingerprints all of it
    (every field, not only those the checks read today: any change means a full check)."""

    terms: dict[int, AttendanceTerms]
    briefs: dict[int, EmployeeBrief]
    settings: dict[int, SiteSettings]
    shifts: dict[tuple[int, str], ShiftPattern]

    def digest(self) -> str:
        payload = {
            "terms": [self.terms[k].model_dump(mode="json") for k in sorted(self.terms)],
            "briefs": [self.briefs[k].model_dump(mode="json") for k in sorted(self.briefs)],
            "settings": [
                [s.site_id, s.timezone, s.day_change.isoformat()]
                for _, s in sorted(self.settings.items())
            ],
            "shifts": [
                [s.site_id, s.code, s.start_time.isoformat(), s.end_time.isoformat(),
                 s.break_minutes]
                for _, s in sorted(self.shifts.items())
            ],
        }  # fmt: skip
        return _digest(payload)


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def mapping_digest(mapping: ImportMapping) -> str:
    """What the dry run's reading of the file depended on in the mapping."""
    return _digest(_mapping_snapshot(mapping))


@dataclass(slots=True)
class Checked:
    """The outcome of checking every row: the problems and the cards that would be written,
    with what they were checked against (``lookups``) and the file's days (``first`` to
    ``last``) and date column, which a stored verdict keeps."""

    row_count: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    cards: list[_Card] = field(default_factory=list)
    terms: dict[int, AttendanceTerms] = field(default_factory=dict)
    briefs: dict[int, EmployeeBrief] = field(default_factory=dict)
    lookups: _Lookups | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    date_column: int | None = None

    def add(
        self, line: int, column: int | None, name: ImportField | None, error: HakenError
    ) -> None:
        self.problems.append(
            {
                "line": line,
                "column": tabular.column_letter(column) if column is not None else None,
                "field": name.value if name else None,
                "code": error.code,
                "message": {"ja": error.message("ja"), "en": error.message("en")},
            }
        )


def _cell(row: _Row, columns: dict[ImportField, int], name: ImportField) -> Any:
    index = columns.get(name)
    if index is None or index >= len(row.cells):
        return None
    return row.cells[index]


def _closed(periods: Sequence[Period], day: dt.date, contract_id: int) -> bool:
    return any(
        p.period_start <= day <= p.period_end
        and (p.kind == "payroll" or (p.kind == "billing" and p.subject_id == contract_id))
        for p in periods
    )


class _Workers:
    """The client's placed workers by employee number or by name."""

    def __init__(self, briefs: Iterable[EmployeeBrief]) -> None:
        self.by_number: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for brief in briefs:
            if brief.employee_number:
                self.by_number[_text(brief.employee_number)] = brief.id
            for name in (brief.name_kanji, brief.name_kana, brief.name_romaji):
                if name:
                    self.by_name[_name_key(name)].add(brief.id)

    def find(self, key: EmployeeKey, value: str) -> int:
        if key is EmployeeKey.NUMBER:
            found = self.by_number.get(value)
            if found is None:
                raise ImportUnknownEmployeeError(value=value)
            return found
        ids = self.by_name.get(_name_key(value), set())
        if not ids:
            raise ImportUnknownEmployeeError(value=value)
        if len(ids) > 1:
            raise ImportAmbiguousEmployeeError(value=value)
        return next(iter(ids))


def _data_rows(rows: list[tuple[Any, ...]], header_row: int) -> Iterator[_Row]:
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        if any(_text(c) for c in cells):
            yield _Row(number, cells)


VERDICT_VERSION = 1
"""The layout of a stored verdict (``ImportFile.cells`` holding a dict); another layout, or
the Excel cells list an unclean dry run keeps, is not a verdict: the commit checks in full."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _instant(value: dt.datetime | None) -> int | None:
    return None if value is None else int((value - _EPOCH).total_seconds())


def _from_instant(value: int | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


@dataclass(slots=True)
class Verdict:
    """A clean dry run's outcome, stored with the file (JSON in ``ImportFile.cells``): the
    normalised cards, column by column, without what the looked-up data gives back (the
    worker, contract, site and time zone of a placement); the keys it is valid for: the
    file's sha256, the mapping's digest, the looked-up data's digest; and the file's days and
    date column (the re-check's range and the column its problems name)."""

    sha256: str
    mapping: str
    depends: str
    first: dt.date
    last: dt.date
    date_column: int | None
    columns: dict[str, list[Any]]

    @classmethod
    def of(cls, sha256: str, mapping: ImportMapping, checked: Checked) -> Verdict:
        assert checked.lookups is not None and checked.first and checked.last
        cards = checked.cards
        return cls(
            sha256=sha256,
            mapping=mapping_digest(mapping),
            depends=checked.lookups.digest(),
            first=checked.first,
            last=checked.last,
            date_column=checked.date_column,
            columns={
                "line": [c.line for c in cards],
                "assignment": [c.assignment_id for c in cards],
                "day": [c.work_date.toordinal() for c in cards],
                "marker": [c.marker for c in cards],
                "shift": [c.shift_code for c in cards],
                "break": [c.break_minutes for c in cards],
                "start": [_instant(c.start_at) for c in cards],
                "end": [_instant(c.end_at) for c in cards],
                "note": [c.note for c in cards],
            },
        )

    def encode(self) -> dict[str, Any]:
        return {
            "verdict": VERDICT_VERSION,
            "sha256": self.sha256,
            "mapping": self.mapping,
            "depends": self.depends,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "date_column": self.date_column,
            "cards": self.columns,
        }

    @classmethod
    def decode(cls, stored: Any) -> Verdict | None:
        """The stored verdict, or None for anything else (no verdict, an older layout)."""
        if not isinstance(stored, dict) or stored.get("verdict") != VERDICT_VERSION:
            return None
        return cls(
            sha256=stored["sha256"],
            mapping=stored["mapping"],
            depends=stored["depends"],
            first=dt.date.fromisoformat(stored["first"]),
            last=dt.date.fromisoformat(stored["last"]),
            date_column=stored["date_column"],
            columns=stored["cards"],
        )

    def cards(self, lookups: _Lookups) -> list[_Card] | None:
        """The cards again, their placement's fields from ``lookups`` (the same data, the
        digests matching); None when a placement is missing (then the commit checks in
        full)."""
        found: list[_Card] = []
        days: dict[int, dt.date] = {}
        places: dict[int, tuple[AttendanceTerms, str]] = {}
        c = self.columns
        for line, assignment_id, ordinal, marker, shift, minutes, start, end, note in zip(
            c["line"], c["assignment"], c["day"], c["marker"], c["shift"], c["break"],
            c["start"], c["end"], c["note"], strict=True,
        ):  # fmt: skip
            place = places.get(assignment_id)
            if place is None:
                terms = lookups.terms.get(assignment_id)
                if terms is None:
                    return None
                site = lookups.settings.get(terms.site_id)
                place = places[assignment_id] = (
                    terms,
                    site.timezone if site else DEFAULT_TIMEZONE,
                )
            day = days.get(ordinal)
            if day is None:
                day = days[ordinal] = dt.date.fromordinal(ordinal)
            terms, timezone = place
            found.append(
                _Card(
                    employee_id=terms.employee_id,
                    assignment_id=assignment_id,
                    contract_id=terms.contract_id,
                    site_id=terms.site_id,
                    work_date=day,
                    timezone=timezone,
                    marker=marker,
                    note=note,
                    shift_code=shift,
                    break_minutes=minutes,
                    start_at=_from_instant(start),
                    end_at=_from_instant(end),
                    line=line,
                )
            )
        return found


class TimesheetImports:
    """The use cases (``imports_service``); like every service, never commits."""

    def __init__(self, attendance: AttendanceService) -> None:
        self.attendance = attendance

    # --- mappings ----------------------------------------------------------------------

    async def list_mappings(self, session: AsyncSession, principal: Principal) -> list[MappingRead]:
        return [MappingRead.model_validate(m) for m in await ImportRepository(session).mappings()]

    async def get_mapping(
        self, session: AsyncSession, principal: Principal, *, client_id: int
    ) -> MappingRead:
        row = await ImportRepository(session).mapping(client_id)
        if row is None:
            raise NotFoundError()
        return MappingRead.model_validate(row)

    async def put_mapping(
        self, session: AsyncSession, principal: Principal, *, client_id: int, data: MappingUpdate
    ) -> MappingRead:
        await _client_exists(session, principal, client_id)
        repo = ImportRepository(session)
        row = await repo.mapping(client_id)
        before = _mapping_snapshot(row) if row else None
        if row is None:
            row = ImportMapping(client_id=client_id)
            repo.add(row)
        elif data.version is not None:
            check_version(row, data.version)
        row.columns = {f.value: c for f, c in data.columns.items() if c}
        row.employee_key = data.employee_key.value
        row.header_row = data.header_row
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timesheet_mapping",
            entity_id=client_id,
            action="create" if before is None else "update",
            before=before,
            after=_mapping_snapshot(row),
        )
        return MappingRead.model_validate(row)

    # --- upload (dry run) and commit ---------------------------------------------------

    async def dry_run(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int,
        filename: str,
        content: bytes,
    ) -> ImportRead:
        """Store the file and its report; nothing else is written. The same content for the
        same client finds the first upload: committed, it is answered as it is; otherwise it
        is checked again (the mapping or the data may have changed)."""
        await _client_exists(session, principal, client_id)
        repo = ImportRepository(session)
        mapping = await repo.mapping(client_id)
        if mapping is None:
            raise ImportNoMappingError()
        digest = hashlib.sha256(content).hexdigest()
        row = await repo.file_by_hash(client_id, digest)
        if row is not None and row.state == ImportState.COMMITTED:
            return _read(row)
        rows = read_rows(content)
        checked = await self.check(session, client_id, mapping, rows)
        created = row is None
        if row is None:
            row = ImportFile(
                client_id=client_id,
                sha256=digest,
                file_format=tabular.file_format(content),
                content=content,
                uploaded_by=principal.user_id,
            )
            repo.add(row)
        if not checked.problems:
            # The commit re-checks only what can change (``Verdict``); the file is not read
            # again unless the mapping or the looked-up data did.
            row.cells = Verdict.of(digest, mapping, checked).encode()
        else:  # the commit checks in full; an Excel file's cells spare parsing it again
            row.cells = tabular.encode_cells(rows) if row.file_format == "xlsx" else None
        row.filename = filename[:255] or "timesheet"
        row.state = ImportState.CHECKED.value
        row.row_count = checked.row_count
        row.error_count = len({p["line"] for p in checked.problems})
        row.report = checked.problems[:REPORT_LIMIT]
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timesheet_import",
            entity_id=row.id,
            action="upload" if created else "recheck",
            after=_file_snapshot(row),
        )
        return _read(row, total=len(checked.problems))

    async def get_import(
        self, session: AsyncSession, principal: Principal, *, import_id: int
    ) -> ImportRead:
        row = await ImportRepository(session).file(import_id)
        if row is None:
            raise NotFoundError()
        return _read(row)

    async def recent(self, session: AsyncSession, principal: Principal) -> list[ImportRead]:
        return [_read(r, problems=False) for r in await ImportRepository(session).recent_files(20)]

    async def commit(
        self, session: AsyncSession, principal: Principal, *, import_id: int
    ) -> ImportRead:
        """All or nothing: the stored file is checked again (a clean dry run's verdict is
        re-checked for what can have changed, else every row is); any problem refuses the
        commit (``ATTENDANCE_IMPORT_HAS_ERRORS``, its problems in the details) and nothing is
        written. A committed file answers with its first result."""
        repo = ImportRepository(session)
        row = await repo.file(import_id, lock=True)
        if row is None:
            raise NotFoundError()
        if row.state == ImportState.COMMITTED:
            return _read(row)
        mapping = await repo.mapping(row.client_id)
        if mapping is None:
            raise ImportNoMappingError()
        checked = await self._recheck(session, row, mapping)
        if checked is None:
            stored = row.cells
            rows = (
                tabular.decode_cells(stored) if isinstance(stored, list) else read_rows(row.content)
            )
            checked = await self.check(session, row.client_id, mapping, rows)
        if checked.problems:
            lines = len({p["line"] for p in checked.problems})
            raise ImportHasErrorsError(
                count=lines, details=[_problem(p) for p in checked.problems[:100]]
            )
        await self._hours_warnings(repo, checked)
        now = utcnow()
        values = [_insert_values(card, row.id, now) for card in checked.cards]
        try:
            await repo.insert_timecards(values)
        except IntegrityError as error:  # a card entered meanwhile (the unique day)
            raise DayTakenError(day=checked.cards[0].work_date) from error
        row.state = ImportState.COMMITTED.value
        row.imported_count = len(values)
        row.committed_at = now
        row.committed_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timesheet_import",
            entity_id=row.id,
            action="commit",
            after=_file_snapshot(row),
        )
        return _read(row)

    # --- the checks ----------------------------------------------------------------------

    async def check(
        self,
        session: AsyncSession,
        client_id: int,
        mapping: ImportMapping,
        rows: list[tuple[Any, ...]],
    ) -> Checked:
        """Every row against the form's rules; the lookups are one query each for the file."""
        if len(rows) < mapping.header_row:
            raise ImportEmptyError()
        columns = resolve_columns(rows[mapping.header_row - 1], mapping)
        data = list(_data_rows(rows, mapping.header_row))
        if not data:
            raise ImportEmptyError()
        checked = Checked(row_count=len(data))
        key = EmployeeKey(mapping.employee_key)

        # Pass 1: cells → values (no I/O).
        parsed: list[tuple[_Row, str, dt.date, dict[str, Any]]] = []
        for row in data:
            ok = True
            employee = _text(_cell(row, columns, ImportField.EMPLOYEE))
            if not employee:
                checked.add(
                    row.line,
                    columns.get(ImportField.EMPLOYEE),
                    ImportField.EMPLOYEE,
                    ImportUnknownEmployeeError(value=""),
                )
                ok = False
            raw_day = _cell(row, columns, ImportField.DATE)
            day = parse_date(raw_day)
            if day is None:
                checked.add(
                    row.line,
                    columns.get(ImportField.DATE),
                    ImportField.DATE,
                    ImportBadDateError(value=_text(raw_day)),
                )
                ok = False
            values: dict[str, Any] = {}
            for name in (ImportField.START, ImportField.END):
                raw = _cell(row, columns, name)
                if not _text(raw) and not isinstance(raw, dt.time | dt.timedelta):
                    values[name.value] = None
                    continue
                parsed_time = parse_time(raw)
                if parsed_time is None:
                    checked.add(
                        row.line, columns.get(name), name, ImportBadTimeError(value=_text(raw))
                    )
                    ok = False
                values[name.value] = parsed_time
            raw_break = _cell(row, columns, ImportField.BREAK_MINUTES)
            if ImportField.BREAK_MINUTES in columns:
                minutes = parse_minutes(raw_break)
                if minutes is None:
                    checked.add(
                        row.line,
                        columns.get(ImportField.BREAK_MINUTES),
                        ImportField.BREAK_MINUTES,
                        ImportBadNumberError(value=_text(raw_break)),
                    )
                    ok = False
                values["break_minutes"] = minutes
            else:
                values["break_minutes"] = None
            values["shift_code"] = _text(_cell(row, columns, ImportField.SHIFT_CODE))[:20] or None
            values["note"] = _text(_cell(row, columns, ImportField.NOTE))[:1000]
            if ok and day is not None:
                parsed.append((row, employee, day, values))
        if not parsed:
            return checked

        # The lookups: the client's placements over the file's days, their workers, the
        # sites' settings and shifts, closed periods, the days already carded.
        first = min(p[2] for p in parsed)
        last = max(p[2] for p in parsed)
        lookups = await self._lookups(session, client_id, first, last)
        checked.lookups, checked.first, checked.last = lookups, first, last
        checked.date_column = columns.get(ImportField.DATE)
        checked.terms, checked.briefs = lookups.terms, lookups.briefs
        settings, shifts = lookups.settings, lookups.shifts
        by_employee: dict[int, list[AttendanceTerms]] = defaultdict(list)
        for terms in lookups.terms.values():
            by_employee[terms.employee_id].append(terms)
        workers = _Workers(checked.briefs.values())
        repo = ImportRepository(session)
        closed = await repo.closed_between(first, last)
        taken = await repo.taken_days(sorted(checked.terms), first, last)

        # Pass 2: each row against the rules of the form.
        seen: dict[tuple[int, dt.date], int] = {}
        for row, employee, day, values in parsed:
            column = columns.get(ImportField.EMPLOYEE)
            try:
                employee_id = workers.find(key, employee)
                terms = next(
                    (t for t in by_employee[employee_id] if t.start_date <= day <= t.end_date),
                    None,
                )
                if terms is None:
                    raise ImportNoAssignmentError(day=day)
                column = columns.get(ImportField.DATE)
                self.attendance._check_day(terms, checked.briefs[employee_id], day)
                if _closed(closed, day, terms.contract_id):
                    raise PeriodClosedError(day=day)
                slot = (terms.assignment_id, day)
                if slot in seen:
                    raise ImportDuplicateRowError(day=day, line=seen[slot])
                seen[slot] = row.line
                if slot in taken:
                    raise DayTakenError(day=day)
                site = settings.get(terms.site_id)
                card = _Card(
                    employee_id=employee_id,
                    assignment_id=terms.assignment_id,
                    contract_id=terms.contract_id,
                    site_id=terms.site_id,
                    work_date=day,
                    timezone=site.timezone if site else DEFAULT_TIMEZONE,
                    marker=Marker.NONE.value,
                    note=values["note"],
                    line=row.line,
                )
                shift = None
                if values["shift_code"] is not None:
                    column = columns.get(ImportField.SHIFT_CODE)
                    shift = shifts.get((terms.site_id, values["shift_code"]))
                    if shift is None:
                        raise UnknownShiftError(shift=values["shift_code"])
                column = columns.get(ImportField.START)
                set_times(
                    card,
                    shift_code=values["shift_code"],
                    shift=shift,
                    start=values["start"],
                    end=values["end"],
                    break_minutes=values["break_minutes"],
                    day_change=site.day_change if site else DEFAULT_DAY_CHANGE,
                )
            except HakenError as error:
                name = next((f for f, i in columns.items() if i == column), None)
                checked.add(row.line, column, name, error)
                continue
            checked.cards.append(card)
        checked.problems.sort(key=lambda p: (p["line"], p["column"] or ""))
        return checked

    @staticmethod
    async def _lookups(
        session: AsyncSession, client_id: int, first: dt.date, last: dt.date
    ) -> _Lookups:
        """The placements at the client over the days, their workers, the sites' settings and
        shifts: four statements whatever the number of rows."""
        placements = await assignments_service.client_placements(
            session, client_id=client_id, first=first, last=last
        )
        briefs = await employees_service.get_briefs(
            session, sorted({t.employee_id for t in placements})
        )
        settings, shifts = await ImportRepository(session).site_shifts(
            sorted({t.site_id for t in placements})
        )
        return _Lookups(
            terms={t.assignment_id: t for t in placements},
            briefs=briefs,
            settings=settings,
            shifts=shifts,
        )

    async def _recheck(
        self, session: AsyncSession, row: ImportFile, mapping: ImportMapping
    ) -> Checked | None:
        """A clean dry run's cards, checked again for what can have changed since, for the
        whole file at once: the closed periods over its days, the cards entered since on its
        placements and days (two statements). None when there is no verdict, or the mapping
        or the looked-up data changed (their digests differ): the caller checks every row."""
        verdict = Verdict.decode(row.cells)
        if (
            verdict is None
            or verdict.sha256 != row.sha256
            or verdict.mapping != mapping_digest(mapping)
        ):
            return None
        lookups = await self._lookups(session, row.client_id, verdict.first, verdict.last)
        if lookups.digest() != verdict.depends:
            return None
        cards = verdict.cards(lookups)
        if cards is None:
            return None
        checked = Checked(
            row_count=row.row_count, terms=lookups.terms, briefs=lookups.briefs, lookups=lookups
        )
        repo = ImportRepository(session)
        closed = await repo.closed_between(verdict.first, verdict.last)
        taken = await repo.taken_days(
            sorted({c.assignment_id for c in cards}), verdict.first, verdict.last
        )
        column = verdict.date_column
        for card in cards:
            if closed and _closed(closed, card.work_date, card.contract_id):
                checked.add(
                    card.line, column, ImportField.DATE, PeriodClosedError(day=card.work_date)
                )
            elif (card.assignment_id, card.work_date) in taken:
                checked.add(card.line, column, ImportField.DATE, DayTakenError(day=card.work_date))
        if not checked.problems:
            checked.cards = cards
        return checked

    @staticmethod
    async def _hours_warnings(repo: ImportRepository, checked: Checked) -> None:
        """資格外活動: the rolling 7 days of each imported card of a worker with an hour limit,
        with the worker's submitted and approved cards around them (one query)."""
        limited = {
            c.employee_id
            for c in checked.cards
            if checked.terms[c.assignment_id].weekly_hours_limit is not None
            and checked.briefs[c.employee_id].residence_status is not None
        }
        if not limited:
            return
        mine = [c for c in checked.cards if c.employee_id in limited]
        window = dt.timedelta(days=HOURS_WINDOW_DAYS)
        first = min(c.work_date for c in mine) - window
        last = max(c.work_date for c in mine) + window
        minutes: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for other in await repo.employees_cards(sorted(limited), first, last):
            minutes[other.employee_id][other.work_date] += worked_minutes(other)
        for card in mine:
            minutes[card.employee_id][card.work_date] += worked_minutes(card)  # type: ignore[arg-type]
        for employee_id in limited:
            brief = checked.briefs[employee_id]
            terms = next(
                checked.terms[c.assignment_id] for c in mine if c.employee_id == employee_id
            )
            found = find_hours_violations(
                minutes[employee_id],
                weekly_hours_limit=terms.weekly_hours_limit or 28,
                long_vacation_daily_hours_limit=terms.vacation_daily_hours_limit,
                long_vacations=[DateRange(s, e) for s, e in brief.long_vacations],
            )
            for card in (c for c in mine if c.employee_id == employee_id):
                card.hours_warnings = day_hours_warnings(found, card.work_date)
                card.warned = card.hours_warnings is not None


def _insert_values(card: _Card, import_id: int, now: dt.datetime) -> dict[str, Any]:
    return {
        "employee_id": card.employee_id,
        "assignment_id": card.assignment_id,
        "contract_id": card.contract_id,
        "site_id": card.site_id,
        "work_date": card.work_date,
        "shift_code": card.shift_code,
        "start_at": card.start_at,
        "end_at": card.end_at,
        "timezone": card.timezone,
        "break_minutes": card.break_minutes,
        "marker": card.marker,
        "note": card.note,
        "state": "submitted",
        "source": "import",
        "import_file_id": import_id,
        "submitted_at": now,
        "hours_warnings": card.hours_warnings,
        "warned": bool(card.warned),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _problem(stored: dict[str, Any]) -> dict[str, Any]:
    messages = stored["message"]
    return {
        "line": stored["line"],
        "column": stored["column"],
        "field": stored["field"],
        "code": stored["code"],
        "message": messages.get(locale(), messages["en"]),
    }


def _read(row: ImportFile, *, total: int | None = None, problems: bool = True) -> ImportRead:
    report = (row.report or []) if problems else []
    return ImportRead(
        id=row.id,
        client_id=row.client_id,
        filename=row.filename,
        file_format=row.file_format,
        sha256=row.sha256,
        state=ImportState(row.state),
        row_count=row.row_count,
        error_count=row.error_count,
        imported_count=row.imported_count,
        problems=[ImportProblem.model_validate(_problem(p)) for p in report],
        problems_total=total if total is not None else len(row.report or []),
        created_at=row.created_at,
        committed_at=row.committed_at,
        version=row.version,
    )


def _mapping_snapshot(row: ImportMapping) -> dict[str, Any]:
    return {
        "columns": dict(row.columns),
        "employee_key": row.employee_key,
        "header_row": row.header_row,
    }


def _file_snapshot(row: ImportFile) -> dict[str, Any]:
    return {
        "client_id": row.client_id,
        "filename": row.filename,
        "sha256": row.sha256,
        "state": row.state,
        "row_count": row.row_count,
        "error_count": row.error_count,
        "imported_count": row.imported_count,
    }


async def _client_exists(session: AsyncSession, principal: Principal, client_id: int) -> None:
    await clients_service.get_client(session, principal, client_id=client_id)


imports_service = TimesheetImports(attendance_service)

__all__ = ["TimesheetImports", "imports_service", "parse_date", "parse_minutes", "parse_time"]
