"""Duels: challenges, each player's progress, per-community duel ratings, account handles.

A duel's questions, clock and each player's place live in the database so a duel survives a
restart; `ux_duel_players_live` holds one open or running duel per learner.

Revision ID: 0018_duels
Revises: 0017_live_rounds
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_duels"
down_revision: str | None = "0017_live_rounds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def _user(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, _ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable)


def upgrade() -> None:
    # Members name each other by handle (`/duel @bob` on Telegram): kept with the account.
    with op.batch_alter_table("platform_accounts") as batch:
        batch.add_column(sa.Column("username", sa.String(64), nullable=True))
    op.create_index("ix_platform_accounts_username", "platform_accounts", ["username"])
    op.create_table(
        "duels",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "community_id",
            _ID,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("chat_kind", sa.String(20), nullable=False),
        _user("challenger_id"),
        _user("opponent_id", nullable=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rated", sa.Boolean(), nullable=False),
        sa.Column("rating_note", sa.String(200), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
        sa.Column("started_at", _WHEN, nullable=True),
        sa.Column("deadline", _WHEN, nullable=True),
        sa.Column("finished_at", _WHEN, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_duels_status_expires", "duels", ["status", "expires_at"])
    op.create_index("ix_duels_status_deadline", "duels", ["status", "deadline"])
    op.create_index(
        "ix_duels_pair", "duels", ["community_id", "challenger_id", "opponent_id", "finished_at"]
    )
    op.create_table(
        "duel_players",
        sa.Column(
            "duel_id",
            _ID,
            sa.ForeignKey("duels.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", _ID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("correct_count", sa.Integer(), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=True),
        sa.Column("time_ms", sa.Integer(), nullable=False),
        sa.Column("finished_at", _WHEN, nullable=True),
    )
    op.create_index("ix_duel_players_user_id", "duel_players", ["user_id"])
    op.create_index(
        "ux_duel_players_live",
        "duel_players",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("live = 1"),
        postgresql_where=sa.text("live"),
    )
    op.create_table(
        "duel_ratings",
        sa.Column(
            "community_id",
            _ID,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", _ID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("mu", sa.Float(), nullable=False),
        sa.Column("sigma", sa.Float(), nullable=False),
        sa.Column("ordinal", sa.Float(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("wins", sa.Integer(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.create_index("ix_duel_ratings_user_id", "duel_ratings", ["user_id"])
    op.create_index("ix_duel_ratings_board", "duel_ratings", ["community_id", "ordinal"])


def downgrade() -> None:
    op.drop_table("duel_ratings")
    op.drop_table("duel_players")
    op.drop_table("duels")
    op.drop_index("ix_platform_accounts_username", table_name="platform_accounts")
    with op.batch_alter_table("platform_accounts") as batch:
        batch.drop_column("username")
