"""What a report summarises: AI-assessed skill averages, offline key-point coverage apart from
them, and this learner's practice counts.

Offline interviews measure key-point coverage, not the six skills, so they never enter the
skill averages: older offline reports that did write skill_scores rows are left out by their
session, and coverage is read from the offline sessions themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from core.db.models import (
    ActivityLog,
    CodeReview,
    InterviewSession,
    QuizAnswer,
    QuizQuestion,
    QuizReviewSchedule,
    QuizSession,
    SkillScore,
    XpLedger,
)
from core.db.repository import Repository
from core.db.uow import UnitOfWork
from core.features.report.trend import ScoredMoment
from core.rules.xp import Activity

SKILLS: tuple[tuple[str, str], ...] = (
    ("communication", "Communication"),
    ("code_quality", "Code quality"),
    ("requirements_gathering", "Requirements gathering"),
    ("technical_depth", "Technical depth"),
    ("problem_solving", "Problem solving"),
    ("professionalism", "Professionalism"),
)


@dataclass(frozen=True)
class SkillAverages:
    samples: int
    values: dict[str, float]  # skill column -> average 0-100
    overall: float

    def strongest(self) -> str:
        return max(self.values, key=lambda skill: (self.values[skill], skill))

    def weakest(self) -> str:
        return min(self.values, key=lambda skill: (self.values[skill], skill))


@dataclass(frozen=True)
class Practice:
    count: int
    average: float | None


@dataclass(frozen=True)
class Coverage:
    """Offline interviews' key-point coverage: overall and by focus area (0-100)."""

    interviews: int
    overall: float
    by_focus: dict[str, float]


class ReportStore(Repository):
    """The rows a report is summarised from."""

    async def offline_sessions(self, user_id: int) -> list[tuple[int, dict[str, object]]]:
        """The learner's completed offline interviews: id and feedback scores."""
        rows = await self.session.execute(
            select(InterviewSession.id, InterviewSession.feedback_scores).where(
                InterviewSession.user_id == user_id, InterviewSession.status == "completed"
            )
        )
        return [
            (int(id_), dict(scores)) for id_, scores in rows if scores and scores.get("offline")
        ]

    async def skill_score_averages(
        self, user_id: int, leaving_out_interviews: Sequence[str]
    ) -> tuple[Any, ...]:
        """(count, average overall, average of each of SKILLS) of the learner's skill scores,
        leaving out those of the interviews named (offline ones)."""
        columns = [getattr(SkillScore, column) for column, _ in SKILLS]
        where = _ai_assessed(user_id, leaving_out_interviews)
        row = (
            await self.session.execute(
                select(
                    func.count(SkillScore.id),
                    func.avg(SkillScore.overall),
                    *(func.avg(column) for column in columns),
                ).where(*where)
            )
        ).one()
        return tuple(row)

    async def scored_moments(
        self,
        user_id: int,
        leaving_out_interviews: Sequence[str],
        *,
        since: datetime | None = None,
        latest: int | None = None,
    ) -> list[ScoredMoment]:
        """The learner's AI-assessed scores, oldest first: those since `since`, or the `latest`
        few."""
        where = _ai_assessed(user_id, leaving_out_interviews)
        if since is not None:
            where.append(SkillScore.created_at >= since)
        query = select(SkillScore).where(*where)
        if latest is not None:
            query = query.order_by(SkillScore.created_at.desc(), SkillScore.id.desc()).limit(latest)
        rows = list((await self.session.scalars(query)).all())
        rows.sort(key=lambda row: (row.created_at, row.id))
        return [
            ScoredMoment(
                row.created_at,
                float(row.overall),
                {column: float(getattr(row, column)) for column, _ in SKILLS},
            )
            for row in rows
        ]

    async def xp_since(self, user_id: int, since: datetime) -> list[tuple[datetime, int]]:
        """Every XP award (and revocation) of the learner since `since`: a year is a few
        thousand small rows at most, read through the ledger's (user_id, ...) unique index."""
        rows = await self.session.execute(
            select(XpLedger.created_at, XpLedger.amount).where(
                XpLedger.user_id == user_id, XpLedger.created_at >= since
            )
        )
        return [(at, int(amount)) for at, amount in rows]

    async def quiz_answers_by_topic(self, user_id: int) -> list[tuple[str, int, int]]:
        """(topic, questions answered, answered right) over the learner's own quizzes."""
        rows = await self.session.execute(
            select(
                QuizQuestion.topic,
                func.count(QuizAnswer.id),
                func.sum(case((QuizAnswer.correct, 1), else_=0)),
            )
            .join(QuizSession, QuizSession.id == QuizAnswer.session_id)
            .join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
            .where(QuizSession.user_id == user_id)
            .group_by(QuizQuestion.topic)
            .order_by(QuizQuestion.topic)
        )
        return [(str(topic), int(answered), int(right or 0)) for topic, answered, right in rows]

    async def code_review_scores(
        self, user_id: int, latest: int
    ) -> tuple[int, float | None, list[int]]:
        """(reviews done, their average score, the `latest` scores newest first)."""
        where = (
            CodeReview.user_id == user_id,
            CodeReview.status == "completed",
            CodeReview.score.is_not(None),
        )
        count, average = (
            await self.session.execute(
                select(func.count(CodeReview.id), func.avg(CodeReview.score)).where(*where)
            )
        ).one()
        recent = await self.session.scalars(
            select(CodeReview.score)
            .where(*where)
            .order_by(CodeReview.created_at.desc(), CodeReview.id.desc())
            .limit(latest)
        )
        scores = [int(score) for score in recent.all() if score is not None]
        return int(count or 0), float(average) if average is not None else None, scores

    async def questions_due(self, user_id: int, now: datetime) -> int:
        """Missed quiz questions whose spaced-repetition second look is due."""
        count = await self.session.scalar(
            select(func.count()).where(
                QuizReviewSchedule.user_id == user_id, QuizReviewSchedule.due_at <= now
            )
        )
        return int(count or 0)

    async def practice_counts(self, user_id: int, activity: Activity) -> tuple[int, float | None]:
        """How often the learner did `activity`, and their average score in it."""
        count, average = (
            await self.session.execute(
                select(func.count(ActivityLog.id), func.avg(ActivityLog.score)).where(
                    ActivityLog.user_id == user_id, ActivityLog.event_type == str(activity)
                )
            )
        ).one()
        return int(count or 0), float(average) if average is not None else None


