"""users.card_opt_out: /settings card off, so /profile answers without the rank card image.

Revision ID: 0017_cards
Revises: 0020_daily_question (main's head when this was written; the lead re-chains)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_cards"
down_revision: str | None = "0020_daily_question"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch rebuild: rebuilding users on SQLite would drop its
    # AUTOINCREMENT, and a forgotten learner's id could then be handed out again.
    op.add_column(
        "users", sa.Column("card_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.drop_column("users", "card_opt_out")
