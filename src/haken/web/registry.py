"""What modules contribute to the shared pages: navigation, home panels, portal sections.

The web foundation never imports a business module; each module's
``module.py`` registers its entries at install time. The home page and the
self-service portal render whatever is registered, in ``order``, for the
roles allowed to see it — a new module adds a panel without touching them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.platform.access import Principal, Role

# (request, session, principal) → the template context of the panel, or None to hide it.
PanelLoader = Callable[[Request, AsyncSession, Principal], Awaitable[dict[str, Any] | None]]


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


@dataclass
class WebRegistry:
    nav: dict[str, NavItem] = field(default_factory=dict)
    home: dict[str, Panel] = field(default_factory=dict)
    portal: dict[str, Panel] = field(default_factory=dict)

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
