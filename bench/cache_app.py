"""The uncached twin of haken for bench/cache_bench.py: the same app, every request
served with ``cache_bypass()`` (reads go to the database), so the cached and
uncached figures differ only in the cache."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from haken.app import create_app as create_haken_app
from haken.platform.cache import cache_bypass


class BypassCache:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with cache_bypass():
            await self.app(scope, receive, send)


def create_app() -> Any:
    return BypassCache(create_haken_app())
