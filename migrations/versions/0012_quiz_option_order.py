"""The shuffled option order of a quiz's open question, so an answer maps back after a restart.

Revision ID: 0012
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_sessions") as batch:
        batch.add_column(sa.Column("option_order", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_sessions") as batch:
        batch.drop_column("option_order")
