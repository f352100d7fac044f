"""Code reviews keep a hash of their normalised code, so the same code earns XP once.

The hash (SHA-256 of the code with layout and comments taken out, and its language) is looked
up by learner: a resubmission is found by one index probe instead of re-reading old code.
Reviews stored before this revision have none and so never count as earlier copies.

Revision ID: 0011
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("code_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("idx_code_reviews_user_hash", ["user_id", "code_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("code_reviews", schema=None) as batch_op:
        batch_op.drop_index("idx_code_reviews_user_hash")
        batch_op.drop_column("code_hash")
