"""An index of the learners hidden from leaderboards (banned, or opted out of boards).

A learner's rank on the global week's board counts everyone ahead of them in the week's totals
and then takes away the hidden learners among those (core.leaderboard._weekly_ahead); this
partial index holds only the hidden ones, so finding them reads a few rows, not every learner.
Its condition is written as the query writes it, so SQLite sees that the index applies.

Revision ID: 0015_proof_hidden_learners
Revises: 0014_kinds
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_proof_hidden_learners"
down_revision: str | None = "0014_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_users_hidden",
        "users",
        ["id"],
        sqlite_where=sa.text("banned = 1 OR leaderboard_opt_out = 1"),
        postgresql_where=sa.text("banned OR leaderboard_opt_out"),
    )


def downgrade() -> None:
    op.drop_index("ix_users_hidden", table_name="users")
