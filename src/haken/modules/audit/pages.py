"""Web pages of the audit log: search by entity, user and period (administrators)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.auth import AuditExport, AuditLogRead
from haken.modules.audit.labels import register_labels
from haken.modules.audit.schemas import AuditFilter, AuditPageFilter, AuditRead
from haken.modules.audit.service import audit_service
from haken.modules.audit.sorting import AUDIT_SORTING, AuditSortField
from haken.modules.identity.service import identity_service
from haken.platform.access import Role
from haken.platform.deps import DatabaseDep, SessionDep, SettingsDep
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.formatting import format_iso_text
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
    local_moment,
)
from haken.web.registry import NavItem, registry
from haken.web.render import render

router = APIRouter(prefix="/audit", include_in_schema=False, dependencies=[Depends(default_limit)])


def _day_start(day: dt.date | None, zone: str) -> dt.datetime | None:
    """A calendar day in the agency's zone → the aware instant it starts."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))


# Snapshot keys that change on every write: shown only under "show all".
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})
# Changes shown before "show all" folds the rest away.
SHOWN_CHANGES = 6
LONG_VALUE = 80


def _value(value: Any, zone: str) -> str:
    """A diff value as short text: empty is "—", lists and mappings joined, long text cut;
    ISO dates and instants (snapshots keep them as text) as the page's dates."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext_("Yes") if value else gettext_("No")
    if isinstance(value, list):
        text = ", ".join(_value(v, zone) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {_value(v, zone)}" for k, v in value.items())
    elif isinstance(value, str):
        text = format_iso_text(value, zone=zone)
    else:
        text = str(value)
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def _labelled(entity_type: str, name: str, value: Any, zone: str) -> str:
    """A stored code (a role, a language, an enum member, or a list of them) as its form's
    label in the UI language (``RecordLabels.values``); anything else as :func:`_value`."""
    codes = value if isinstance(value, list) else [value]
    if codes and all(isinstance(code, str) and code for code in codes):
        labels = [registry.value_label(entity_type, name, code) for code in codes]
        if all(labels):
            return _value(", ".join(str(label) for label in labels), zone)
    return _value(value, zone)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryView:
    """One audit row as the page shows it: labels in the UI language, the author's name."""

    entry: AuditRead
    record_label: str
    record_href: str | None
    record_name: str | None  # the record's human name (company, person, contract number)
    action_label: str
    user: Any  # identity's UserLabel (id, display_name, email), or None
    changes: list[Change]
    folded: list[Change]


def _changes(entry: AuditRead, zone: str) -> tuple[list[Change], list[Change]]:
    """(shown, folded): what changed first; bookkeeping, fields left empty and any beyond
    ``SHOWN_CHANGES`` fold under "show all"."""
    shown: list[Change] = []
    folded: list[Change] = []
    for name, pair in entry.changes.items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        msgid = registry.field_label(entry.entity_type, name)
        label = gettext_(msgid) if msgid else name
        kind = entry.entity_type
        change = Change(label, _labelled(kind, name, old, zone), _labelled(kind, name, new, zone))
        quiet = name in BOOKKEEPING or (_empty(old) and _empty(new))
        if quiet or len(shown) >= SHOWN_CHANGES:
            folded.append(change)
        else:
            shown.append(change)
    return shown, folded


def _view(
    entry: AuditRead, users: dict[int, Any], names: Mapping[str, Mapping[int, str]], zone: str
) -> EntryView:
    record = registry.records.get(entry.entity_type)
    action = registry.actions.get(entry.action)
    shown, folded = _changes(entry, zone)
    href = None
    if record is not None and record.href and entry.entity_id.isdigit():
        href = record.href.format(id=entry.entity_id)
    return EntryView(
        entry=entry,
        record_label=gettext_(record.label) if record else entry.entity_type,
        record_href=href,
        record_name=(
            names.get(entry.entity_type, {}).get(int(entry.entity_id))
            if entry.entity_id.isdigit()
            else None
        ),
        action_label=gettext_(action) if action else entry.action,
        user=users.get(entry.user_id) if entry.user_id is not None else None,
        changes=shown,
        folded=folded,
    )


def _record_options() -> list[tuple[str, str]]:
    """The registered record types, by their label in the UI language."""
    options = [(kind, gettext_(labels.label)) for kind, labels in registry.records.items()]
    return sorted(options, key=lambda option: option[1])


LIST_PAGE_SIZE = 50


def _instants(filters: AuditPageFilter, zone: str) -> AuditFilter:
    """The page's days as the instants the log is searched by (``until`` inclusive)."""
    until_exclusive = filters.until + dt.timedelta(days=1) if filters.until else None
    return AuditFilter(
        entity_type=filters.entity_type,
        entity_id=filters.entity_id,
        user_id=filters.user_id,
        since=_day_start(filters.since, zone),
        until=_day_start(until_exclusive, zone),
    )


