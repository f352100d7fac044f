"""Group commit: platform events that arrive together share one transaction.

Every event pays for opening a session, claiming its id and committing, however little it
does; on a busy group most events are chat messages and button taps that do little else. So
events queue while a batch runs, and the next batch takes every waiting event (up to
`max_size`) into one transaction with a single commit. Under light load a batch is one event
and nothing changes; under heavy load the per-event overhead is shared.

A batch is all or nothing. If any of its events fails, asks to commit early (as a handler does
before slow work), or the database errs, the batch rolls back and each of its events is handed
back to run on its own, exactly as without batching. Nothing was committed and nothing left the
process, so that rerun is safe; it only costs time, and only when something went wrong.
A batch may also hand single events back before it starts (core.router: messages that may
need a model); those run alone once the batch is done.

Several batches may run at once (`runners`; PostgreSQL uses this, SQLite has one writer): one
batch runs while another waits on the server. Each event has a key (its learner), and a batch
never takes an event whose key is in a running batch, nor one queued behind such an event: a
learner's events stay in order, and two batches never lock the same learner's rows. A batch
still takes everything else that is waiting, so batches stay as full as with one runner.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Event = TypeVar("Event")
Result = TypeVar("Result")

# What a batch run returns per event: its result, or None for "run this one on its own".
BatchRunner = Callable[[list[Event]], Awaitable[Sequence[Result | None]]]


class EventBatcher(Generic[Event, Result]):
    def __init__(
        self,
        run_batch: BatchRunner[Event, Result],
        run_alone: Callable[[Event], Awaitable[Result]],
        # Quick events take about 0.3-0.5 ms each, so a full batch holds the write for 10-15 ms.
        # On the core benchmark (bench/core_pipeline.py) 32 gave a higher saturated rate than
        # 8 or 16 (about 2,300/s against 1,800 and 2,000) with p99 at half load still < 50 ms.
        max_size: int = 32,
        runners: int = 1,
        key: Callable[[Event], str] | None = None,
    ) -> None:
        self._run_batch = run_batch
        self._run_alone = run_alone
        self.max_size = max_size
        self.runners = max(1, runners)
        self._key = key or (lambda _event: "")
        self._queue: deque[tuple[Event, str, asyncio.Future[Result | None]]] = deque()
        self._active = 0  # batches running or about to, in submitters or workers
        self._running_keys: Counter[str] = Counter()
        self._workers: set[asyncio.Task[None]] = set()
        self.batches = 0
        self.rerun = 0

    async def submit(self, event: Event) -> Result:
        future: asyncio.Future[Result | None] = asyncio.get_running_loop().create_future()
        self._queue.append((event, self._key(event), future))
        if self._active < self.runners:
            # A runner is free: this event's own coroutine runs the next batch (no task to
            # start, no wake-up to wait for) and hands any backlog to a worker.
            self._active += 1
            try:
                # Let the events that are already due (ready on the loop) join this batch.
                await asyncio.sleep(0)
                await self._run_next()
            finally:
                self._hand_over()
        outcome = await future
        if outcome is None:
            self.rerun += 1
            return await self._run_alone(event)
        return outcome

    def _runnable(self) -> bool:
        return any(
            not future.done() and key not in self._running_keys for _, key, future in self._queue
        )

    def _hand_over(self) -> None:
        if self._runnable():
            worker = asyncio.create_task(self._drain(), name="dojo-event-batches")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        else:
            self._active -= 1

    async def _drain(self) -> None:
        try:
            while self._runnable():
                await self._run_next()
        except asyncio.CancelledError:
            # Shutting down: nobody may be left waiting on a batch that will never run.
            for _, _, future in self._queue:
                future.cancel()
            self._queue.clear()
            raise
        finally:
            self._active -= 1

    def _take(self) -> list[tuple[Event, str, asyncio.Future[Result | None]]]:
        """The next batch, in arrival order: waiting events whose learner is in no running
        batch and not behind one of their own that has to wait."""
        taken: list[tuple[Event, str, asyncio.Future[Result | None]]] = []
        left: deque[tuple[Event, str, asyncio.Future[Result | None]]] = deque()
        held: set[str] = set()
        for item in self._queue:
            _, key, future = item
            if future.done():
                continue
            if len(taken) < self.max_size and key not in self._running_keys and key not in held:
                taken.append(item)
            else:
                held.add(key)
                left.append(item)
        self._queue = left
        return taken

    async def _run_next(self) -> None:
        waiting = self._take()
        if not waiting:
            return
        self.batches += 1
        keys = [key for _, key, _ in waiting]
        self._running_keys.update(keys)
        # Unless the batch completes, its events run alone: after a failure the runner reports
        # (or, as a last resort, raises), or when whoever ran it was cancelled.
        outcomes: list[Result | None] = [None] * len(waiting)
        try:
            answered = list(await self._run_batch([event for event, _, _ in waiting]))
            if len(answered) == len(waiting):
                outcomes = answered
        except Exception:
            pass
        finally:
            self._running_keys.subtract(keys)
            self._running_keys += Counter()  # drop keys that reached zero
            for (_, _, future), outcome in zip(waiting, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
