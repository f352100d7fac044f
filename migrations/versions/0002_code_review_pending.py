"""Code reviews can wait for their code: a chat key, an expiry and a wider status column.

`/review` without code leaves a row with status `awaiting_code` for the learner's next message
in the same chat; the row expires so a forgotten request does not swallow later messages.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("code_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=12),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch_op.create_index(
            "idx_code_reviews_user_chat_status", ["user_id", "chat_key", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("code_reviews", schema=None) as batch_op:
        batch_op.drop_index("idx_code_reviews_user_chat_status")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=20),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
        batch_op.drop_column("expires_at")
        batch_op.drop_column("chat_key")
