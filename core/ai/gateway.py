"""The one way features call the model: budget first, usage charged after, offline otherwise.

Every attempt (retries included) is written to ai_usage in its own short transaction, so the
charge stands even when the feature's own work is rolled back.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from core.ai.pricing import cost_of
from core.config import CoreConfig
from core.db.models import AiBudget, AiUsage
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.ports import LLM, Clock, LLMRequest, LLMResult, LLMUnavailable, LLMUsage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Allowance:
    online: bool
    spent: Decimal
    limit: Decimal
    resets_on: date
    # Why the learner is offline: "no-key" or "over-budget"; None when online.
    reason: str | None = None

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.limit - self.spent)


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(moment: datetime) -> date:
    start = month_start(moment)
    last_day = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return date.fromordinal(last_day.toordinal() + 1)


class AiGateway:
    def __init__(
        self, llm: LLM | None, config: CoreConfig, uow_factory: UnitOfWorkFactory, clock: Clock
    ) -> None:
        self.llm = llm
        self.config = config
        self.uow_factory = uow_factory
        self.clock = clock

    @property
    def configured(self) -> bool:
        return self.llm is not None and self.llm.online

    async def limit_for(self, uow: UnitOfWork, user_id: int) -> Decimal:
        budget = await uow.session.get(AiBudget, user_id)
        return budget.monthly_limit_usd if budget else self.config.monthly_ai_budget_usd

    async def spent(self, uow: UnitOfWork, user_id: int, now: datetime) -> Decimal:
        total = await uow.session.scalar(
            select(func.coalesce(func.sum(AiUsage.cost_usd), 0)).where(
                AiUsage.user_id == user_id, AiUsage.created_at >= month_start(now)
            )
        )
        return Decimal(str(total or 0))

    async def allowance(self, uow: UnitOfWork, user_id: int) -> Allowance:
        now = self.clock.now()
        spent = await self.spent(uow, user_id, now)
        limit = await self.limit_for(uow, user_id)
        reason = None
        if not self.configured:
            reason = "no-key"
        elif spent >= limit:
            reason = "over-budget"
        return Allowance(reason is None, spent, limit, next_month(now), reason)

    async def complete(self, user_id: int | None, request: LLMRequest) -> LLMResult:
        """Call the model and charge every attempt; raises LLMUnavailable (charged too)."""
        if self.llm is None or not self.llm.online:
            raise LLMUnavailable("no model configured")
        started = self.clock.now()
        try:
            result = await self.llm.complete(request)
        except LLMUnavailable as failure:
            await self._record(user_id, request.feature, failure.usage, "error", started)
            raise
        await self._record(user_id, request.feature, result.usage, "ok", started)
        return result

    async def _record(
        self,
        user_id: int | None,
        feature: str,
        attempts: list[LLMUsage],
        status: str,
        now: datetime,
    ) -> None:
        if not attempts:
            return
        async with self.uow_factory() as uow:
            for index, usage in enumerate(attempts):
                last = index == len(attempts) - 1
                uow.session.add(
                    AiUsage(
                        user_id=user_id,
                        feature=feature,
                        model=usage.model,
                        input_tokens=usage.input_tokens,
                        output_tokens=usage.output_tokens,
                        cache_read_tokens=usage.cache_read_tokens,
                        cache_write_tokens=usage.cache_write_tokens,
                        cost_usd=cost_of(usage),
                        status=status if last else "retried",
                        latency_ms=usage.latency_ms,
                        created_at=now,
                    )
                )
            await uow.commit()
