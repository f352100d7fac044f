"""Putting a learner's month's AI spend where the budget reads it (core.ai.spend)."""

from __future__ import annotations

from decimal import Decimal

from bot.app import Dojo
from core.ai import spend
from core.db.models import AiSpend


async def spend_already(app: Dojo, user_id: int, amount: Decimal) -> None:
    """Record `amount` as spent this month by the learner, as settled calls would have."""
    async with app.services.uow_factory() as uow:
        key = await spend.key_of_user(uow.session, user_id)
        assert key is not None, "the learner has no account"
        month = spend.month_of(app.services.clock.now())
        row = await uow.session.get(AiSpend, (key, month))
        if row is None:
            row = AiSpend(identity_hash=key, month=month, spent_micros=0, reserved_micros=0)
            uow.session.add(row)
        row.spent_micros += spend.to_micros(amount)
        await uow.commit()


async def spend_row(app: Dojo, user_id: int) -> spend.Spend:
    """The learner's spend this month as the budget sees it."""
    async with app.services.uow_factory() as uow:
        key = await spend.key_of_user(uow.session, user_id)
        assert key is not None
        return await spend.read(uow.session, key, spend.month_of(app.services.clock.now()))
