"""Seasons: monthly XP per learner (a month's board as fast as a week's) and the boards' winners.

`xp_monthly` mirrors `xp_weekly`, keyed by the month's first day in UTC, and is backfilled from
the ledger in one statement. `leaderboard_winners` keeps every closed week's and month's winners
of a community's board (`board` community:<id>) and of the global one (`global`) for the hall
of fame and the posts' "third week in a row".

Revision ID: 0016_seasons
Revises: 0015_proof_hidden_learners
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_seasons"
down_revision: str | None = "0015_proof_hidden_learners"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The ledger's amounts summed per learner and UTC month; capped awards (0 XP) add no row.
_BACKFILL = {
    "postgresql": (
        "INSERT INTO xp_monthly (user_id, month_start, xp) "
        "SELECT user_id, CAST(date_trunc('month', created_at AT TIME ZONE 'UTC') AS DATE), "
        "SUM(amount) FROM xp_ledger WHERE amount <> 0 GROUP BY 1, 2"
    ),
    "sqlite": (
        "INSERT INTO xp_monthly (user_id, month_start, xp) "
        "SELECT user_id, date(created_at, 'start of month'), SUM(amount) "
        "FROM xp_ledger WHERE amount <> 0 GROUP BY 1, 2"
    ),
}


def upgrade() -> None:
    op.create_table(
        "xp_monthly",
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("month_start", sa.Date(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "month_start"),
    )
    op.create_index("idx_xp_monthly_board", "xp_monthly", ["month_start", "xp"])
    op.execute(_BACKFILL[op.get_bind().dialect.name])
    op.create_table(
        "leaderboard_winners",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("board", sa.String(length=24), nullable=False),
        sa.Column("community_id", _ID, nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("board", "period", "period_start", "user_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_leaderboard_winners_user_id", "leaderboard_winners", ["user_id"])


def downgrade() -> None:
    op.drop_table("leaderboard_winners")
    op.drop_index("idx_xp_monthly_board", table_name="xp_monthly")
    op.drop_table("xp_monthly")
