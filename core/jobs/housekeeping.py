"""Hourly tidying: idle interviews abandoned, link codes expired, old bookkeeping pruned,
the query planner's statistics refreshed.

None of it is urgent, so a missed hour is simply caught by the next; the run key (hour) keeps
two processes from doing the same sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from core.db.statistics import refresh_planner_statistics
from core.db.uow import UnitOfWorkFactory
from core.jobs.delivery import JobReport, run_claimed
from core.jobs.store import HousekeepingStore
from core.ports import Notifier

log = logging.getLogger(__name__)

JOB = "housekeeping"
# Platforms redeliver within hours (Telegram keeps updates for 24 h): a week is ample.
EVENTS_KEPT = timedelta(days=7)
# Expired codes stay a day, so a late `/link CODE` hears "expired" rather than "unknown".
CODES_KEPT = timedelta(days=1)
# Claims outlive every window they guard (reminders: a day; weekly posts: two days).
RUNS_KEPT = timedelta(days=35)

Sweeper = Callable[[UnitOfWorkFactory, datetime], Awaitable[Any]]


def _interview_sweeper() -> Sweeper | None:
    """The interview feature's own idle sweep, when that feature is installed."""
    try:
        from core.features.interview import abandon_idle_interviews
    except ImportError:
        return None
    return abandon_idle_interviews  # type: ignore[no-any-return]


async def housekeep(
    uow_factory: UnitOfWorkFactory, notifier: Notifier | None, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        sweeper = _interview_sweeper()
        if sweeper is not None:
            try:
                abandoned = await sweeper(uow_factory, now)
                report.notes.append(f"idle interviews abandoned: {abandoned}")
            except Exception:
                log.exception("housekeeping: abandoning idle interviews failed")
                report.notes.append("idle interviews: failed (see log)")
        async with uow_factory() as uow:
            pruned = await uow.repository(HousekeepingStore).prune(
                now - CODES_KEPT, now - EVENTS_KEPT, now - RUNS_KEPT
            )
            await uow.commit()
        report.notes.append(
            f"link codes removed: {pruned.link_codes}, processed events pruned: {pruned.events}, "
            f"job claims pruned: {pruned.claims}"
        )
        if await refresh_planner_statistics(uow_factory):
            report.notes.append("planner statistics refreshed")

    hour = now.astimezone(UTC).strftime("%Y-%m-%dT%H")
    return await run_claimed(uow_factory, JOB, hour, now, work)
