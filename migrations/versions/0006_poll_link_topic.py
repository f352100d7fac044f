"""The forum topic a Telegram poll was posted in, so its answers land in that topic.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poll_links") as batch:
        batch.add_column(sa.Column("topic_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_links") as batch:
        batch.drop_column("topic_id")
