"""Each community's page data, computed at most once per `fresh_for` seconds per process.

A page of a 100,000-learner community reads three boards, the hall of fame and the activity
counts: tens to hundreds of milliseconds. Computed per request, 20 clients at once would queue
behind each other; kept here, a request renders data already in memory.

- Single flight: concurrent requests that find no fresh data wait on one computation, not
  one each; a client that gives up does not cancel it for the others (it is shielded).
- Stale while refreshing: data older than `fresh_for` but younger than `stale_for` is served
  at once while one refresh runs, so the page never stalls on expiry; older data is never
  served (a learner who hides from boards leaves the page within `stale_for` at most).
- Bounded: at most `capacity` communities are kept, the least recently used dropped first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    computed_at: float  # time.monotonic()

    def age(self, now: float) -> float:
        return now - self.computed_at


class PageCache(Generic[T]):
    def __init__(
        self,
        compute: Callable[[int], Awaitable[T]],
        *,
        fresh_for: float = 30.0,
        stale_for: float = 60.0,
        capacity: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._compute = compute
        self.fresh_for = fresh_for
        self.stale_for = stale_for
        self._capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[int, Cached[T]] = OrderedDict()
        self._running: dict[int, asyncio.Task[Cached[T]]] = {}
        self.computations = 0  # how many times `compute` ran (tests and the benchmark read it)

    async def get(self, key: int) -> Cached[T]:
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None:
            self._entries.move_to_end(key)
            if entry.age(now) < self.fresh_for:
                return entry
            if entry.age(now) < self.stale_for:
                self._refresh(key)  # in the background; this request gets the stale data
                return entry
        return await asyncio.shield(self._refresh(key))

    @property
    def refreshing(self) -> bool:
        """Whether a computation is running now."""
        return bool(self._running)

    def forget(self, key: int) -> None:
        self._entries.pop(key, None)

    def _refresh(self, key: int) -> asyncio.Task[Cached[T]]:
        running = self._running.get(key)
        if running is None:
            running = self._running[key] = asyncio.ensure_future(self._fill(key))
            running.add_done_callback(lambda task: self._done(key, task))
        return running

    def _done(self, key: int, task: asyncio.Task[Cached[T]]) -> None:
        self._running.pop(key, None)
        # A background refresh that failed has no one awaiting it: say so here. (A request
        # that waited on it got the error itself, and the next one computes again.)
        if not task.cancelled() and task.exception() is not None:
            log.warning("web page data for community %s failed: %r", key, task.exception())

    async def _fill(self, key: int) -> Cached[T]:
        self.computations += 1
        value = await self._compute(key)
        entry = Cached(value, self._clock())
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return entry
