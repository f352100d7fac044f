"""The one way features call the model: reserve the worst case, call, settle the real cost.

A call first reserves, against the month's budget, the most it can cost (core.ai.pricing
`worst_case_cost`: its whole input at the dearest input price and all of `max_tokens`, for
every billed answer the model port may take); a call that does not fit is refused before
anything is sent (`BudgetExceeded`). Afterwards, whatever happened, the reservation is
released and every attempt's reported cost is charged and written to ai_usage. The budget
check is the database's (core.ai.spend), so concurrent calls, from one process or several,
never spend past the limit.

Reserve and settle each run in their own short transaction, taking the SQLite write gate for
it. That is only safe once the caller holds neither the gate nor an open transaction, so
`complete` first commits the caller's work itself (`Caller.checkpoint`): no feature can call
the model from inside its transaction, and none can forget to let go of the gate.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

from core.ai import spend
from core.ai.pricing import cost_of, worst_case_cost
from core.config import CoreConfig
from core.db.models import AiUsage, PlatformAccount, User
from core.db.scope import Repositories
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.db.write_gate import WriteGate
from core.ports import LLM, Clock, LLMRequest, LLMResult, LLMUnavailable, LLMUsage

log = logging.getLogger(__name__)

# Less than this left counts as used up: /usage shows cents and never reads "$0.00 left, online".
CENT = Decimal("0.01")


class BudgetExceeded(LLMUnavailable):
    """The call's worst case does not fit in what is left of the month: nothing was sent."""


class Caller(Protocol):
    """Who calls the model (core.context.Context): the learner, the account they wrote from,
    and a way to commit their work so far and leave the write gate."""

    @property
    def user(self) -> User: ...

    @property
    def account(self) -> PlatformAccount: ...

    async def checkpoint(self) -> None: ...


@dataclass(frozen=True)
class Allowance:
    online: bool
    spent: Decimal
    limit: Decimal
    resets_on: date
    # Why the learner is offline: "no-key" or "over-budget"; None when online.
    reason: str | None = None
    # The worst case of calls in flight, held until they settle.
    reserved: Decimal = Decimal(0)

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.limit - self.spent - self.reserved)


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(moment: datetime) -> date:
    start = month_start(moment)
    last_day = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return date.fromordinal(last_day.toordinal() + 1)


class AiGateway:
    def __init__(
        self,
        llm: LLM | None,
        config: CoreConfig,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        write_gate: WriteGate | None = None,
    ) -> None:
        self.llm = llm
        self.config = config
        self.uow_factory = uow_factory
        self.clock = clock
        self.write_gate = write_gate

    @property
    def configured(self) -> bool:
        return self.llm is not None and self.llm.online

    async def limit_for(self, uow: Repositories, user_id: int) -> Decimal:
        budget = await uow.repository(spend.SpendStore).budget_of(user_id)
        return budget.monthly_limit_usd if budget else self.config.monthly_ai_budget_usd

    async def spend_of(self, uow: Repositories, user_id: int, now: datetime) -> spend.Spend:
        return await uow.repository(spend.SpendStore).spend_of_user(user_id, spend.month_of(now))

    async def allowance(self, uow: Repositories, user_id: int) -> Allowance:
        now = self.clock.now()
        current = await self.spend_of(uow, user_id, now)
        limit = await self.limit_for(uow, user_id)
        reason = None
        if not self.configured:
            reason = "no-key"
        elif limit - current.spent - current.reserved < CENT:
            reason = "over-budget"
        return Allowance(
            reason is None, current.spent, limit, next_month(now), reason, current.reserved
        )

    def worst_case(self, request: LLMRequest) -> Decimal:
        """What `request` reserves: its worst case for every answer the model may bill."""
        answers = self.llm.max_answers if self.llm is not None else 1
        return worst_case_cost(request, request.model or self.config.model, answers)

    async def complete(self, caller: Caller, request: LLMRequest) -> LLMResult:
        """Commit the caller's work, reserve, call the model, settle; raises LLMUnavailable
        (BudgetExceeded when the worst case does not fit, before anything is sent)."""
        if self.llm is None or not self.llm.online:
            raise LLMUnavailable("no model configured")
        await caller.checkpoint()
        account = (caller.account.platform, caller.account.platform_user_id)
        reservation = await self._reserve(account, self.worst_case(request))
        started = self.clock.now()
        attempts: list[LLMUsage] = []
        status = "error"
        try:
            result = await self.llm.complete(request)
            attempts, status = result.usage, "ok"
            return result
        except LLMUnavailable as failure:
            attempts = failure.usage
            raise
        finally:
            # Shielded: a cancelled call still releases its reservation and pays its attempts.
            await asyncio.shield(
                self._settle(reservation, request.feature, attempts, status, started)
            )

    @asynccontextmanager
    async def _own_transaction(self) -> AsyncIterator[UnitOfWork]:
        """A short unit of work of the gateway's own. On SQLite it takes its turn at the write
        gate (which the caller's checkpoint let go of), queueing with the events' transactions
        instead of waiting in SQLite's busy handler."""
        gate = self.write_gate.hold() if self.write_gate is not None else nullcontext()
        async with gate, self.uow_factory() as uow:
            yield uow
            await uow.commit()

    async def _reserve(self, account: tuple[str, str], worst: Decimal) -> spend.Reservation:
        month = spend.month_of(self.clock.now())
        micros = spend.to_micros(worst)
        async with self._own_transaction() as uow:
            store = uow.repository(spend.SpendStore)
            owner, key = await store.owner_and_key(account)
            if owner is None:
                raise LLMUnavailable("the learner's account is gone")
            limit = spend.to_micros(await self.limit_for(uow, owner))
            fits = await store.reserve(key, month, micros, limit)
        if not fits:
            raise BudgetExceeded(
                f"This needs up to ${worst:.2f} of AI budget, more than is left this month."
            )
        return spend.Reservation(key, month, micros, account)

    async def _settle(
        self,
        reservation: spend.Reservation,
        feature: str,
        attempts: list[LLMUsage],
        status: str,
        now: datetime,
    ) -> None:
        costs = [cost_of(usage) for usage in attempts]
        async with self._own_transaction() as uow:
            owner = await spend.settle(
                uow.session, reservation, sum(spend.to_micros(cost) for cost in costs)
            )
            for index, (usage, cost) in enumerate(zip(attempts, costs, strict=True)):
                last = index == len(attempts) - 1
                uow.session.add(
                    AiUsage(
                        user_id=owner,
                        feature=feature,
                        model=usage.model,
                        input_tokens=usage.input_tokens,
                        output_tokens=usage.output_tokens,
                        cache_read_tokens=usage.cache_read_tokens,
                        cache_write_tokens=usage.cache_write_tokens,
                        cost_usd=cost,
                        status=status if last else "retried",
                        latency_ms=usage.latency_ms,
                        created_at=now,
                    )
                )
        if sum(costs, Decimal(0)) > spend.to_dollars(reservation.micros):
            log.error("a %s call cost more than its reserved worst case", feature)
