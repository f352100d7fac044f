"""Charts are drawn off the event loop, one at a time, with a bounded queue.

matplotlib is not thread-safe across artists and its drawing holds the GIL, so more threads
would not draw faster: one worker thread serialises every report's charts. At most
`MAX_WAITING` renders may wait for it; beyond that, or past `TIMEOUT_SECONDS`, the report goes
out as text only (its text is the fallback) instead of piling up work under a burst.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

MAX_WAITING = 8
TIMEOUT_SECONDS = 15.0


class ChartRenderer:
    """One worker thread and a count of the renders queued on it (read on the event loop)."""

    def __init__(self, max_waiting: int = MAX_WAITING, timeout: float = TIMEOUT_SECONDS) -> None:
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.waiting = 0
        self._executor: ThreadPoolExecutor | None = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dojo-chart")
        return self._executor

    async def render(self, draw: Callable[..., bytes], *args: Any) -> bytes | None:
        """`draw(*args)` in the worker; None when the queue is full, it fails or it is late."""
        if self.waiting >= self.max_waiting:
            log.warning("chart queue full (%d waiting): report sent as text", self.waiting)
            return None
        self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            job = loop.run_in_executor(self._pool(), partial(draw, *args))
            return await asyncio.wait_for(job, self.timeout)
        except TimeoutError:
            log.warning("chart took over %.0f s: report sent as text", self.timeout)
            return None
        except Exception:
            log.exception("chart failed: report sent as text")
            return None
        finally:
            self.waiting -= 1


# One per process, created on first use (no thread starts at import).
RENDERER = ChartRenderer()
