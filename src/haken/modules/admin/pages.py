"""Web pages of system administration: the dashboard (administrators read it) and the
cache and rate-limit state with its actions (super administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from fastapi import APIRouter, Depends, Request

from haken.modules.admin.schemas import DashboardRead
from haken.modules.admin.service import admin_service
from haken.platform import context
from haken.platform.access import AdminPrincipal, Role, SuperAdminPrincipal
from haken.platform.cache import HakenCache, get_cache
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.ratelimit import admin_limit
from haken.web.charts import Chart, Point, bar_chart, line_chart
from haken.web.csrf import CsrfProtected
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, RecordLabels, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(
    prefix="/admin/system", include_in_schema=False, dependencies=[Depends(admin_limit)]
)
dashboard_pages = APIRouter(
    prefix="/admin/dashboard", include_in_schema=False, dependencies=[Depends(admin_limit)]
)
CacheDep = Annotated[HakenCache, Depends(get_cache)]
# The same msgids as the user pages (one translation).
ROLE_LABELS = {
    Role.SUPER_ADMIN: N_("Super administrator"),
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.SITE_MANAGER: N_("Site manager"),
    Role.EMPLOYEE: N_("Employee"),
    Role.CLIENT_SUPERVISOR: N_("Client supervisor"),
}
ERROR_BARS = 8


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


@router.get("/cache/clear")
async def confirm_clear_cache(request: Request, _principal: SuperAdminPrincipal) -> Any:
    """The confirmation step of clearing the cache."""
    return confirmation(
        request,
        title=gettext_("Clear the cache"),
        question=gettext_("Clear every cache entry?"),
        consequences=[
            gettext_("Pages read from the database again until the cache fills; nothing is lost.")
        ],
        action="/admin/system/cache/clear",
        button=gettext_("Clear the cache"),
        cancel="/admin/system",
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


def _day_label(day: dt.date) -> str:
    return format_skeleton("MMMd", day, locale=context.locale())


def _audit_day(day: dt.date) -> str:
    """The audit log of one day's sign-in sessions (sign-ins, refreshes, sign-outs)."""
    iso = day.isoformat()
    return "/audit?" + urlencode({"entity_type": "auth_session", "since": iso, "until": iso})


def dashboard_charts(data: DashboardRead) -> dict[str, Chart]:
    """The dashboard's three charts, in the UI language, each bar linked to its list."""
    identity = data.counts.identity
    logins = [
        Point(_day_label(row.day), row.count, href=_audit_day(row.day))
        for row in identity.logins_by_day
    ]
    roles = [
        Point(
            gettext_(label),
            identity.users_by_role.get(role, 0),
            href="/admin/users?" + urlencode({"role": role.value}),
        )
        for role, label in ROLE_LABELS.items()
    ]
    errors = [(row.code, row.count) for row in data.live.errors_by_code[:ERROR_BARS]]
    return {
        "logins": line_chart(
            "chart-logins",
            logins,
            title=gettext_("Sign-ins per day (last 7 days)"),
            description=gettext_(
                "%(num)s sign-ins in 7 days; today %(today)s.",
                num=identity.logins_7d,
                today=logins[-1].display if logins else 0,
            ),
            label_header=gettext_("Day"),
            value_header=gettext_("Sign-ins"),
            empty_text=gettext_("No data yet."),
        ),
        "roles": bar_chart(
            "chart-roles",
            roles,
            title=gettext_("Active users by role"),
            description=gettext_("%(num)s active users.", num=identity.users_active),
            label_header=gettext_("Role"),
            value_header=gettext_("Users"),
            empty_text=gettext_("No data yet."),
        ),
        "errors": bar_chart(
            "chart-errors",
            errors,
            title=gettext_("Errors by code (since the server started)"),
            description=gettext_("%(num)s error answers in all.", num=data.live.errors_total),
            label_header=gettext_("Code"),
            value_header=gettext_("Answers"),
            empty_text=gettext_("No errors since the server started."),
        ),
    }


@dashboard_pages.get("")
async def dashboard(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    cache: CacheDep,
) -> Any:
    """Users, sessions, sign-ins, errors, cache, rate limits, jobs, database: is all well?"""
    data = await admin_service.dashboard(
        session,
        cache=cache,
        rate_limits=request.app.state.rate_limiter.state(),
        today=dt.datetime.now(ZoneInfo(settings.timezone)).date(),
        zone=settings.timezone,
    )
    return render(
        request,
        "admin/dashboard.html",
        {
            "data": data,
            "charts_data": dashboard_charts(data),
            "role_labels": {role.value: gettext_(label) for role, label in ROLE_LABELS.items()},
            "can_act": principal.is_at_least(Role.SUPER_ADMIN),
            "database_mb": (
                round(data.counts.database_bytes / 1_048_576, 1)
                if data.counts.database_bytes is not None
                else None
            ),
        },
    )


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
    registry.add_nav(
        NavItem("dashboard", N_("Dashboard"), "/admin/dashboard", minimum=Role.ADMIN, order=94)
    )
