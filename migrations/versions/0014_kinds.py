"""The learner's open model work on their row, so the router finds it without a query.

`users.open_work` holds core.open_work.OpenWork bits: 1 while an interview is in progress,
2 while a /review waits for code. Filled in from the interviews and reviews open now.

Revision ID: 0014_kinds
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_kinds"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERVIEW, REVIEW = 1, 2


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("open_work", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE users SET open_work = "
        f"(CASE WHEN EXISTS (SELECT 1 FROM interview_sessions i WHERE i.user_id = users.id "
        f"AND i.status = 'active') THEN {INTERVIEW} ELSE 0 END) + "
        f"(CASE WHEN EXISTS (SELECT 1 FROM code_reviews r WHERE r.user_id = users.id "
        f"AND r.status = 'awaiting_code') THEN {REVIEW} ELSE 0 END)"
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("open_work")
