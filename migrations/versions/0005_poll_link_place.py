"""Where a Telegram poll was posted and its full explanation, so both survive a restart.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poll_links") as batch:
        batch.add_column(sa.Column("chat_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("chat_title", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("explanation", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_links") as batch:
        batch.drop_column("explanation")
        batch.drop_column("chat_title")
        batch.drop_column("chat_id")
