"""What a report shows beyond the averages: the latest interview against the one before, the
weekly trend, and quiz and code-review progress, which exist long before a first interview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.uow import UnitOfWork
from core.features.report.data import SKILLS, ReportStore, offline_interview_ids
from core.features.report.trend import ScoredMoment, WeeklyTrend, weekly_trend, window_start

RECENT_REVIEWS = 3


@dataclass(frozen=True)
class TopicAccuracy:
    topic: str
    answered: int
    right: int

    @property
    def percent(self) -> float:
        return 100 * self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class QuizProgress:
    topics: tuple[TopicAccuracy, ...]  # by topic name
    due: int  # missed questions due for a second look

    @property
    def answered(self) -> int:
        return sum(topic.answered for topic in self.topics)

    @property
    def right(self) -> int:
        return sum(topic.right for topic in self.topics)


@dataclass(frozen=True)
class ReviewProgress:
    done: int
    average: float | None
    recent: tuple[int, ...]  # the latest scores, newest first


@dataclass(frozen=True)
class Comparison:
    """The latest AI-assessed interview and the one before it (None for a first one)."""

    latest: ScoredMoment
    previous: ScoredMoment | None


async def quiz_progress(uow: UnitOfWork, user_id: int, now: datetime) -> QuizProgress:
    store = uow.repository(ReportStore)
    topics = tuple(TopicAccuracy(*row) for row in await store.quiz_answers_by_topic(user_id))
    return QuizProgress(topics, await store.questions_due(user_id, now))


async def review_progress(uow: UnitOfWork, user_id: int) -> ReviewProgress:
    done, average, recent = await uow.repository(ReportStore).code_review_scores(
        user_id, RECENT_REVIEWS
    )
    return ReviewProgress(done, average, tuple(recent))


async def comparison(uow: UnitOfWork, user_id: int) -> Comparison | None:
    offline = await offline_interview_ids(uow, user_id)
    found = await uow.repository(ReportStore).scored_moments(user_id, offline, latest=2)
    if not found:
        return None
    return Comparison(found[-1], found[-2] if len(found) > 1 else None)


async def trend(uow: UnitOfWork, user_id: int, now: datetime, time_zone: str | None) -> WeeklyTrend:
    store = uow.repository(ReportStore)
    since = window_start(now, time_zone)
    offline = await offline_interview_ids(uow, user_id)
    scores = await store.scored_moments(user_id, offline, since=since)
    earned = await store.xp_since(user_id, since)
    return weekly_trend(scores, earned, [column for column, _ in SKILLS], now, time_zone)
