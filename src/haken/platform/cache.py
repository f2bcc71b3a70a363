"""The cache facade: named TTL strategies, read-through decorator, tags, failover, stats.

Built on cashews: its Redis and memory backends store the bytes, its locks keep
other workers from loading the same key at once. What cashews does not give,
haken adds here (and only here):

* **Strategies, not numbers.** Every cached read names a row of
  :data:`STRATEGIES`; docs/caching.md says which data each one is for.
* **Pydantic DTOs as JSON.** The decorator builds a ``TypeAdapter`` from the
  function's return annotation and refuses anything Pydantic cannot serialise
  (an ORM object fails at import time, not in production).
* **Keys** ``haken:v1:<namespace>:<key>[:@<scope>]``. ``v1`` is bumped by a
  deploy that changes a cached shape; a namespace is one business area.
* **Tags as versions.** A tag (``user:42``, ``users:list``) is a key holding a
  random token; an entry records the tokens it was computed under and is valid
  only while they are unchanged. Invalidating a tag writes a fresh token: one
  command, no key scan, and safe against the read/write race (a read that
  started before the write stores an entry that is already stale). A missing
  tag (never used, expired, evicted) gets a fresh token, so eviction can only
  cause misses, never resurrect stale data.
* **Invalidation after the commit** through :func:`haken.platform.db.after_commit`
  (:data:`cache_tags`), never before it and never on rollback.
* **Stampede protection.** Concurrent misses of one key in a process share one
  load (single flight); across workers a cashews lock makes the others wait
  for the value instead of loading it too.
* **Failover.** When Redis fails, the failing operation is re-run on the memory
  backend (the request never sees the error), the cache marks itself degraded,
  caps TTLs (other workers cannot see this worker's memory invalidations),
  journals invalidations and probes Redis in the background. On recovery the
  journal is replayed on Redis, then the memory backend is cleared.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import fnmatch
import functools
import hashlib
import inspect
import re
import secrets
import string
import time
import warnings
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, get_args, get_type_hints

from cashews.backends.interface import Backend
from cashews.backends.memory import Memory
from cashews.backends.redis import Redis
from cashews.exceptions import CacheBackendInteractionError
from cashews.serialize import NULL_SERIALIZER
from fastapi import Request
from pydantic import BaseModel, PydanticSchemaGenerationError, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError, to_jsonable_python
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from haken.platform import context, metrics
from haken.platform.access import Principal, Role
from haken.platform.db import after_commit
from haken.platform.logging import get_logger
from haken.platform.mirror import RedisMirror

log = get_logger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

KEY_ROOT = "haken"
KEY_VERSION = "v1"
PREFIX = f"{KEY_ROOT}:{KEY_VERSION}:"
TAG_PREFIX = PREFIX + "_tag:"
LOCK_PREFIX = PREFIX + "_lock:"
# Carried by every edge response (platform/edge.py): clearing the cache or deleting by
# pattern bumps it, so stored responses go with the entries they were built from.
EDGE_TAG = "cache:edge"

# --- strategies ------------------------------------------------------------------


@dataclass(frozen=True)
class Strategy:
    """A named TTL: how long an entry may live when no invalidation reaches it."""

    name: str
    ttl_seconds: int
    purpose: str


# The one table of TTLs (docs/caching.md explains each). Writes invalidate by tag,
# so a TTL bounds staleness only for changes no tag announces.
STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy(
            "realtime",
            5,
            "counts that change by the second: approvals waiting, queue depth, sessions online",
        ),
        Strategy(
            "session",
            15,
            "who a signed-in request is (the principal of a session); any write to the "
            "user, its sessions or sites invalidates it at once",
        ),
        Strategy(
            "short",
            30,
            "computed views of live data read many times a minute: today's attendance board",
        ),
        Strategy(
            "list",
            60,
            "paged lists and searches of an area; invalidated by the area's list tag",
        ),
        Strategy(
            "entity",
            300,
            "one record by id (user, employee, client, contract); invalidated by its entity tag",
        ),
        Strategy(
            "dashboard",
            120,
            "aggregates over many records (headcount, margins, expiring cards)",
        ),
        Strategy(
            "report",
            900,
            "heavy reports of a period (monthly hours, ledgers) that cost seconds to build",
        ),
        Strategy(
            "reference",
            3600,
            "slow-changing master data: client sites, units, allowance and rate tables",
        ),
        Strategy(
            "static",
            86400,
            "data that changes only with a deploy: statutory tables, holiday calendars, enums",
        ),
    )
}
MAX_TTL_SECONDS = max(s.ttl_seconds for s in STRATEGIES.values())
# A tag outlives every entry it guards; when it expires anyway the entries just miss.
TAG_TTL_SECONDS = MAX_TTL_SECONDS + 3600

_TAG_RE = re.compile(r"^[a-z][a-z0-9_]*(:[A-Za-z0-9_.@-]+)*$")
_SAFE_PART = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
PATTERN_RE = re.compile(r"^[A-Za-z0-9*][A-Za-z0-9_:.@*-]{0,199}$")


def entity_tag(entity: str, entity_id: object) -> str:
    """The tag of one record: ``entity_tag("employee", 42)`` → ``employee:42``."""
    return f"{entity}:{entity_id}"


def list_tag(name: str) -> str:
    """The tag of an area's lists: ``list_tag("employees")`` → ``employees:list``."""
    return f"{name}:list"


def check_tag(tag: str) -> str:
    if len(tag) > 200 or not _TAG_RE.match(tag):
        raise ValueError(f"malformed cache tag {tag!r}")
    return tag


