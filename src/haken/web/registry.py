"""What modules contribute to the shared pages: navigation, home panels, portal sections,
sections of another area's record page, and the labels the audit log shows.

The web foundation never imports a business module; each module's
``module.py`` registers its entries at install time. The home page and the
self-service portal render whatever is registered, in ``order``, for the
roles allowed to see it — a new module adds a panel without touching them.
Likewise a record page (the employee detail) shows the sections other areas
register for it (placements, housing, photo), and the audit page labels
record types, actions and fields with what each area registers (``RecordLabels``:
the same message ids as the area's forms), so a new module adds its labels in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.platform.access import Principal, Role
from haken.web.i18n import gettext_

# (request, session, principal) → the template context of the panel, or None to hide it.
PanelLoader = Callable[[Request, AsyncSession, Principal], Awaitable[dict[str, Any] | None]]
# (request, session, principal, record) → the context of a section of a record's page, or None.
SectionLoader = Callable[[Request, AsyncSession, Principal, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation; ``label`` is a message id (translated when shown)."""

    key: str
    label: str
    href: str
    minimum: Role = Role.EMPLOYEE
    maximum: Role = Role.SUPER_ADMIN
    order: int = 100

    def visible_to(self, principal: Principal | None) -> bool:
        return principal is not None and self.minimum <= principal.role <= self.maximum


@dataclass(frozen=True)
class Panel:
    """A block of the home page or the portal: a template and the loader of its data."""

    key: str
    template: str
    load: PanelLoader
    minimum: Role = Role.EMPLOYEE
    maximum: Role = Role.SUPER_ADMIN
    order: int = 100

    def visible_to(self, principal: Principal) -> bool:
        return self.minimum <= principal.role <= self.maximum


@dataclass(frozen=True)
class RecordSection:
    """A block another area adds to a record's page (e.g. placements on the employee page)."""

    key: str
    template: str
    load: SectionLoader
    minimum: Role = Role.EMPLOYEE
    maximum: Role = Role.SUPER_ADMIN
    order: int = 100

    def visible_to(self, principal: Principal) -> bool:
        return self.minimum <= principal.role <= self.maximum


@dataclass(frozen=True)
class RecordLabels:
    """How the audit log names one record type: message ids, translated when shown.

    ``fields`` labels the keys of the record's audit snapshots (the labels of its form);
    ``href`` is the record's page with ``{id}`` for the audited id, None when it has none;
    ``proper_names`` name keys that are codes of proper nouns (not translated);
    ``values`` turn a field's stored code into its label in the UI language (the labels of
    the form's select: a role, a language, an enum member), or None to show it as it is;
    ``names`` reads the records' human names (company, person, contract number) by id, in
    one query for all the ids it is given (the area's service); the audit log calls it
    once per record type on a page.
    """

    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    href: str | None = None
    # Keys named by a proper noun, shown as they are in every language (prefecture codes).
    proper_names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, ValueLabeller] = field(default_factory=dict)
    names: NameReader | None = None


ValueLabeller = Callable[[str], str | None]
NameReader = Callable[[AsyncSession, Sequence[int]], Awaitable[Mapping[int, str]]]


def enum_labeller(labels: Mapping[Any, str]) -> ValueLabeller:
    """A value labeller from a form's ``{member: message id}`` (StrEnum keys or strings)."""
    by_code = {str(getattr(k, "value", k)): msgid for k, msgid in labels.items()}

    def label(code: str) -> str | None:
        msgid = by_code.get(code)
        return gettext_(msgid) if msgid is not None else None

    return label


@dataclass
class WebRegistry:
    nav: dict[str, NavItem] = field(default_factory=dict)
    home: dict[str, Panel] = field(default_factory=dict)
    portal: dict[str, Panel] = field(default_factory=dict)
    sections: dict[str, dict[str, RecordSection]] = field(default_factory=dict)
    records: dict[str, RecordLabels] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    # Snapshot keys every record type shares (id, version, timestamps …).
    common_fields: dict[str, str] = field(default_factory=dict)

    def add_record_section(self, record: str, section: RecordSection) -> None:
        self.sections.setdefault(record, {})[section.key] = section

    def add_record_labels(self, entity_type: str, labels: RecordLabels) -> None:
        self.records[entity_type] = labels

    def add_action_labels(self, labels: Mapping[str, str]) -> None:
        self.actions.update(labels)

    def add_common_fields(self, labels: Mapping[str, str]) -> None:
        self.common_fields.update(labels)

    def field_label(self, entity_type: str, name: str) -> str | None:
        """The message id labelling ``name`` of ``entity_type`` (or its proper name, which
        gettext leaves as it is), or None when unlabelled."""
        record = self.records.get(entity_type)
        if record is not None:
            if name in record.fields:
                return record.fields[name]
            if name in record.proper_names:
                return record.proper_names[name]
        return self.common_fields.get(name)

    def value_label(self, entity_type: str, name: str, value: str) -> str | None:
        """``value`` of field ``name`` as its label in the UI language, or None."""
        record = self.records.get(entity_type)
        labeller = record.values.get(name) if record is not None else None
        return labeller(value) if labeller is not None else None

    async def record_sections(
        self, record: str, request: Request, session: AsyncSession, principal: Principal, row: Any
    ) -> list[tuple[RecordSection, dict[str, Any]]]:
        """Load the visible sections other areas registered for ``record``, in order."""
        loaded = []
        for section in sorted(self.sections.get(record, {}).values(), key=lambda s: s.order):
            if not section.visible_to(principal):
                continue
            data = await section.load(request, session, principal, row)
            if data is not None:
                loaded.append((section, data))
        return loaded

    def add_nav(self, item: NavItem) -> None:
        self.nav[item.key] = item

    def add_home_panel(self, panel: Panel) -> None:
        self.home[panel.key] = panel

    def add_portal_section(self, panel: Panel) -> None:
        self.portal[panel.key] = panel

    def nav_for(self, principal: Principal | None) -> list[NavItem]:
        return sorted(
            (i for i in self.nav.values() if i.visible_to(principal)), key=lambda i: i.order
        )

    async def panels(
        self, kind: str, request: Request, session: AsyncSession, principal: Principal
    ) -> list[tuple[Panel, dict[str, Any]]]:
        """Load the visible panels of ``kind`` ("home" or "portal") in order."""
        source = self.home if kind == "home" else self.portal
        loaded = []
        for panel in sorted(source.values(), key=lambda p: p.order):
            if not panel.visible_to(principal):
                continue
            data = await panel.load(request, session, principal)
            if data is not None:
                loaded.append((panel, data))
        return loaded


# One per process: registration happens at import/install time, reads on every request.
registry = WebRegistry()
