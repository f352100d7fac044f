"""Serialises write transactions on SQLite within one process.

SQLite has a single writer; concurrent transactions otherwise wait in SQLite's busy handler,
which sleeps in growing steps and turns a few milliseconds of work into seconds of latency.
Queueing on an asyncio lock instead hands the file over the moment it is free.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class WriteGate:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    def hold(self) -> GateHold:
        return GateHold(self._lock)


class GateHold:
    """One event's turn at the gate; released at the end or early, at a checkpoint."""

    def __init__(self, lock: asyncio.Lock) -> None:
        self._lock = lock
        self._held = False

    async def __aenter__(self) -> GateHold:
        await self._lock.acquire()
        self._held = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()