# --- keys and scope ---------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _KeyFormatter(string.Formatter):
    """``str.format`` whose substituted values are safe key parts.

    Values outside ``[A-Za-z0-9_.@-]`` (a search text, a long list) become a
    digest, so a caller's input can neither inject ``:``/``*`` into a key nor
    make it unbounded.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "1" if value else "0"
        if hasattr(value, "value") and isinstance(value.value, (str, int)):  # enums
            value = value.value
        text = format(value, format_spec) if isinstance(value, (str, int)) else _json_text(value)
        if _SAFE_PART.match(text):
            return text
        return "h" + _digest(text)


_FORMATTER = _KeyFormatter()


@functools.lru_cache(maxsize=1024)
def _compiled(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """A key or tag template parsed once (literal, field, format spec): the principal's key
    and tags are formatted on every request, and ``string.Formatter`` parses each time."""
    return tuple(
        (literal, field_name, spec or "")
        for literal, field_name, spec, _ in _FORMATTER.parse(template)
    )


_RENDERED: dict[tuple[Any, ...], str] = {}
_RENDERED_LIMIT = 4096


def _render(template: str, arguments: Mapping[str, Any]) -> str:
    """``_FORMATTER.vformat(template, (), arguments)``, from the parsed template; kept for
    plain ids and short texts (the principal's key and tags, on every request)."""
    compiled = _compiled(template)
    values: list[Any] = [template]
    for _literal, field_name, _spec in compiled:
        if field_name is None:
            continue
        value = arguments.get(field_name, _DEFAULT)
        kind = type(value)
        if not (kind is int or (kind is str and len(value) <= 64)):
            values = []
            break
        values.append(value)
    memo = tuple(values) if values else None
    if memo is not None:
        found = _RENDERED.get(memo)
        if found is not None:
            return found
    rendered = _render_fields(compiled, arguments)
    if memo is not None:
        if len(_RENDERED) >= _RENDERED_LIMIT:
            _RENDERED.clear()
        _RENDERED[memo] = rendered
    return rendered


def _render_fields(
    compiled: tuple[tuple[str, str | None, str], ...], arguments: Mapping[str, Any]
) -> str:
    parts: list[str] = []
    for literal, field_name, spec in compiled:
        parts.append(literal)
        if field_name is not None:
            if field_name in arguments:
                value = arguments[field_name]
            else:  # a dotted or indexed field: the Formatter's own lookup
                value, _ = _FORMATTER.get_field(field_name, (), arguments)
            parts.append(_FORMATTER.format_field(value, spec))
    return "".join(parts)


def _json_text(value: Any) -> str:
    import json

    return json.dumps(to_jsonable_python(value), sort_keys=True, separators=(",", ":"))


ScopeFn = Callable[[Principal | None], str]


def principal_scope(principal: Principal | None) -> str:
    """The conservative scope: everything the repositories may filter by.

    Two principals share an entry only when their role, user, employee and
    sites are all the same, so a cached read never crosses a row-scope line.
    """
    if principal is None:
        return "system"
    sites = ",".join(str(s) for s in sorted(principal.site_ids))
    scope = (
        f"u{principal.user_id}.{principal.role.value}.e{principal.employee_id or 0}"
        f".s{_digest(sites) if sites else '0'}"
    )
    if principal.unit_ids:  # a client supervisor narrowed to 組織単位 (changeable by the agency)
        scope += f".n{_digest(','.join(str(u) for u in sorted(principal.unit_ids)))}"
    return scope


def scope_by_role(minimum: Role, *lower: Role) -> ScopeFn:
    """Principals at or above ``minimum`` see every row: they share one entry
    (``all``); everyone below keeps the per-principal scope. Each of ``lower`` (highest
    first) is a tier of its own that sees the same rows as its peers: the principals at or
    above it (and below the tier before) share an entry named after it (the dashboard:
    admins with the margins, coordinators without)."""
    tiers = ((minimum, "all"), *((role, role.value) for role in lower))

    def scope(principal: Principal | None) -> str:
        if principal is None:
            return "all"
        for role, name in tiers:
            if principal.is_at_least(role):
                return name
        return principal_scope(principal)

    return scope


# --- the registry of cached reads -------------------------------------------------


@dataclass(frozen=True)
class CachedSpec:
    """One cached read, as the decorator registered it."""

    qualname: str
    namespace: str
    strategy: Strategy
    key_template: str | None
    tag_templates: tuple[str, ...]
    scope: ScopeFn | None
    invalidated_by: tuple[str, ...]
    adapter: TypeAdapter[Any] = field(compare=False, repr=False)
    # Whether a miss takes the cross-worker lock (stampede protection). A read cheaper than
    # the lock's own round trip (the principal: one indexed row) is stored without it.
    lock: bool = True
    # Whether each process keeps a copy of the entries, valid through Redis's invalidations
    # (platform/mirror.py): for a read made on every request (the principal).
    mirror: bool = False

    @property
    def mirror_prefix(self) -> str | None:
        """The key prefix of every entry of this read (what the mirror tracks)."""
        if not self.mirror or self.key_template is None:
            return None
        literal = self.key_template.split("{", 1)[0]
        return f"{PREFIX}{self.namespace}:{literal}"

    @property
    def areas(self) -> frozenset[str]:
        """Business areas whose writes can change this read's data."""
        return frozenset((self.namespace, *self.invalidated_by))

    def key(self, arguments: Mapping[str, Any]) -> str:
        if self.key_template is not None:
            body = _render(self.key_template, arguments)
        else:
            plain = {
                k: v for k, v in arguments.items() if k not in {"self", "session", "principal"}
            }
            body = f"{self.qualname}:{_digest(_json_text(plain))}"
        key = f"{PREFIX}{self.namespace}:{body}"
        if self.scope is not None:
            key += ":@" + self.scope(arguments.get("principal"))
        return key

    def tags(self, arguments: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(check_tag(_render(t, arguments)) for t in self.tag_templates)


_REGISTRY: dict[str, CachedSpec] = {}


def cached_reads() -> list[CachedSpec]:
    """Every function decorated with :func:`cached` (imported so far)."""
    return list(_REGISTRY.values())


def cached_areas() -> frozenset[str]:
    """Areas whose write endpoints must prove cached reads fresh (the route-walk test)."""
    return frozenset(area for spec in _REGISTRY.values() for area in spec.areas)


def _area_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "haken" and parts[1] == "modules":
        return parts[2]
    return parts[-1]


_DEFAULT: Any = object()
_UNDECODED: Any = object()  # a cache fill's value is only in its payload bytes
_BYPASS: ContextVar[bool] = ContextVar("haken_cache_bypass", default=False)


def bypassed() -> bool:
    """Whether this context reads straight from the source (:func:`cache_bypass`)."""
    return _BYPASS.get()


@contextlib.contextmanager
def cache_bypass() -> Iterator[None]:
    """Read straight from the source inside this block (tests' ground truth, repair tools)."""
    token = _BYPASS.set(True)
    try:
        yield
    finally:
        _BYPASS.reset(token)


def _adapter_for(func: Callable[..., Any]) -> TypeAdapter[Any]:
    try:
        hints = get_type_hints(func)
    except NameError as error:
        raise TypeError(f"{func.__qualname__}: unresolvable return annotation") from error
    annotation = hints.get("return", inspect.Signature.empty)
    if annotation in (inspect.Signature.empty, Any, object, None, type(None)):
        raise TypeError(f"{func.__qualname__}: a cached read must declare a DTO return type")
    try:
        return TypeAdapter(annotation)
    except PydanticSchemaGenerationError as error:
        raise TypeError(
            f"{func.__qualname__}: cache Pydantic DTOs (JSON), never ORM or arbitrary objects"
        ) from error


def _frozen_models(annotation: Any) -> bool:
    """Whether ``annotation`` is a frozen Pydantic model, optionally ``| None``."""
    members = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    return all(
        isinstance(m, type) and issubclass(m, BaseModel) and m.model_config.get("frozen") is True
        for m in members
    )


def cached(
    strategy: str,
    *,
    key: str | None = None,
    tags: Sequence[str] = (),
    namespace: str | None = None,
    scope: ScopeFn | None = _DEFAULT,
    invalidated_by: Sequence[str] = (),
    lock: bool = True,
    mirror: bool = False,
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Cache a service read: ``@cached("entity", key="user:{user_id}", tags=["user:{user_id}"])``.

    ``key`` and ``tags`` are ``str.format`` templates over the function's
    arguments (``{request.limit}`` works). ``scope`` maps the ``principal``
    argument to the row-scope part of the key; by default every distinct
    principal gets its own entry (:func:`principal_scope`); pass
    :func:`scope_by_role` to share entries where the repository does not filter,
    or ``None`` when the function takes no principal. ``invalidated_by`` names
    other areas whose writes change this data (their write endpoints then join
    the freshness test). ``lock=False`` stores a miss without the cross-worker lock
    (one round trip less; other workers may load the same key at the same moment): only
    for reads cheaper than that round trip. ``mirror=True`` keeps a copy of the entries in
    every process, valid through Redis's invalidations (``platform/mirror.py``): for a read
    made on every request, with a constant prefix before the key's first field.
    """
    if strategy not in STRATEGIES:
        raise KeyError(f"unknown cache strategy {strategy!r}; see STRATEGIES")

    def decorate(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        signature = inspect.signature(func)
        takes_principal = "principal" in signature.parameters
        chosen_scope: ScopeFn | None
        if scope is _DEFAULT:
            chosen_scope = principal_scope if takes_principal else None
        else:
            chosen_scope = scope
        if takes_principal and chosen_scope is None:
            raise TypeError(f"{func.__qualname__}: takes a principal, so it needs a scope")
        for template in tags:
            check_tag(template.replace("{", "").replace("}", "").replace(".", "_"))
        spec = CachedSpec(
            qualname=f"{func.__module__}.{func.__qualname__}",
            namespace=namespace or _area_of(func.__module__),
            strategy=STRATEGIES[strategy],
            key_template=key,
            tag_templates=tuple(tags),
            scope=chosen_scope,
            invalidated_by=tuple(invalidated_by),
            adapter=_adapter_for(func),
            lock=lock,
            mirror=mirror,
        )
        if mirror and (key is None or not spec.mirror_prefix or key.startswith("{")):
            raise TypeError(f"{spec.qualname}: a mirrored read needs a key with a constant prefix")
        if mirror and not _frozen_models(get_type_hints(func).get("return")):
            # Its decoded value is handed to every caller (HakenCache.load): none may change it.
            raise TypeError(f"{spec.qualname}: a mirrored read returns a frozen model (or None)")
        if key is not None:
            clash = next(
                (
                    s
                    for s in _REGISTRY.values()
                    if s.namespace == spec.namespace
                    and s.key_template == key
                    and s.qualname != spec.qualname
                ),
                None,
            )
            if clash is not None:
                raise ValueError(f"cache key {key!r} already used by {clash.qualname}")
        _REGISTRY[spec.qualname] = spec

        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            cache = active_cache()
            if cache is None or not cache.enabled or _BYPASS.get():
                return await func(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = bound.arguments
            session = arguments.get("session")
            if isinstance(session, AsyncSession) and has_uncommitted_writes(session):
                # Data read inside a transaction that wrote may never be committed.
                cache.stats.record_bypass(spec)
                return await func(*args, **kwargs)
            result: T = await cache.load(
                spec, spec.key(arguments), spec.tags(arguments), lambda: func(*args, **kwargs)
            )
            return result

        wrapper.__haken_cached__ = spec  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --- uncommitted writes of a session ----------------------------------------------

_WROTE = "haken_cache_wrote"
_PENDING = "haken_cache_pending_tags"


def has_uncommitted_writes(session: AsyncSession) -> bool:
    info = session.info
    pending: _PendingTags | None = info.get(_PENDING)
    if info.get(_WROTE) or (pending is not None and pending.tags):
        return True
    return bool(session.new or session.dirty or session.deleted)


def _mark_wrote(session: Session, *_args: Any) -> None:
    session.info[_WROTE] = True
    if _WRITE_TAGS:
        tags: set[str] = set()
        for row in (*session.new, *session.dirty, *session.deleted):
            for rule in _WRITE_TAGS.get(type(row), ()):
                tags.update(rule.row_tags(row))
        if tags:
            _add_pending(session.info, tags)


def _mark_bulk_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True
        tags = {
            tag
            for mapper in state.all_mappers
            for rule in _WRITE_TAGS.get(mapper.class_, ())
            for tag in rule.bulk_tags
        }
        if tags:
            _add_pending(state.session.info, tags)


def _clear_wrote(session: Session, *_args: Any) -> None:
    session.info.pop(_WROTE, None)


if not event.contains(Session, "after_flush", _mark_wrote):
    event.listen(Session, "after_flush", _mark_wrote)
    event.listen(Session, "do_orm_execute", _mark_bulk_write)
    event.listen(Session, "after_commit", _clear_wrote)
    event.listen(Session, "after_soft_rollback", _clear_wrote)


# --- invalidation on write ----------------------------------------------------------


class _PendingTags:
    def __init__(self) -> None:
        self.tags: set[str] = set()

    async def flush(self) -> None:
        tags, self.tags = self.tags, set()
        cache = active_cache()
        if cache is not None and tags:
            await cache.invalidate_tags(*sorted(tags))


def _add_pending(info: dict[Any, Any], tags: set[str] | Sequence[str]) -> None:
    """Queue ``tags`` on a session's info (shared by the async and sync session)."""
    for tag in tags:
        check_tag(tag)
    pending: _PendingTags | None = info.get(_PENDING)
    registered = info.get("after_commit", [])
    if pending is None or not any(getattr(cb, "__self__", None) is pending for cb in registered):
        pending = _PendingTags()
        info[_PENDING] = pending
        after_commit(info, pending.flush)
    pending.tags.update(tags)


@dataclass(frozen=True)
class _WriteRule:
    row_tags: Callable[[Any], Iterable[str]]
    bulk_tags: tuple[str, ...]


# Several rules may watch one table (the principal cache and the admin dashboard both
# watch ``users``): each adds its tags.
_WRITE_TAGS: dict[type, list[_WriteRule]] = {}


def invalidate_on_write(
    model: type, *, row_tags: Callable[[Any], Iterable[str]], bulk_tags: Sequence[str]
) -> None:
    """Invalidate cached reads whenever rows of ``model`` are written, by anyone.

    A read that another area's writes can change (the employee list shows the
    placement the assignments area sets) is safer keyed to the table than to a
    list of services that must remember to call :data:`cache_tags`. Every flush
    that inserts, updates or deletes a ``model`` row queues ``row_tags(row)``;
    a bulk ``update()``/``delete()`` statement, whose rows are unknown, queues
    ``bulk_tags``. As with :data:`cache_tags`, nothing is invalidated before the
    commit and nothing on rollback.
    """
    for tag in bulk_tags:
        check_tag(tag)
    _WRITE_TAGS.setdefault(model, []).append(_WriteRule(row_tags, tuple(bulk_tags)))


class CacheTags:
    """What services call on every write: the tags they touched, flushed after the commit."""

    def invalidate_after_commit(self, session: AsyncSession, *tags: str) -> None:
        """``cache_tags.invalidate_after_commit(session, "employee:42", "employees:list")``.

        The tags are deleted right after this session commits; on rollback they
        are dropped with the rest of the unit of work.
        """
        for tag in tags:
            check_tag(tag)
        _add_pending(session.info, tags)

    def pending(self, session: AsyncSession) -> frozenset[str]:
        """The tags this unit of work will invalidate when it commits (for tests)."""
        pending: _PendingTags | None = session.info.get(_PENDING)
        return frozenset(pending.tags) if pending is not None else frozenset()


cache_tags = CacheTags()

# --- stats ----------------------------------------------------------------------------

LATENCY_BUCKETS_MS = (0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 1000.0, float("inf"))


@dataclass
class Counts:
    hits: int = 0
    misses: int = 0
    errors: int = 0
    fallbacks: int = 0
    lock_waits: int = 0
    bypassed: int = 0
    latency_count: int = 0
    latency_sum_ms: float = 0.0
    latency_max_ms: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS_MS))

    def observe(self, ms: float) -> None:
        self.latency_count += 1
        self.latency_sum_ms += ms
        self.latency_max_ms = max(self.latency_max_ms, ms)
        for index, bound in enumerate(LATENCY_BUCKETS_MS):
            if ms <= bound:
                self.buckets[index] += 1
                break

    def percentile(self, fraction: float) -> float | None:
        """Upper bound of the bucket holding the quantile, at most the maximum (None: no data)."""
        if not self.latency_count:
            return None
        target = fraction * self.latency_count
        seen = 0
        for index, count in enumerate(self.buckets):
            seen += count
            if seen >= target:
                return round(min(LATENCY_BUCKETS_MS[index], self.latency_max_ms), 3)
        return round(self.latency_max_ms, 3)

    def as_dict(self) -> dict[str, Any]:
        reads = self.hits + self.misses
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_ratio": round(self.hits / reads, 4) if reads else None,
            "errors": self.errors,
            "fallbacks": self.fallbacks,
            "lock_waits": self.lock_waits,
            "bypassed": self.bypassed,
            "latency_ms": {
                "count": self.latency_count,
                "mean": round(self.latency_sum_ms / self.latency_count, 3)
                if self.latency_count
                else None,
                "p50": self.percentile(0.5),
                "p95": self.percentile(0.95),
                "max": round(self.latency_max_ms, 3) if self.latency_count else None,
            },
        }


