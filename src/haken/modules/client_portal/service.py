"""The client portal's use cases: invite a supervisor, its workers, its week of timecards,
confirm (the site's approval for billing) or dispute (back to the office with a comment).

Scope: a client supervisor reads only its own client's placements at the sites chosen for it
(``Principal.client_id`` and ``Principal.site_ids``, resolved with the session); another
client's or another site's rows are not found. Never pay rates, My Number, residence data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.schemas import RejectBody
from haken.modules.attendance.service import attendance_service
from haken.modules.billing.service import billing_service
from haken.modules.client_portal.errors import (
    DisputeCommentError,
    SupervisorSitesError,
    SupervisorUnitsError,
)
from haken.modules.client_portal.schemas import (
    PortalTimecard,
    PortalWeek,
    PortalWorker,
    SupervisorInvite,
    SupervisorInvited,
)
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.modules.identity.service import INVITATION_LIFETIME, identity_service
from haken.modules.notifications.service import Audience, notifications_service
from haken.platform.access import Principal
from haken.platform.errors import NotFoundError

# A week's cards of a large site fit one page (500 workers × 7 days).
WEEK_LIMIT = 5000


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday–Sunday of the week containing ``day``."""
    first = day - dt.timedelta(days=day.weekday())
    return first, first + dt.timedelta(days=6)


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


async def unit_assignments(
    session: AsyncSession, principal: Principal, *, first: dt.date, last: dt.date
) -> set[int] | None:
    """The assignments a unit-scoped supervisor may see in ``first``–``last`` (its 組織単位'
    placements; one query), or None for a supervisor of whole sites (nothing to narrow)."""
    if not principal.unit_ids or principal.client_id is None:
        return None
    placements = await assignments_service.client_portal_placements(
        session,
        client_id=principal.client_id,
        site_ids=sorted(principal.site_ids),
        first=first,
        last=last,
    )
    return {p.assignment_id for p in placements if p.unit_id in principal.unit_ids}


