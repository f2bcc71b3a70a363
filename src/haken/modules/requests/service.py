"""The requests' use cases: submit, approve (step by step along the type's chain), reject,
cancel (the requester, before the decision), withdraw (the requester, after an approval:
what the approval consumed is restored), comment; lists and the lifecycle facts of an
approved resignation for the other areas.

Who acts on a step: ``site`` — the site manager of the employee's current site, or an
admin; ``admin`` — an admin. A caller who may not read the request gets 404; one who may
read it but whose step it is not gets ``REQUEST_NOT_YOUR_STEP``. The last approval applies
the request in the same transaction as the decision: paid leave is drawn from the ledger
(``leave_service.consume``, oldest grant first; a refusal rolls the decision back too), a
resignation records its exit facts; approved paid leave is marked on the timecards
(``attendance_service.mark_leave``, same transaction) and a withdrawal clears the marks
(``clear_leave``). Events are told after the commit
(``notifications_service.notify_after_commit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.closing import period_containing
from haken.modules.attendance.schemas import Marker
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.modules.leave.schemas import TakingKind, TakingUnit
from haken.modules.leave.service import leave_service
from haken.modules.notifications.service import Audience, notifications_service
from haken.modules.requests.errors import (
    RequestInvalidError,
    RequestNotRequesterError,
    RequestNotYourStepError,
    RequestStateError,
)
from haken.modules.requests.models import Request, RequestEvent, RequestExit
from haken.modules.requests.repository import RequestRepository, Scope
from haken.modules.requests.schemas import (
    CHAINS,
    OPEN_STATES,
    Approver,
    ExitFacts,
    PaidLeavePayload,
    RequestCreate,
    RequestDetail,
    RequestEventRead,
    RequestFilter,
    RequestPayload,
    RequestRead,
    RequestState,
    RequestType,
    ResignationPayload,
)
from haken.modules.requests.sorting import REQUEST_SORTING
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.editing import check_version, flush_or_conflict
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult

_PAYLOAD: TypeAdapter[Any] = TypeAdapter(RequestPayload)


def chain_of(row: Request) -> tuple[Approver, ...]:
    return CHAINS[RequestType(row.type)]


def to_read(row: Request) -> RequestRead:
    return RequestRead(
        id=row.id,
        employee_id=row.employee_id,
        type=RequestType(row.type),
        payload=row.payload,
        state=RequestState(row.state),
        step=row.step,
        approver=Approver(row.approver) if row.approver else None,
        chain=list(chain_of(row)),
        requested_by=row.requested_by,
        decided_at=row.decided_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _name(brief: EmployeeBrief) -> str:
    return brief.name_kanji or brief.name_romaji or brief.name_kana


def _is_admin(principal: Principal) -> bool:
    return principal.is_at_least(Role.ADMIN)


def _manages(principal: Principal, brief: EmployeeBrief) -> bool:
    return (
        principal.role is Role.SITE_MANAGER
        and brief.current_site_id is not None
        and brief.current_site_id in principal.site_ids
    )


def _may_read(principal: Principal, brief: EmployeeBrief) -> bool:
    if principal.is_at_least(Role.COORDINATOR):
        return True
    if principal.role is Role.SITE_MANAGER:
        return _manages(principal, brief)
    return principal.employee_id == brief.id


def _may_act(principal: Principal, approver: Approver, brief: EmployeeBrief) -> bool:
    if _is_admin(principal):
        return True
    return approver is Approver.SITE and _manages(principal, brief)


class RequestsService:
    def __init__(self) -> None:
        self.payroll_cutoff_day = 0

    def configure(self, *, payroll_cutoff_day: int) -> None:
        self.payroll_cutoff_day = payroll_cutoff_day

    # --- reads -----------------------------------------------------------------------------

    def _scope_ids(self, session: AsyncSession, principal: Principal) -> Scope:
        """None for every employee (coordinators and above); the caller's own id; a site
        manager's workers as the employees service's ``SELECT id``, folded into the list's
        statement (no round trip of its own)."""
        if principal.is_at_least(Role.COORDINATOR):
            return None
        if principal.role is Role.SITE_MANAGER:
            return employees_service.readable_ids_statement(session, principal)
        return [principal.employee_id] if principal.employee_id is not None else []

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        filters: RequestFilter,
        page: PageRequest,
        sort: str | None = None,
    ) -> PageResult[RequestRead]:
        """Requests the caller may read, newest first (``sort``: one of ``REQUEST_SORTING``,
        the pages' headers); ``actionable``: those waiting on a step the caller may decide
        (a site manager's ``site`` steps; an admin's every open one)."""
        approvers: list[str] | None = None
        if filters.actionable:
            if _is_admin(principal):
                approvers = [a.value for a in Approver]
            elif principal.role is Role.SITE_MANAGER:
                approvers = [Approver.SITE.value]
            else:
                approvers = []
        scope = self._scope_ids(session, principal)
        found = await RequestRepository(session).page_of(
            scope, filters, approvers, page, REQUEST_SORTING.keys(sort)
        )
        return found.with_items([to_read(row) for row in found.items])

    async def _readable(
        self, session: AsyncSession, principal: Principal, request_id: int
    ) -> tuple[Request, EmployeeBrief]:
        row = await RequestRepository(session).get(request_id)
        if row is None:
            raise NotFoundError()
        if (
            not principal.is_at_least(Role.SITE_MANAGER)
            and principal.employee_id != row.employee_id
        ):
            raise NotFoundError()
        brief = await employees_service.get_brief(session, row.employee_id)
        if not _may_read(principal, brief):
            raise NotFoundError()
        return row, brief

    async def get(
        self, session: AsyncSession, principal: Principal, request_id: int
    ) -> RequestDetail:
        row, _ = await self._readable(session, principal, request_id)
        return await self._detail(session, row)

    async def _detail(self, session: AsyncSession, row: Request) -> RequestDetail:
        """The request with its history (one query: the row is in hand and was read
        through the caller's scope)."""
        events = await RequestRepository(session).events_of(row.id)
        return RequestDetail(
            **to_read(row).model_dump(),
            events=[
                RequestEventRead(
                    id=e.id, action=e.action, actor_id=e.actor_id, comment=e.comment, at=e.at
                )
                for e in events
            ],
        )

    async def employee_names(
        self, session: AsyncSession, employee_ids: Sequence[int]
    ) -> dict[int, str]:
        """The display names of the requests' employees, in one query (the pages' lists; the
        caller has read the requests through its scope)."""
        briefs = await employees_service.get_briefs(session, sorted(set(employee_ids)))
        return {i: _name(b) for i, b in briefs.items()}

    async def exits(
        self, session: AsyncSession, employee_ids: Sequence[int]
    ) -> dict[int, ExitFacts]:
        """The lifecycle facts of approved (not withdrawn) resignations, by employee (one
        query; for housing's move-out and payroll's final period)."""
        rows = await RequestRepository(session).exits_of(employee_ids)
        return {row.employee_id: _exit_facts(row) for row in rows}

    async def exits_between(
        self, session: AsyncSession, start: dt.date, end: dt.date
    ) -> list[ExitFacts]:
        """Approved resignations whose last working day falls in [start, end] (jobs)."""
        return [_exit_facts(r) for r in await RequestRepository(session).exits_between(start, end)]

    # --- writes ----------------------------------------------------------------------------

    def _event(
        self, repo: RequestRepository, row: Request, principal: Principal, action: str, comment: str
    ) -> None:
        repo.add(
            RequestEvent(
                request_id=row.id, action=action, actor_id=principal.user_id, comment=comment
            )
        )

    async def _audit(
        self,
        session: AsyncSession,
        principal: Principal,
        row: Request,
        action: str,
        before: str | None,
        comment: str = "",
    ) -> None:
        await audit_service.record(
            session,
            principal,
            entity_type="request",
            entity_id=row.id,
            action=action,
            before={"state": before} if before is not None else None,
            after={"state": row.state, "type": row.type, "comment": comment},
        )

    def _tell(
        self,
        session: AsyncSession,
        principal: Principal,
        row: Request,
        brief: EmployeeBrief,
        kind: str,
        audience: Audience,
        link: str,
    ) -> None:
        notifications_service.notify_after_commit(
            session,
            audience,
            kind,
            {"request_id": row.id, "type": row.type, "employee": _name(brief)},
            link,
        )

    def _approvers(self, step: Approver, brief: EmployeeBrief, actor: Principal) -> Audience:
        if step is Approver.ADMIN:
            return Audience(admins=True, exclude_user_id=actor.user_id)
        sites = (brief.current_site_id,) if brief.current_site_id is not None else ()
        # No site (not placed): nobody manages the worker, so the office's admins decide.
        return Audience(site_ids=sites, admins=not sites, exclude_user_id=actor.user_id)

    async def submit(
        self, session: AsyncSession, principal: Principal, data: RequestCreate, *, today: dt.date
    ) -> RequestDetail:
        """A request of the caller's own (an account linked to an employee; else 404)."""
        if principal.employee_id is None:
            raise NotFoundError()
        brief = await employees_service.get_brief(session, principal.employee_id)
        repo = RequestRepository(session)
        payload = data.payload
        if isinstance(payload, ResignationPayload):
            if payload.last_day < today:
                raise RequestInvalidError(
                    detail="the last day is in the past", fields=("last_day",)
                )
            states = [*(s.value for s in OPEN_STATES), RequestState.APPROVED.value]
            if await repo.open_of_type(brief.id, RequestType.RESIGNATION.value, states):
                raise RequestInvalidError(detail="a resignation is already pending or approved")
        request_type = RequestType(payload.type)
        chain = CHAINS[request_type]
        row = Request(
            employee_id=brief.id,
            type=request_type.value,
            payload=payload.model_dump(mode="json"),
            state=RequestState.SUBMITTED.value,
            step=0,
            approver=chain[0].value,
            requested_by=principal.user_id,
        )
        repo.add(row)
        await repo.flush()
        self._event(repo, row, principal, "submit", data.comment)
        await self._audit(session, principal, row, "submit", None, data.comment)
        self._tell(
            session,
            principal,
            row,
            brief,
            "request_submitted",
            self._approvers(chain[0], brief, principal),
            f"/requests/{row.id}",
        )
        await repo.flush()
        return await self._detail(session, row)

    async def _actionable(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: int,
        version: int,
        action: str,
    ) -> tuple[Request, EmployeeBrief, Approver]:
        row, brief = await self._readable(session, principal, request_id)
        if RequestState(row.state) not in OPEN_STATES or row.approver is None:
            raise RequestStateError(state=row.state, action=action)
        step = Approver(row.approver)
        if not _may_act(principal, step, brief):
            if principal.is_at_least(Role.COORDINATOR) or _manages(principal, brief):
                raise RequestNotYourStepError(approver=step.value)
            raise NotFoundError()
        check_version(row, version)
        return row, brief, step

    async def approve(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: int,
        *,
        version: int,
        comment: str = "",
        today: dt.date,
    ) -> RequestDetail:
        row, brief, _ = await self._actionable(session, principal, request_id, version, "approved")
        repo = RequestRepository(session)
        before = row.state
        chain = chain_of(row)
        row.step += 1
        if row.step < len(chain):
            row.state = RequestState.APPROVED_BY_SITE.value
            row.approver = chain[row.step].value
            self._tell(
                session,
                principal,
                row,
                brief,
                "request_awaiting",
                self._approvers(chain[row.step], brief, principal),
                f"/requests/{row.id}",
            )
        else:
            row.state = RequestState.APPROVED.value
            row.approver = None
            row.decided_at = utcnow()
            await self._apply(session, principal, row, brief, today=today)
            self._tell(
                session,
                principal,
                row,
                brief,
                "request_approved",
                Audience(employee_ids=(row.employee_id,), exclude_user_id=principal.user_id),
                f"/me/requests/{row.id}",
            )
        self._event(repo, row, principal, "approve", comment)
        await flush_or_conflict(repo.flush)
        await self._audit(session, principal, row, "approve", before, comment)
        return await self._detail(session, row)

    async def reject(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: int,
        *,
        version: int,
        comment: str,
    ) -> RequestDetail:
        row, brief, _ = await self._actionable(session, principal, request_id, version, "rejected")
        repo = RequestRepository(session)
        before = row.state
        row.state = RequestState.REJECTED.value
        row.approver = None
        row.decided_at = utcnow()
        self._event(repo, row, principal, "reject", comment)
        await flush_or_conflict(repo.flush)
        await self._audit(session, principal, row, "reject", before, comment)
        self._tell(
            session,
            principal,
            row,
            brief,
            "request_rejected",
            Audience(employee_ids=(row.employee_id,), exclude_user_id=principal.user_id),
            f"/me/requests/{row.id}",
        )
        return await self._detail(session, row)

    async def _own(
        self, session: AsyncSession, principal: Principal, request_id: int, version: int
    ) -> tuple[Request, EmployeeBrief]:
        row, brief = await self._readable(session, principal, request_id)
        if principal.employee_id != row.employee_id:
            raise RequestNotRequesterError()
        check_version(row, version)
        return row, brief

    async def cancel(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: int,
        *,
        version: int,
        comment: str = "",
    ) -> RequestDetail:
        """The requester takes back a request nobody has decided yet (nothing was applied)."""
        row, _ = await self._own(session, principal, request_id, version)
        if RequestState(row.state) not in OPEN_STATES:
            raise RequestStateError(state=row.state, action="cancelled")
        repo = RequestRepository(session)
        before = row.state
        row.state = RequestState.CANCELLED.value
        row.approver = None
        self._event(repo, row, principal, "cancel", comment)
        await flush_or_conflict(repo.flush)
        await self._audit(session, principal, row, "cancel", before, comment)
        return await self._detail(session, row)

    async def withdraw(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: int,
        *,
        version: int,
        comment: str = "",
        today: dt.date,
    ) -> RequestDetail:
        """The requester withdraws an approved request: what its approval applied is undone
        in the same transaction (leave days back to their grants, the exit facts cancelled)."""
        row, brief = await self._own(session, principal, request_id, version)
        if row.state != RequestState.APPROVED.value:
            raise RequestStateError(state=row.state, action="withdrawn")
        repo = RequestRepository(session)
        await self._undo(session, principal, row, today=today)
        before = row.state
        row.state = RequestState.WITHDRAWN.value
        self._event(repo, row, principal, "withdraw", comment)
        await flush_or_conflict(repo.flush)
        await self._audit(session, principal, row, "withdraw", before, comment)
        chain = chain_of(row)
        sites = (brief.current_site_id,) if brief.current_site_id is not None else ()
        self._tell(
            session,
            principal,
            row,
            brief,
            "request_withdrawn",
            Audience(
                site_ids=sites if Approver.SITE in chain else (),
                admins=Approver.ADMIN in chain or not sites,
                exclude_user_id=principal.user_id,
            ),
            f"/requests/{row.id}",
        )
        return await self._detail(session, row)

    async def comment(
        self, session: AsyncSession, principal: Principal, request_id: int, *, comment: str
    ) -> RequestDetail:
        """A note on the request's history by anyone who may read it."""
        row, _ = await self._readable(session, principal, request_id)
        repo = RequestRepository(session)
        self._event(repo, row, principal, "comment", comment)
        await repo.flush()
        await self._audit(session, principal, row, "comment", None, comment)
        return await self._detail(session, row)

    # --- what an approval applies ---------------------------------------------------------

    async def _apply(
        self,
        session: AsyncSession,
        principal: Principal,
        row: Request,
        brief: EmployeeBrief,
        *,
        today: dt.date,
    ) -> None:
        payload = _PAYLOAD.validate_python(row.payload)
        if isinstance(payload, PaidLeavePayload):
            await leave_service.consume(
                session,
                principal,
                employee_id=row.employee_id,
                dates=payload.dates,
                unit=payload.unit,
                hours=payload.hours,
                kind=TakingKind.REQUEST,
                reason=payload.reason,
                request_id=row.id,
                today=today,
                brief=brief,
                half=payload.half,
            )
            await self._mark_timecards(session, principal, row, payload.dates, payload.unit)
        elif isinstance(payload, ResignationPayload):
            period = period_containing(payload.last_day, self.payroll_cutoff_day)
            RequestRepository(session).add(
                RequestExit(
                    request_id=row.id,
                    employee_id=row.employee_id,
                    last_working_day=payload.last_day,
                    move_out_due=payload.last_day,
                    final_pay_start=period.start,
                    final_pay_end=period.end,
                )
            )

    async def _undo(
        self, session: AsyncSession, principal: Principal, row: Request, *, today: dt.date
    ) -> None:
        if row.type == RequestType.PAID_LEAVE.value:
            await leave_service.restore(
                session,
                principal,
                employee_id=row.employee_id,
                request_id=row.id,
                reason="request withdrawn",
                today=today,
            )
            await self._unmark_timecards(session, principal, row)
        elif row.type == RequestType.RESIGNATION.value:
            found = await RequestRepository(session).exit_of_request(row.id)
            if found is not None:
                found.cancelled_at = utcnow()

    async def _mark_timecards(
        self,
        session: AsyncSession,
        principal: Principal,
        row: Request,
        dates: Sequence[dt.date],
        unit: TakingUnit,
    ) -> None:
        """The approved leave days on the worker's timecards (same transaction: a refusal,
        e.g. a closed period, rolls the decision back)."""
        await attendance_service.mark_leave(
            session, principal, employee_id=row.employee_id, days=dates, marker=_MARKERS[unit]
        )

    async def _unmark_timecards(
        self, session: AsyncSession, principal: Principal, row: Request
    ) -> None:
        payload = _PAYLOAD.validate_python(row.payload)
        if isinstance(payload, PaidLeavePayload):
            await attendance_service.clear_leave(
                session,
                principal,
                employee_id=row.employee_id,
                days=payload.dates,
                marker=_MARKERS[payload.unit],
            )


_MARKERS = {
    TakingUnit.DAY: Marker.PAID_LEAVE,
    TakingUnit.HALF_DAY: Marker.HALF_LEAVE,
    TakingUnit.HOURS: Marker.HOURLY_LEAVE,
}
"""How a unit of paid leave shows on the timecard."""


def _exit_facts(row: RequestExit) -> ExitFacts:
    return ExitFacts(
        employee_id=row.employee_id,
        request_id=row.request_id,
        last_working_day=row.last_working_day,
        move_out_due=row.move_out_due,
        final_pay_start=row.final_pay_start,
        final_pay_end=row.final_pay_end,
    )


requests_service = RequestsService()
