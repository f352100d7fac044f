"""Dojo's one scheduler: APScheduler 3 in the bot's event loop, ticking the core's jobs.

The jobs themselves (core/jobs) decide what is due at the moment they run and claim their work
in the database, so this module only says how often to look. Coalescing and a short misfire
grace mean that after a stall the scheduler runs a job once, not once per missed tick; the
jobs' own windows (two hours for reminders, two days for the weekly and monthly posts) do the
catching up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.app import Dojo
from core.jobs.catalogue import job_named
from core.jobs.delivery import JobReport
from core.ports import Notifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    job: str
    cron: dict[str, str]
    # Seconds a late tick may still run; later ones are dropped for the next tick.
    grace: int


SCHEDULES = (
    Schedule("streak_reminders", {"minute": "*"}, 50),
    # Every quarter hour, since some time zones sit 30 or 45 minutes off the hour.
    Schedule("weekly_leaderboard", {"minute": "0,15,30,45"}, 600),
    Schedule("monthly_leaderboard", {"minute": "0,15,30,45"}, 600),
    Schedule("housekeeping", {"minute": "7"}, 1800),
    # Live quiz rounds: every second, closing questions whose time is up (core.features.live).
    Schedule("live_rounds", {"second": "*"}, 1),
    Schedule("duel_sweep", {"minute": "*"}, 50),
    # Every minute: a community may pick any HH:MM; the job's own window catches up late.
    Schedule("daily_question", {"minute": "*"}, 50),
)


async def run_job(
    dojo: Dojo, name: str, notifier: Notifier, at: datetime | None = None
) -> JobReport:
    """Run one job now, or as if the clock read `at`."""
    job = job_named(name)
    now = at.astimezone(UTC) if at is not None else dojo.services.clock.now()
    return await job(dojo.services.uow_factory, notifier, now)


def build_scheduler(dojo: Dojo, notifier: Notifier) -> AsyncIOScheduler:
    """A scheduler with every job; call `.start()` inside the running event loop."""
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1},
    )

    async def tick(name: str) -> None:
        try:
            report = await run_job(dojo, name, notifier)
        except Exception:
            log.exception("scheduled job %s failed", name)
            return
        if report.ran and (report.sent or report.failed or report.retry or report.notes):
            log.info("%s", report.summary())

    for schedule in SCHEDULES:
        scheduler.add_job(
            tick,
            CronTrigger(timezone=UTC, **schedule.cron),
            args=[schedule.job],
            id=schedule.job,
            name=schedule.job,
            misfire_grace_time=schedule.grace,
            replace_existing=True,
        )
    return scheduler