class CacheStats:
    """In-process counters per (namespace, strategy), mirrored to Prometheus."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], Counts] = {}
        self.transitions = {"degraded": 0, "recovered": 0}
        self.invalidations = {"tags": 0, "patterns": 0, "clears": 0, "replayed": 0}
        self.backend_errors = 0

    def _counts(self, spec: CachedSpec) -> Counts:
        key = (spec.namespace, spec.strategy.name)
        counts = self.by_key.get(key)
        if counts is None:
            counts = self.by_key[key] = Counts()
        return counts

    def record_read(self, spec: CachedSpec, *, hit: bool, ms: float, fallback: bool) -> None:
        counts = self._counts(spec)
        labels = (spec.strategy.name, spec.namespace)
        if hit:
            counts.hits += 1
            metrics.child(metrics.cache_hits_total, *labels).inc()
        else:
            counts.misses += 1
            metrics.child(metrics.cache_misses_total, *labels).inc()
        if fallback:
            counts.fallbacks += 1
        counts.observe(ms)
        metrics.child(
            metrics.cache_read_duration_seconds, *labels, "hit" if hit else "miss"
        ).observe(ms / 1000)

    def record_edge_hit(self, spec: CachedSpec) -> None:
        """A response of ``spec``'s read answered from the edge (platform/edge.py): a hit,
        without a latency sample (the edge does not time itself, to stay cheap)."""
        self._counts(spec).hits += 1
        metrics.child(metrics.cache_hits_total, spec.strategy.name, spec.namespace).inc()

    def record_error(self, spec: CachedSpec | None, kind: str) -> None:
        self.backend_errors += 1
        if spec is not None:
            self._counts(spec).errors += 1
        metrics.cache_errors_total.labels(kind).inc()

    def record_lock_wait(self, spec: CachedSpec, kind: str) -> None:
        self._counts(spec).lock_waits += 1
        metrics.cache_lock_waits_total.labels(spec.strategy.name, spec.namespace, kind).inc()

    def record_bypass(self, spec: CachedSpec) -> None:
        self._counts(spec).bypassed += 1

    def record_fallback(self, operation: str) -> None:
        metrics.cache_fallbacks_total.labels(operation).inc()

    def record_transition(self, to: str) -> None:
        self.transitions["degraded" if to == "memory" else "recovered"] += 1
        metrics.cache_transitions_total.labels(to).inc()
        metrics.cache_degraded.set(1 if to == "memory" else 0)

    def record_invalidation(self, kind: str, amount: int = 1) -> None:
        self.invalidations[kind] += amount
        metrics.cache_invalidations_total.labels(kind).inc(amount)

    def snapshot(self) -> dict[str, Any]:
        total = Counts()
        rows = []
        for (namespace, strategy), counts in sorted(self.by_key.items()):
            rows.append({"namespace": namespace, "strategy": strategy, **counts.as_dict()})
            for name in ("hits", "misses", "errors", "fallbacks", "lock_waits", "bypassed"):
                setattr(total, name, getattr(total, name) + getattr(counts, name))
            total.latency_count += counts.latency_count
            total.latency_sum_ms += counts.latency_sum_ms
            total.latency_max_ms = max(total.latency_max_ms, counts.latency_max_ms)
            total.buckets = [a + b for a, b in zip(total.buckets, counts.buckets, strict=True)]
        totals = total.as_dict()
        totals["backend_errors"] = self.backend_errors
        return {
            "totals": totals,
            "by_namespace_strategy": rows,
            "transitions": dict(self.transitions),
            "invalidations": dict(self.invalidations),
        }


# --- the cache ---------------------------------------------------------------------

BACKEND_ERRORS: tuple[type[BaseException], ...] = (
    CacheBackendInteractionError,
    RedisError,
    OSError,
    TimeoutError,
)


@dataclass
class Journal:
    """Invalidations made while degraded, replayed on Redis when it is back."""

    limit: int
    tags: set[str] = field(default_factory=set)
    patterns: list[str] = field(default_factory=list)
    clear: bool = False

    @property
    def size(self) -> int:
        return len(self.tags) + len(self.patterns) + (1 if self.clear else 0)

    def add_tags(self, tags: Sequence[str]) -> None:
        if not self.clear:
            self.tags.update(tags)
            self._bound()

    def add_pattern(self, pattern: str) -> None:
        if not self.clear:
            self.patterns.append(pattern)
            self._bound()

    def add_clear(self) -> None:
        self.clear = True
        self.tags.clear()
        self.patterns.clear()

    def merge(self, other: Journal) -> None:
        if other.clear:
            self.add_clear()
        self.add_tags(sorted(other.tags))
        for pattern in other.patterns:
            self.add_pattern(pattern)

    def _bound(self) -> None:
        # Too much to replay one by one: clearing the namespace is the safe superset.
        if len(self.tags) + len(self.patterns) > self.limit:
            self.add_clear()


_ACTIVE: list[HakenCache] = []


def active_cache() -> HakenCache | None:
    """The cache of the running app (the last one started in this process)."""
    return _ACTIVE[-1] if _ACTIVE else None


_SKIPPABLE = frozenset({"read", "write", "lock", "unlock"})


class _Transient(Exception):
    """One slow Redis operation: serve this request uncached, keep Redis."""


def _is_timeout(error: BaseException) -> bool:
    cause = error.__cause__ if isinstance(error, CacheBackendInteractionError) else error
    return isinstance(cause, (TimeoutError, RedisTimeoutError))


class _LeaderFailed(Exception):
    """The single-flight leader failed or was cancelled: followers load for themselves."""


def _fresh_token() -> bytes:
    return secrets.token_hex(8).encode("ascii")


# cashews' unlock, sent inside a pipeline (only the owner's lock is deleted).
_UNLOCK_SCRIPT = (
    'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) '
    "else return 0 end"
)


async def _unlock(backend: Backend, lock_key: str, owner: str) -> None:
    """Release our lock in one round trip. cashews' own unlock sends EVALSHA, and on a Redis
    whose script cache is empty (a restart, SCRIPT FLUSH) that costs NOSCRIPT + SCRIPT LOAD +
    EVALSHA: three round trips, once per process per flush. EVAL carries the script itself."""
    if isinstance(backend, Redis):
        await backend._client.eval(_UNLOCK_SCRIPT, 1, lock_key, owner)
    else:
        await backend.unlock(lock_key, owner)


def _pipeline(backend: Backend) -> Any | None:
    """A pipeline (no MULTI: one round trip, no transaction) of the Redis backend; None for
    the memory backend, where every call is in process anyway. A cold miss so costs three
    round trips (the read, the lock with the double check, the entry with the unlock)
    instead of five."""
    if isinstance(backend, Redis):
        return backend._client.pipeline(transaction=False)
    return None


async def _encoded(backend: Backend, key: str, value: bytes, expire: float) -> Any:
    """``value`` as the backend's own ``set`` stores it (cashews' serializer frames it)."""
    serializer = backend._serializer
    if serializer is None:
        return value
    return await serializer.encode(backend, key=key, value=value, expire=expire)


async def _decoded(backend: Backend, key: str, raw: Any) -> Any:
    """A raw pipelined read as the backend's own ``get`` returns it."""
    if raw is None:
        return None
    return await backend._transform_value(key, raw, None)  # type: ignore[attr-defined]