class ClientPortalService:
    async def invite(
        self,
        session: AsyncSession,
        settings: Settings,
        principal: Principal,
        data: SupervisorInvite,
    ) -> SupervisorInvited:
        """A client supervisor of ``client_id`` scoped to ``site_ids`` (all of that client)."""
        await clients_service.get_client(session, principal, client_id=data.client_id)
        wanted = sorted(set(data.site_ids))
        labels = await clients_service.get_site_labels(session, wanted)
        if not wanted or any(
            site_id not in labels or labels[site_id].client_id != data.client_id
            for site_id in wanted
        ):
            raise SupervisorSitesError()
        units = sorted(set(data.unit_ids))
        for unit_id in units:
            try:
                unit = await clients_service.get_unit(session, principal, unit_id=unit_id)
            except NotFoundError as error:
                raise SupervisorUnitsError() from error
            if unit.site_id not in wanted:
                raise SupervisorUnitsError()
        user = await identity_service.invite_client_user(
            session,
            settings,
            principal,
            email=str(data.email),
            display_name=data.display_name,
            client_id=data.client_id,
            site_ids=wanted,
            locale=data.locale,
            unit_ids=units,
        )
        return SupervisorInvited(
            user_id=user.id,
            email=user.email,
            client_id=data.client_id,
            site_ids=wanted,
            unit_ids=units,
            expires_in_hours=int(INVITATION_LIFETIME.total_seconds() // 3600),
        )

    async def workers(
        self, session: AsyncSession, principal: Principal, *, today: dt.date
    ) -> list[PortalWorker]:
        """Current and coming placements at the supervisor's sites (two queries)."""
        if principal.client_id is None or not principal.site_ids:
            return []
        placements = await assignments_service.client_portal_placements(
            session,
            client_id=principal.client_id,
            site_ids=sorted(principal.site_ids),
            first=today,
            last=today + dt.timedelta(days=366),
        )
        briefs = await employees_service.get_briefs(
            session, sorted({p.employee_id for p in placements})
        )
        workers = []
        for p in placements:
            if principal.unit_ids and p.unit_id not in principal.unit_ids:
                continue
            brief = briefs.get(p.employee_id)
            if brief is None:
                continue
            workers.append(
                PortalWorker(
                    employee_id=p.employee_id,
                    name=brief.name_kanji or brief.name_romaji,
                    name_kana=brief.name_kana,
                    site_name=p.site_name,
                    unit_name=p.unit_name,
                    start_date=p.start_date,
                    end_date=p.end_date,
                    work_content=p.work_content,
                    contract_id=p.contract_id,
                    contract_number=p.contract_number,
                )
            )
        workers.sort(key=lambda w: (w.name_kana, w.start_date))
        return workers

    async def week(
        self, session: AsyncSession, principal: Principal, *, day: dt.date
    ) -> PortalWeek:
        """The week's timecards at the supervisor's sites: two statements (cards, names)."""
        first, last = week_of(day)
        if principal.client_id is None or not principal.site_ids:
            return PortalWeek(first=first, last=last, timecards=[])
        cards = await attendance_service.timecards_in_days(
            session, principal, first=first, last=last, limit=WEEK_LIMIT
        )
        allowed = await unit_assignments(session, principal, first=first, last=last)
        if allowed is not None:
            cards = [card for card in cards if card.assignment_id in allowed]
        names = await employees_service.get_briefs(session, sorted({c.employee_id for c in cards}))
        rows = []
        for card in cards:
            brief = names.get(card.employee_id)
            rows.append(
                PortalTimecard(
                    id=card.id,
                    employee_id=card.employee_id,
                    name=(brief.name_kanji or brief.name_romaji) if brief else "",
                    work_date=card.work_date,
                    start=_hhmm(card.start),
                    end=_hhmm(card.end),
                    break_minutes=card.break_minutes,
                    worked_minutes=card.worked_minutes,
                    marker=card.marker.value,
                    state=card.state.value,
                    rejected_comment=card.rejected_comment,
                    version=card.version,
                )
            )
        return PortalWeek(first=first, last=last, timecards=rows)

    async def confirm(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int, version: int
    ) -> PortalTimecard:
        """The site's approval (attendance's approve: ``approved_by`` is the supervisor)."""
        await self._in_units(session, principal, timecard_id)
        card = await attendance_service.approve_timecard(
            session, principal, timecard_id=timecard_id, version=version
        )
        return await self._one(session, card.id, principal)

    async def confirm_many(
        self, session: AsyncSession, principal: Principal, *, cards: Sequence[tuple[int, int]]
    ) -> int:
        """Confirm several submitted cards (id, version) in one transaction."""
        for timecard_id, version in cards:
            await self._in_units(session, principal, timecard_id)
            await attendance_service.approve_timecard(
                session, principal, timecard_id=timecard_id, version=version
            )
        return len(cards)

    async def dispute(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        timecard_id: int,
        version: int,
        comment: str,
    ) -> PortalTimecard:
        """Back to draft with the supervisor's comment; the client's coordinator is told
        (inbox; the administrators when the client has none)."""
        if not comment.strip():
            raise DisputeCommentError()
        await self._in_units(session, principal, timecard_id)
        card = await attendance_service.reject_timecard(
            session,
            principal,
            timecard_id=timecard_id,
            data=RejectBody(version=version, comment=comment.strip()),
        )
        brief = await employees_service.get_brief(session, card.employee_id)
        # To the client's coordinator (担当: the billing settings' coordinator in charge), who
        # corrects the card with the worker; the administrators only when none is set.
        client_id = principal.client_id
        coordinators = (
            await billing_service.coordinators_of_clients(session, [client_id])
            if client_id is not None
            else {}
        )
        coordinator = coordinators.get(client_id) if client_id is not None else None
        notifications_service.notify_after_commit(
            session,
            Audience(
                user_ids=(coordinator,) if coordinator is not None else (),
                admins=coordinator is None,
                fallback_admins=True,
                exclude_user_id=principal.user_id,
            ),
            "timecard_disputed",
            {
                "employee": brief.name_kanji or brief.name_romaji,
                "day": card.work_date.isoformat(),
            },
            link="/attendance/approvals",
        )
        return await self._one(session, card.id, principal)

    async def _in_units(
        self, session: AsyncSession, principal: Principal, timecard_id: int
    ) -> None:
        """A unit-scoped supervisor's card must be of its units: another unit's is not found."""
        if not principal.unit_ids:
            return
        card = await attendance_service.get_timecard(session, principal, timecard_id=timecard_id)
        allowed = await unit_assignments(
            session, principal, first=card.work_date, last=card.work_date
        )
        if allowed is not None and card.assignment_id not in allowed:
            raise NotFoundError()

    async def _one(
        self, session: AsyncSession, timecard_id: int, principal: Principal
    ) -> PortalTimecard:
        card = await attendance_service.get_timecard(session, principal, timecard_id=timecard_id)
        brief = await employees_service.get_brief(session, card.employee_id)
        return PortalTimecard(
            id=card.id,
            employee_id=card.employee_id,
            name=brief.name_kanji or brief.name_romaji,
            work_date=card.work_date,
            start=_hhmm(card.start),
            end=_hhmm(card.end),
            break_minutes=card.break_minutes,
            worked_minutes=card.worked_minutes,
            marker=card.marker.value,
            state=card.state.value,
            rejected_comment=card.rejected_comment,
            version=card.version,
        )


client_portal_service = ClientPortalService()

__all__ = ["ClientPortalService", "client_portal_service", "unit_assignments", "week_of"]
