"""What a report summarises: skill averages and this learner's practice counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.db.models import ActivityLog, SkillScore
from core.db.uow import UnitOfWork
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


async def skill_averages(uow: UnitOfWork, user_id: int) -> SkillAverages | None:
    columns = [getattr(SkillScore, column) for column, _ in SKILLS]
    row = (
        await uow.session.execute(
            select(
                func.count(SkillScore.id),
                func.avg(SkillScore.overall),
                *(func.avg(column) for column in columns),
            ).where(SkillScore.user_id == user_id)
        )
    ).one()
    samples = int(row[0] or 0)
    if not samples:
        return None
    values = {column: float(value) for (column, _), value in zip(SKILLS, row[2:], strict=True)}
    return SkillAverages(samples, values, float(row[1]))


async def practice(uow: UnitOfWork, user_id: int, activity: Activity) -> Practice:
    count, average = (
        await uow.session.execute(
            select(func.count(ActivityLog.id), func.avg(ActivityLog.score)).where(
                ActivityLog.user_id == user_id, ActivityLog.event_type == str(activity)
            )
        )
    ).one()
    return Practice(int(count or 0), float(average) if average is not None else None)
