"""A month's AI spend per platform identity hash, reserved before and settled after each call.

The spend so far is carried over from ai_usage for learners who still have an account (rows of
learners already gone, whose user_id is NULL, cannot be attributed to anyone and stay unkeyed).

Revision ID: 0008
Revises: 0012
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from core.ai.spend_key import learner_key

revision: str = "0008"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    spend = op.create_table(
        "ai_spend",
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("spent_micros", sa.BigInteger(), nullable=False),
        sa.Column("reserved_micros", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("identity_hash", "month"),
    )
    _carry_over(op.get_bind(), spend)


def _carry_over(bind: sa.engine.Connection, spend: sa.Table) -> None:
    accounts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for user_id, platform, platform_user_id in bind.execute(
        sa.text("SELECT user_id, platform, platform_user_id FROM platform_accounts")
    ):
        accounts[user_id].append((platform, platform_user_id))
    totals: dict[tuple[str, date], int] = defaultdict(int)
    usage = bind.execute(
        sa.text("SELECT user_id, created_at, cost_usd FROM ai_usage WHERE user_id IS NOT NULL")
    )
    for user_id, created_at, cost in usage:
        key = learner_key(accounts.get(user_id, ()))
        if key is None:
            continue
        moment = created_at if not isinstance(created_at, str) else _parse(created_at)
        month = date(moment.year, moment.month, 1)
        totals[key, month] += int(Decimal(str(cost)) * 1_000_000)
    if totals:
        op.bulk_insert(
            spend,
            [
                {"identity_hash": key, "month": month, "spent_micros": micros, "reserved_micros": 0}
                for (key, month), micros in totals.items()
            ],
        )


def _parse(text: str) -> date:
    """SQLite hands timestamps back as text in a raw query (stored in UTC)."""
    return date.fromisoformat(text[:10])


def downgrade() -> None:
    op.drop_table("ai_spend")
