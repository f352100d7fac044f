"""The weekly leaderboard post: Mondays 09:00 in each community's time zone, covering the week
just ended (core.jobs.board_posts does the work for weeks and months alike)."""

from __future__ import annotations

from datetime import datetime

from core.db.uow import UnitOfWorkFactory
from core.jobs.board_posts import WEEKLY, post_leaderboards
from core.jobs.delivery import JobReport
from core.ports import Notifier

JOB = WEEKLY.job


async def post_weekly_leaderboards(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    return await post_leaderboards(WEEKLY, uow_factory, notifier, now)
