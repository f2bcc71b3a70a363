"""The edge response cache: a cached API read answered from its stored bytes.

A route opts in with :func:`edge_cached`, naming the ``@cached`` service read
whose data the response is (``@edge_cached(employees_service.list)``): the
response then follows that read's declaration — its tags (invalidated by the
same writes and table rules), its strategy's TTL and its **scope** (the
authorisation scope the repositories apply: office-wide, per site set or per
person). A read without a scope cannot be declared (``TypeError``), and a
route must declare a role policy (signed in, at least a role).

:class:`EdgeCacheMiddleware` sits inside the request-context, metrics,
security-header and rate-limit-header middlewares and outside everything
else. For a ``GET`` of an opted-in path it

1. resolves the principal with the app's own resolver (verified token, the
   ``session`` cache) and checks the route's access policy: anyone it does
   not let through (anonymous, role too low, a failure of any kind) goes on
   to the app unchanged, which answers exactly as without the edge;
2. reads the current tokens of the read's tags (no call at all on the memory
   backend; on Redis in one pipeline, sent first, with the route's rate-limit
   count and the principal's entry: ``ratelimit.count_ahead``);
3. on a stored entry computed under the same tokens: counts the route's rate
   limit (429 as usual) and sends the stored status, headers and body with
   this request's ``meta`` (request id, timestamp) patched in — no routing,
   no dependency solving, no DTOs;
4. otherwise lets the app answer and, for a 200 of that very route, stores
   its bytes under the tokens read in step 2 (read *before* the app ran: a
   write committed meanwhile leaves the entry stale, as in ``cache.py``).

The key is ``route + normalised query + scope(principal)``; entries live in
this process (a byte-bounded LRU), validated on every hit against the shared
tag tokens, so a write on any worker reaches them. A degraded cache (Redis
down) bypasses the edge; ``DELETE /api/cache`` (``HakenCache.clear``) and
pattern invalidations bump :data:`EDGE_TAG`, which every entry carries.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haken.platform import context
from haken.platform.access import Principal, RolePolicy, _resolve
from haken.platform.cache import EDGE_TAG, CachedSpec, active_cache, bypassed
from haken.platform.deps import READ_SESSION
from haken.platform.errors import HakenError
from haken.platform.logging import get_logger
from haken.platform.middleware import send_error
from haken.platform.ratelimit import (
    RateLimit,
    count_ahead,
    enforce,
    principal_read,
    tried_ahead,
)
from haken.platform.routes import iter_routes

log = get_logger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
EDGE_ATTRIBUTE = "__haken_edge__"
_TEMPLATE_FIELD = re.compile(r"\{([^}]*)\}")


def edge_cached(read: Callable[..., Any]) -> Callable[[F], F]:
    """Serve this GET route's responses from the edge, as the ``@cached`` ``read`` says.

    The route's response must be that read's data alone (plus the envelope): the
    same tags make it stale, the same scope keeps principals apart.
    """
    spec: CachedSpec | None = getattr(read, "__haken_cached__", None)
    if spec is None:
        raise TypeError(f"edge_cached({read!r}): not a @cached read")
    check_spec(spec)

    def decorate(endpoint: F) -> F:
        setattr(endpoint, EDGE_ATTRIBUTE, spec)
        return endpoint

    return decorate


def check_spec(spec: CachedSpec) -> None:
    """Refuse a read the edge cannot key safely (tests call this for every route too)."""
    if spec.scope is None:
        raise TypeError(f"{spec.qualname}: an edge-cached read needs a scope key")
    if any(_TEMPLATE_FIELD.search(template) for template in spec.tag_templates):
        # The edge keys by path and query only; a tag over call arguments cannot be rebuilt.
        raise TypeError(f"{spec.qualname}: edge-cached reads take constant tags only")


@dataclass(frozen=True)
class EdgeRoute:
    """One opted-in route, as the app declares it."""

    path: str
    route: Any
    spec: CachedSpec
    policy: RolePolicy
    limits: tuple[str, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        return (*self.spec.tag_templates, EDGE_TAG)

    @property
    def daily(self) -> bool:
        """The read is keyed by the day (``{today}`` in its key): so is its edge entry, or
        yesterday's figures would be served after midnight until a write."""
        return "{today}" in (self.spec.key_template or "")

    def key(self, query_string: bytes, principal: Principal, day: str = "") -> str:
        assert self.spec.scope is not None
        scope = self.spec.scope(principal)
        return f"{self.path}?{normalise_query(query_string)}@{scope}" + (f"#{day}" if day else "")


