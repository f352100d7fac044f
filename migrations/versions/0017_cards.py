"""users.card_opt_out: /settings card off, so /profile answers without the rank card image.

Also the merge of main's two 0016 heads (seasons and live rounds), so `upgrade head` works;
the lead re-chains at merge.

Revision ID: 0017_cards
Revises: 0016_seasons, 0016_live_rounds
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_cards"
down_revision: str | tuple[str, ...] | None = ("0016_seasons", "0016_live_rounds")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(
            sa.Column("card_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("card_opt_out")
