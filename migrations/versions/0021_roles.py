"""Role rewards: role_rewards (core.db.models.rewards), one row per community and level.

Revision ID: 0021_roles
Revises: 0020_daily_question
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_roles"
down_revision: str | None = "0020_daily_question"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "role_rewards",
        sa.Column(
            "community_id",
            _ID,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("level", sa.Integer(), primary_key=True),
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("role_name", sa.String(100), nullable=False),
        sa.Column("set_by", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("broken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("broken_reason", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("role_rewards")
