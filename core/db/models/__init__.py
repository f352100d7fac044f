"""SQLAlchemy models: the tables of DESIGN §4, one module per area, importable from here."""

from core.db.models.base import Base, BigId, UTCDateTime, table_of
from core.db.models.learning import (
    AiBudget,
    AiUsage,
    CodeReview,
    InterviewSession,
    QuizAnswer,
    QuizQuestion,
    QuizReviewSchedule,
    QuizSession,
    SkillScore,
)
from core.db.models.operations import AdminAudit, JobRun, LinkCode, PollLink, ProcessedEvent
from core.db.models.people import Community, CommunityMember, PlatformAccount, User
from core.db.models.progress import (
    Achievement,
    ActivityLog,
    LeaderboardSnapshot,
    UserAchievement,
    XpLedger,
    XpWeekly,
)

__all__ = [
    "Achievement",
    "ActivityLog",
    "AdminAudit",
    "AiBudget",
    "AiUsage",
    "Base",
    "BigId",
    "CodeReview",
    "Community",
    "CommunityMember",
    "InterviewSession",
    "JobRun",
    "LeaderboardSnapshot",
    "LinkCode",
    "PlatformAccount",
    "PollLink",
    "ProcessedEvent",
    "QuizAnswer",
    "QuizQuestion",
    "QuizReviewSchedule",
    "QuizSession",
    "SkillScore",
    "UTCDateTime",
    "User",
    "UserAchievement",
    "XpLedger",
    "XpWeekly",
    "table_of",
]