def _page_request(state: ListState[AuditPageFilter], limit: int) -> PageRequest:
    """Counted only when filtered: the whole log's total would read every index entry."""
    filtered = any(v is not None for v in state.filters.model_dump().values())
    return PageRequest(limit=limit, cursor=state.cursor, count=filtered)


def _who(view: EntryView) -> str:
    if view.user:
        return str(view.user.display_name or view.user.email)
    return gettext_("Deleted user") if view.entry.user_id else gettext_("System")


def _columns(zone: ZoneInfo) -> tuple[Column[EntryView], ...]:
    """The audit list's columns: the screen's headers and the export's header row (the
    export writes every change, folded or not)."""
    return (
        Column(
            "occurred_at",
            N_("When"),
            lambda v: local_moment(v.entry.occurred_at, zone),
            sort=AuditSortField.OCCURRED,
        ),
        Column("user", N_("User"), _who),
        Column("record", N_("Record"), _record_text),
        Column("action", N_("Action"), lambda v: v.action_label),
        Column(
            "changes",
            N_("Changes"),
            lambda v: "; ".join(f"{c.label}: {c.old} → {c.new}" for c in v.changes + v.folded),
        ),
        Column("request_id", N_("Request ID"), lambda v: v.entry.request_id),
    )


def _record_text(view: EntryView) -> str:
    """The export's record cell: type, id and, when known, the record's name."""
    text = f"{view.record_label} {view.entry.entity_id}"
    return f"{text} {view.record_name}" if view.record_name else text


async def _record_names(
    session: AsyncSession, entries: Sequence[AuditRead]
) -> dict[str, Mapping[int, str]]:
    """The human names of the page's records: one query per record type present whose area
    registered a name reader (``RecordLabels.names``); a deleted record has none."""
    ids: dict[str, set[int]] = {}
    for entry in entries:
        record = registry.records.get(entry.entity_type)
        if record is not None and record.names is not None and entry.entity_id.isdigit():
            ids.setdefault(entry.entity_type, set()).add(int(entry.entity_id))
    found: dict[str, Mapping[int, str]] = {}
    for entity_type, wanted in sorted(ids.items()):
        reader = registry.records[entity_type].names
        assert reader is not None
        found[entity_type] = await reader(session, sorted(wanted))
    return found


async def _views(
    session: AsyncSession, result: PageResult[AuditRead], zone: str
) -> list[EntryView]:
    """The page's rows with labels, their authors' names (one statement) and their records'
    names (one statement per record type present that has names)."""
    users = await identity_service.user_labels(
        session, [e.user_id for e in result.items if e.user_id is not None]
    )
    names = await _record_names(session, result.items)
    return [_view(entry, users, names, zone) for entry in result.items]


@router.get("")
async def audit_log(
    request: Request, _principal: AuditLogRead, session: SessionDep, settings: SettingsDep
) -> Any:
    """Newest first; ``until`` is inclusive (the whole day). Statements: the page (with its
    count when filtered), the names of its authors, and one per record type on the page
    whose area names its records (a company, a person, a contract number)."""
    state = ListState.from_query(AuditPageFilter, AUDIT_SORTING, request.query_params)
    result = await audit_service.list(
        session,
        _instants(state.filters, settings.timezone),
        _page_request(state, LIST_PAGE_SIZE),
        state.sort,
    )
    entries = await _views(session, result, settings.timezone)
    user_id = state.filters.user_id
    filter_user = next((v.user for v in entries if v.user and v.user.id == user_id), None)
    return render(
        request,
        "audit/list.html",
        {
            "result": result,
            "entries": entries,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(ZoneInfo(settings.timezone)),
            "record_options": _record_options(),
            "filter_user": filter_user,
        },
        block="results",
    )


@router.get("/export.{file_format}")
async def export_audit_log(
    request: Request,
    principal: AuditExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    settings: SettingsDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered log as CSV or Excel with the screen's labels (admins, like the page;
    rate policy ``expensive``; the export itself is audited)."""
    state = ListState.from_query(AuditPageFilter, AUDIT_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="audit",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )
    zone = ZoneInfo(settings.timezone)
    filters = _instants(state.filters, settings.timezone)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[AuditRead]:
        return await audit_service.list(session, filters, page, state.sort)

    async def views(session: AsyncSession, page: PageResult[AuditRead]) -> list[EntryView]:
        return await _views(session, page, settings.timezone)

    return await export_response(
        file_format,
        database=database,
        columns=_columns(zone),
        fetch=fetch,
        rows=views,
        stem="audit",
        today=dt.datetime.now(zone).date(),
        sheet_title=gettext_("Audit log"),
    )


def register_web() -> None:
    register_labels()
    registry.add_nav(NavItem("audit", N_("Audit log"), "/audit", minimum=Role.ADMIN, order=90))
