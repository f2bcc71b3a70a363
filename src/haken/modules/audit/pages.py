"""Web pages of the audit log: search by entity, user and period (administrators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from haken.modules.audit.labels import register_labels
from haken.modules.audit.schemas import AuditFilter, AuditRead
from haken.modules.audit.service import audit_service
from haken.modules.identity.service import identity_service
from haken.platform.access import AdminPrincipal, Role
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.web.formatting import format_iso_text
from haken.web.i18n import N_, gettext_
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
        change = Change(label, _value(old, zone), _value(new, zone))
        quiet = name in BOOKKEEPING or (_empty(old) and _empty(new))
        if quiet or len(shown) >= SHOWN_CHANGES:
            folded.append(change)
        else:
            shown.append(change)
    return shown, folded


def _view(entry: AuditRead, users: dict[int, Any], zone: str) -> EntryView:
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
        action_label=gettext_(action) if action else entry.action,
        user=users.get(entry.user_id) if entry.user_id is not None else None,
        changes=shown,
        folded=folded,
    )


def _record_options() -> list[tuple[str, str]]:
    """The registered record types, by their label in the UI language."""
    options = [(kind, gettext_(labels.label)) for kind, labels in registry.records.items()]
    return sorted(options, key=lambda option: option[1])


@router.get("")
async def audit_log(
    request: Request,
    _principal: AdminPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Newest first; ``until`` is inclusive (the whole day). Two statements: the page and
    the names of its authors."""
    until_exclusive = until + dt.timedelta(days=1) if until else None
    filters = AuditFilter(
        entity_type=entity_type or None,
        entity_id=entity_id or None,
        user_id=user_id,
        since=_day_start(since, settings.timezone),
        until=_day_start(until_exclusive, settings.timezone),
    )
    result = await audit_service.list(session, filters, PageRequest(limit=50, cursor=cursor))
    users = await identity_service.user_labels(
        session, [e.user_id for e in result.items if e.user_id is not None]
    )
    shown = {
        "entity_type": entity_type or "",
        "entity_id": entity_id or "",
        "user_id": user_id or "",
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "cursor": cursor or "",
    }
    return render(
        request,
        "audit/list.html",
        {
            "result": result,
            "entries": [_view(entry, users, settings.timezone) for entry in result.items],
            "filters": shown,
            "record_options": _record_options(),
            "filter_user": users.get(user_id) if user_id else None,
        },
        block="results",
    )


def register_web() -> None:
    register_labels()
    registry.add_nav(NavItem("audit", N_("Audit log"), "/audit", minimum=Role.ADMIN, order=90))
