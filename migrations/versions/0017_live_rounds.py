"""Live quiz rounds: live_rounds, live_questions, live_answers (core.db.models.live).

One running round per channel is the partial unique index `uq_live_rounds_running_chat`, so
two processes starting a round in the same channel cannot both succeed. One answer per learner
per question is the unique (live_question_id, user_id).

Revision ID: 0017_live_rounds
Revises: 0016_seasons
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_live_rounds"
down_revision: str | None = "0016_seasons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "live_rounds",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("community_id", _ID, _fk("communities"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("chat_key", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("announced", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("next_at", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
    )
    op.create_index(
        "uq_live_rounds_running_chat",
        "live_rounds",
        ["chat_key"],
        unique=True,
        sqlite_where=sa.text("status = 'running'"),
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_index("idx_live_rounds_status_next", "live_rounds", ["status", "next_at"])
    op.create_table(
        "live_questions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("round_id", _ID, _fk("live_rounds"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", _ID, _fk("quiz_questions"), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("posted_at", _time(), nullable=False),
        sa.Column("closes_at", _time(), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.UniqueConstraint("round_id", "position"),
    )
    op.create_table(
        "live_answers",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("live_question_id", _ID, _fk("live_questions"), nullable=False),
        sa.Column("round_id", _ID, _fk("live_rounds"), nullable=False),
        sa.Column("user_id", _ID, _fk("users"), nullable=False),
        sa.Column("chosen", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answered_at", _time(), nullable=False),
        sa.UniqueConstraint("live_question_id", "user_id"),
    )
    op.create_index("idx_live_answers_round", "live_answers", ["round_id"])


def downgrade() -> None:
    op.drop_table("live_answers")
    op.drop_table("live_questions")
    op.drop_index("idx_live_rounds_status_next", table_name="live_rounds")
    op.drop_index("uq_live_rounds_running_chat", table_name="live_rounds")
    op.drop_table("live_rounds")
