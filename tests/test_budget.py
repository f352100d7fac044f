"""The AI budget cannot be bypassed: concurrent calls, /forget, a last cent, failures, merges.

Everything runs through the router and the real Anthropic SDK against the local fake Messages
API; `Hold` keeps calls in flight, so "how many calls went out" is exact, not a race.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select

from adapters.anthropic import AnthropicLLM, RetryPolicy
from bot.app import Dojo, build
from core.ai import spend
from core.ai.spend_key import identity_key
from core.db.models import AiSpend, AiUsage, PlatformAccount
from core.features.link import merge_learners
from core.messages import ChatKind, Platform
from core.ports import FixedClock
from tests.budget_support import spend_already, spend_row
from tests.conftest import make_settings
from tests.fakes.anthropic_server import Fail, FakeAnthropic, Hold, malformed
from tests.support import ChatDriver

MODEL = "claude-sonnet-5-5"
CODE = """/review python
```python
def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)
```"""
OFFLINE_FOR_BUDGET = "does not cover a review"
LIMIT = Decimal("3.00")


async def _no_wait(seconds: float) -> None:
    """Retries back off without sleeping."""


@asynccontextmanager
async def dojos(
    database_url: str, clock: FixedClock, count: int = 1
) -> AsyncIterator[tuple[list[Dojo], FakeAnthropic]]:
    """`count` Dojos on one database, each with its own engine, write gate and SDK client (as
    separate processes would have), all talking to one fake Messages API."""
    async with AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeAnthropic())
        apps: list[Dojo] = []
        for _ in range(count):
            llm = AnthropicLLM(
                api_key="test-key",
                model=MODEL,
                base_url=fake.base_url,
                timeout=10.0,
                policy=RetryPolicy(max_attempts=2, base_delay=0.01),
                sleep=_no_wait,
            )
            stack.push_async_callback(llm.close)
            app = await build(make_settings(database_url), clock=clock, llm=llm)
            stack.push_async_callback(app.close)
            apps.append(app)
        yield apps, fake


def discord(app: Dojo, name: str = "4242") -> ChatDriver:
    return ChatDriver(app.router, name, Platform.DISCORD, f"dm-{name}", ChatKind.PRIVATE)


def telegram(app: Dojo, name: str = "777") -> ChatDriver:
    return ChatDriver(app.router, name, Platform.TELEGRAM, name, ChatKind.PRIVATE)


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting")


async def user_id_of(app: Dojo, platform: str, platform_id: str) -> int:
    async with app.services.uow_factory() as uow:
        user = await uow.users.by_account(platform, platform_id)
        assert user is not None
        return user.id


async def held_call(
    app: Dojo, fake: FakeAnthropic, send: Awaitable[str], user_id: int
) -> tuple[spend.Spend, str]:
    """Run one model-backed message with its call held at the fake; the spend row as it was
    while the call was in flight, and the answer."""
    release = asyncio.Event()
    fake.script(Hold(release))
    sent = len(fake.exchanges)
    task = asyncio.ensure_future(send)
    await until(lambda: len(fake.exchanges) > sent or task.done())
    during = await spend_row(app, user_id)
    release.set()
    return during, await task


def cents_up(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


async def usage_cost(app: Dojo) -> int:
    async with app.services.uow_factory() as uow:
        total = await uow.session.scalar(select(func.coalesce(func.sum(AiUsage.cost_usd), 0)))
    return spend.to_micros(Decimal(str(total)))


async def test_twenty_concurrent_reviews_make_only_the_calls_the_budget_allows(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock, count=2) as (apps, fake):
        learners = [discord(app) for app in apps]  # one Discord user, two "processes"
        await learners[0].say("/start backend mid UTC")
        user_id = await user_id_of(apps[0], "discord", "4242")
        during, _ = await held_call(apps[0], fake, learners[0].say(CODE), user_id)
        worst = during.reserved_micros  # what one review reserves
        assert worst > 0
        spent = (await spend_row(apps[0], user_id)).spent_micros
        # Room for three reviews and a half: the half must not buy a fourth.
        allowed = 3
        left = allowed * worst + worst // 2
        await spend_already(
            apps[0], user_id, spend.to_dollars(spend.to_micros(LIMIT) - spent - left)
        )
        release = asyncio.Event()
        fake.script(*[Hold(release)] * 20)
        before = len(fake.exchanges)
        tasks = [asyncio.ensure_future(learners[i % 2].say(CODE)) for i in range(20)]
        await until(lambda: len(fake.exchanges) - before + sum(t.done() for t in tasks) == 20)
        calls = len(fake.exchanges) - before
        release.set()
        answers = await asyncio.gather(*tasks)
        assert calls == allowed
        assert sum(OFFLINE_FOR_BUDGET in answer for answer in answers) == 20 - allowed
        after = await spend_row(apps[0], user_id)
        assert after.reserved_micros == 0
        assert after.spent_micros <= spend.to_micros(LIMIT)
        assert after.spent_micros - (spend.to_micros(LIMIT) - spent - left) == await usage_cost(
            apps[0]
        )


async def test_a_call_whose_worst_case_does_not_fit_is_refused_before_sending(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with dojos(sqlite_url, clock) as ([app], fake):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        user_id = await user_id_of(app, "discord", "4242")
        await spend_already(app, user_id, LIMIT - Decimal("0.02"))  # two cents left
        answer = await ada.say(CODE)
        assert fake.exchanges == []
        assert OFFLINE_FOR_BUDGET in answer and "Offline" in answer
        usage = await ada.say("/usage")
        assert "Spent: $2.98 of $3.00" in usage and "Left: $0.02" in usage
        assert "reserves the most it could cost" in usage


async def test_less_than_a_cent_left_is_offline_in_usage(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with dojos(sqlite_url, clock) as ([app], fake):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        await spend_already(app, await user_id_of(app, "discord", "4242"), Decimal("2.999"))
        usage = await ada.say("/usage")
        assert "Spent: $3.00 of $3.00" in usage and "Left: $0.00" in usage
        assert "offline" in usage and "used up" in usage
        await ada.say(CODE)
        assert fake.exchanges == []


async def test_settling_replaces_the_reservation_with_the_real_cost(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock) as ([app], fake):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        user_id = await user_id_of(app, "discord", "4242")
        during, answer = await held_call(app, fake, ada.say(CODE), user_id)
        assert "Offline" not in answer
        after = await spend_row(app, user_id)
        assert during.spent_micros == 0 and during.reserved_micros > 0
        assert after.reserved_micros == 0
        assert 0 < after.spent_micros == await usage_cost(app) <= during.reserved_micros
        usage = await ada.say("/usage")
        assert f"Spent: ${cents_up(after.spent)} of $3.00" in usage
        assert "Reserved" not in usage


async def test_usage_shows_what_is_reserved_while_a_call_is_in_flight(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with dojos(sqlite_url, clock, count=2) as (apps, fake):
        ada, same_ada = discord(apps[0]), discord(apps[1])
        await ada.say("/start backend mid UTC")
        release = asyncio.Event()
        fake.script(Hold(release))
        review = asyncio.ensure_future(ada.say(CODE))
        await until(lambda: len(fake.exchanges) == 1)
        usage = await same_ada.say("/usage")
        release.set()
        await review
        assert "Reserved for calls in progress: $0.0" in usage


async def test_a_failing_call_releases_its_reservation_and_pays_what_was_billed(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock) as ([app], fake):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        user_id = await user_id_of(app, "discord", "4242")
        fake.script(Fail(500), Fail(500))  # both attempts fail: nothing billed
        assert "unavailable" in await ada.say(CODE)
        assert len(fake.exchanges) == 2
        assert await spend_row(app, user_id) == spend.Spend(0, 0)
        fake.script(malformed(), malformed())  # two billed answers, both unusable
        assert "unavailable" in await ada.say(CODE)
        after = await spend_row(app, user_id)
        assert after.reserved_micros == 0
        assert after.spent_micros == await usage_cost(app) > 0


async def test_a_cancelled_call_releases_its_reservation(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with dojos(sqlite_url, clock) as ([app], fake):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        user_id = await user_id_of(app, "discord", "4242")
        fake.script(Hold(asyncio.Event()))  # never answered
        task = asyncio.ensure_future(ada.say(CODE))
        await until(lambda: len(fake.exchanges) == 1)
        assert (await spend_row(app, user_id)).reserved_micros > 0
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await until(lambda: True)
        assert await spend_row(app, user_id) == spend.Spend(0, 0)


async def test_forget_then_start_starts_from_the_months_spend(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock) as ([app], _):
        ada = discord(app)
        await ada.say("/start backend mid UTC")
        await ada.say(CODE)
        user_id = await user_id_of(app, "discord", "4242")
        spent = await spend_row(app, user_id)
        await spend_already(app, user_id, Decimal("2.50"))
        await ada.say("/forget")
        assert "Done" in await ada.press("Yes, delete everything")
        await ada.say("/start backend mid UTC")
        again = await user_id_of(app, "discord", "4242")
        assert await spend_row(app, again) == spend.Spend(
            spent.spent_micros + spend.to_micros(Decimal("2.50"))
        )
        total = spend.to_dollars(spent.spent_micros) + Decimal("2.50")
        assert f"Spent: ${cents_up(total)} of $3.00" in await ada.say("/usage")
        async with app.services.uow_factory() as uow:
            rows = (await uow.session.scalars(select(AiSpend))).all()
        # What survives /forget is a hash, a month and amounts: no id, no name.
        assert [row.identity_hash for row in rows] == [identity_key("discord", "4242")]
        assert all("4242" not in row.identity_hash for row in rows)


async def test_a_linked_learner_who_forgets_keeps_the_spend_on_every_platform(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock) as ([app], _):
        dc, tg = discord(app), telegram(app)
        await dc.say("/start backend mid UTC")
        await tg.say("/start backend mid UTC")
        await spend_already(app, await user_id_of(app, "discord", "4242"), Decimal("1.00"))
        await spend_already(app, await user_id_of(app, "telegram", "777"), Decimal("1.50"))
        await merge(app, source=("telegram", "777"), target=("discord", "4242"))
        merged = await user_id_of(app, "discord", "4242")
        assert await user_id_of(app, "telegram", "777") == merged
        assert (await spend_row(app, merged)).spent == Decimal("2.50")
        assert "Spent: $2.50 of $3.00" in await tg.say("/usage")
        await tg.say("/forget")
        assert "Done" in await tg.press("Yes, delete everything")
        for driver, platform, name in ((tg, "telegram", "777"), (dc, "discord", "4242")):
            await driver.say("/start backend mid UTC")
            alone = await user_id_of(app, platform, name)
            assert (await spend_row(app, alone)).spent == Decimal("2.50")


async def test_a_call_in_flight_during_a_merge_settles_on_the_merged_row(
    database_url: str, clock: FixedClock
) -> None:
    async with dojos(database_url, clock) as ([app], fake):
        dc, tg = discord(app), telegram(app)
        await dc.say("/start backend mid UTC")
        await tg.say("/start backend mid UTC")
        release = asyncio.Event()
        fake.script(Hold(release))
        review = asyncio.ensure_future(tg.say(CODE))
        await until(lambda: len(fake.exchanges) == 1)
        await merge(app, source=("telegram", "777"), target=("discord", "4242"))
        merged = await user_id_of(app, "discord", "4242")
        assert (await spend_row(app, merged)).reserved_micros > 0  # it moved with the fold
        release.set()
        assert "Offline" not in await review
        after = await spend_row(app, merged)
        assert after == spend.Spend(await usage_cost(app), 0)
        async with app.services.uow_factory() as uow:
            owners = (await uow.session.scalars(select(AiUsage.user_id))).all()
            assert owners == [merged]
            assert await uow.session.scalar(select(func.count()).select_from(AiSpend)) == 1


async def merge(app: Dojo, source: tuple[str, str], target: tuple[str, str]) -> None:
    """What a confirmed /link does (core.features.link.merge_learners), in one transaction."""
    async with app.services.uow_factory() as uow:
        moving = await uow.users.by_account(*source)
        keeping = await uow.users.by_account(*target)
        assert moving is not None and keeping is not None
        await merge_learners(uow, moving, keeping, app.services.clock.now())
        await uow.commit()
        count = await uow.session.scalar(
            select(func.count()).where(PlatformAccount.user_id == keeping.id)
        )
        assert count == 2
