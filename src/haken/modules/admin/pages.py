"""Web pages of system administration: cache and rate-limit state (super administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from haken.modules.admin.service import admin_service
from haken.platform.access import Role, SuperAdminPrincipal
from haken.platform.cache import HakenCache, get_cache
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import admin_limit
from haken.web.csrf import CsrfProtected
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, RecordLabels, registry
from haken.web.render import flash, redirect, render

router = APIRouter(
    prefix="/admin/system", include_in_schema=False, dependencies=[Depends(admin_limit)]
)
CacheDep = Annotated[HakenCache, Depends(get_cache)]


@router.get("")
async def system(request: Request, _principal: SuperAdminPrincipal, cache: CacheDep) -> Any:
    """Cache backend and hit ratios, rate-limit storage: is the service layer healthy?"""
    return render(
        request,
        "admin/system.html",
        {
            "health": await admin_service.cache_health(cache),
            "stats": await admin_service.cache_stats(cache),
            "rate_limits": request.app.state.rate_limiter.state(),
        },
    )


@router.post("/cache/clear")
async def clear_cache(
    request: Request,
    principal: SuperAdminPrincipal,
    _csrf: CsrfProtected,
    session: SessionDep,
    cache: CacheDep,
) -> Any:
    result = await admin_service.clear(session, principal, cache=cache)
    flash(
        request,
        "success",
        gettext_("The cache was cleared (%(num)s keys).", num=result.deleted_keys),
    )
    return redirect(request, "/admin/system")


def register_web() -> None:
    registry.add_record_labels(
        "cache",
        RecordLabels(
            N_("Cache"),
            {"kind": N_("Kind"), "target": N_("Target"), "deleted_keys": N_("Keys deleted")},
        ),
    )
    registry.add_nav(
        NavItem("system", N_("System"), "/admin/system", minimum=Role.SUPER_ADMIN, order=95)
    )
