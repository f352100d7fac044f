"""The scheduled jobs' queries, one repository per job (reached through uow.repository):
claims in `job_runs` (core.jobs.runs), who is due a reminder (core.jobs.reminders), weekly
board snapshots (core.jobs.board_posts) and the hourly pruning (core.jobs.housekeeping)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update

from core.db.models import (
    JobRun,
    LeaderboardSnapshot,
    LinkCode,
    PlatformAccount,
    ProcessedEvent,
    User,
)
from core.db.repository import Repository
from core.db.upsert import insert_ignore
from core.leaderboard import Entry

RUNNING = "running"


class JobRunStore(Repository):
    """(job, key) claims: a row per run or per item sent, its status and when it started."""

    async def insert_claim(self, job: str, key: str, now: datetime) -> bool:
        """A new `running` claim; False if (job, key) is claimed already."""
        return await insert_ignore(
            self.session,
            JobRun,
            {"job_name": job, "period_key": key, "status": RUNNING, "started_at": now},
            ["job_name", "period_key"],
        )

    async def take_over_stale(self, job: str, key: str, now: datetime, lease: timedelta) -> bool:
        """Compare-and-set on a `running` claim older than `lease`, so one survivor resumes it."""
        result = await self.session.execute(
            update(JobRun)
            .where(
                JobRun.job_name == job,
                JobRun.period_key == key,
                JobRun.status == RUNNING,
                JobRun.started_at < now - lease,
            )
            .values(started_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def finish(self, job: str, key: str, now: datetime, status: str) -> None:
        await self.session.execute(
            update(JobRun)
            .where(JobRun.job_name == job, JobRun.period_key == key)
            .values(status=status, finished_at=now)
            .execution_options(synchronize_session=False)
        )

    async def release(self, job: str, key: str) -> None:
        row = await self.session.scalar(
            select(JobRun).where(JobRun.job_name == job, JobRun.period_key == key)
        )
        if row is not None:
            await self.session.delete(row)

    async def states(self, job: str, keys: Sequence[str]) -> list[tuple[str, str, datetime]]:
        """(key, status, started) of the claims among `keys`."""
        rows = await self.session.execute(
            select(JobRun.period_key, JobRun.status, JobRun.started_at).where(
                JobRun.job_name == job, JobRun.period_key.in_(keys)
            )
        )
        return [(key, status, started) for key, status, started in rows.all()]


class ReminderStore(Repository):
    async def candidates(self, oldest_active: date) -> Sequence[Any]:
        """Learners who asked for reminders, have a streak that may still be alive (active on
        or after `oldest_active`) and a private chat to be reached in; one row per account,
        learners in id order and each learner's accounts in the order they were linked."""
        query = (
            select(
                User.id,
                User.display_name,
                User.time_zone,
                User.reminder_hour,
                User.reminder_minute,
                User.streak_current,
                User.streak_longest,
                User.streak_freezes,
                User.last_active_date,
                PlatformAccount.platform,
                PlatformAccount.private_chat_id,
            )
            .join(PlatformAccount, PlatformAccount.user_id == User.id)
            .where(
                User.reminders_enabled.is_(True),
                User.banned.is_(False),
                User.streak_current > 0,
                User.last_active_date >= oldest_active,
                PlatformAccount.private_chat_id.is_not(None),
            )
            .order_by(User.id, PlatformAccount.id)
        )
        return (await self.session.execute(query)).all()


@dataclass(frozen=True)
class Pruned:
    link_codes: int
    events: int
    claims: int


class HousekeepingStore(Repository):
    async def prune(
        self, codes_before: datetime, events_before: datetime, claims_before: datetime
    ) -> Pruned:
        """Delete link codes expired or used before `codes_before`, processed event ids
        older than `events_before` and job claims started before `claims_before`."""
        codes = await self.session.execute(
            delete(LinkCode).where(
                or_(LinkCode.expires_at < codes_before, LinkCode.used_at < codes_before)
            )
        )
        events = await self.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.created_at < events_before)
        )
        claims = await self.session.execute(delete(JobRun).where(JobRun.started_at < claims_before))
        return Pruned(
            int(codes.rowcount),  # type: ignore[attr-defined]
            int(events.rowcount),  # type: ignore[attr-defined]
            int(claims.rowcount),  # type: ignore[attr-defined]
        )


class SnapshotStore(Repository):
    """`leaderboard_snapshots`: each community's ranks per period, kept to show who climbed."""

    async def store_ranks(
        self, community_id: int, period: str, start: date, entries: Sequence[Entry], now: datetime
    ) -> None:
        """This period's ranks, once (a rerun of the same period writes nothing new)."""
        for entry in entries:
            await insert_ignore(
                self.session,
                LeaderboardSnapshot,
                {
                    "community_id": community_id,
                    "period": period,
                    "period_start": start,
                    "user_id": entry.user_id,
                    "score": entry.score,
                    "rank": entry.rank,
                    "created_at": now,
                },
                ["community_id", "period", "period_start", "user_id"],
            )

    async def ranks(self, community_id: int, period: str, start: date) -> dict[int, int]:
        """A period's stored ranks, user id -> rank."""
        rows = await self.session.execute(
            select(LeaderboardSnapshot.user_id, LeaderboardSnapshot.rank).where(
                LeaderboardSnapshot.community_id == community_id,
                LeaderboardSnapshot.period == period,
                LeaderboardSnapshot.period_start == start,
            )
        )
        return {user_id: rank for user_id, rank in rows.all()}
