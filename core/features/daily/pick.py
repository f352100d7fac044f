"""Choosing a community's question of the day: through the one picker every feature uses
(QuizStore.pick_questions, which honours the community's packs), avoiding the questions the
community had in recent days, the same choice in every process for the same day."""

from __future__ import annotations

import random
from datetime import date, timedelta

from core.db.scope import Repositories
from core.features.daily.store import DailyStore
from core.features.quiz.store import QuizStore
from core.features.quiz.topics import MIXED

RECENT = timedelta(days=30)


async def choose_question(
    uow: Repositories, community_id: int, day: date, topic: str | None, level: str | None
) -> int | None:
    """A question id for the community's `day`, or None if the bank has none that fit. A
    level with no question on the topic falls back to any level, so the day is never empty."""
    recent = await uow.repository(DailyStore).recent_questions(community_id, day - RECENT)
    quiz = uow.repository(QuizStore)
    rng = random.Random(f"{community_id}:{day.isoformat()}")
    for difficulty in dict.fromkeys((level, None)):
        picked = await quiz.pick_questions(
            None,
            topic or MIXED,
            len(recent) + 1,
            rng,
            community_id=community_id,
            difficulty=difficulty,
        )
        fresh = [qid for qid in picked if qid not in recent]
        if fresh or picked:
            return (fresh or picked)[0]
    return None