# A read in one round trip (issue 21 item 2): the entry, its tags' tokens (a fresh token set
# for every missing tag) and, when the entry is not valid under them, the cross-worker lock.
# The lock is taken in the same atomic step as the check, so no second look for a value
# another worker stored meanwhile is needed. KEYS: the entry ('' for tokens alone), the lock
# ('' for none), the tags. ARGV: the lock's owner and milliseconds, the tags' milliseconds,
# the serializer's frame of a bytes value, then one fresh (framed) token per tag. Replies
# {entry, lock (1 ours, -1 another's, 0 not tried), token…}, values as stored.
_READ_SCRIPT = """
local entry = false
if KEYS[1] ~= '' then entry = redis.call('GET', KEYS[1]) end
local out = {entry, 0}
local frame = ARGV[4]
local header = {}
for i = 3, #KEYS do
  local token = redis.call('GET', KEYS[i])
  if not token then
    token = ARGV[i + 2]
    redis.call('SET', KEYS[i], token, 'PX', ARGV[3])
  end
  out[i] = token
  if string.sub(token, 1, #frame) == frame then token = string.sub(token, #frame + 1) end
  header[#header + 1] = token
end
if KEYS[2] ~= '' then
  local expected = frame .. table.concat(header, ',') .. '\\n'
  if not entry or string.sub(entry, 1, #expected) ~= expected then
    if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then
      out[2] = 1
    else
      out[2] = -1
    end
  end
end
return out
"""

ReadResult = tuple[Any, tuple[bytes, ...] | None]


@dataclass
class _Prefetched:
    """Entries one request read ahead (:meth:`HakenCache.batch`), each taken once by the
    ``load`` of the same key in the same request."""

    request_id: str
    epoch: int
    entries: dict[str, ReadResult]

    def take(self, key: str, epoch: int) -> ReadResult | None:
        if self.request_id == "-" or self.request_id != context.request_id() or epoch != self.epoch:
            return None
        return self.entries.pop(key, None)


_PREFETCHED: ContextVar[_Prefetched | None] = ContextVar("haken_cache_prefetched", default=None)


