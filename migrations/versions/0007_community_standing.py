"""Community-scoped trust: community bans and XP adjustments, folded refusals in the audit
log, and ids that SQLite never hands out twice.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)

# Tables with a surrogate integer key. On SQLite they are rebuilt as AUTOINCREMENT, so a
# deleted learner's id (or a session's, named in an old button) is never given to a new row.
# core.db.migrate turns foreign keys off around the upgrade, so the rebuild cascades nothing.
_SURROGATE_KEYS = (
    "achievements",
    "communities",
    "job_runs",
    "quiz_questions",
    "users",
    "activity_log",
    "admin_audit",
    "ai_usage",
    "code_reviews",
    "interview_sessions",
    "leaderboard_snapshots",
    "platform_accounts",
    "quiz_sessions",
    "skill_scores",
    "user_achievements",
    "xp_ledger",
    "quiz_answers",
)


def upgrade() -> None:
    op.create_table(
        "community_bans",
        sa.Column(
            "community_id",
            BigId,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", BigId, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index("ix_community_bans_user_id", "community_bans", ["user_id"])
    op.create_table(
        "community_xp",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "community_id",
            BigId,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("audit_id", BigId, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_community_xp_user_id", "community_xp", ["user_id"])
    op.create_index(
        "idx_community_xp_board",
        "community_xp",
        ["community_id", "created_at", "user_id", "amount"],
    )
    with op.batch_alter_table("admin_audit") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))
    if op.get_bind().dialect.name == "sqlite":
        for name in _SURROGATE_KEYS:
            with op.batch_alter_table(
                name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade() -> None:
    with op.batch_alter_table("admin_audit") as batch:
        batch.drop_column("attempts")
    op.drop_table("community_xp")
    op.drop_table("community_bans")
