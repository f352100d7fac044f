"""Question packs: a community's own quiz questions, uploaded by its moderators.

`question_packs` holds one row per upload; a removed or replaced pack keeps its row (marked
`removed_at`) so the quiz sessions and answers that name its questions stay whole. Questions
live in `quiz_questions` as before, with `pack_id` naming their pack (None: the bank's and
generated questions, which every community shares).

Revision ID: 0019_question_packs
Revises: 0018_duels
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_question_packs"
down_revision: str | None = "0018_duels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "question_packs",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "community_id",
            BigId,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", UTC, nullable=False),
        sa.Column("removed_at", UTC, nullable=True),
        # A removed pack's id is never handed out again: its questions' external ids carry it.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_question_packs_community_id", "question_packs", ["community_id"])
    op.create_index(
        "uq_question_packs_live_name",
        "question_packs",
        ["community_id", "name"],
        unique=True,
        sqlite_where=sa.text("removed_at IS NULL"),
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    with op.batch_alter_table("quiz_questions") as batch:
        batch.add_column(sa.Column("pack_id", BigId, nullable=True))
        batch.create_foreign_key(
            "fk_quiz_questions_pack_id",
            "question_packs",
            ["pack_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_quiz_questions_pack_id", ["pack_id"])


def downgrade() -> None:
    with op.batch_alter_table("quiz_questions") as batch:
        batch.drop_index("ix_quiz_questions_pack_id")
        batch.drop_constraint("fk_quiz_questions_pack_id", type_="foreignkey")
        batch.drop_column("pack_id")
    op.drop_index("uq_question_packs_live_name", table_name="question_packs")
    op.drop_index("ix_question_packs_community_id", table_name="question_packs")
    op.drop_table("question_packs")
