"""The monthly leaderboard post: the 1st at 09:00 in each community's time zone, covering the
calendar month just ended, with its winners and their streaks (core.jobs.board_posts)."""

from __future__ import annotations

from datetime import datetime

from core.db.uow import UnitOfWorkFactory
from core.jobs.board_posts import MONTHLY, post_leaderboards
from core.jobs.delivery import JobReport
from core.ports import Notifier

JOB = MONTHLY.job


async def post_monthly_leaderboards(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    return await post_leaderboards(MONTHLY, uow_factory, notifier, now)
