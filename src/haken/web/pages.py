"""The pages every role shares: home (staff figures), the self-service portal, language choice.

Both the home page and the portal render the panels modules registered in
:data:`haken.web.registry.registry`; this file knows no business module.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from haken.platform.access import CurrentPrincipal, PublicAccess, Role
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import default_limit
from haken.web.cookies import queue_cookie
from haken.web.i18n import LOCALES, N_
from haken.web.middleware import LANG_COOKIE
from haken.web.registry import NavItem, registry
from haken.web.render import redirect, render, safe_next

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])

registry.add_nav(NavItem("home", N_("Home"), "/", minimum=Role.SITE_MANAGER, order=0))
registry.add_nav(NavItem("portal", N_("My page"), "/me", order=1))


@router.get("/")
async def home(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Any:
    """Staff see the agency's figures; an employee's home is their own portal."""
    if principal.role is Role.EMPLOYEE:
        return redirect(request, "/me")
    panels = await registry.panels("home", request, session, principal)
    return render(request, "home.html", {"panels": panels})


@router.get("/me")
async def portal(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Any:
    """The self-service portal: the caller's own records, section by section."""
    panels = await registry.panels("portal", request, session, principal)
    return render(request, "portal.html", {"panels": panels})


@router.get("/lang/{code}")
async def choose_language(
    request: Request,
    _access: PublicAccess,
    code: Annotated[str, Path(pattern="^(ja|en)$")],
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """Remember a visitor's language (a signed-in user's own setting still wins)."""
    if code in LOCALES:
        queue_cookie(request, LANG_COOKIE, code, max_age=365 * 24 * 3600)
    return redirect(request, safe_next(next))
