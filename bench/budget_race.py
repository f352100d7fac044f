"""Budget race: 50 concurrent `/review`s from one learner, split over two Dojo processes' worth of
engines on one database, with room in the month's budget for only a few.

Each review goes through the router, the AI gateway and the real Anthropic SDK to the local
fake Messages API, which holds every call until all 50 requests have either reached it or been
answered offline, so the count is exact rather than a matter of timing. The budget is set to
fit `ALLOWED` reviews at their reserved worst case and half of one more.

Figures, on PostgreSQL (DOJO_TEST_POSTGRES_URL) and SQLite:
- model calls made ÷ calls the budget allows: must be 1.0, never more (before reservations,
  every request that found the budget not yet spent went out: 50 ÷ 7);
- the month's spend ÷ its limit once every call has settled: at most 1.0;
- the same 50 requests with the fake answering at once (calls settle while others reserve):
  calls made, and spend ÷ limit, which must still be at most 1.0.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from adapters.anthropic import AnthropicLLM, RetryPolicy
from bench.databases import postgres_admin_url, throwaway_postgres
from bench.report import emit
from bot.app import Dojo, build
from bot.settings import Settings
from core.ai import spend
from core.db.migrate import upgrade
from core.messages import ChatKind, Platform
from core.ports import FixedClock
from tests.budget_support import spend_already, spend_row
from tests.conftest import START
from tests.fakes.anthropic_server import FakeAnthropic, Hold
from tests.support import ChatDriver

BENCH = "budget_race"
MODEL = "claude-sonnet-5-5"
REQUESTS = 50
PROCESSES = 2
ALLOWED = 7
LIMIT = Decimal("3.00")
CODE = """/review python
```python
def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)
```"""


@asynccontextmanager
async def dojos(url: str, directory: Path) -> AsyncIterator[tuple[list[Dojo], FakeAnthropic]]:
    """PROCESSES Dojos on one database: each its own engine, write gate and SDK client."""
    await upgrade(url)
    async with AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeAnthropic())
        apps = []
        for _ in range(PROCESSES):
            llm = AnthropicLLM(
                api_key="bench-key",
                model=MODEL,
                base_url=fake.base_url,
                timeout=30.0,
                policy=RetryPolicy(max_attempts=1),
            )
            stack.push_async_callback(llm.close)
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                DATABASE_URL=url,
                ANTHROPIC_API_KEY="bench-key",
                DOJO_MODEL=MODEL,
                DOJO_DATA_DIR=str(directory),
            )
            app = await build(settings, clock=FixedClock(START), llm=llm, migrate_sqlite=False)
            stack.push_async_callback(app.close)
            apps.append(app)
        yield apps, fake


async def until(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the requests did not all arrive")
        await asyncio.sleep(0.005)


async def leave_room(
    apps: list[Dojo], fake: FakeAnthropic, learner: ChatDriver
) -> tuple[int, int, int]:
    """Measure one review's reservation (with its call held), then spend the month down to
    ALLOWED such reservations and a half. Returns the learner's id, and one review's
    reservation and real cost in millionths of a dollar."""
    await learner.say("/start backend mid UTC")
    async with apps[0].services.uow_factory() as uow:
        user = await uow.users.by_account("discord", learner.name)
        assert user is not None
        user_id = user.id
    release = asyncio.Event()
    fake.script(Hold(release))
    review = asyncio.ensure_future(learner.say(CODE))
    await until(lambda: len(fake.exchanges) == 1)
    worst = (await spend_row(apps[0], user_id)).reserved_micros
    release.set()
    await review
    spent = (await spend_row(apps[0], user_id)).spent_micros
    left = ALLOWED * worst + worst // 2
    await spend_already(apps[0], user_id, spend.to_dollars(spend.to_micros(LIMIT) - spent - left))
    return user_id, worst, spent


@dataclass(frozen=True)
class Outcome:
    calls: int
    spent_share: float  # the month's spend ÷ its limit, once everything settled
    seconds: float  # wall time of the 50 requests
    worst: int  # one review's reservation, millionths of a dollar
    real: int  # one review's real cost


async def race(url: str, directory: Path, held: bool) -> Outcome:
    """The 50 requests; `held`: the fake keeps every call open until all have arrived or
    been answered offline."""
    async with dojos(url, directory) as (apps, fake):
        learners = [
            ChatDriver(app.router, "90001", Platform.DISCORD, "dm-90001", ChatKind.PRIVATE)
            for app in apps
        ]
        user_id, worst, real = await leave_room(apps, fake, learners[0])
        release = asyncio.Event()
        if held:
            fake.script(*[Hold(release)] * REQUESTS)
        before = len(fake.exchanges)
        started = time.perf_counter()
        tasks = [
            asyncio.ensure_future(learners[index % PROCESSES].say(CODE))
            for index in range(REQUESTS)
        ]
        if held:
            await until(
                lambda: (
                    len(fake.exchanges) - before + sum(task.done() for task in tasks) == REQUESTS
                )
            )
        release.set()
        await asyncio.gather(*tasks)
        calls = len(fake.exchanges) - before
        seconds = time.perf_counter() - started
        after = await spend_row(apps[0], user_id)
        assert after.reserved_micros == 0, after
        share = after.spent_micros / spend.to_micros(LIMIT)
        return Outcome(calls, share, seconds, worst, real)


async def figures(label: str, url: str, directory: Path) -> None:
    outcome = await race(url, directory, held=True)
    calls, share, seconds = outcome.calls, outcome.spent_share, outcome.seconds
    ratio = calls / ALLOWED
    emit(
        BENCH,
        f"{label}: calls made ÷ calls allowed",
        ratio,
        "ratio",
        target="= 1.0",
        met=ratio == 1.0,
    )
    emit(BENCH, f"{label}: spent ÷ limit (held)", share, "ratio", target="<= 1.0", met=share <= 1)
    emit(BENCH, f"{label}: 50 held requests, wall", seconds, "s")
    emit(BENCH, f"{label}: one review reserves", outcome.worst / 1_000_000, "USD")
    emit(BENCH, f"{label}: one review costs", outcome.real / 1_000_000, "USD")


async def unheld(label: str, url: str, directory: Path) -> None:
    outcome = await race(url, directory, held=False)
    calls, share, seconds = outcome.calls, outcome.spent_share, outcome.seconds
    emit(BENCH, f"{label}: calls made, answering at once", calls, "calls")
    emit(
        BENCH, f"{label}: spent ÷ limit (at once)", share, "ratio", target="<= 1.0", met=share <= 1
    )
    emit(BENCH, f"{label}: 50 requests at once, wall", seconds, "s")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        admin_url = postgres_admin_url()
        if admin_url is not None:
            async with throwaway_postgres(admin_url) as url:
                await figures("PostgreSQL", url, directory)
            async with throwaway_postgres(admin_url) as url:
                await unheld("PostgreSQL", url, directory)
        await figures("SQLite", f"sqlite+aiosqlite:///{directory / 'held.db'}", directory)
        await unheld("SQLite", f"sqlite+aiosqlite:///{directory / 'at-once.db'}", directory)


if __name__ == "__main__":
    asyncio.run(main())
