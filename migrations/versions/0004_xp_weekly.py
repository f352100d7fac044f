"""Weekly XP per learner, for a fast weekly leaderboard; backfilled from the ledger.

Revision ID: 0004
Revises: 0003
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _monday(moment: datetime | str) -> date:
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    day = moment.date()
    return day - timedelta(days=day.weekday())


def upgrade() -> None:
    op.create_table(
        "xp_weekly",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "week_start"),
    )
    op.create_index("idx_xp_weekly_board", "xp_weekly", ["week_start", "xp"])
    totals: dict[tuple[int, date], int] = defaultdict(int)
    rows = op.get_bind().execute(sa.text("SELECT user_id, created_at, amount FROM xp_ledger"))
    for user_id, created_at, amount in rows:
        totals[(user_id, _monday(created_at))] += amount
    if totals:
        weekly = sa.table(
            "xp_weekly",
            sa.column("user_id", sa.Integer),
            sa.column("week_start", sa.Date),
            sa.column("xp", sa.Integer),
        )
        op.bulk_insert(
            weekly,
            [{"user_id": u, "week_start": w, "xp": xp} for (u, w), xp in totals.items()],
        )


def downgrade() -> None:
    op.drop_index("idx_xp_weekly_board", table_name="xp_weekly")
    op.drop_table("xp_weekly")
