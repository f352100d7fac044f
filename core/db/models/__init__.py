"""SQLAlchemy models: the tables of DESIGN §4, one module per area, importable from here."""

from core.db.models.base import Base, BigId, UTCDateTime, table_of
from core.db.models.daily import DailyAnswer, DailyQuestion, DailyStreak
from core.db.models.duels import Duel, DuelPlayer, DuelRating
from core.db.models.learning import (
    AiBudget,
    AiSpend,
    AiUsage,
    CodeReview,
    InterviewSession,
    QuestionPack,
    QuizAnswer,
    QuizQuestion,
    QuizReviewSchedule,
    QuizSession,
    SkillScore,
)
from core.db.models.live import LiveAnswer, LiveQuestion, LiveRound
from core.db.models.operations import AdminAudit, JobRun, LinkCode, PollLink, ProcessedEvent
from core.db.models.people import Community, CommunityMember, PlatformAccount, User
from core.db.models.progress import (
    Achievement,
    ActivityLog,
    LeaderboardSnapshot,
    LeaderboardWinner,
    UserAchievement,
    XpDaily,
    XpLedger,
    XpMonthly,
    XpWeekly,
)
from core.db.models.rewards import RoleReward
from core.db.models.standing import CommunityBan, CommunityXp
from core.db.models.web import CommunityWebPage

__all__ = [
    "Achievement",
    "ActivityLog",
    "AdminAudit",
    "AiBudget",
    "AiSpend",
    "AiUsage",
    "Base",
    "BigId",
    "CodeReview",
    "Community",
    "CommunityBan",
    "CommunityMember",
    "CommunityWebPage",
    "CommunityXp",
    "DailyAnswer",
    "DailyQuestion",
    "DailyStreak",
    "Duel",
    "DuelPlayer",
    "DuelRating",
    "InterviewSession",
    "JobRun",
    "LeaderboardSnapshot",
    "LeaderboardWinner",
    "LinkCode",
    "LiveAnswer",
    "LiveQuestion",
    "LiveRound",
    "PlatformAccount",
    "PollLink",
    "ProcessedEvent",
    "QuestionPack",
    "QuizAnswer",
    "QuizQuestion",
    "QuizReviewSchedule",
    "QuizSession",
    "RoleReward",
    "SkillScore",
    "UTCDateTime",
    "User",
    "UserAchievement",
    "XpDaily",
    "XpLedger",
    "XpMonthly",
    "XpWeekly",
    "table_of",
]


def _never_reuse_ids() -> None:
    """SQLite hands a deleted row's id to the next insert unless the table is AUTOINCREMENT.
    A learner who /forgets and returns must never get an old id back (an id may be cached or
    named in an old button), so every table with a surrogate integer key never reuses one."""
    for table in Base.metadata.tables.values():
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement is True:
            table.dialect_options["sqlite"]["autoincrement"] = True


_never_reuse_ids()
