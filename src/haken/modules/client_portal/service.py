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
from haken.labor.dispatch import hearing_deadline
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.schemas import RejectBody
from haken.modules.attendance.service import attendance_service
from haken.modules.billing.service import billing_service
from haken.modules.client_portal.errors import (
    DisputeCommentError,
    SupervisorForeignUnitError,
    SupervisorNotInChargeError,
    SupervisorSitesError,
    SupervisorUnitsError,
)
from haken.modules.client_portal.schemas import (
    PortalAlert,
    PortalTimecard,
    PortalWeek,
    PortalWorker,
    SupervisorInvite,
    SupervisorInvited,
    SupervisorUnitsChange,
)
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.modules.identity.schemas import ClientUserRead
from haken.modules.identity.service import INVITATION_LIFETIME, identity_service
from haken.modules.notifications.service import Audience, notifications_service
from haken.platform.access import Principal, Role
from haken.platform.errors import NotFoundError

# A week's cards of a large site fit one page (500 workers × 7 days).
WEEK_LIMIT = 5000
# The 抵触日 the portal shows: those within the office's alert window (dashboard.alerts).
ALERT_DAYS = 90
# A client's supervisors listed for the agency (one statement, no paging: a handful each).
SUPERVISORS_LIMIT = 200


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


async def _checked_scope(
    session: AsyncSession, *, client_id: int, site_ids: Sequence[int], unit_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    """The sites (all of ``client_id``: else ``CLIENT_PORTAL_SITES``) and units (of those
    sites: else ``CLIENT_PORTAL_UNITS``; of another client: ``CLIENT_PORTAL_UNIT_OTHER_CLIENT``)
    a supervisor may be given, sorted; two statements."""
    wanted = sorted(set(site_ids))
    labels = await clients_service.get_site_labels(session, wanted)
    if not wanted or any(
        site_id not in labels or labels[site_id].client_id != client_id for site_id in wanted
    ):
        raise SupervisorSitesError()
    units = sorted(set(unit_ids))
    placements = await clients_service.get_unit_placements(session, units) if units else {}
    for unit_id in units:
        unit = placements.get(unit_id)
        if unit is None:
            raise SupervisorUnitsError()
        if unit.client_id != client_id:
            raise SupervisorForeignUnitError()
        if unit.site_id not in wanted:
            raise SupervisorUnitsError()
    return wanted, units


class ClientPortalService:
    async def may_change(self, session: AsyncSession, principal: Principal, client_id: int) -> bool:
        """Whether the caller may change what the client's supervisors see: an administrator,
        or the coordinator in charge of the client (billing's 担当)."""
        if principal.is_at_least(Role.ADMIN):
            return True
        if not principal.is_at_least(Role.COORDINATOR):
            return False
        coordinators = await billing_service.coordinators_of_clients(session, [client_id])
        return coordinators.get(client_id) == principal.user_id

    async def supervisors(
        self, session: AsyncSession, principal: Principal, *, client_id: int
    ) -> list[ClientUserRead]:
        """A client's supervisors and their scope (404 for an unknown client)."""
        await clients_service.get_client(session, principal, client_id=client_id)
        return await identity_service.client_users(
            session, client_id=client_id, limit=SUPERVISORS_LIMIT
        )

    async def supervisor(
        self, session: AsyncSession, principal: Principal, *, user_id: int
    ) -> ClientUserRead:
        """One client supervisor and its scope (404 for any other account)."""
        return await identity_service.client_user(session, user_id)

    async def change_units(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        user_id: int,
        data: SupervisorUnitsChange,
    ) -> ClientUserRead:
        """Change the 組織単位 (and, when given, the sites) a supervisor sees: its next request
        reads the new scope (its cached principal is dropped at the commit). An administrator
        or the client's coordinator in charge only (``CLIENT_PORTAL_NOT_IN_CHARGE``)."""
        current = await identity_service.client_user(session, user_id)
        if not await self.may_change(session, principal, current.client_id):
            raise SupervisorNotInChargeError()
        sites, units = await _checked_scope(
            session,
            client_id=current.client_id,
            site_ids=data.site_ids if data.site_ids is not None else current.site_ids,
            unit_ids=data.unit_ids,
        )
        return await identity_service.change_client_scope(
            session,
            principal,
            user_id=user_id,
            version=data.version,
            site_ids=sites,
            unit_ids=units,
        )

    async def alerts(
        self, session: AsyncSession, principal: Principal, *, today: dt.date
    ) -> list[PortalAlert]:
        """The 抵触日 within :data:`ALERT_DAYS` that concern the supervisor (three statements):
        its sites' 事業所単位 date with the 意見聴取 deadline — for a unit-scoped supervisor, the
        sites of its units (the site's limit binds every unit of it) — and its workers'
        組織単位 dates, of its units only when it has units."""
        if principal.client_id is None or not principal.site_ids:
            return []
        until = today + dt.timedelta(days=ALERT_DAYS)
        # (site_id, site_name, 抵触日) of the sites whose limit concerns the supervisor.
        sites: dict[int, tuple[str, dt.date | None]] = {}
        if principal.unit_ids:
            units = await clients_service.get_unit_placements(session, sorted(principal.unit_ids))
            for u in units.values():
                if u.client_id == principal.client_id and u.site_id in principal.site_ids:
                    sites[u.site_id] = (u.site_name, u.site_conflict_date)
        else:
            labels = await clients_service.get_site_labels(session, sorted(principal.site_ids))
            for label in labels.values():
                if label.client_id == principal.client_id:
                    sites[label.site_id] = (label.site_name, label.conflict_date)
        found: list[PortalAlert] = []
        for site_id, (site_name, date) in sites.items():
            if date is not None and today <= date <= until:
                found.append(
                    PortalAlert(
                        kind="site",
                        site_id=site_id,
                        site_name=site_name,
                        conflict_date=date,
                        hearing_deadline=hearing_deadline(date),
                        days_left=(date - today).days,
                    )
                )
        site_ids = sorted(sites)
        placements = await assignments_service.client_portal_placements(
            session, client_id=principal.client_id, site_ids=site_ids, first=today, last=until
        )
        seen: set[tuple[int, int, dt.date]] = set()
        individual = []
        for p in placements:
            date = p.individual_conflict_date
            if p.status != "active" or date is None or not today <= date <= until:
                continue
            if principal.unit_ids and p.unit_id not in principal.unit_ids:
                continue
            if (p.employee_id, p.unit_id, date) in seen:
                continue  # a renewal in the same unit: the same date
            seen.add((p.employee_id, p.unit_id, date))
            individual.append(p)
        briefs = await employees_service.get_briefs(
            session, sorted({p.employee_id for p in individual})
        )
        for p in individual:
            assert p.individual_conflict_date is not None
            brief = briefs.get(p.employee_id)
            found.append(
                PortalAlert(
                    kind="individual",
                    site_id=p.site_id,
                    site_name=p.site_name,
                    unit_name=p.unit_name,
                    employee_id=p.employee_id,
                    name=(brief.name_kanji or brief.name_romaji) if brief else "",
                    conflict_date=p.individual_conflict_date,
                    days_left=(p.individual_conflict_date - today).days,
                )
            )
        found.sort(key=lambda a: (a.conflict_date, a.kind != "site", a.site_name, a.name or ""))
        return found

    async def invite(
        self,
        session: AsyncSession,
        settings: Settings,
        principal: Principal,
        data: SupervisorInvite,
    ) -> SupervisorInvited:
        """A client supervisor of ``client_id`` scoped to ``site_ids`` (all of that client)."""
        await clients_service.get_client(session, principal, client_id=data.client_id)
        wanted, units = await _checked_scope(
            session, client_id=data.client_id, site_ids=data.site_ids, unit_ids=data.unit_ids
        )
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

__all__ = [
    "ALERT_DAYS",
    "ClientPortalService",
    "client_portal_service",
    "unit_assignments",
    "week_of",
]
