"""Quiz queries: choosing questions, the review schedule and a learner's quiz sessions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from core.db.models import QuizAnswer, QuizQuestion, QuizReviewSchedule, QuizSession
from core.db.uow import UnitOfWork
from core.features.quiz.spacing import Schedule, next_schedule
from core.features.quiz.topics import MIXED


async def pick_questions(
    uow: UnitOfWork, user_id: int, topic: str, count: int, rng: random.Random
) -> list[int]:
    """`count` question ids for a topic (or a mix), questions the learner has not seen first."""
    query = select(QuizQuestion.id)
    if topic != MIXED:
        query = query.where(QuizQuestion.topic == topic)
    candidates = list((await uow.session.scalars(query)).all())
    seen = set(
        (
            await uow.session.scalars(
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


async def questions_by_id(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, QuizQuestion]:
    rows = await uow.session.scalars(select(QuizQuestion).where(QuizQuestion.id.in_(ids)))
    return {row.id: row for row in rows}


async def due_questions(uow: UnitOfWork, user_id: int, now: datetime, count: int) -> list[int]:
    rows = await uow.session.scalars(
        select(QuizReviewSchedule.question_id)
        .where(QuizReviewSchedule.user_id == user_id, QuizReviewSchedule.due_at <= now)
        .order_by(QuizReviewSchedule.due_at, QuizReviewSchedule.question_id)
        .limit(count)
    )
    return list(rows.all())


async def next_due(uow: UnitOfWork, user_id: int) -> tuple[int, datetime | None]:
    """How many questions are scheduled and when the earliest falls due."""
    count, earliest = (
        await uow.session.execute(
            select(func.count(), func.min(QuizReviewSchedule.due_at)).where(
                QuizReviewSchedule.user_id == user_id
            )
        )
    ).one()
    return int(count or 0), earliest


async def reschedule(
    uow: UnitOfWork, user_id: int, question_id: int, correct: bool, now: datetime
) -> Schedule | None:
    """Move a question between Leitner boxes after an answer."""
    row = await uow.session.get(QuizReviewSchedule, (user_id, question_id))
    current = Schedule(row.box, row.due_at) if row is not None else None
    schedule = next_schedule(current, correct, now)
    if schedule is None:
        if row is not None:
            await uow.session.delete(row)
        return None
    if row is None:
        uow.session.add(
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


async def active_sessions(uow: UnitOfWork, user_id: int, chat_key: str) -> list[QuizSession]:
    rows = await uow.session.scalars(
        select(QuizSession).where(
            QuizSession.user_id == user_id,
            QuizSession.chat_key == chat_key,
            QuizSession.status == "active",
        )
    )
    return list(rows.all())


async def claim_answer(uow: UnitOfWork, quiz: QuizSession, index: int, correct: bool) -> bool:
    """Advance the quiz past question `index` exactly once (a double tap loses the race).

    The guarded UPDATE is the arbiter on both backends: a second answer to the same question
    matches no row, so nothing is counted twice.
    """
    result = await uow.session.execute(
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
    await uow.session.refresh(quiz)
    return True


async def ids_for_external(uow: UnitOfWork, external_ids: Sequence[str]) -> list[int]:
    """Question ids in the order of the given external ids."""
    rows = await uow.session.execute(
        select(QuizQuestion.external_id, QuizQuestion.id).where(
            QuizQuestion.external_id.in_(external_ids)
        )
    )
    found = {external: qid for external, qid in rows}
    return [found[external] for external in external_ids if external in found]
