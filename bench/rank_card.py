"""Rank cards: how long one takes to draw, and whether a burst of /profile slows the rest.

1. Render time: `render_card` for names in several scripts (and hostile ones), one after
   another after a warm-up; p50 and p99 (target p99 < 100 ms).
2. Other answers under card load: the bot (SQLite, real router, offline) answers a steady
   stream of other commands (/streak, /leaderboard, /help) from learners in groups, first
   alone, then while a burst of 50 concurrent /profile arrives every other second; the other
   commands' p99 is compared between the two runs, and the /profile answers' own p99 shown,
   with cards off (the bursts' database work alone) and with a drawing pool (core.drawing)
   of one thread and of two.

    .venv/bin/python -m bench.rank_card
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.report import emit, percentile
from bot.app import build, settle_heap
from bot.settings import Settings
from core.db.migrate import upgrade
from core.drawing import DrawingPool
from core.features.cards.render import CardData, render_card
from core.messages import ChatKind, ChatRef, CommunityRef, Drawing, Incoming, Platform, UserRef
from core.parsing import parse_command
from core.ports import FixedClock
from core.router import Router

BENCH = "rank_card"
NAMES = (
    "Ada Lovelace",
    "Дмитрий Иванович Менделеев",
    "李小龍",
    "محمد عبد الله",
    "देवनागरी नाम",
    "Z" + "\u0301" * 200,
    "W" * 1000,
    "😀 Emoji 🎉",
    "",
)
LEARNERS = 120
GROUPS = 4
OTHERS = ("/streak", "/leaderboard", "/help", "/badges")
OTHER_RATE = 40  # other commands per second
SECONDS = 6
BURST = 50  # concurrent /profile in each burst (one every other second) under load
WORKERS = (0, 1, 2)  # drawing threads tried; 0: the same bursts with cards off (text only)


class TextOnly(DrawingPool):
    """Draws nothing: the bursts' cost without their cards (the database's share)."""

    async def draw(self, drawing: Drawing) -> bytes | None:
        return None


def render_times(rounds: int = 40) -> list[float]:
    cards = [
        CardData(
            name,
            1 + i % 10,
            "Practitioner",
            1234 * i,
            (i % 10) / 10,
            "90 XP to level 5",
            i or None,
            "in Study Hall",
            i,
            2 * i,
            (("Review Rookie", "common"),) * (i % 5),
            i % 5,
        )
        for i, name in enumerate(NAMES)
    ]
    for card in cards:  # warm-up: fonts and coverage load once per thread
        render_card(card)
    times = []
    for card in itertools.islice(itertools.cycle(cards), rounds * len(cards)):
        started = time.perf_counter()
        render_card(card)
        times.append((time.perf_counter() - started) * 1000)
    return times


def message(user: int, text: str) -> Incoming:
    parsed = parse_command(text)
    group = user % GROUPS
    return Incoming(
        platform=Platform.TELEGRAM,
        user=UserRef(Platform.TELEGRAM, str(user), f"learner {user}"),
        chat=ChatRef(Platform.TELEGRAM, f"-{group}", ChatKind.GROUP),
        text=text,
        command=parsed.name if parsed else None,
        args=parsed.args if parsed else (),
        community=CommunityRef(Platform.TELEGRAM, f"-{group}", f"group {group}"),
        event_id=uuid.uuid4().hex,
    )


async def timed(router: Router, user: int, text: str, into: list[float]) -> None:
    started = time.perf_counter()
    await router.handle(message(user, text))
    into.append((time.perf_counter() - started) * 1000)


async def stream(router: Router, with_cards: bool) -> tuple[list[float], list[float]]:
    """(other commands' latencies, /profile latencies) over SECONDS seconds."""
    others: list[float] = []
    profiles: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    users = itertools.count()
    started = time.perf_counter()
    for tick in range(SECONDS * OTHER_RATE):
        await asyncio.sleep(max(0.0, started + tick / OTHER_RATE - time.perf_counter()))
        user = next(users) % LEARNERS
        tasks.append(asyncio.create_task(timed(router, user, OTHERS[tick % len(OTHERS)], others)))
        if with_cards and tick % (2 * OTHER_RATE) == OTHER_RATE:  # seconds 1, 3, 5
            for offset in range(BURST):
                profile_user = (user + 1 + offset) % LEARNERS
                tasks.append(asyncio.create_task(timed(router, profile_user, "/profile", profiles)))
    await asyncio.gather(*tasks)
    return others, profiles


async def under_load() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade(url)
        clock = FixedClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
        settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
        dojo = await build(settings, clock=clock, migrate_sqlite=False)
        settle_heap()
        try:
            for user in range(LEARNERS):
                await dojo.router.handle(message(user, "/start backend mid UTC"))
            await stream(dojo.router, with_cards=False)  # warm-up
            quiet, _ = await stream(dojo.router, with_cards=False)
            quiet_p99 = percentile(quiet, 0.99)
            emit(BENCH, "other commands p99, no cards", quiet_p99, "ms")
            emit(BENCH, "other commands p50, no cards", percentile(quiet, 0.5), "ms")
            for workers in WORKERS:
                dojo.services.drawing.close()
                dojo.services.drawing = DrawingPool(workers) if workers else TextOnly()
                loaded, profiles = await stream(dojo.router, with_cards=True)
                _loaded(workers, quiet_p99, loaded, profiles, dojo.services.drawing)
        finally:
            await dojo.close()


def _loaded(
    workers: int, quiet_p99: float, loaded: list[float], profiles: list[float], pool: DrawingPool
) -> None:
    label = f"{workers} thread{'s' if workers > 1 else ''}" if workers else "cards off"
    loaded_p99 = percentile(loaded, 0.99)
    limit = max(1.5 * quiet_p99, quiet_p99 + 20)
    emit(
        BENCH,
        f"others p99, {BURST} /profile bursts, {label}",
        loaded_p99,
        "ms",
        target=f"<= {limit:.0f} (usual p99 x1.5 or +20 ms)",
        met=loaded_p99 <= limit,
    )
    emit(BENCH, f"others p50, {BURST} /profile bursts, {label}", percentile(loaded, 0.5), "ms")
    emit(BENCH, f"/profile with card p50, {label}", percentile(profiles, 0.5), "ms")
    emit(BENCH, f"/profile with card p99, {label}", percentile(profiles, 0.99), "ms")
    emit(BENCH, f"cards fell back to text, {label}", pool.failed, f"of {len(profiles)}")


def main() -> None:
    times = render_times()
    emit(BENCH, "render p50", percentile(times, 0.5), "ms")
    p99 = percentile(times, 0.99)
    emit(BENCH, "render p99", p99, "ms", target="< 100", met=p99 < 100)
    asyncio.run(under_load())


if __name__ == "__main__":
    main()
