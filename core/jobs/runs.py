"""Claims in `job_runs`: how a job run, and each message it sends, happens once.

Two keys are used. A run key (job, tick) stops two processes from doing the same tick's work;
an item key (job, learner-day or community-week) stops any run from sending the same message
twice. Claims are committed before the send, so a crash between claim and send leaves a
`running` row; once older than the lease, a later run takes it over instead of skipping it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from core.db.models import JobRun
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.db.upsert import insert_ignore

# A claim still `running` after this long belongs to a process that died mid-send.
LEASE = timedelta(minutes=10)
RUNNING, DONE, FAILED = "running", "done", "failed"
_CHUNK = 500


async def claim(uow: UnitOfWork, job: str, key: str, now: datetime) -> bool:
    """Take (job, key) for this process; True if it is ours to do. Commits."""
    inserted = await insert_ignore(
        uow.session,
        JobRun,
        {"job_name": job, "period_key": key[:100], "status": RUNNING, "started_at": now},
        ["job_name", "period_key"],
    )
    if not inserted:
        inserted = await _take_over_stale(uow, job, key[:100], now)
    await uow.commit()
    return inserted


async def _take_over_stale(uow: UnitOfWork, job: str, key: str, now: datetime) -> bool:
    """Compare-and-set on a stale `running` claim, so only one survivor resumes it."""
    result = await uow.session.execute(
        update(JobRun)
        .where(
            JobRun.job_name == job,
            JobRun.period_key == key,
            JobRun.status == RUNNING,
            JobRun.started_at < now - LEASE,
        )
        .values(started_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish(uow: UnitOfWork, job: str, key: str, now: datetime, status: str = DONE) -> None:
    await uow.session.execute(
        update(JobRun)
        .where(JobRun.job_name == job, JobRun.period_key == key[:100])
        .values(status=status, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    await uow.commit()


async def release(uow: UnitOfWork, job: str, key: str) -> None:
    """Give a claim back after a transient failure, so the next tick tries again."""
    row = await uow.session.scalar(
        select(JobRun).where(JobRun.job_name == job, JobRun.period_key == key[:100])
    )
    if row is not None:
        await uow.session.delete(row)
    await uow.commit()


async def settled(
    uow_factory: UnitOfWorkFactory, job: str, keys: Iterable[str], now: datetime
) -> set[str]:
    """The keys that need no more work: done, failed, or being sent by a live process."""
    wanted = [key[:100] for key in keys]
    found: set[str] = set()
    async with uow_factory() as uow:
        for start in range(0, len(wanted), _CHUNK):
            rows = await uow.session.execute(
                select(JobRun.period_key, JobRun.status, JobRun.started_at).where(
                    JobRun.job_name == job, JobRun.period_key.in_(wanted[start : start + _CHUNK])
                )
            )
            for key, status, started in rows.all():
                if status != RUNNING or started >= now - LEASE:
                    found.add(key)
    return found
