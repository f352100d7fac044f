"""Drawing images (rank cards) off the event loop, a few at a time, with a time limit.

A reply may carry a `Drawing` (core.messages) instead of an image. The router hands its replies
here once the event's transaction has committed, so no batch and no write waits on a picture:
each drawing runs in a small thread pool, at most `workers` at once (a semaphore, so a burst
of /profile queues here instead of piling threads onto two cores), and the whole wait, queue
included, is bounded by `timeout`. A drawing that fails, or is not ready in time, leaves its
reply as plain text: a picture is a nicety, never the reason an answer is lost.

Threads, not processes: a thread needs no second copy of the fonts, no pickled card and no
process start, and a drawing may be any callable. The price is the GIL: Pillow releases it
while zlib packs the PNG but holds it while FreeType draws text, so a card (35-70 ms on this
2-core machine) can keep the event loop waiting for tens of milliseconds at a time. One thread
or two made little difference to the other commands' latency in bench/rank_card.py; with more
cores, or if cards come in sustained floods, a process pool is the next step (the card's
`partial(render_card, data)` pickles).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor

from core.messages import Drawing, Image, Reply
from core.text import Doc

log = logging.getLogger(__name__)


class DrawingPool:
    """A bounded pool of drawing threads, started on first use (none at import or build)."""

    def __init__(self, workers: int = 2, timeout: float = 3.0) -> None:
        self.workers = workers
        self.timeout = timeout
        self._executor: ThreadPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self.drawn = 0
        self.failed = 0

    def _pool(self) -> tuple[ThreadPoolExecutor, asyncio.Semaphore]:
        if self._executor is None or self._slots is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="dojo-draw")
            self._slots = asyncio.Semaphore(self.workers)
        return self._executor, self._slots

    async def draw(self, drawing: Drawing) -> bytes | None:
        """The drawing's bytes, or None when it failed or missed the time limit."""
        executor, slots = self._pool()
        deadline = time.monotonic() + self.timeout
        try:
            await asyncio.wait_for(slots.acquire(), self.timeout)
        except TimeoutError:
            log.warning("no drawing slot free within %.1f s: sending text", self.timeout)
            self.failed += 1
            return None
        try:
            job = executor.submit(drawing.draw)
        except BaseException:
            slots.release()
            raise
        # The slot is freed when the thread finishes, not when we stop waiting: a drawing
        # that overran still occupies its thread, and the pool must not overcommit.
        loop = asyncio.get_running_loop()
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(slots.release))
        try:
            data = await asyncio.wait_for(
                asyncio.wrap_future(job), max(0.0, deadline - time.monotonic())
            )
        except TimeoutError:
            log.warning("drawing %s took over %.1f s: sending text", drawing.filename, self.timeout)
            job.add_done_callback(_discard)
            self.failed += 1
            return None
        except Exception:
            log.exception("drawing %s failed: sending text", drawing.filename)
            self.failed += 1
            return None
        self.drawn += 1
        return data

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            self._slots = None


def _discard(job: Future[bytes]) -> None:
    """Read the late result of a drawing nobody waits for any more (and its error, if any)."""
    if not job.cancelled():
        job.exception()


async def draw_replies(pool: DrawingPool, replies: list[Reply]) -> list[Reply]:
    """Replies with every drawing drawn: its image captioned with the reply's text, or, when
    it could not be drawn, the reply as it was without it. Drawings run concurrently."""
    if not any(item.drawing is not None for item in replies):
        return replies
    drawn = await asyncio.gather(*(_drawn(pool, item) for item in replies))
    return list(drawn)


async def _drawn(pool: DrawingPool, item: Reply) -> Reply:
    drawing = item.drawing
    if drawing is None:
        return item
    data = await pool.draw(drawing)
    if data is None:
        return dataclasses.replace(item, drawing=None)
    image = Image(data, filename=drawing.filename, rich_caption=item.text)
    return dataclasses.replace(item, text=Doc(), image=image, drawing=None)
