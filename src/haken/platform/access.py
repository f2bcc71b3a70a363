"""Roles, the current principal and the access-policy dependencies.

Every route declares exactly one access policy through these dependencies
(tests walk ``app.routes`` and fail on a route without one). Who the caller is
gets decided by a resolver that the identity module installs on
``app.state.principal_resolver``: the platform knows the contract, not the
tables. Row scope (a site manager's sites, an employee's own records) is
applied in the repositories from the :class:`Principal`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.platform.deps import SessionDep
from haken.platform.errors import HakenError
from haken.platform.idempotency import claim_request


class NotAuthenticatedError(HakenError):
    code = "AUTH_REQUIRED"
    status_code = 401
    message_en = "Authentication is required."
    message_ja = "ログインが必要です。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(headers={"WWW-Authenticate": "Bearer"}, **kwargs)


class ForbiddenError(HakenError):
    code = "AUTH_FORBIDDEN"
    status_code = 403
    message_en = "You do not have permission for this action."
    message_ja = "この操作を行う権限がありません。"


_RANK = {
    # A client's supervisor (派遣先の指揮命令者/派遣先責任者) ranks below every agency role, and
    # every agency policy also refuses it by audience (:attr:`Principal.is_client`): it is
    # never "at least employee". It passes only the client policies (:class:`ClientPolicy`).
    "client_supervisor": 0,
    "employee": 1,
    "site_manager": 2,
    "coordinator": 3,
    "admin": 4,
    "super_admin": 5,
}


class Role(StrEnum):
    """Ordered: ``Role.ADMIN >= Role.COORDINATOR`` is a comparison, not a chain of ORs."""

    SUPER_ADMIN = "super_admin"
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    SITE_MANAGER = "site_manager"
    EMPLOYEE = "employee"
    CLIENT_SUPERVISOR = "client_supervisor"

    @property
    def is_client(self) -> bool:
        """A client-side role: outside the agency's policy family."""
        return self is Role.CLIENT_SUPERVISOR

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank < other.rank


@dataclass(frozen=True)
class Principal:
    """Who is calling, as far as every layer below the endpoint needs to know."""

    user_id: int
    role: Role
    email: str
    locale: str = "ja"
    session_id: str | None = None
    employee_id: int | None = None
    site_ids: frozenset[int] = field(default_factory=frozenset)
    # The client a client supervisor belongs to (None for every agency role).
    client_id: int | None = None
    # The 組織単位 a client supervisor is limited to (empty: every unit of its sites).
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_client(self) -> bool:
        return self.role.is_client

    def is_at_least(self, role: Role) -> bool:
        """An agency role at least ``role``; a client principal never is (other audience)."""
        if self.is_client or role.is_client:
            return False
        return self.role >= role


PrincipalResolver = Callable[[Request, AsyncSession], Awaitable[Principal | None]]


async def _resolve(request: Request, session: AsyncSession) -> Principal | None:
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    resolver: PrincipalResolver | None = getattr(request.app.state, "principal_resolver", None)
    principal = await resolver(request, session) if resolver is not None else None
    request.state.principal = principal
    return principal


class AccessPolicy:
    """Base of the access dependencies; ``describe()`` names the policy for docs/tests."""

    name = "policy"
    # Whether the policy asks the principal resolver who is calling (which may refuse).
    resolves_principal = True
    # Whether the policy claims a POST's Idempotency-Key / submission token once the caller
    # is known (platform.idempotency.claim_request); the OpenAPI declares the header and
    # its refusals from this flag.
    claims_idempotency = False

    def describe(self) -> str:
        return self.name

    def refusals(self) -> tuple[type[HakenError], ...]:
        """The errors this policy can answer with (the OpenAPI declares them)."""
        return (NotAuthenticatedError, ForbiddenError)


class PublicPolicy(AccessPolicy):
    """Anyone, signed in or not; no database work."""

    name = "public"
    resolves_principal = False

    def refusals(self) -> tuple[type[HakenError], ...]:
        return ()

    async def __call__(self) -> None:
        return None


class OptionalPrincipalPolicy(AccessPolicy):
    """Anyone; the principal when a valid credential came with the request."""

    name = "public"

    def refusals(self) -> tuple[type[HakenError], ...]:
        return ()

    async def __call__(self, request: Request, session: SessionDep) -> Principal | None:
        return await _resolve(request, session)


class RolePolicy(AccessPolicy):
    """Signed in, with at least ``minimum`` role."""

    claims_idempotency = True

    def __init__(self, minimum: Role) -> None:
        self.minimum = minimum
        self.name = "authenticated" if minimum is Role.EMPLOYEE else f"role>={minimum.value}"

    def refusals(self) -> tuple[type[HakenError], ...]:
        # Even "authenticated" refuses a client principal (another audience).
        return (NotAuthenticatedError, ForbiddenError)

    async def __call__(self, request: Request, session: SessionDep) -> Principal:
        principal = await _resolve(request, session)
        if principal is None:
            raise NotAuthenticatedError()
        if principal.is_client or not principal.is_at_least(self.minimum):
            raise ForbiddenError()
        await claim_request(request, session, principal.user_id)
        return principal


class SelfOrRolePolicy(AccessPolicy):
    """The user named in the path (``{param}``) themselves, or at least ``minimum``."""

    claims_idempotency = True

    def __init__(self, minimum: Role, *, param: str = "user_id") -> None:
        self.minimum = minimum
        self.param = param
        self.name = f"self-or-role>={minimum.value}"

    async def __call__(self, request: Request, session: SessionDep) -> Principal:
        principal = await _resolve(request, session)
        if principal is None:
            raise NotAuthenticatedError()
        if principal.is_client:
            raise ForbiddenError()
        if not principal.is_at_least(self.minimum) and str(
            request.path_params.get(self.param)
        ) != str(principal.user_id):
            raise ForbiddenError()
        await claim_request(request, session, principal.user_id)
        return principal


class ClientPolicy(AccessPolicy):
    """A client supervisor of a client (the client portal); every agency role is refused.

    The mirror of :class:`RolePolicy`: the two families never overlap, so a client
    principal passes no agency route and an agency user no portal route.
    """

    name = "client"
    claims_idempotency = True

    async def __call__(self, request: Request, session: SessionDep) -> Principal:
        principal = await _resolve(request, session)
        if principal is None:
            raise NotAuthenticatedError()
        if not principal.is_client or principal.client_id is None:
            raise ForbiddenError()
        await claim_request(request, session, principal.user_id)
        return principal


public = PublicPolicy()
optional_principal = OptionalPrincipalPolicy()
authenticated = RolePolicy(Role.EMPLOYEE)
site_manager_or_above = RolePolicy(Role.SITE_MANAGER)
coordinator_or_above = RolePolicy(Role.COORDINATOR)
admin_or_above = RolePolicy(Role.ADMIN)
super_admin_only = RolePolicy(Role.SUPER_ADMIN)
client_supervisor_only = ClientPolicy()

PublicAccess = Annotated[None, Depends(public)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(authenticated)]
SiteManagerPrincipal = Annotated[Principal, Depends(site_manager_or_above)]
CoordinatorPrincipal = Annotated[Principal, Depends(coordinator_or_above)]
AdminPrincipal = Annotated[Principal, Depends(admin_or_above)]
SuperAdminPrincipal = Annotated[Principal, Depends(super_admin_only)]
ClientPrincipal = Annotated[Principal, Depends(client_supervisor_only)]