def normalise_query(query_string: bytes) -> str:
    """The query with parameters sorted by name (repeated names keep their order)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs)


def edge_routes(app: FastAPI) -> dict[str, EdgeRoute]:
    """Every opted-in route by path; refuses a declaration the edge cannot serve safely."""
    found: dict[str, EdgeRoute] = {}
    from fastapi.routing import iter_route_contexts

    # The router writes the matched route itself into the scope, not its lazy context.
    raw = {
        id(getattr(r, "endpoint", None)): getattr(r, "route", r)
        for r in iter_route_contexts(app.routes)
    }
    for info in iter_routes(app):
        spec = getattr(info.endpoint, EDGE_ATTRIBUTE, None)
        if spec is None:
            continue
        check_spec(spec)
        where = f"{sorted(info.methods)} {info.path}"
        if info.methods != {"GET"} or "{" in info.path:
            raise TypeError(f"{where}: the edge serves GET routes without path parameters")
        policies = [c for c in info.calls if isinstance(c, RolePolicy)]
        if len(policies) != 1 or len(info.access) != 1:
            raise TypeError(f"{where}: an edge-cached route needs exactly one role policy")
        # FastAPI calls one dependency instance once per request: count each instance once.
        instances = {id(c): c for c in info.calls if isinstance(c, RateLimit)}
        limits = tuple(c.policy_name for c in instances.values())
        if not limits:
            raise TypeError(f"{where}: an edge-cached route needs a rate limit")
        found[info.path] = EdgeRoute(
            info.path, raw.get(id(info.endpoint)), spec, policies[0], limits
        )
    return found


def _local_day(app: Any) -> str:
    """Today in the agency's time zone (what the endpoints pass as ``today``)."""
    return dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date().isoformat()


@dataclass
class _Entry:
    tokens: tuple[bytes, ...]
    epoch: int
    expires: float
    status: int
    headers: list[tuple[bytes, bytes]]
    head: bytes  # the body up to the meta object
    tail: bytes  # the body after it
    size: int


_UNCACHEABLE_HEADERS = (b"set-cookie", b"content-encoding")
_PER_REQUEST_HEADERS = frozenset(
    {b"content-length", b"x-request-id", b"x-query-count", b"date", b"server"}
)


def split_meta(body: bytes, request_id: str) -> tuple[bytes, bytes] | None:
    """The body around its envelope's ``"meta":{…}`` object, or None when not found exactly."""
    marker = b'"meta":{"request_id":' + json.dumps(request_id).encode() + b',"timestamp":"'
    start = body.rfind(marker)
    if start < 0:
        return None
    end = body.find(b'"}', start + len(marker))
    if end < 0:
        return None
    return body[: start + len(b'"meta":')], body[end + 2 :]


def meta_bytes(request_id: str) -> bytes:
    return b"".join(
        (
            b'{"request_id":',
            json.dumps(request_id).encode(),
            b',"timestamp":',
            to_json(dt.datetime.now(dt.UTC)),
            b"}",
        )
    )


