"""Command-line use cases of the identity area (same service as the API)."""

from __future__ import annotations

from pydantic import ValidationError

from haken.config import Settings
from haken.modules.identity.schemas import UserCreate
from haken.modules.identity.service import identity_service
from haken.platform.cache import HakenCache
from haken.platform.db import Database, session_scope
from haken.platform.errors import HakenError, NotFoundError


async def create_user(
    settings: Settings, *, email: str, role: str, password: str, locale: str = "ja"
) -> tuple[int, str]:
    """Returns ``(exit code, message)``."""
    try:
        data = UserCreate(email=email, role=role, password=password, locale=locale)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return 2, f"invalid input: {problems}"
    database = Database(settings.resolved_database_url)
    try:
        async with session_scope(database, write=True) as session:
            user = await identity_service.create_user(session, None, data)
    except HakenError as error:
        return 1, f"{error.code}: {error.message('en')}"
    finally:
        await database.dispose()
    return 0, f"created user {user.id} <{user.email}> with role {user.role.value}"


async def reset_password(settings: Settings, *, email: str) -> tuple[int, str, str | None]:
    """Returns ``(exit code, message, new one-time password or None)``.

    With Redis configured, the commit's invalidations (the user's cached
    principals) reach the servers' shared cache at once; a server with only its
    in-process cache notices the ended sessions within the ``session`` TTL (15 s).
    """
    database = Database(settings.resolved_database_url)
    cache = HakenCache(settings.redis_url) if settings.redis_url else None
    try:
        if cache is not None:
            await cache.start()
        async with session_scope(database, write=True) as session:
            password = await identity_service.reset_password_by_operator(session, email=email)
    except NotFoundError:
        return 1, f"no user with the e-mail {email!r}: nothing changed", None
    except HakenError as error:
        return 1, f"{error.code}: {error.message('en')}", None
    finally:
        if cache is not None:
            await cache.close()
        await database.dispose()
    return 0, f"new one-time password for <{email.strip().lower()}>; every session ended", password
