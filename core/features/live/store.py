"""The live rounds' queries. Every change that decides something is a guarded statement, so the
database, not a process's memory, is the arbiter: one running round per channel (a partial
unique index), one answer per learner per question (a unique pair), one process per step of a
round (an UPDATE that names the step it moves from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, text, update

from core.db.models import LiveAnswer, LiveQuestion, LiveRound, QuizQuestion, User, table_of
from core.db.models.live import RUNNING
from core.db.repository import Repository
from core.db.upsert import dialect_insert, insert_ignore

# Once its last question closes a round is SCORING: its results are posted, then its XP is
# awarded, and it is FINISHED.
SCORING, FINISHED, ABANDONED = "scoring", "finished", "abandoned"
_RIGHT = case((LiveAnswer.correct, 1), else_=0)


@dataclass(frozen=True)
class Standing:
    user_id: int
    name: str
    points: int
    right: int
    hidden: bool  # opted out of boards: shown without a name


class LiveStore(Repository):
    async def running_in(self, chat_key: str) -> LiveRound | None:
        return await self.session.scalar(
            select(LiveRound).where(LiveRound.chat_key == chat_key, LiveRound.status == RUNNING)
        )

    async def abandon(self, live: LiveRound, now: datetime) -> None:
        await self.session.execute(
            update(LiveRound)
            .where(LiveRound.id == live.id, LiveRound.status == RUNNING)
            .values(status=ABANDONED, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def start(self, values: dict[str, object]) -> int | None:
        """A new running round; None if the channel has one (the partial unique index)."""
        statement = dialect_insert(self.dialect, table_of(LiveRound)).on_conflict_do_nothing(
            index_elements=["chat_key"], index_where=text(f"status = '{RUNNING}'")
        )
        result = await self.session.execute(statement, values)
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        found = await self.running_in(str(values["chat_key"]))
        return found.id if found is not None else None

    async def round(self, round_id: int) -> LiveRound | None:
        return await self.session.get(LiveRound, round_id)

    async def live_question(self, live_question_id: int) -> LiveQuestion | None:
        return await self.session.get(LiveQuestion, live_question_id)

    async def question_at(self, round_id: int, position: int) -> LiveQuestion | None:
        return await self.session.scalar(
            select(LiveQuestion).where(
                LiveQuestion.round_id == round_id, LiveQuestion.position == position
            )
        )

    async def bank_question(self, question_id: int) -> QuizQuestion | None:
        return await self.session.get(QuizQuestion, question_id)

    async def due(self, now: datetime, limit: int = 100) -> list[tuple[int, int]]:
        """(round id, step) of running rounds whose open step is due to move on."""
        rows = await self.session.execute(
            select(LiveRound.id, LiveRound.step)
            .where(LiveRound.status == RUNNING, LiveRound.next_at <= now)
            .order_by(LiveRound.next_at)
            .limit(limit)
        )
        return [(int(round_id), int(step)) for round_id, step in rows]

    async def unannounced(self, limit: int = 100) -> list[tuple[int, int]]:
        """(round id, step) of rounds whose latest step's posts have not gone out."""
        rows = await self.session.execute(
            select(LiveRound.id, LiveRound.step)
            # Only these two can owe a post (an abandoned round owes none): the status index
            # keeps this tick-by-tick query off the table's history of finished rounds.
            .where(LiveRound.status.in_((RUNNING, SCORING)), LiveRound.announced < LiveRound.step)
            .limit(limit)
        )
        return [(int(round_id), int(step)) for round_id, step in rows]

    async def to_score(self, limit: int = 20) -> list[int]:
        """Rounds whose final results are posted and whose XP is not yet awarded."""
        rows = await self.session.scalars(
            select(LiveRound.id)
            .where(LiveRound.status == SCORING, LiveRound.announced >= LiveRound.step)
            .limit(limit)
        )
        return [int(round_id) for round_id in rows]

    async def scored(self, round_id: int, now: datetime) -> None:
        await self.session.execute(
            update(LiveRound)
            .where(LiveRound.id == round_id, LiveRound.status == SCORING)
            .values(status=FINISHED, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def move(
        self, round_id: int, step: int, next_at: datetime | None, status: str, now: datetime
    ) -> bool:
        """Move a running round from `step` to `step + 1`; False if another process did."""
        result = await self.session.execute(
            update(LiveRound)
            .where(LiveRound.id == round_id, LiveRound.step == step, LiveRound.status == RUNNING)
            .values(step=step + 1, next_at=next_at, status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_announced(self, round_id: int, step: int) -> None:
        await self.session.execute(
            update(LiveRound)
            .where(LiveRound.id == round_id, LiveRound.announced < step)
            .values(announced=step)
            .execution_options(synchronize_session=False)
        )

    def add_question(self, question: LiveQuestion) -> None:
        self.session.add(question)

    async def set_message(self, live_question_id: int, message_id: str) -> None:
        await self.session.execute(
            update(LiveQuestion)
            .where(LiveQuestion.id == live_question_id)
            .values(message_id=message_id[:64])
            .execution_options(synchronize_session=False)
        )

    async def answer(self, values: dict[str, object]) -> bool:
        """The learner's first answer to a question; False if they answered it already."""
        return await insert_ignore(
            self.session, LiveAnswer, values, ["live_question_id", "user_id"]
        )

    async def answers_to(self, live_question_id: int) -> tuple[int, int]:
        """How many answered a question, and how many of them were right."""
        row = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(_RIGHT), 0)).where(
                    LiveAnswer.live_question_id == live_question_id
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def standings(self, round_id: int, upto: int | None = None) -> list[Standing]:
        """Everyone who answered in the round (the questions before position `upto`, if
        given), by points, then right answers, then the least time taken, then who joined
        Dojo first."""
        points = func.sum(LiveAnswer.points)
        right = func.sum(_RIGHT)
        statement = (
            select(User.id, User.display_name, points, right, User.leaderboard_opt_out)
            .join(LiveAnswer, LiveAnswer.user_id == User.id)
            .where(LiveAnswer.round_id == round_id)
            .group_by(User.id, User.display_name, User.leaderboard_opt_out)
            .order_by(points.desc(), right.desc(), func.sum(LiveAnswer.elapsed_ms), User.id)
        )
        if upto is not None:
            statement = statement.join(
                LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id
            ).where(LiveQuestion.position < upto)
        rows = await self.session.execute(statement)
        return [
            Standing(int(uid), str(name), int(p or 0), int(r or 0), bool(hidden))
            for uid, name, p, r, hidden in rows
        ]

    async def participants(self, round_id: int) -> int:
        count = await self.session.scalar(
            select(func.count(func.distinct(LiveAnswer.user_id))).where(
                LiveAnswer.round_id == round_id
            )
        )
        return int(count or 0)

    async def users(self, ids: Sequence[int]) -> list[User]:
        if not ids:
            return []
        return list((await self.session.scalars(select(User).where(User.id.in_(ids)))).all())