def _ai_assessed(user_id: int, leaving_out_interviews: Sequence[str]) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [SkillScore.user_id == user_id]
    if leaving_out_interviews:
        where.append(
            ~(SkillScore.source_type == "interview")
            | SkillScore.source_id.not_in(leaving_out_interviews)
        )
    return where


async def _offline_sessions(uow: UnitOfWork, user_id: int) -> list[tuple[int, dict[str, object]]]:
    return await uow.repository(ReportStore).offline_sessions(user_id)


async def coverage(uow: UnitOfWork, user_id: int) -> Coverage | None:
    found = [scores for _, scores in await _offline_sessions(uow, user_id) if "coverage" in scores]
    if not found:
        return None
    focus: dict[str, list[float]] = {}
    for scores in found:
        by_focus = scores.get("by_focus")
        for name, value in (by_focus if isinstance(by_focus, dict) else {}).items():
            focus.setdefault(str(name), []).append(float(value))
    overall = sum(float(str(scores["coverage"])) for scores in found) / len(found)
    return Coverage(
        len(found), overall, {name: sum(v) / len(v) for name, v in sorted(focus.items())}
    )


async def offline_interview_ids(uow: UnitOfWork, user_id: int) -> list[str]:
    """The source ids of offline interviews, whose skill_scores rows (if any) are left out."""
    return [str(id_) for id_, _ in await _offline_sessions(uow, user_id)]


async def skill_averages(uow: UnitOfWork, user_id: int) -> SkillAverages | None:
    """Averages of AI-assessed skill scores only."""
    offline = await offline_interview_ids(uow, user_id)
    row = await uow.repository(ReportStore).skill_score_averages(user_id, offline)
    samples = int(row[0] or 0)
    if not samples:
        return None
    values = {column: float(value) for (column, _), value in zip(SKILLS, row[2:], strict=True)}
    return SkillAverages(samples, values, float(row[1]))


async def practice(uow: UnitOfWork, user_id: int, activity: Activity) -> Practice:
    count, average = await uow.repository(ReportStore).practice_counts(user_id, activity)
    return Practice(count, average)