class EdgeStore:
    """This process's stored responses: an LRU bounded by bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: collections.OrderedDict[str, _Entry] = collections.OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: _Entry) -> None:
        self.discard(key)
        if entry.size > self.max_bytes // 4:
            return
        self.entries[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes and self.entries:
            _, old = self.entries.popitem(last=False)
            self.bytes -= old.size

    def discard(self, key: str) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size

    def clear(self) -> None:
        self.entries.clear()
        self.bytes = 0


class _LazySession:
    """An ``AsyncSession`` made on first use: making one costs more than a whole edge hit
    whose principal is cached (most of them), and such a hit never touches it."""

    def __init__(self, maker: Callable[[], AsyncSession]) -> None:
        self._maker = maker
        self.made: AsyncSession | None = None

    def __getattr__(self, name: str) -> Any:
        if self.made is None:
            self.made = self._maker()
        return getattr(self.made, name)


class EdgeCacheMiddleware:
    """Answer opted-in reads from stored bytes after the access check and rate limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
        self.store = EdgeStore(max_bytes)
        self._routes: dict[str, EdgeRoute] | None = None

    def routes(self, app: FastAPI) -> dict[str, EdgeRoute]:
        if self._routes is None:
            self._routes = edge_routes(app)
        return self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        route = self.routes(scope["app"]).get(scope["path"])
        cache = active_cache()
        if route is None or cache is None or not cache.enabled or cache.degraded or bypassed():
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        # One reader's session for the request, made when first used (a principal that is
        # not cached): the principal's lookup here and the endpoint's reads
        # (platform/deps.get_session takes it over) share a connection. A hit never uses it.
        session = _LazySession(request.app.state.database.sessionmaker)
        try:
            await self._answer(scope, receive, send, request, route, session)
        finally:
            scope.get("state", {}).pop(READ_SESSION, None)
            made = session.made
            if made is not None and made.in_transaction():  # not taken over: release it
                try:
                    await made.close()
                except Exception:  # the connection may be gone; the answer is sent
                    log.warning("edge session close failed")

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        request: Request,
        route: EdgeRoute,
        session: _LazySession,
    ) -> None:
        cache = active_cache()
        if cache is None:
            await self.app(scope, receive, send)
            return
        epoch = cache.epoch
        # The caller from this process's mirror of Redis when it can say (platform/mirror.py):
        # then the principal is neither read ahead nor loaded below.
        state = scope.setdefault("state", {})
        mirrored = getattr(request.app.state, "principal_from_mirror", None)
        if mirrored is not None and "principal" not in state:
            principal = mirrored(request)
            if principal is not None:
                state["principal"] = principal
        # One Redis round trip (issue 21 item 2): the route's rate limits counted, the
        # caller's principal entry read (taken by the resolver below) and the tag tokens.
        # The decisions wait for enforce(), so a refusal is raised where it was before: on a
        # hit after the access check, otherwise in the route's dependencies.
        read = principal_read(request)
        tried_ahead(request)
        results = await count_ahead(
            request, route.limits, [*([read] if read else []), (None, route.tags)]
        )
        principal = await self._principal(request, route, session)
        if principal is None:
            await self.app(scope, receive, send)  # the app refuses, or answers, as ever
            return
        day = _local_day(scope["app"]) if route.daily else ""
        key = route.key(scope.get("query_string", b""), principal, day)
        ahead = results[-1] if results else None
        if ahead is not None and cache.epoch == epoch:
            tokens = ahead[1]
        else:
            tokens = await cache.tag_tokens(route.tags)
        if tokens is None:
            await self.app(scope, receive, send)
            return
        entry = self.store.get(key)
        if (
            entry is not None
            and entry.tokens == tokens
            and entry.epoch == epoch
            and entry.expires > time.monotonic()
        ):
            await self._serve(request, route, entry, send)
            return
        self.store.misses += 1
        await self._fill(scope, receive, send, route, key, tokens, epoch, principal)

    async def _principal(
        self, request: Request, route: EdgeRoute, session: _LazySession
    ) -> Principal | None:
        """The caller when the route's policy lets them through, else None."""
        # A lazy session (no unit of work: that would cost a greenlet round of its own on
        # every request): with the principal cached it is never made. On a miss it read the
        # principal, and the endpoint reads on with it.
        try:
            principal = await _resolve(request, cast(AsyncSession, session))
        except Exception:  # a refusal or an outage: the app answers it, on a session of its own
            return None
        if session.made is not None:
            request.scope.setdefault("state", {})[READ_SESSION] = session.made
        if principal is None or not principal.is_at_least(route.policy.minimum):
            return None
        return principal

    async def _serve(self, request: Request, route: EdgeRoute, entry: _Entry, send: Send) -> None:
        try:
            for name in route.limits:
                await enforce(request, name)
        except HakenError as error:
            await send_error(send, error)
            return
        self.store.hits += 1
        cache = active_cache()
        if cache is not None:  # a hit of the read it stores, as the service cache counts it
            cache.stats.record_edge_hit(route.spec)
        request.scope["route"] = route.route  # logs and metrics label the template
        body = entry.head + meta_bytes(context.request_id()) + entry.tail
        headers = [*entry.headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _fill(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: EdgeRoute,
        key: str,
        tokens: tuple[bytes, ...],
        epoch: int,
        principal: Principal,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        storable = True

        async def capture(message: Message) -> None:
            nonlocal start, storable
            if message["type"] == "http.response.start":
                start = message
                names = {name.lower() for name, _ in message.get("headers", [])}
                if message["status"] != 200 or any(h in names for h in _UNCACHEABLE_HEADERS):
                    storable = False
            elif message["type"] == "http.response.body" and storable:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if not storable or start is None or scope.get("route") is not route.route:
            return
        if scope.get("state", {}).get("principal") != principal:
            return
        split = split_meta(b"".join(chunks), context.request_id())
        if split is None:
            return
        head, tail = split
        headers = [
            (name, value)
            for name, value in start.get("headers", [])
            if name.lower() not in _PER_REQUEST_HEADERS
        ]
        self.store.put(
            key,
            _Entry(
                tokens=tokens,
                epoch=epoch,
                expires=time.monotonic() + route.spec.strategy.ttl_seconds,
                status=200,
                headers=headers,
                head=head,
                tail=tail,
                size=len(head) + len(tail) + len(key),
            ),
        )


__all__ = [
    "EdgeCacheMiddleware",
    "EdgeRoute",
    "check_spec",
    "edge_cached",
    "edge_routes",
    "normalise_query",
]
