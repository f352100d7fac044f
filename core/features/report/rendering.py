"""Charts are drawn off the event loop, one at a time, with a bounded queue.

matplotlib is not thread-safe across artists and its drawing holds the GIL, so more threads
would not draw faster: one worker thread serialises every report's charts. At most
`MAX_WAITING` renders may wait for it; beyond that, or past `TIMEOUT_SECONDS`, the report goes
out as text only (its text is the fallback) instead of piling up work under a burst.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

MAX_WAITING = 8
TIMEOUT_SECONDS = 15.0


class ChartRenderer:
    """One worker thread and a count of the renders queued or running on it.

    The count drops when a render really ends (a done callback, in whichever thread), not when
    its caller stops waiting, so a render that timed out still holds its place until the
    worker is free again: the bound is on work, not on waiters.
    """

    def __init__(self, max_waiting: int = MAX_WAITING, timeout: float = TIMEOUT_SECONDS) -> None:
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.waiting = 0
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def _finished(self, _job: Future[bytes]) -> None:
        with self._lock:
            self.waiting -= 1

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dojo-chart")
        return self._executor

    async def render(self, draw: Callable[..., bytes], *args: Any) -> bytes | None:
        """`draw(*args)` in the worker; None when the queue is full, it fails or it is late."""
        with self._lock:
            if self.waiting >= self.max_waiting:
                log.warning("chart queue full (%d waiting): report sent as text", self.waiting)
                return None
            self.waiting += 1
        job = self._pool().submit(partial(draw, *args))
        job.add_done_callback(self._finished)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), self.timeout)
        except TimeoutError:
            job.cancel()  # frees its place at once if it had not started
            log.warning("chart took over %.0f s: report sent as text", self.timeout)
            return None
        except Exception:
            log.exception("chart failed: report sent as text")
            return None


# One per process, created on first use (no thread starts at import).
RENDERER = ChartRenderer()
