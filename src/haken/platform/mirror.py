"""An in-process copy of some Redis keys, kept valid by Redis's client-side-caching
invalidations (issue 21 item 1: keep Redis off the warm path where correctness allows).

The edge cache checks the tag tokens of a read and the caller's principal entry on every
request; both change rarely. :class:`RedisMirror` keeps what the cache last read of those
keys in this process and drops a key the moment Redis says it changed:

* one dedicated connection asks ``CLIENT TRACKING ON REDIRECT <itself> BCAST PREFIX …``
  for the mirrored prefixes and then subscribes to ``__redis__:invalidate``: Redis
  publishes there the name of every key under those prefixes that any client changes,
  expires or evicts (a flush publishes null: everything goes);
* a value read from Redis is kept only if no invalidation arrived since the read began
  (:attr:`generation`), so a change that raced with the read is never kept;
* this process's own invalidations drop the keys at once, before and after they reach
  Redis, so a worker reads its own writes without waiting for the push;
* while the connection is not set up (starting, Redis down, reconnecting) the mirror is
  empty and answers nothing: every read goes to Redis as before.

Another worker's write reaches this process when its push is read: on loopback the push
is written before the writer's own reply, and is read by the next turn of this event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from redis.asyncio import ConnectionPool
from redis.asyncio.connection import AbstractConnection

from haken.platform.logging import get_logger

log = get_logger(__name__)

INVALIDATE_CHANNEL = b"__redis__:invalidate"


class RedisMirror:
    """Keys of Redis under ``prefixes``, copied into this process while tracking holds."""

    RECONNECT_SECONDS = 1.0
    PING_SECONDS = 5.0

    def __init__(self, redis_url: str, prefixes: Sequence[str], *, max_keys: int = 100_000) -> None:
        self.redis_url = redis_url
        self.prefixes = tuple(prefixes)
        self.max_keys = max_keys
        self.values: dict[str, Any] = {}
        self.ready = False
        # Bumped by every invalidation: a read that began under another generation is
        # not kept (a change may have raced with it).
        self.generation = 0
        self.invalidations = 0
        self._task: asyncio.Task[None] | None = None
        self._connection: AbstractConnection | None = None
        self._connection_id: int | None = None  # the tracking connection's CLIENT ID
        self._ready_event = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="redis-mirror")

    async def wait_ready(self, seconds: float) -> bool:
        """Whether tracking is set up within ``seconds`` (start-up, tests)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._ready_event.wait()
        return self.ready

    async def close(self) -> None:
        self._lose()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self._disconnect()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.disconnect()

    def _lose(self) -> None:
        """Nothing may be served from here until tracking is set up again."""
        self.ready = False
        self._ready_event.clear()
        self.clear()

    async def _run(self) -> None:
        warned = False
        while True:
            try:
                await self._track()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis down, restarted, or refusing tracking
                self._lose()
                await self._disconnect()
                if not warned:
                    log.warning("cache mirror off until redis answers", error=type(error).__name__)
                    warned = True
                await asyncio.sleep(self.RECONNECT_SECONDS)
            else:  # the server closed the subscription
                self._lose()
                await self._disconnect()

    async def _track(self) -> None:
        # RESP2 on purpose (redis-py 8 speaks RESP3 by default): the invalidations then come
        # as ordinary pub/sub messages on the redirect connection, one shape to read.
        pool = ConnectionPool.from_url(
            self.redis_url,
            protocol=2,
            socket_timeout=None,
            socket_connect_timeout=1.0,
            socket_keepalive=True,
        )
        connection: AbstractConnection = pool.make_connection()  # type: ignore[no-untyped-call]
        self._connection = connection
        await connection.connect()  # type: ignore[no-untyped-call]
        await connection.send_command("CLIENT", "ID")
        client_id = await connection.read_response()
        self._connection_id = int(client_id)
        prefixes: list[str] = []
        for prefix in self.prefixes:
            prefixes += ["PREFIX", prefix]
        await connection.send_command(
            "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", *prefixes
        )
        _expect_ok(await connection.read_response())
        await connection.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
        reply = await connection.read_response()
        if not (isinstance(reply, list) and reply and reply[0] == b"subscribe"):
            raise ConnectionError(f"unexpected reply to SUBSCRIBE: {reply!r}")
        self.clear()  # whatever was read before tracking began is not known to be current
        self.ready = True
        self._ready_event.set()
        log.info("cache mirror tracking", prefixes=list(self.prefixes))
        pinged = False
        while True:
            message = await connection.read_response(timeout=self.PING_SECONDS)
            if message is None:  # quiet: make sure the connection is alive
                if pinged:  # the last ping went unanswered: the connection is gone
                    raise ConnectionError("no answer to PING on the tracking connection")
                await connection.send_command("PING")
                pinged = True
                continue
            pinged = False
            if (
                isinstance(message, list)
                and len(message) == 3
                and message[:2] == [b"message", INVALIDATE_CHANNEL]
            ):
                self._invalidated(message[2])

    def _invalidated(self, keys: Any) -> None:
        self.invalidations += 1
        if keys is None:  # FLUSHDB / FLUSHALL
            self.clear()
            return
        self.drop(k.decode() if isinstance(k, bytes) else str(k) for k in keys)

    # -- reads and writes -------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        """The mirrored value of ``key``; None when not mirrored (read Redis)."""
        if not self.ready:
            return None
        return self.values.get(key)

    def keep(self, generation: int, items: Iterable[tuple[str, Any]]) -> None:
        """Keep values read from Redis under ``generation`` (taken before the read)."""
        if not self.ready or generation != self.generation:
            return
        for key, value in items:
            if value is None or not key.startswith(self.prefixes):
                continue
            if len(self.values) >= self.max_keys:
                self.values.clear()  # crude but bounded: refilled by the next reads
            self.values[key] = value

    def drop(self, keys: Iterable[str]) -> None:
        self.generation += 1
        for key in keys:
            self.values.pop(key, None)

    def clear(self) -> None:
        self.generation += 1
        self.values.clear()

    def state(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "keys": len(self.values),
            "invalidations": self.invalidations,
        }


def _expect_ok(reply: Any) -> None:
    if reply not in (b"OK", "OK", True):
        raise ConnectionError(f"CLIENT TRACKING refused: {reply!r}")


__all__ = ["INVALIDATE_CHANNEL", "RedisMirror"]
