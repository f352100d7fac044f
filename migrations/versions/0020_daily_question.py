"""The daily question: each community's question of the day, first answers, streaks.

Revision ID: 0020_daily_question
Revises: 0019_question_packs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_daily_question"
down_revision: str | None = "0019_question_packs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "daily_questions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("community_id", BigId, _fk("communities"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("question_id", BigId, _fk("quiz_questions"), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("closes_at", UTC, nullable=False),
        sa.Column("posted", sa.Boolean(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.UniqueConstraint("community_id", "day"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "daily_answers",
        sa.Column("daily_id", BigId, _fk("daily_questions"), primary_key=True),
        sa.Column("user_id", BigId, _fk("users"), primary_key=True),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTC, nullable=False),
    )
    op.create_index("ix_daily_answers_user_id", "daily_answers", ["user_id"])
    op.create_table(
        "daily_streaks",
        sa.Column("community_id", BigId, _fk("communities"), primary_key=True),
        sa.Column("user_id", BigId, _fk("users"), primary_key=True),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("longest", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
    )
    op.create_index("ix_daily_streaks_user_id", "daily_streaks", ["user_id"])


def downgrade() -> None:
    op.drop_table("daily_streaks")
    op.drop_table("daily_answers")
    op.drop_table("daily_questions")
