"""A covering index for weekly leaderboards: XP earned by learner within a date range.

With it the weekly top 10 reads only the index entries of that week (about 1/26 of a
half-year ledger) instead of the whole ledger in learner order. See bench/leaderboard.py.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("xp_ledger", schema=None) as batch_op:
        batch_op.create_index(
            "idx_xp_ledger_week", ["created_at", "user_id", "amount"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("xp_ledger", schema=None) as batch_op:
        batch_op.drop_index("idx_xp_ledger_week")
