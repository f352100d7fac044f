"""users.card_opt_out: /settings card off, so /profile answers without the rank card image.

Revision ID: 0022_cards
Revises: 0021_roles
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_cards"
down_revision: str | None = "0021_roles"
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
