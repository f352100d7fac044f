"""Claims in `job_runs`: how a job run, and each message it sends, happens once.

Two keys are used. A run key (job, tick) stops two processes from doing the same tick's work;
an item key (job, learner-day or community-week) stops any run from sending the same message
twice. Claims are committed before the send, so a crash between claim and send leaves a
`running` row; once older than the lease, a later run takes it over instead of skipping it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.jobs.store import RUNNING, JobRunStore

# A claim still `running` after this long belongs to a process that died mid-send.
LEASE = timedelta(minutes=10)
DONE, FAILED = "done", "failed"
_CHUNK = 500


async def claim(uow: UnitOfWork, job: str, key: str, now: datetime) -> bool:
    """Take (job, key) for this process; True if it is ours to do. Commits."""
    claims = uow.repository(JobRunStore)
    inserted = await claims.insert_claim(job, key[:100], now)
    if not inserted:  # a stale claim's process died mid-send: one survivor resumes it
        inserted = await claims.take_over_stale(job, key[:100], now, LEASE)
    await uow.commit()
    return inserted


async def finish(uow: UnitOfWork, job: str, key: str, now: datetime, status: str = DONE) -> None:
    await uow.repository(JobRunStore).finish(job, key[:100], now, status)
    await uow.commit()


async def release(uow: UnitOfWork, job: str, key: str) -> None:
    """Give a claim back after a transient failure, so the next tick tries again."""
    await uow.repository(JobRunStore).release(job, key[:100])
    await uow.commit()


async def settled(
    uow_factory: UnitOfWorkFactory, job: str, keys: Iterable[str], now: datetime
) -> set[str]:
    """The keys that need no more work: done, failed, or being sent by a live process."""
    wanted = [key[:100] for key in keys]
    found: set[str] = set()
    async with uow_factory() as uow:
        claims = uow.repository(JobRunStore)
        for start in range(0, len(wanted), _CHUNK):
            for key, status, started in await claims.states(job, wanted[start : start + _CHUNK]):
                if status != RUNNING or started >= now - LEASE:
                    found.add(key)
    return found
