"""XP that rewards practice: a daily count per activity, and quiz badges that need real quizzes.

`xp_daily` counts each learner's XP-earning awards per activity and local day, so the daily
allowance (core.rules.xp.DAILY_CAPS) holds under concurrent awards. Quiz Scholar and Flawless
now count quizzes of five or more questions only: ten one-question quizzes were worth 50 XP of
badge, and a one-question quiz answered right was "flawless".

Revision ID: 0013
Revises: 0011
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBSTANTIAL_QUIZ = 5
# slug: (description, criteria) after and before
_BADGES: dict[str, tuple[tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "quiz-scholar": (
        (
            "Finished ten quizzes of five or more questions",
            {"event": "quiz_completed", "count": 10, "min_questions": SUBSTANTIAL_QUIZ},
        ),
        ("Finished ten quizzes", {"event": "quiz_completed", "count": 10}),
    ),
    "quiz-perfect": (
        (
            "A perfect score on a quiz of five or more questions",
            {
                "event": "quiz_completed",
                "count": 1,
                "min_score": 100,
                "min_questions": SUBSTANTIAL_QUIZ,
            },
        ),
        (
            "A perfect score on a quiz",
            {"event": "quiz_completed", "count": 1, "min_score": 100},
        ),
    ),
}

_ACHIEVEMENTS = sa.table(
    "achievements",
    sa.column("slug", sa.String),
    sa.column("description", sa.String),
    sa.column("criteria", sa.JSON),
)


def _set_badges(which: int) -> None:
    for slug, versions in _BADGES.items():
        description, criteria = versions[which]
        op.execute(
            _ACHIEVEMENTS.update()
            .where(_ACHIEVEMENTS.c.slug == slug)
            .values(description=description, criteria=criteria)
        )


def upgrade() -> None:
    op.create_table(
        "xp_daily",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "day", "activity"),
    )
    _set_badges(0)


def downgrade() -> None:
    _set_badges(1)
    op.drop_table("xp_daily")
