"""The jobs by name: what the scheduler runs and what `dojo admin run-job NAME` accepts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from core.db.uow import UnitOfWorkFactory
from core.features.duels.sweep import sweep_duels
from core.features.live.advance import advance_live_rounds
from core.jobs.daily_question import post_daily_questions
from core.jobs.delivery import JobReport
from core.jobs.housekeeping import housekeep
from core.jobs.monthly import post_monthly_leaderboards
from core.jobs.reminders import send_reminders
from core.jobs.weekly import post_weekly_leaderboards
from core.ports import Notifier

Job = Callable[[UnitOfWorkFactory, Notifier, datetime], Awaitable[JobReport]]

JOBS: dict[str, Job] = {
    "streak_reminders": send_reminders,
    "weekly_leaderboard": post_weekly_leaderboards,
    "monthly_leaderboard": post_monthly_leaderboards,
    "housekeeping": housekeep,
    "live_rounds": advance_live_rounds,
    "duel_sweep": sweep_duels,
    "daily_question": post_daily_questions,
}


def job_named(name: str) -> Job:
    found = JOBS.get(name.strip().lower().replace("-", "_"))
    if found is None:
        raise KeyError(f"unknown job {name!r}; jobs: {', '.join(sorted(JOBS))}")
    return found
