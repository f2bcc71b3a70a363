"""Web pages of the inbox (/inbox): the caller's notifications, newest first, each a link
to what it is about; mark one read (following its link), mark all read. The page header's
unread count is a small fragment (/inbox/badge) htmx loads after the page, so no other
page pays for it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from haken.modules.notifications.auth import InboxAccess
from haken.modules.notifications.schemas import InboxFilter, InboxSortField, NotificationRead
from haken.modules.notifications.service import notifications_service
from haken.modules.notifications.sorting import INBOX_SORTING
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import default_limit
from haken.web.csrf import CsrfProtected
from haken.web.i18n import N_, gettext_
from haken.web.lists import Column, ListState
from haken.web.render import flash, redirect, render, safe_next

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
PAGE_SIZE = 50


def _columns() -> tuple[Column[NotificationRead], ...]:
    """The inbox's one sortable header (no export: a person's own messages)."""
    return (Column("sent", N_("Received"), lambda n: n.created_at, sort=InboxSortField.SENT),)


@router.get("/inbox")
async def inbox(request: Request, principal: InboxAccess, session: SessionDep) -> Any:
    """The caller's notifications, newest first (one statement a page, the count in it);
    the unread filter, the sort and the cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(InboxFilter, INBOX_SORTING, request.query_params)
    found = await notifications_service.inbox(
        session,
        principal,
        state.page_request(PAGE_SIZE),
        unread=state.filters.unread,
        sort=state.sort,
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "result": found,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _columns(),
        },
        block="results",
    )


@router.get("/inbox/badge")
async def badge(request: Request, principal: InboxAccess, session: SessionDep) -> Any:
    """The header's unread count (an htmx fragment: one indexed count)."""
    unread = (await notifications_service.unread_count(session, principal)).unread
    label = gettext_("%(num)s unread", num=unread)
    html = '<span id="inbox-badge"></span>'
    if unread:
        html = (
            f'<span class="badge badge-warn badge-unread" id="inbox-badge" '
            f'aria-label="{label}">{unread}</span>'
        )
    return HTMLResponse(html, headers={"cache-control": "no-store", "vary": "Cookie"})


@router.post("/inbox/{notification_id:int}/read")
async def read_one(
    request: Request,
    principal: InboxAccess,
    _csrf: CsrfProtected,
    session: SessionDep,
    notification_id: Id,
) -> Any:
    """Mark one read and open what it is about (another's: 404)."""
    done = await notifications_service.mark_read(session, principal, notification_id)
    return redirect(request, safe_next(done.link or None, "/inbox"))


@router.post("/inbox/read-all")
async def read_all(
    request: Request, principal: InboxAccess, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    done = await notifications_service.mark_all_read(session, principal)
    flash(request, "success", gettext_("%(num)s notifications marked read.", num=done.marked))
    return redirect(request, "/inbox")