class HakenCache:
    """One per process, on ``app.state.cache``; Redis with a memory fallback, or memory only."""

    DECODED_LIMIT = 10_000

    def __init__(
        self,
        redis_url: str = "",
        *,
        memory_size: int = 50_000,
        degraded_ttl_cap: float = 10.0,
        probe_interval: float = 1.0,
        operation_timeout: float = 2.0,
        timeouts_to_degrade: int = 5,
        timeout_window: float = 10.0,
        lock_ttl: float = 10.0,
        lock_wait: float = 3.0,
        journal_limit: int = 10_000,
        enabled: bool = True,
        mirror: bool = True,
    ) -> None:
        self.redis_url = redis_url
        # Tag tokens and mirrored entries kept in process (platform/mirror.py); set up on
        # start, when every @cached read is registered.
        self.use_mirror = mirror and bool(redis_url)
        self.mirror: RedisMirror | None = None
        # The decoded value of a mirrored read's entry, by key, with the bytes it came from.
        self._decoded: dict[str, tuple[bytes, Any]] = {}
        # Off: every read goes to the source. Several workers without Redis run
        # so, since one worker's memory cannot see another's invalidations.
        self.enabled = enabled
        self.degraded_ttl_cap = degraded_ttl_cap
        self.probe_interval = probe_interval
        self.operation_timeout = operation_timeout
        self.timeouts_to_degrade = timeouts_to_degrade
        self.timeout_window = timeout_window
        self._timeouts: collections.deque[float] = collections.deque()
        self.lock_ttl = lock_ttl
        self.lock_wait = lock_wait
        self.stats = CacheStats()
        self.memory: Backend = Memory(size=memory_size, check_interval=5)
        self.redis: Backend | None = None
        if redis_url:
            self.redis = Redis(
                redis_url,
                suppress=False,
                serializer=NULL_SERIALIZER,
                client_name="haken-cache",
                socket_timeout=operation_timeout / 2,
                socket_connect_timeout=operation_timeout / 2,  # refused is instant anyway
                max_connections=64,
                wait_for_connection_timeout=operation_timeout,
            )
        self.degraded = False
        self.degraded_since: dt.datetime | None = None
        # Bumped on every switch of backend: a load that began on one backend never
        # stores into the other (its tag tokens belong to the first).
        self.epoch = 0
        self.journal = Journal(limit=journal_limit)
        self._flights: dict[tuple[str, tuple[bytes, ...]], asyncio.Future[bytes]] = {}
        self._probe_task: asyncio.Task[None] | None = None
        self._probe_wakeup = asyncio.Event()
        self._recovering = asyncio.Lock()
        self._started = False

    # -- lifecycle --------------------------------------------------------------

    @property
    def backend_name(self) -> str:
        return "redis" if self.redis is not None else "memory"

    @property
    def active_backend(self) -> str:
        return "redis" if self.redis is not None and not self.degraded else "memory"

    async def start(self) -> None:
        await self.memory.init()  # type: ignore[no-untyped-call]
        if self.redis is not None:
            await self.redis.init()  # type: ignore[no-untyped-call]
            try:
                async with asyncio.timeout(self.operation_timeout):
                    await self.redis.ping()
            except BACKEND_ERRORS as error:
                self._enter_degraded(error)
            if self.use_mirror:
                prefixes = {TAG_PREFIX, *(p for s in _REGISTRY.values() if (p := s.mirror_prefix))}
                self.mirror = RedisMirror(self.redis_url, sorted(prefixes))
                self.mirror.start()
                if not self.degraded:  # serve from it from the first request on
                    await self.mirror.wait_ready(self.operation_timeout / 2)
        self._started = True
        _ACTIVE.append(self)
        log.info(
            "cache started",
            backend=self.backend_name,
            degraded=self.degraded,
            enabled=self.enabled,
        )

    async def close(self) -> None:
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe_task
            self._probe_task = None
        if self.mirror is not None:
            await self.mirror.close()
            self.mirror = None
        await self.memory.close()  # type: ignore[no-untyped-call]
        if self.redis is not None:
            with contextlib.suppress(*BACKEND_ERRORS), warnings.catch_warnings():
                # cashews 7 still calls redis-py's deprecated close(); harmless.
                warnings.simplefilter("ignore", DeprecationWarning)
                await self.redis.close()  # type: ignore[no-untyped-call]
        self._started = False

    def state(self) -> dict[str, Any]:
        """What /api/health and /api/ready show."""
        return {
            "backend": self.backend_name,
            "active": self.active_backend,
            "degraded": self.degraded,
            "degraded_since": self.degraded_since.isoformat() if self.degraded_since else None,
            "transitions": dict(self.stats.transitions),
            "pending_invalidations": self.journal.size,
            "mirror": self.mirror.state() if self.mirror is not None else None,
        }

    # -- backend selection and failover ---------------------------------------

    async def _call(self, operation: str, action: Callable[[Backend], Awaitable[T]]) -> T:
        """Run ``action`` on Redis; on failure (or while degraded) on memory.

        Redis unreachable (refused, reset) degrades at once. A *timeout* of a
        read, write or lock (a burst, a slow moment) raises :class:`_Transient`
        instead, and the caller serves that request uncached; only repeated
        timeouts (``timeouts_to_degrade`` within ``timeout_window``) degrade.
        Invalidations never take the transient path: they must not be lost.
        """
        if self.redis is not None and not self.degraded:
            try:
                async with asyncio.timeout(self.operation_timeout):
                    return await action(self.redis)
            except BACKEND_ERRORS as error:
                self.stats.record_error(None, operation)
                if operation in _SKIPPABLE and _is_timeout(error) and not self._timeouts_pile_up():
                    raise _Transient(operation) from error
                self._enter_degraded(error)
        if self.redis is not None:
            self.stats.record_fallback(operation)
        return await action(self.memory)

    def _timeouts_pile_up(self) -> bool:
        now = time.monotonic()
        self._timeouts.append(now)
        while self._timeouts and self._timeouts[0] < now - self.timeout_window:
            self._timeouts.popleft()
        return len(self._timeouts) >= self.timeouts_to_degrade

    def _enter_degraded(self, error: BaseException) -> None:
        if self.degraded:
            return
        self.degraded = True
        self.degraded_since = dt.datetime.now(dt.UTC)
        self.epoch += 1
        self.stats.record_transition("memory")
        log.warning(
            "cache degraded: redis unreachable, serving from process memory",
            error=type(error).__name__,
            ttl_cap_seconds=self.degraded_ttl_cap,
        )
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = asyncio.get_running_loop().create_task(self._probe())

    def probe_now(self) -> None:
        """Cut the background probe's wait short (operators' repair tools, tests)."""
        self._probe_wakeup.set()

    async def _probe(self) -> None:
        assert self.redis is not None
        while self.degraded:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._probe_wakeup.wait(), self.probe_interval)
            self._probe_wakeup.clear()
            try:
                async with asyncio.timeout(self.operation_timeout):
                    await self.redis.ping()
                await self._recover()
            except BACKEND_ERRORS:
                continue
            except Exception:  # a bug must not leave the cache degraded forever
                log.exception("cache recovery failed; retrying")

    async def _recover(self) -> None:
        """Replay the journal on Redis, switch back, then forget the memory backend."""
        assert self.redis is not None
        async with self._recovering:
            await self._fresh_redis_pool()
            replayed = 0
            while self.journal.size:
                journal, self.journal = self.journal, Journal(limit=self.journal.limit)
                try:
                    async with asyncio.timeout(self.operation_timeout * 10):
                        await self._replay(self.redis, journal)
                except BACKEND_ERRORS:
                    journal.merge(self.journal)
                    self.journal = journal
                    raise
                replayed += journal.size
            # No await between the empty-journal check and the switch: an invalidation
            # made from here on goes to Redis directly.
            self.degraded = False
            self.degraded_since = None
            self.epoch += 1
            if self.mirror is not None:  # read before the outage: not known to be current
                self.mirror.clear()
            await self.memory.clear()
            self.stats.record_transition("redis")
            self.stats.record_invalidation("replayed", replayed)
            log.warning("cache recovered: back on redis", replayed_invalidations=replayed)

    async def _fresh_redis_pool(self) -> None:
        """Drop every connection pooled before the outage and start a new pool.

        A restarted Redis closed them all; reused, each fails once ("connection
        closed by server") and would tip the cache back into degraded mode, over
        and over, for as long as stale connections remain (seen under mixed load:
        flapping for 15–40 s after a restart). While degraded nothing but the
        probe talks to Redis, so swapping the pool here races with no request.
        """
        assert self.redis is not None
        with contextlib.suppress(*BACKEND_ERRORS):
            await self.redis.close()  # type: ignore[no-untyped-call]
        await self.redis.init()  # type: ignore[no-untyped-call]

    async def _replay(self, backend: Backend, journal: Journal) -> None:
        if journal.clear:
            await self._clear_backend(backend)
        if journal.tags:
            await self._write_tags(backend, sorted(journal.tags))
        for pattern in journal.patterns:
            await self._delete_pattern(backend, pattern)

    # -- read through ----------------------------------------------------------

    def _live_mirror(self) -> RedisMirror | None:
        """The mirror when it may answer for Redis (tracking set up, Redis in use)."""
        mirror = self.mirror
        if mirror is None or not mirror.ready or self.degraded or not self.enabled:
            return None
        return mirror

    def _from_mirror(
        self, mirror: RedisMirror, key: str | None, tag_keys: Sequence[str]
    ) -> ReadResult | None:
        """A read answered by the mirror: every tag's token, and the entry when ``key`` is
        given and valid under them; None when anything must be read from Redis."""
        tokens = []
        for tag_key in tag_keys:
            token = mirror.get(tag_key)
            if token is None:
                return None
            tokens.append(token)
        pinned = tuple(tokens)
        if not key:
            return None, pinned
        raw = mirror.get(key)
        if raw is None or self._unpack(raw, pinned) is None:
            return None
        return raw, pinned

    def mirrored(self, spec: CachedSpec, key: str, tags: Sequence[str]) -> tuple[bool, Any]:
        """``(True, value)`` when this process's mirror alone answers ``spec``'s read of
        ``key`` (the entry and every tag's token held, the entry valid under them), counted
        as a hit; ``(False, None)`` when it cannot say and the caller goes the usual way.
        The principal on every edge hit: no read ahead, no ``load``."""
        mirror = self._live_mirror()
        if mirror is None or _BYPASS.get():
            return False, None
        started = time.perf_counter()
        found = self._from_mirror(mirror, key, [TAG_PREFIX + tag for tag in tags])
        payload = self._unpack(*found) if found is not None else None
        if payload is None:
            return False, None
        try:
            value = self._decode(spec, key, payload)
        except ValidationError:
            return False, None
        ms = (time.perf_counter() - started) * 1000
        self.stats.record_read(spec, hit=True, ms=ms, fallback=False)
        return True, value

    def _decode(self, spec: CachedSpec, key: str, payload: bytes) -> Any:
        """The entry's value; for a mirrored read the one decoded value while its bytes stay
        the same (its model is frozen: see ``cached``), so it is decoded once, not per hit."""
        if not spec.mirror:
            return spec.adapter.validate_json(payload)
        decoded = self._decoded.get(key)
        if decoded is not None and decoded[0] == payload:
            return decoded[1]
        value = spec.adapter.validate_json(payload)
        if len(self._decoded) >= self.DECODED_LIMIT:
            self._decoded.clear()
        self._decoded[key] = (payload, value)
        return value

    @staticmethod
    def _keep(
        mirror: RedisMirror | None,
        generation: int,
        key: str | None,
        tag_keys: Sequence[str],
        raw: Any,
        tokens: tuple[bytes, ...] | None,
    ) -> None:
        """Keep what a read brought from Redis (tokens, a mirrored entry) in the mirror."""
        if mirror is None or tokens is None:
            return
        items: list[tuple[str, Any]] = list(zip(tag_keys, tokens, strict=True))
        if key and isinstance(raw, bytes):
            items.append((key, raw))
        mirror.keep(generation, items)

    async def _read(
        self, key: str, tags: Sequence[str]
    ) -> tuple[bytes | None, tuple[bytes, ...] | None, int]:
        """The entry and the current tag tokens (created when missing), and the epoch."""
        raw, tokens, epoch, _ = await self._read_locking(key, tags, None)
        return raw, tokens, epoch

    async def _read_locking(
        self, key: str, tags: Sequence[str], lock: tuple[str, str] | None
    ) -> tuple[Any, tuple[bytes, ...] | None, int, bool | None]:
        """:meth:`_read`, and with ``lock`` (key, owner) the cross-worker lock when the entry
        is not valid: True ours, False another's, None not tried (a hit, or read ahead)."""
        epoch = self.epoch
        prefetched = _PREFETCHED.get()
        if prefetched is not None:
            found = prefetched.take(key, epoch)
            if found is not None:
                return found[0], found[1], epoch, None
        tag_keys = [TAG_PREFIX + t for t in tags]
        mirror = self._live_mirror()
        if mirror is not None and (not key or key.startswith(mirror.prefixes)):
            found = self._from_mirror(mirror, key, tag_keys)
            if found is not None:  # valid as it stands: no lock to take
                return found[0], found[1], epoch, None
        generation = mirror.generation if mirror is not None else 0

        async def read(backend: Backend) -> tuple[Any, tuple[bytes, ...] | None, bool | None]:
            if isinstance(backend, Redis):  # one script: one round trip, hit or miss
                keys, args = await self._read_args(backend, key, tag_keys, lock)
                reply = await backend._client.eval(_READ_SCRIPT, len(keys), *keys, *args)
                return await self._read_reply(backend, key, tag_keys, reply)
            if key:
                values = await backend.get_many(key, *tag_keys)
            else:  # the tokens alone (the edge's check)
                values = (None, *await backend.get_many(*tag_keys))
            tokens = await self._pin(backend, tag_keys, list(values[1:]))
            taken: bool | None = None
            if lock is not None and tokens is not None and self._unpack(values[0], tokens) is None:
                taken = bool(await backend.set_lock(lock[0], lock[1], expire=self.lock_ttl))
            return values[0], tokens, taken

        raw, tokens, taken = await self._call("read", read)
        if self.epoch == epoch:
            self._keep(mirror, generation, key, tag_keys, raw, tokens)
        return raw, tokens, self.epoch, taken

    async def _read_args(
        self,
        backend: Backend,
        key: str | None,
        tag_keys: Sequence[str],
        lock: tuple[str, str] | None,
    ) -> tuple[list[str], list[Any]]:
        """KEYS and ARGV of :data:`_READ_SCRIPT`."""
        frame = await _encoded(backend, "", b"", TAG_TTL_SECONDS)
        fresh = [
            await _encoded(backend, tag_key, _fresh_token(), TAG_TTL_SECONDS)
            for tag_key in tag_keys
        ]
        keys = [key or "", lock[0] if lock else "", *tag_keys]
        args = [
            lock[1] if lock else "",
            int(self.lock_ttl * 1000),
            TAG_TTL_SECONDS * 1000,
            frame,
            *fresh,
        ]
        return keys, args

    @staticmethod
    async def _read_reply(
        backend: Backend, key: str | None, tag_keys: Sequence[str], reply: Sequence[Any]
    ) -> tuple[Any, tuple[bytes, ...] | None, bool | None]:
        raw = await _decoded(backend, key, reply[0]) if key else None
        tokens = [
            await _decoded(backend, tag_key, token)
            for tag_key, token in zip(tag_keys, reply[2:], strict=True)
        ]
        pinned = tuple(t for t in tokens if isinstance(t, bytes))
        taken = {1: True, -1: False}.get(int(reply[1]))
        return raw, (pinned if len(pinned) == len(tokens) else None), taken

    async def batch(
        self,
        reads: Sequence[tuple[str | None, Sequence[str]]],
        extra: Sequence[tuple[str, Sequence[str], Sequence[Any]]] = (),
    ) -> tuple[list[ReadResult | None], list[Any]] | None:
        """``reads`` (an entry and its tags' tokens; the tokens alone with key None) and
        ``extra`` scripts of another service on the same Redis (the rate limit's count), in
        one round trip (issue 21 item 2). An entry read here is remembered for this request:
        the :meth:`load` of the same key that follows takes it instead of reading again.

        None when nothing was sent or nothing came back (the memory backend, degraded,
        disabled, or Redis slow this once): callers then go their usual ways, each with its
        own failover. A read whose script failed is None; an extra's reply may be an error.
        """
        if self.redis is None or self.degraded or not self.enabled or _BYPASS.get():
            return None
        epoch = self.epoch
        tag_keys = [[TAG_PREFIX + t for t in tags] for _, tags in reads]
        # What the mirror answers is not sent (issue 21 item 1: with the rate limit off or on
        # memory, a warm edge hit then makes no round trip at all).
        mirror = self._live_mirror()
        local: dict[int, ReadResult] = {}
        if mirror is not None:
            for index, ((key, _), keys_of_tags) in enumerate(zip(reads, tag_keys, strict=True)):
                if key is None or key.startswith(mirror.prefixes):
                    found = self._from_mirror(mirror, key, keys_of_tags)
                    if found is not None:
                        local[index] = found
        sent = [index for index in range(len(reads)) if index not in local]
        generation = mirror.generation if mirror is not None else 0

        async def run(backend: Backend) -> tuple[list[ReadResult | None], list[Any]] | None:
            if not isinstance(backend, Redis):
                return None
            pipe = backend._client.pipeline(transaction=False)
            for script, keys, args in extra:
                pipe.eval(script, len(keys), *keys, *args)
            for index in sent:
                keys, args = await self._read_args(backend, reads[index][0], tag_keys[index], None)
                pipe.eval(_READ_SCRIPT, len(keys), *keys, *args)
            replies = await pipe.execute(raise_on_error=False)
            results: list[ReadResult | None] = []
            for index, reply in zip(sent, replies[len(extra) :], strict=True):
                if isinstance(reply, Exception):
                    results.append(None)
                    continue
                key = reads[index][0]
                raw, tokens, _ = await self._read_reply(backend, key, tag_keys[index], reply)
                results.append((raw, tokens))
            return results, list(replies[: len(extra)])

        try:
            # Everything answered by the mirror, nothing to count: no call at all.
            outcome = ([], []) if not sent and not extra else await self._call("read", run)
        except _Transient:
            return None
        if outcome is None:
            return None
        if self.epoch != epoch:  # switched backend meanwhile: the reads are not valid here
            return [None] * len(reads), outcome[1]
        merged: list[ReadResult | None] = [None] * len(reads)
        for index, found in local.items():
            merged[index] = found
        for index, result in zip(sent, outcome[0], strict=True):
            merged[index] = result
            if result is not None:
                self._keep(mirror, generation, reads[index][0], tag_keys[index], *result)
        outcome = merged, outcome[1]
        entries = {
            key: result
            for (key, _), result in zip(reads, outcome[0], strict=True)
            if key is not None and result is not None and result[1] is not None
        }
        if entries:
            _PREFETCHED.set(_Prefetched(context.request_id(), epoch, entries))
        return outcome

    @staticmethod
    async def _pin(
        backend: Backend, tag_keys: Sequence[str], tokens: list[Any]
    ) -> tuple[bytes, ...] | None:
        """The tokens, with a fresh one set for every missing tag; None when one cannot be
        pinned (evicted at once): then nothing may be stored under them."""
        missing = [i for i, token in enumerate(tokens) if token is None]
        pipe = _pipeline(backend)
        if missing and pipe is not None:  # one round trip: SET NX each, then read them back
            for index in missing:
                token = await _encoded(backend, tag_keys[index], _fresh_token(), TAG_TTL_SECONDS)
                pipe.set(tag_keys[index], token, px=TAG_TTL_SECONDS * 1000, nx=True)
            pipe.mget(*(tag_keys[i] for i in missing))
            for index, raw in zip(missing, (await pipe.execute())[-1], strict=True):
                tokens[index] = await _decoded(backend, tag_keys[index], raw)
        elif missing:
            for index in missing:
                await backend.set(tag_keys[index], _fresh_token(), TAG_TTL_SECONDS, False)
            again = await backend.get_many(*(tag_keys[i] for i in missing))
            for index, token in zip(missing, again, strict=True):
                tokens[index] = token
        pinned = tuple(t for t in tokens if isinstance(t, bytes))
        return pinned if len(pinned) == len(tokens) else None

    async def tag_tokens(self, tags: Sequence[str]) -> tuple[bytes, ...] | None:
        """The current tokens of ``tags`` in one call (the edge cache's validity check);
        None when Redis was slow this once or a tag could not be pinned."""
        try:
            _, tokens, _, _ = await self._read_locking("", tags, None)
        except _Transient:
            return None
        return tokens

    @staticmethod
    def _unpack(raw: Any, tokens: tuple[bytes, ...] | None) -> bytes | None:
        """The payload when the entry was computed under the current tag tokens."""
        if not isinstance(raw, bytes) or tokens is None:
            return None
        header, sep, payload = raw.partition(b"\n")
        if not sep:
            return None
        stored = tuple(header.split(b",")) if header else ()
        return payload if stored == tokens else None

    def _ttl(self, strategy: Strategy) -> float:
        if self.degraded:
            return min(strategy.ttl_seconds, self.degraded_ttl_cap)
        return strategy.ttl_seconds

    async def load(
        self,
        spec: CachedSpec,
        key: str,
        tags: Sequence[str],
        loader: Callable[[], Awaitable[Any]],
    ) -> Any:
        """Serve ``key`` from the cache, or run ``loader`` once and store its result."""
        started = time.perf_counter()
        owner = secrets.token_hex(8)
        lock = (LOCK_PREFIX + key[len(PREFIX) :], owner) if spec.lock else None
        try:
            raw, tokens, epoch, taken = await self._read_locking(key, tags, lock)
        except _Transient:
            value = await loader()  # Redis was slow for this read: answer uncached
            ms = (time.perf_counter() - started) * 1000
            self.stats.record_read(spec, hit=False, ms=ms, fallback=False)
            return value
        fallback = self.redis is not None and self.degraded
        payload = self._unpack(raw, tokens)
        if payload is not None:
            try:
                value = self._decode(spec, key, payload)
            except ValidationError:
                self.stats.record_error(spec, "decode")
            else:
                ms = (time.perf_counter() - started) * 1000
                self.stats.record_read(spec, hit=True, ms=ms, fallback=fallback)
                return value
        if tokens is None:
            if taken and lock is not None:  # nothing will be stored: let the others load
                with contextlib.suppress(_Transient):
                    await self._call("unlock", lambda b: _unlock(b, *lock))
            value = await loader()
        else:
            payload, value = await self._single_flight(
                spec, key, tokens, epoch, loader, owner=owner, taken=taken
            )
            if value is _UNDECODED:  # another task or worker loaded it: read its bytes
                value = spec.adapter.validate_json(payload)
        ms = (time.perf_counter() - started) * 1000
        self.stats.record_read(spec, hit=False, ms=ms, fallback=fallback)
        return value

    async def _single_flight(
        self,
        spec: CachedSpec,
        key: str,
        tokens: tuple[bytes, ...],
        epoch: int,
        loader: Callable[[], Awaitable[Any]],
        *,
        owner: str | None = None,
        taken: bool | None = None,
    ) -> tuple[bytes, Any]:
        """The payload, and the loaded value when this task loaded it (else ``_UNDECODED``).
        ``taken``: the lock as the read left it (True ours, False another's, None untried)."""
        flight_key = (key, tokens)
        flight = self._flights.get(flight_key)
        if flight is not None:
            self.stats.record_lock_wait(spec, "process")
            if taken and owner is not None:  # the leader of this process loads, not us
                lock_key = LOCK_PREFIX + key[len(PREFIX) :]
                with contextlib.suppress(_Transient):
                    await self._call("unlock", lambda b: _unlock(b, lock_key, owner))
            try:
                return await asyncio.shield(flight), _UNDECODED
            except _LeaderFailed:
                return b"", await loader()
        flight = asyncio.get_running_loop().create_future()
        self._flights[flight_key] = flight
        try:
            payload, value = await self._fill(
                spec, key, tokens, epoch, loader, owner=owner, taken=taken
            )
        except BaseException:
            flight.set_exception(_LeaderFailed())
            flight.exception()  # retrieved: no "never retrieved" warning without followers
            raise
        else:
            flight.set_result(payload)
            return payload, value
        finally:
            self._flights.pop(flight_key, None)

    @staticmethod
    def _encode(spec: CachedSpec, value: Any) -> bytes:
        try:
            return spec.adapter.dump_json(value, warnings="error")
        except PydanticSerializationError as error:
            raise TypeError(
                f"{spec.qualname} returned a value its annotation does not describe"
            ) from error

    async def _fill(
        self,
        spec: CachedSpec,
        key: str,
        tokens: tuple[bytes, ...],
        epoch: int,
        loader: Callable[[], Awaitable[Any]],
        *,
        owner: str | None = None,
        taken: bool | None = None,
    ) -> tuple[bytes, Any]:
        """Load under a cross-worker lock; whoever finds it taken waits for the value instead.

        ``taken`` is the lock as the read's script left it (checked atomically with the
        entry, so no double check follows); None: not tried, so take it here with the
        double check, unless the read is declared ``lock=False``."""
        lock_key = LOCK_PREFIX + key[len(PREFIX) :]
        owner = owner or secrets.token_hex(8)

        async def lock(backend: Backend) -> tuple[bool, Any]:
            # The lock and the double check (another worker may have stored the entry
            # between our miss and the lock) in one round trip; the value only counts
            # when the lock was ours.
            pipe = _pipeline(backend)
            if pipe is None:
                got = await backend.set_lock(lock_key, owner, expire=self.lock_ttl)
                return got, (await backend.get(key) if got else None)
            pipe.set(lock_key, owner, px=int(self.lock_ttl * 1000), nx=True)
            pipe.get(key)
            got, raw = await pipe.execute()
            return bool(got), await _decoded(backend, key, raw)

        locked: bool | None
        if not spec.lock:
            locked, raw = None, None
        elif taken is not None:
            locked, raw = taken, None  # the read's script took it, or found it taken
        else:
            try:
                locked, raw = await self._call("lock", lock)
            except _Transient:
                locked, raw = None, None  # load without the cross-worker lock this once
        if locked is False:
            self.stats.record_lock_wait(spec, "worker")
            payload = await self._wait_for_other_worker(key, lock_key, tokens)
            if payload is not None:
                return payload, _UNDECODED
        elif locked:
            stored = self._unpack(raw, tokens)
            if stored is not None:
                with contextlib.suppress(_Transient):
                    await self._call("unlock", lambda b: _unlock(b, lock_key, owner))
                return stored, _UNDECODED
        unlocked = False
        try:
            value = await loader()
            payload = self._encode(spec, value)
            entry = b",".join(tokens) + b"\n" + payload

            async def write(backend: Backend) -> None:
                # The entry and the unlock in one round trip. Checked inside the call: a
                # fallback during the write bumps the epoch (then only the unlock runs).
                pipe = _pipeline(backend)
                if pipe is None:
                    if self.epoch == epoch:
                        await backend.set(key, entry, expire=self._ttl(spec.strategy))
                    if locked:
                        await _unlock(backend, lock_key, owner)
                    return
                if self.epoch == epoch:
                    ttl = self._ttl(spec.strategy)
                    pipe.set(key, await _encoded(backend, key, entry, ttl), px=int(ttl * 1000))
                if locked:
                    pipe.eval(_UNLOCK_SCRIPT, 1, lock_key, owner)
                await pipe.execute()

            with contextlib.suppress(_Transient):
                await self._call("write", write)
                unlocked = True
            return payload, value  # the caller uses the value itself: no decode of our own bytes
        finally:
            if locked and not unlocked:
                with contextlib.suppress(_Transient):  # the lock expires by itself
                    await self._call("unlock", lambda b: _unlock(b, lock_key, owner))

    async def _wait_for_other_worker(
        self, key: str, lock_key: str, tokens: tuple[bytes, ...]
    ) -> bytes | None:
        deadline = time.monotonic() + self.lock_wait
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            # Lock first, value second: the holder stores before it unlocks, so a
            # released lock with no value means it gave up (then we load ourselves).
            try:
                released = not await self._call("lock", lambda b: b.is_locked(lock_key))
                raw = await self._call("read", lambda b: b.get(key))
            except _Transient:
                return None
            payload = self._unpack(raw, tokens)
            if payload is not None:
                return payload
            if released:
                return None
        return None

    # -- invalidation ----------------------------------------------------------

    async def _write_tags(self, backend: Backend, tags: Sequence[str]) -> None:
        keys = [TAG_PREFIX + tag for tag in tags]
        # Dropped from this process's mirror before (a read racing with the write keeps
        # nothing) and after (this worker reads its own write without waiting for the push).
        self._drop_mirrored(keys)
        try:
            await backend.set_many({key: _fresh_token() for key in keys}, expire=TAG_TTL_SECONDS)
        finally:
            self._drop_mirrored(keys)

    def _drop_mirrored(self, keys: Sequence[str] | None) -> None:
        """Forget ``keys`` (None: everything) in this process's mirror."""
        if self.mirror is None:
            return
        if keys is None:
            self.mirror.clear()
        else:
            self.mirror.drop(keys)

    async def invalidate_tags(self, *tags: str) -> None:
        """Make every entry recorded under any of ``tags`` stale, on every worker."""
        if not tags:
            return
        for tag in tags:
            check_tag(tag)
        prefetched = _PREFETCHED.get()
        if prefetched is not None:  # read ahead under the old tokens: never served now
            prefetched.entries.clear()
        await self._call("invalidate", lambda b: self._write_tags(b, tags))
        if self.degraded:
            self.journal.add_tags(tags)
        self.stats.record_invalidation("tags", len(tags))

    @staticmethod
    def _is_value_key(key: str) -> bool:
        return not (key.startswith(TAG_PREFIX) or key.startswith(LOCK_PREFIX))

    async def _delete_matching(self, backend: Backend, match: str, exact: str | None) -> int:
        deleted = 0
        batch: list[str] = []
        async for key in backend.scan(match, batch_size=500):
            if not self._is_value_key(key) or (exact and not fnmatch.fnmatchcase(key, exact)):
                continue
            batch.append(key)
            if len(batch) >= 500:
                await backend.delete_many(*batch)
                deleted += len(batch)
                batch = []
        if batch:
            await backend.delete_many(*batch)
            deleted += len(batch)
        return deleted

    async def _delete_pattern(self, backend: Backend, pattern: str) -> int:
        full = PREFIX + pattern
        # cashews' memory scan treats the pattern as a regex: filter it exactly again.
        self._drop_mirrored(None)
        try:
            deleted = await self._delete_matching(backend, full, full)
        finally:
            self._drop_mirrored(None)
        await self._write_tags(backend, [EDGE_TAG])  # stored responses may hold those entries
        return deleted

    async def _clear_backend(self, backend: Backend) -> int:
        self._drop_mirrored(None)
        try:
            deleted = await self._delete_matching(backend, PREFIX + "*", None)
        finally:
            self._drop_mirrored(None)
        await self._write_tags(backend, [EDGE_TAG])
        return deleted

    async def invalidate_pattern(self, pattern: str) -> int:
        """Delete haken's entries whose key (after ``haken:v1:``) matches the glob ``pattern``."""
        if not PATTERN_RE.match(pattern):
            raise ValueError(f"malformed cache key pattern {pattern!r}")
        deleted = await self._call("invalidate", lambda b: self._delete_pattern(b, pattern))
        if self.degraded:
            self.journal.add_pattern(pattern)
        self.stats.record_invalidation("patterns")
        return deleted

    async def clear(self) -> int:
        """Delete every haken entry (only haken's keys: the Redis db may be shared)."""
        deleted = await self._call("clear", self._clear_backend)
        if self.degraded:
            self.journal.add_clear()
        self.stats.record_invalidation("clears")
        return deleted

    # -- administration --------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        """The state plus a live round trip to Redis (does not change the state)."""
        result = self.state()
        if self.redis is None:
            result["redis"] = None
            return result
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.operation_timeout):
                await self.redis.ping()
        except BACKEND_ERRORS as error:
            result["redis"] = {"reachable": False, "error": type(error).__name__}
        else:
            ms = round((time.perf_counter() - started) * 1000, 3)
            result["redis"] = {"reachable": True, "ping_ms": ms}
        return result

    async def info(self, *, scan_limit: int = 100_000, size_sample: int = 1_000) -> dict[str, Any]:
        """Key counts per namespace (SCAN, never KEYS) and the memory they use (sampled)."""

        async def survey(backend: Backend) -> dict[str, Any]:
            counts: dict[str, int] = {}
            scanned = 0
            sampled_bytes = 0
            truncated = False
            async for key in backend.scan(PREFIX + "*", batch_size=1000):
                if scanned >= scan_limit:
                    truncated = True
                    break
                scanned += 1
                namespace = key[len(PREFIX) :].split(":", 1)[0]
                counts[namespace] = counts.get(namespace, 0) + 1
                if scanned <= size_sample:
                    sampled_bytes += int(await backend.get_size(key) or 0)
            sampled = min(scanned, size_sample)
            estimate = round(sampled_bytes / sampled * scanned) if sampled else 0
            return {
                "keys": scanned,
                "keys_by_namespace": dict(sorted(counts.items())),
                "scan_truncated": truncated,
                "memory_bytes_sampled": sampled_bytes,
                "memory_sampled_keys": sampled,
                "memory_bytes_estimated": estimate,
            }

        return {**self.state(), **await self._call("info", survey)}


# --- FastAPI access ---------------------------------------------------------------


async def get_cache(request: Request) -> HakenCache:
    cache: HakenCache = request.app.state.cache
    return cache


__all__ = [
    "EDGE_TAG",
    "PATTERN_RE",
    "STRATEGIES",
    "CacheTags",
    "CachedSpec",
    "HakenCache",
    "Strategy",
    "active_cache",
    "bypassed",
    "cache_bypass",
    "cache_tags",
    "cached",
    "cached_areas",
    "cached_reads",
    "entity_tag",
    "get_cache",
    "list_tag",
    "principal_scope",
    "scope_by_role",
]
