"""The page helper every module's ``pages.py`` uses: render, redirect, flash.

``render()`` adds what every page needs — the locale and its gettext, the
current principal, a fresh CSRF token, the request id (for the Web Vitals
beacon), the navigation the principal may see, flash messages, asset URLs —
and answers ``no-store`` (pages carry personal data). For an htmx request
naming a ``block``, only that block of the template is rendered
(jinja2-fragments), so a list filter swaps just the table.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale as BabelLocale
from fastapi import Request
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2_fragments import render_block
from starlette.responses import HTMLResponse, RedirectResponse, Response

from haken.platform import context
from haken.platform.idempotency import record_redirect
from haken.platform.types import COUNTRY_CODES
from haken.web import csrf, formatting, i18n
from haken.web.assets import asset_url
from haken.web.cookies import queue_cookie, queue_delete
from haken.web.registry import registry

WEB_DIR = Path(__file__).resolve().parent
MODULES_DIR = WEB_DIR.parent / "modules"
FLASH_COOKIE = "haken_flash"
FLASH_LEVELS = frozenset({"success", "info", "warning", "error"})


def template_dirs() -> list[Path]:
    """The layout first, then every module's ``templates/`` (``templates/<area>/x.html``)."""
    return [WEB_DIR / "templates", *sorted(MODULES_DIR.glob("*/templates"))]


def _zone(ctx: Any) -> str:
    return str(ctx.get("timezone") or formatting.DEFAULT_ZONE)


@pass_context
def _datetime(ctx: Any, value: dt.datetime | None) -> str:
    """UTC from the database → the agency's zone, to the minute, in the page's language."""
    return formatting.format_moment(value, zone=_zone(ctx))


@pass_context
def _time(ctx: Any, value: dt.time | dt.datetime | None) -> str:
    return formatting.format_clock(value, zone=_zone(ctx))


def _date(value: dt.date | None, weekday: bool = False) -> str:
    return formatting.format_day(value, weekday=weekday)


def _daterange(start: dt.date | dt.time | None, end: dt.date | dt.time | None = None) -> str:
    return formatting.format_range(start, end)


def country_name(code: str | None) -> str:
    """An ISO 3166 alpha-2 code as the country's name in the request's language (Babel's
    CLDR names: "VN" → ベトナム / Vietnam); an unknown code is shown as it is."""
    if not code:
        return ""
    return str(_territories(context.locale()).get(code.upper(), code))


@cache
def _territories(locale: str) -> Mapping[str, str]:
    return BabelLocale.parse(locale).territories


def country_options() -> list[tuple[str, str]]:
    """The nationality select: every country named in the request's language, 日本 first."""
    return _country_options(context.locale())


@cache
def _country_options(locale: str) -> list[tuple[str, str]]:
    names = _territories(locale)
    rest = sorted((c for c in COUNTRY_CODES if c != "JP"), key=lambda c: names.get(c, c))
    return [(code, str(names.get(code, code))) for code in ["JP", *rest]]


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader([str(p) for p in template_dirs()])]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext_, i18n.ngettext_, newstyle=True
    )
    env.globals.update(asset=asset_url, query=_query, country_options=country_options)
    env.filters.update(
        date=_date,
        datetime=_datetime,
        # the older name of ``datetime``: same output (no strftime patterns on pages)
        localtime=_datetime,
        time=_time,
        daterange=_daterange,
        timerange=_daterange,
        yearmonth=formatting.format_yearmonth,
        yen=formatting.format_yen,
        country=country_name,
    )
    return env


def _query(base: Mapping[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from the current filters with ``changes`` applied (None drops a key)."""
    merged = {k: v for k, v in {**base, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://…``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


# --- flash messages (a signed cookie read once) ---------------------------------------


def _flash_signature(request: Request, payload: str) -> str:
    secret = request.app.state.settings.resolved_secret_key.encode()
    return hmac.new(secret, b"flash|" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def flash(request: Request, level: str, message: str) -> None:
    """Show ``message`` (already translated) on the next page this browser renders."""
    assert level in FLASH_LEVELS
    pending: list[list[str]] = request.state.__dict__.setdefault("flash_out", [])
    pending.append([level, message])
    payload = base64.urlsafe_b64encode(json.dumps(pending).encode()).decode().rstrip("=")
    queue_cookie(request, FLASH_COOKIE, f"{payload}.{_flash_signature(request, payload)}")


def take_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    queue_delete(request, FLASH_COOKIE)
    payload, _, signature = raw.rpartition(".")
    if not hmac.compare_digest(signature, _flash_signature(request, payload)):
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return []
    return [
        {"level": level, "message": str(message)}
        for level, message in items
        if level in FLASH_LEVELS
    ][:5]


# --- responses -------------------------------------------------------------------------


def page_context(request: Request, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    principal = getattr(request.state, "principal", None)
    base: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "locale": context.locale(),
        "request_id": context.request_id(),
        "timezone": request.app.state.settings.timezone,
        "csrf_token": csrf.issue_token(request),
        "csrf_field": csrf.CSRF_FIELD,
        "nav": registry.nav_for(principal),
        "current_path": request.url.path,
        "flashes": take_flashes(request),
    }
    if values:
        base.update(values)
    return base


def render(
    request: Request,
    template: str,
    values: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """The page (or, for an htmx request, only ``block`` of it) in the request's locale."""
    env = environment()
    ctx = page_context(request, values)
    if block is not None and is_htmx(request):
        html = render_block(env, template, block, **ctx)
    else:
        html = env.get_template(template).render(**ctx)
    return HTMLResponse(html, status_code=status_code, headers=_page_headers())


def _page_headers() -> dict[str, str]:
    return {"cache-control": "no-store", "vary": "HX-Request, Accept-Language, Cookie"}


def confirmation(
    request: Request,
    *,
    title: str,
    question: str,
    action: str,
    button: str,
    cancel: str,
    consequences: Sequence[str] = (),
    hidden: Sequence[tuple[str, str]] = (),
) -> Response:
    """The GET page of a destructive action: what happens, one button that POSTs ``action``.

    Every delete, archive, deactivation or end goes through such a page (or a form of its
    own, like ending a placement): the list's button is a link here, never a one-click POST.
    """
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "question": question,
            "action": action,
            "button": button,
            "cancel": cancel,
            "consequences": list(consequences),
            "hidden": list(hidden),
        },
    )


def redirect(request: Request, url: str, *, status_code: int = 303) -> Response:
    """After a successful POST (or to the login page): a full navigation, htmx or not.

    A claimed submission token (``platform.idempotency``) records the location: a second
    submit of the same form is sent here again instead of creating twice."""
    record_redirect(url)
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url, **_page_headers()})
    return RedirectResponse(url, status_code=status_code, headers=_page_headers())
