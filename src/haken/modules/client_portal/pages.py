"""The client portal's pages (/client/…, Japanese first, mobile width) and the agency's
invitation form (/client-supervisors/new). Same services and access names as the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from haken.modules.client_portal.auth import ClientSupervisor, InvitationAccept, SupervisorsInvite
from haken.modules.client_portal.errors import DisputeCommentError
from haken.modules.client_portal.schemas import SupervisorInvite, SupervisorUnitsChange
from haken.modules.client_portal.service import ALERT_DAYS, client_portal_service
from haken.modules.clients.schemas import UnitFilter
from haken.modules.clients.service import clients_service
from haken.modules.identity.access import clear_session_cookies
from haken.modules.identity.service import identity_service
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.web import csrf
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])

UNIT_CHOICES = 200
"""The 組織単位 offered on the invitation form (a client's units, by name)."""
MARKER_LABELS = {
    "paid_leave": N_("Paid leave"),
    "half_leave": N_("Half-day paid leave"),
    "hourly_leave": N_("Hourly paid leave"),
    "absence": N_("Absence"),
    "special_leave": N_("Special leave"),
    "substitute_holiday": N_("Substitute holiday"),
}
"""What a day that is not (only) work shows instead of "worked 0:00"; a marker not listed
here (a kind of leave added later) shows the generic "leave or absence"."""


def marker_label(marker: str) -> str:
    return gettext_(MARKER_LABELS.get(marker, N_("Leave or absence")))


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


@router.get("/client")
async def portal_home(request: Request, principal: ClientSupervisor) -> Any:
    return redirect(request, "/client/timecards")


@router.get("/client/timecards")
async def timecards(
    request: Request,
    principal: ClientSupervisor,
    session: SessionDep,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> Any:
    week = await client_portal_service.week(session, principal, day=_day(day))
    submitted = [card for card in week.timecards if card.state == "submitted"]
    return render(
        request,
        "client_portal/timecards.html",
        {
            "week": week,
            "submitted": submitted,
            "marker_label": marker_label,
            "previous": (week.first - dt.timedelta(days=7)).isoformat(),
            "following": (week.first + dt.timedelta(days=7)).isoformat(),
        },
    )


def _version(form: Any) -> int:
    raw = form.get("version")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0


@router.post("/client/timecards/{timecard_id:int}/confirm")
async def confirm(
    request: Request,
    timecard_id: int,
    principal: ClientSupervisor,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    card = await client_portal_service.confirm(
        session, principal, timecard_id=timecard_id, version=_version(form)
    )
    flash(request, "success", gettext_("The timecard was confirmed."))
    return redirect(request, f"/client/timecards?day={card.work_date.isoformat()}")


@router.post("/client/timecards/confirm-week")
async def confirm_week(
    request: Request, principal: ClientSupervisor, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    """Confirm every submitted card the page listed (id:version pairs)."""
    form = await request.form()
    cards = []
    for value in form.getlist("card"):
        ident, _, version = str(value).partition(":")
        if ident.isdigit() and version.isdigit():
            cards.append((int(ident), int(version)))
    count = await client_portal_service.confirm_many(session, principal, cards=cards)
    flash(request, "success", gettext_("%(count)s timecards were confirmed.", count=count))
    day = form.get("day")
    return redirect(request, f"/client/timecards?day={_day(day if isinstance(day, str) else None)}")


@router.post("/client/timecards/{timecard_id:int}/dispute")
async def dispute(
    request: Request,
    timecard_id: int,
    principal: ClientSupervisor,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    comment = form.get("comment")
    text = comment.strip()[:1000] if isinstance(comment, str) else ""
    if not text:
        raise DisputeCommentError()
    card = await client_portal_service.dispute(
        session, principal, timecard_id=timecard_id, version=_version(form), comment=text
    )
    flash(request, "success", gettext_("The dispute was sent to the agency."))
    return redirect(request, f"/client/timecards?day={card.work_date.isoformat()}")


@router.get("/client/workers")
async def workers(request: Request, principal: ClientSupervisor, session: SessionDep) -> Any:
    found = await client_portal_service.workers(session, principal, today=dt.date.today())
    return render(request, "client_portal/workers.html", {"workers": found})


@router.get("/client/alerts")
async def alerts(request: Request, principal: ClientSupervisor, session: SessionDep) -> Any:
    found = await client_portal_service.alerts(session, principal, today=dt.date.today())
    return render(request, "client_portal/alerts.html", {"alerts": found, "days": ALERT_DAYS})


@router.post("/client/logout")
async def logout(
    request: Request, principal: ClientSupervisor, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    await identity_service.logout(session, principal)
    clear_session_cookies(request)
    csrf.rotate_nonce(request)
    flash(request, "success", gettext_("You have signed out."))
    return redirect(request, "/login")


@router.get("/client/invitation")
async def invitation(
    request: Request,
    _access: InvitationAccept,
    token: Annotated[str | None, Query(min_length=10, max_length=512)] = None,
) -> Any:
    """The invitation link: choose a password (posted to the password-reset confirmation,
    the same one-time token mechanism)."""
    return render(
        request,
        "client_portal/invitation.html",
        {"form": FormState(values={"token": token or ""})},
    )


# --- the agency's side: invite a supervisor ---------------------------------------------------


async def _invite_context(session: Any, principal: Any, client_id: int | None) -> dict[str, Any]:
    choices = await clients_service.get_site_choices(session, principal)
    clients = sorted({(c.client_id, c.client_name) for c in choices}, key=lambda c: c[1])
    sites = [
        (c.site_id, f"{c.client_name} / {c.site_name}")
        for c in choices
        if client_id is None or c.client_id == client_id
    ]
    units: list[tuple[int, str]] = []
    if client_id is not None:  # the 組織単位 of the chosen client (optional narrowing)
        names = dict(sites)
        found = await clients_service.list_units(
            session,
            principal,
            filters=UnitFilter(client_id=client_id),
            request=PageRequest(limit=UNIT_CHOICES),
        )
        units = [(u.id, f"{names.get(u.site_id, '')} / {u.name}") for u in found.items]
    return {"clients": clients, "sites": sites, "units": units}


@router.get("/client-supervisors/new")
async def invite_form(
    request: Request,
    principal: SupervisorsInvite,
    session: SessionDep,
    client_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    values = {"client_id": str(client_id) if client_id else "", "locale": "ja"}
    return render(
        request,
        "client_portal/invite.html",
        {"form": FormState(values=values), **await _invite_context(session, principal, client_id)},
    )


@router.post("/client-supervisors/new")
async def invite(
    request: Request,
    principal: SupervisorsInvite,
    _csrf: CsrfProtected,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    state = parse_form(SupervisorInvite, await request.form(), lists={"site_ids", "unit_ids"})
    invited = await save_form(
        state, lambda data: client_portal_service.invite(session, settings, principal, data)
    )
    if invited is None:
        raw = state.values.get("client_id")
        client_id = int(raw) if isinstance(raw, str) and raw.isdigit() else None
        context = await _invite_context(session, principal, client_id)
        raise FormRejected(
            render(
                request,
                "client_portal/invite.html",
                {"form": state, **context},
                status_code=422,
            )
        )
    flash(
        request,
        "success",
        gettext_(
            "An invitation was mailed to %(email)s. The link is valid for 72 hours.",
            email=invited.email,
        ),
    )
    return redirect(request, f"/clients/{invited.client_id}")


# --- the agency's side: what a supervisor sees ------------------------------------------------


@router.get("/client-supervisors")
async def supervisors(
    request: Request,
    principal: SupervisorsInvite,
    session: SessionDep,
    client_id: Annotated[int, Query(ge=1)],
) -> Any:
    """A client's supervisors and what each sees, with the link to change it."""
    found = await client_portal_service.supervisors(session, principal, client_id=client_id)
    client = await clients_service.get_client(session, principal, client_id=client_id)
    context = await _invite_context(session, principal, client_id)
    return render(
        request,
        "client_portal/supervisors.html",
        {
            "client": client,
            "supervisors": found,
            "site_names": dict(context["sites"]),
            "unit_names": dict(context["units"]),
            "can_change": await client_portal_service.may_change(session, principal, client_id),
        },
    )


async def _units_page(
    request: Request,
    session: Any,
    principal: Any,
    user_id: int,
    form: FormState[Any] | None,
    status_code: int = 200,
) -> Any:
    current = await client_portal_service.supervisor(session, principal, user_id=user_id)
    if form is None:
        form = FormState(
            values={
                "site_ids": [str(i) for i in current.site_ids],
                "unit_ids": [str(i) for i in current.unit_ids],
                "version": str(current.version),
            }
        )
    context = await _invite_context(session, principal, current.client_id)
    return render(
        request,
        "client_portal/units.html",
        {
            "form": form,
            "supervisor": current,
            "can_change": await client_portal_service.may_change(
                session, principal, current.client_id
            ),
            **context,
        },
        status_code=status_code,
    )


@router.get("/client-supervisors/{user_id:int}/units")
async def units_form(
    request: Request, user_id: int, principal: SupervisorsInvite, session: SessionDep
) -> Any:
    return await _units_page(request, session, principal, user_id, None)


@router.post("/client-supervisors/{user_id:int}/units")
async def change_units(
    request: Request,
    user_id: int,
    principal: SupervisorsInvite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    form = await request.form()
    # No site chosen is a refusal, not "unchanged" (the API's omitted sites).
    extra: dict[str, Any] = {} if form.getlist("site_ids") else {"site_ids": []}
    state = parse_form(SupervisorUnitsChange, form, lists={"site_ids", "unit_ids"}, extra=extra)
    changed = await save_form(
        state,
        lambda data: client_portal_service.change_units(
            session, principal, user_id=user_id, data=data
        ),
    )
    if changed is None:
        raise FormRejected(
            await _units_page(request, session, principal, user_id, state, status_code=422)
        )
    flash(
        request,
        "success",
        gettext_(
            "What %(email)s sees was changed. It applies from their next page.",
            email=changed.email,
        ),
    )
    return redirect(request, f"/client-supervisors?client_id={changed.client_id}")


def register_web() -> None:
    """Nothing in the agency's navigation: the invitation is linked from the client's page."""


__all__ = ["register_web", "router"]
