"""Quiz queries: choosing questions, the review schedule and a learner's quiz sessions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from core.community_settings import settings_of
from core.db.models import (
    Community,
    InterviewSession,
    QuestionPack,
    QuizAnswer,
    QuizQuestion,
    QuizReviewSchedule,
    QuizSession,
    User,
)
from core.db.repository import Repository
from core.features.packs.store import live_pack_ids
from core.features.quiz.spacing import Schedule, next_schedule
from core.features.quiz.topics import MIXED

# Asked of every plain message addressed to Dojo, so built once (values as parameters).
_OPEN_QUIZ = (
    select(QuizSession)
    .where(
        QuizSession.user_id == bindparam("user_id"),
        QuizSession.chat_key == bindparam("chat_key"),
        QuizSession.status == "active",
    )
    .order_by(QuizSession.id.desc())
    .limit(1)
)

_INTERVIEW_TOUCHED = select(func.max(InterviewSession.updated_at)).where(
    InterviewSession.user_id == bindparam("user_id"),
    InterviewSession.chat_key == bindparam("chat_key"),
    InterviewSession.status == "active",
)

_EARLIER = aliased(QuizAnswer)


class QuizStore(Repository):
    """A learner's quizzes, the questions they are asked and their review schedule."""

    async def quiz(self, quiz_id: int) -> QuizSession | None:
        return await self.session.get(QuizSession, quiz_id)

    async def open_quiz(self, user_id: int, chat_key: str) -> QuizSession | None:
        """The learner's latest open quiz in this chat (expired or not)."""
        keys = {"user_id": user_id, "chat_key": chat_key}
        quiz: QuizSession | None = await self.session.scalar(_OPEN_QUIZ, keys)
        return quiz

    async def start(self, quiz: QuizSession) -> None:
        """Store a new quiz, flushed so it has its id (its buttons carry it)."""
        self.session.add(quiz)
        await self.session.flush()

    async def question(self, question_id: int) -> QuizQuestion | None:
        return await self.session.get(QuizQuestion, question_id)

    def record_answer(
        self,
        quiz: QuizSession,
        question_id: int,
        option: int,
        correct: bool,
        *,
        asked_at: datetime,
        now: datetime,
    ) -> None:
        """The learner's answer to one of the quiz's questions, timed from when it was asked."""
        self.session.add(
            QuizAnswer(
                session_id=quiz.id,
                question_id=question_id,
                selected_index=option,
                correct=correct,
                time_taken_ms=int((now - asked_at).total_seconds() * 1000),
                answered_at=now,
            )
        )

    async def interview_touched(self, user_id: int, chat_key: str) -> datetime | None:
        """When the learner's open interview in this chat last moved, if one is open
        (core.features.quiz.focus)."""
        keys = {"user_id": user_id, "chat_key": chat_key}
        touched: datetime | None = await self.session.scalar(_INTERVIEW_TOUCHED, keys)
        return touched

    async def new_right_answers(self, quiz: QuizSession) -> int:
        """Questions of `quiz` answered right that its learner had not got right in another
        finished quiz (core.features.quiz.earning).

        On PostgreSQL the learner's row is locked first (the award that follows locks it
        anyway), so two quizzes finishing at once, from two linked platforms or two
        processes, take turns: the second sees the first as finished and a question they
        share earns once. SQLite runs one writer at a time already."""
        if self.dialect == "postgresql":
            mine = select(User.id).where(User.id == quiz.user_id)
            await self.session.execute(mine.with_for_update(key_share=True))  # the UPDATE's mode
        earned_before = (
            select(_EARLIER.id)
            .join(QuizSession, QuizSession.id == _EARLIER.session_id)
            .where(
                QuizSession.user_id == quiz.user_id,
                QuizSession.status == "completed",
                QuizSession.id != quiz.id,
                and_(_EARLIER.question_id == QuizAnswer.question_id, _EARLIER.correct),
            )
        )
        count = await self.session.scalar(
            select(func.count())
            .select_from(QuizAnswer)
            .where(QuizAnswer.session_id == quiz.id, QuizAnswer.correct, ~exists(earned_before))
        )
        return int(count or 0)

    async def pick_questions(
        self,
        user_id: int | None,
        topic: str,
        count: int,
        rng: random.Random,
        *,
        community_id: int | None = None,
        difficulty: str | None = None,
    ) -> list[int]:
        """`count` question ids for a topic (or a mix), questions the learner has not seen first.

        Every feature that asks questions picks them here, so a community's own question packs
        reach /quiz, the daily question, duels and live rounds alike: `community_id` names the
        community asking (None in a private chat), `user_id` None picks for a whole group (a
        daily question, a live round) with no learner's history, and `difficulty` narrows to
        junior, mid or senior questions.
        """
        query = select(QuizQuestion.id)
        if topic != MIXED:
            query = query.where(QuizQuestion.topic == topic)
        if difficulty is not None:
            query = query.where(QuizQuestion.difficulty == difficulty)
        shared = QuizQuestion.pack_id.is_(None)  # the bank's and generated questions
        if community_id is None:
            candidates = list((await self.session.scalars(query.where(shared))).all())
        else:
            candidates = await self._community_candidates(query, shared, community_id)
        seen: set[int] = set()
        if user_id is not None:
            seen = set(
                (
                    await self.session.scalars(
                        select(QuizAnswer.question_id)
                        .join(QuizSession, QuizSession.id == QuizAnswer.session_id)
                        .where(QuizSession.user_id == user_id)
                    )
                ).all()
            )
        fresh = [qid for qid in candidates if qid not in seen]
        again = [qid for qid in candidates if qid in seen]
        rng.shuffle(fresh)
        rng.shuffle(again)
        return (fresh + again)[:count]

    async def _community_candidates(
        self, query: Select[int], shared: ColumnElement[bool], community_id: int
    ) -> list[int]:
        """A community asks its own live packs (core.features.packs) beside the shared
        questions, never another's; with `/admin pack only on`, its packs alone, falling back
        to the shared ones when its packs have nothing for this topic and difficulty."""
        own = QuizQuestion.pack_id.in_(live_pack_ids(community_id))
        community = await self.session.get(Community, community_id)
        if community is not None and settings_of(community.settings).pack_only:
            packed = list((await self.session.scalars(query.where(own))).all())
            if packed:
                return packed
            return list((await self.session.scalars(query.where(shared))).all())
        return list((await self.session.scalars(query.where(or_(shared, own)))).all())

    async def questions_by_id(self, ids: Sequence[int]) -> dict[int, QuizQuestion]:
        rows = await self.session.scalars(select(QuizQuestion).where(QuizQuestion.id.in_(ids)))
        return {row.id: row for row in rows}

    async def due_questions(self, user_id: int, now: datetime, count: int) -> list[int]:
        # A removed pack's questions are asked no more, reviews included (core.features.packs).
        removed = select(QuestionPack.id).where(QuestionPack.removed_at.is_not(None))
        rows = await self.session.scalars(
            select(QuizReviewSchedule.question_id)
            .join(QuizQuestion, QuizQuestion.id == QuizReviewSchedule.question_id)
            .where(QuizReviewSchedule.user_id == user_id, QuizReviewSchedule.due_at <= now)
            .where(or_(QuizQuestion.pack_id.is_(None), QuizQuestion.pack_id.not_in(removed)))
            .order_by(QuizReviewSchedule.due_at, QuizReviewSchedule.question_id)
            .limit(count)
        )
        return list(rows.all())

    async def next_due(self, user_id: int) -> tuple[int, datetime | None]:
        """How many questions are scheduled and when the earliest falls due."""
        count, earliest = (
            await self.session.execute(
                select(func.count(), func.min(QuizReviewSchedule.due_at)).where(
                    QuizReviewSchedule.user_id == user_id
                )
            )
        ).one()
        return int(count or 0), earliest

    async def reschedule(
        self, user_id: int, question_id: int, correct: bool, now: datetime
    ) -> Schedule | None:
        """Move a question between Leitner boxes after an answer."""
        row = await self.session.get(QuizReviewSchedule, (user_id, question_id))
        current = Schedule(row.box, row.due_at) if row is not None else None
        schedule = next_schedule(current, correct, now)
        if schedule is None:
            if row is not None:
                await self.session.delete(row)
            return None
        if row is None:
            self.session.add(
                QuizReviewSchedule(
                    user_id=user_id,
                    question_id=question_id,
                    box=schedule.box,
                    due_at=schedule.due_at,
                    updated_at=now,
                )
            )
        else:
            row.box, row.due_at, row.updated_at = schedule.box, schedule.due_at, now
        return schedule

    async def active_sessions(self, user_id: int, chat_key: str) -> list[QuizSession]:
        rows = await self.session.scalars(
            select(QuizSession).where(
                QuizSession.user_id == user_id,
                QuizSession.chat_key == chat_key,
                QuizSession.status == "active",
            )
        )
        return list(rows.all())

    async def claim_answer(self, quiz: QuizSession, index: int, correct: bool) -> bool:
        """Advance the quiz past question `index` exactly once (a double tap loses the race).

        The guarded UPDATE is the arbiter on both backends: a second answer to the same question
        matches no row, so nothing is counted twice.
        """
        result = await self.session.execute(
            update(QuizSession)
            .where(
                QuizSession.id == quiz.id,
                QuizSession.status == "active",
                QuizSession.current_index == index,
            )
            .values(
                current_index=index + 1,
                correct_count=QuizSession.correct_count + (1 if correct else 0),
            )
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        await self.session.refresh(quiz)
        return True

    async def ids_for_external(self, external_ids: Sequence[str]) -> list[int]:
        """Question ids in the order of the given external ids."""
        rows = await self.session.execute(
            select(QuizQuestion.external_id, QuizQuestion.id).where(
                QuizQuestion.external_id.in_(external_ids)
            )
        )
        found = {external: qid for external, qid in rows}
        return [found[external] for external in external_ids if external in found]
