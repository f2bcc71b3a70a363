"""A client supervisor is another audience: no agency policy passes it, by construction."""

from __future__ import annotations

from haken.platform.access import Principal, Role


def _principal(role: Role, **fields: object) -> Principal:
    return Principal(user_id=1, role=role, email="x@example.com", **fields)  # type: ignore[arg-type]


def test_client_principal_is_never_at_least_an_agency_role() -> None:
    client = _principal(Role.CLIENT_SUPERVISOR, client_id=3)
    for role in Role:
        assert not client.is_at_least(role)
    assert client.is_client


def test_agency_principals_never_reach_the_client_role() -> None:
    for role in Role:
        if role is Role.CLIENT_SUPERVISOR:
            continue
        principal = _principal(role)
        assert not principal.is_at_least(Role.CLIENT_SUPERVISOR)
        assert not principal.is_client
        assert principal.is_at_least(Role.EMPLOYEE)


def test_rank_is_below_every_agency_role() -> None:
    assert all(role > Role.CLIENT_SUPERVISOR for role in Role if role is not Role.CLIENT_SUPERVISOR)
