"""The shape of a business module as the app mounts it.

A module exposes ``install(app)`` (routers, resolvers) and optional async
``startup(app)`` / ``shutdown(app)`` hooks; the list lives in ``haken.modules.catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI


async def _nothing(_app: FastAPI) -> None:
    return None


@dataclass(frozen=True)
class Module:
    name: str
    install: Callable[[FastAPI], None]
    startup: Callable[[FastAPI], Awaitable[None]] = field(default=_nothing)
    shutdown: Callable[[FastAPI], Awaitable[None]] = field(default=_nothing)
