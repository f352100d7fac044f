"""The daily question's queries: the day's question, first answers, the tally and streaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from core.db.models import DailyAnswer, DailyQuestion, DailyStreak, User
from core.db.repository import Repository
from core.db.upsert import insert_ignore


@dataclass(frozen=True)
class Tally:
    """How a day's question went, with only the names that may be shown."""

    answered: int
    right: int
    named: tuple[str, ...]  # right answerers who appear on boards, first answers first

    @property
    def unnamed(self) -> int:
        return self.right - len(self.named)


class DailyStore(Repository):
    async def daily(self, daily_id: int) -> DailyQuestion | None:
        return await self.session.get(DailyQuestion, daily_id)

    async def of_day(self, community_id: int, day: date) -> DailyQuestion | None:
        found: DailyQuestion | None = await self.session.scalar(
            select(DailyQuestion).where(
                DailyQuestion.community_id == community_id, DailyQuestion.day == day
            )
        )
        return found

    async def create(
        self,
        community_id: int,
        day: date,
        question_id: int,
        order: list[int],
        closes_at: datetime,
        now: datetime,
    ) -> DailyQuestion:
        """The community's question of `day`: this one, unless another run chose first (the
        unique (community, day) settles it), so every process posts the same question."""
        await insert_ignore(
            self.session,
            DailyQuestion,
            {
                "community_id": community_id,
                "day": day,
                "question_id": question_id,
                "option_order": order,
                "closes_at": closes_at,
                "posted": False,
                "revealed": False,
                "created_at": now,
            },
            ["community_id", "day"],
        )
        found = await self.of_day(community_id, day)
        assert found is not None
        return found

    async def recent_questions(self, community_id: int, since: date) -> set[int]:
        rows = await self.session.scalars(
            select(DailyQuestion.question_id).where(
                DailyQuestion.community_id == community_id, DailyQuestion.day >= since
            )
        )
        return set(rows.all())

    async def unrevealed_before(self, community_id: int, day: date) -> DailyQuestion | None:
        """The latest posted question before `day` whose answer was not shown yet."""
        found: DailyQuestion | None = await self.session.scalar(
            select(DailyQuestion)
            .where(
                DailyQuestion.community_id == community_id,
                DailyQuestion.day < day,
                DailyQuestion.posted,
                ~DailyQuestion.revealed,
            )
            .order_by(DailyQuestion.day.desc())
            .limit(1)
        )
        return found

    async def due_reveals(self, community_id: int, now: datetime) -> list[DailyQuestion]:
        """Posted questions whose reveal hour has come and whose answer is not shown yet."""
        rows = await self.session.scalars(
            select(DailyQuestion)
            .where(
                DailyQuestion.community_id == community_id,
                DailyQuestion.posted,
                ~DailyQuestion.revealed,
                DailyQuestion.closes_at <= now,
            )
            .order_by(DailyQuestion.day)
        )
        return list(rows.all())

    async def mark(self, daily_id: int, **flags: bool) -> None:
        await self.session.execute(
            update(DailyQuestion)
            .where(DailyQuestion.id == daily_id)
            .values(**flags)
            .execution_options(synchronize_session=False)
        )

    async def first_answer(
        self, daily_id: int, user_id: int, option: int, correct: bool, now: datetime
    ) -> bool:
        """Keep the learner's answer if it is their first to this question; False if not."""
        return await insert_ignore(
            self.session,
            DailyAnswer,
            {
                "daily_id": daily_id,
                "user_id": user_id,
                "option": option,
                "correct": correct,
                "answered_at": now,
            },
            ["daily_id", "user_id"],
        )

    async def tally(self, daily_id: int, shown: int = 10) -> Tally:
        """Answers and right answers; names only of learners boards may show (not opted out
        of boards, not banned), so a hidden learner is counted but never named."""
        answered, right = (
            await self.session.execute(
                select(func.count(), func.count().filter(DailyAnswer.correct)).where(
                    DailyAnswer.daily_id == daily_id
                )
            )
        ).one()
        names = await self.session.scalars(
            select(User.display_name)
            .join(DailyAnswer, DailyAnswer.user_id == User.id)
            .where(
                DailyAnswer.daily_id == daily_id,
                DailyAnswer.correct,
                ~User.leaderboard_opt_out,
                ~User.banned,
            )
            .order_by(DailyAnswer.answered_at, User.id)
            .limit(shown)
        )
        return Tally(int(answered or 0), int(right or 0), tuple(names.all()))

    async def previous_day(self, community_id: int, day: date) -> date | None:
        """The community's question day before `day` (days without one do not break a streak)."""
        found: date | None = await self.session.scalar(
            select(func.max(DailyQuestion.day)).where(
                DailyQuestion.community_id == community_id, DailyQuestion.day < day
            )
        )
        return found

    async def advance_streak(self, community_id: int, user_id: int, day: date) -> int:
        """Count `day` in the learner's daily-question streak here; returns the streak."""
        row = await self.session.get(DailyStreak, (community_id, user_id))
        if row is None:
            row = DailyStreak(
                community_id=community_id, user_id=user_id, current=0, longest=0, last_day=None
            )
            self.session.add(row)
        if row.last_day == day:
            return row.current
        before = await self.previous_day(community_id, day)
        row.current = row.current + 1 if before is not None and row.last_day == before else 1
        row.longest = max(row.longest, row.current)
        row.last_day = day
        return row.current
