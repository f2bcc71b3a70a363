"""The client portal for the demo: one client supervisor (派遣先の指揮命令者) of the site with
the most timecards awaiting the site's approval, some of them confirmed through the portal and
one disputed, and the 派遣先への通知 of the contracts placed there, so /client/timecards,
/client/documents and /documents show real rows after ``make run``; one worker there is
declared to have been in its unit through another agency before, so that its 抵触日 falls
within the portal's alert window (/client/alerts).

Everything goes through the services (invitation, attendance approve/reject, documents);
the supervisor's password is set by the operator's reset and printed once by the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from haken.config import Settings
from haken.modules.assignments.schemas import PriorPeriodCreate
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.client_portal.schemas import SupervisorInvite
from haken.modules.client_portal.service import ALERT_DAYS, client_portal_service
from haken.modules.clients.service import clients_service
from haken.modules.documents.schemas import ClientNoticeIssue
from haken.modules.documents.service import documents_service
from haken.modules.identity.service import identity_service
from haken.platform.access import Principal, Role
from haken.platform.errors import HakenError

CLIENT_EMAIL = "shiki@client.example"


async def seed_client_portal(
    session: AsyncSession, settings: Settings, *, today: dt.date, user_id: int
) -> tuple[dict[str, int], str | None]:
    """Returns counts for the summary and the supervisor's one-time password."""
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    recent = await attendance_service.timecards_in_days(
        session, office, first=today - dt.timedelta(days=6), last=today
    )
    waiting = Counter(card.site_id for card in recent if card.state.value == "submitted")
    if not waiting:
        return {}, None
    site_id = waiting.most_common(1)[0][0]
    label = (await clients_service.get_site_labels(session, [site_id]))[site_id]
    invited = await client_portal_service.invite(
        session,
        settings,
        office,
        SupervisorInvite(
            client_id=label.client_id,
            email=CLIENT_EMAIL,
            display_name="指揮命令者（デモ）",
            site_ids=[site_id],
        ),
    )
    password = await identity_service.reset_password_by_operator(session, email=CLIENT_EMAIL)
    supervisor = Principal(
        user_id=invited.user_id,
        role=Role.CLIENT_SUPERVISOR,
        email=CLIENT_EMAIL,
        site_ids=frozenset({site_id}),
        client_id=label.client_id,
    )
    cards = [c for c in recent if c.site_id == site_id and c.state.value == "submitted"]
    confirmed = disputed = 0
    for number, card in enumerate(cards):
        try:
            if number == 0:
                await client_portal_service.dispute(
                    session,
                    supervisor,
                    timecard_id=card.id,
                    version=card.version,
                    comment="退勤時刻が現場の記録と30分違います",
                )
                disputed += 1
            elif number % 3 != 1:  # leave some awaiting the supervisor
                await client_portal_service.confirm(
                    session, supervisor, timecard_id=card.id, version=card.version
                )
                confirmed += 1
        except HakenError:
            continue
    issued = 0
    for contract_id in sorted({c.contract_id for c in cards}):
        try:
            await documents_service.issue_client_notice(
                session, office, contract_id=contract_id, data=ClientNoticeIssue(), today=today
            )
            issued += 1
        except HakenError:
            continue
    prior = await _prior_period_in_window(
        session, office, client_id=label.client_id, site_id=site_id, today=today
    )
    counts = {
        "client supervisors": 1,
        "prior periods at the client": prior,
        "timecards confirmed by the client": confirmed,
        "timecards disputed by the client": disputed,
        "notices to the client": issued,
    }
    return counts, password


async def _prior_period_in_window(
    session: AsyncSession, office: Principal, *, client_id: int, site_id: int, today: dt.date
) -> int:
    """Declare that one running placement's worker was in the same unit through another
    agency right before it, for long enough that the individual 抵触日 falls half-way into
    the portal's alert window (the period ends the day before the placement starts)."""
    placements = await assignments_service.client_portal_placements(
        session, client_id=client_id, site_ids=[site_id], first=today, last=today
    )
    due = today + dt.timedelta(days=ALERT_DAYS // 2)
    start = (
        due.replace(year=due.year - 3)
        if (due.month, due.day) != (2, 29)
        else due.replace(year=due.year - 3, day=28)
    )
    for placement in placements:
        end = placement.start_date - dt.timedelta(days=1)
        if placement.status != "active" or placement.unit_id == 0 or end <= start:
            continue
        try:
            await assignments_service.create_prior_period(
                session,
                office,
                data=PriorPeriodCreate(
                    employee_id=placement.employee_id,
                    unit_id=placement.unit_id,
                    start_date=start,
                    end_date=end,
                    source_note="前の派遣元（デモ）の派遣先管理台帳",
                ),
                today=today,
            )
        except HakenError:
            continue
        return 1
    return 0
