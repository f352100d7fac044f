"""Discord interactions per second through the real discord.py client, the fake Discord and the core.

A paced stream of slash commands (profile, leaderboard, help, streak, and quizzes that defer) is
sent over the fake gateway at a fixed rate; each one runs through discord.py's parsing, the
adapter, the router and SQLite (offline LLM) and answers over HTTP. Reported: interactions/s
completed, and time to acknowledgement (p50/p99) as the fake saw it. Target: p99 ack < 500 ms
at 200 interactions/s.

    python -m bench.discord_throughput [--rate 200] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from adapters.discord.runner import run_discord
from bench.report import emit, percentile
from bot.app import build, settle_heap
from bot.settings import Settings
from tests.fakes.discord_server import FakeDiscord, patched_discord

BENCH = "discord_throughput"
MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("profile", {}),
    ("leaderboard", {"period": "week", "scope": "here"}),
    ("help", {}),
    ("streak", {}),
    ("leaderboard", {"period": "all", "scope": "global"}),
    ("badges", {}),
    ("profile", {}),
    ("quiz", {"topic": "sql", "count": 1}),
)


async def run(rate: float, seconds: float, learners: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            DOJO_DATA_DIR=folder,
        )
        dojo = await build(settings)
        settle_heap()  # as `dojo run` does once built
        fake = FakeDiscord()
        guild = fake.add_guild("Bench")
        users = [fake.add_user(f"learner{i}") for i in range(learners)]
        await fake.start()
        task: asyncio.Task[None] | None = None
        try:
            with patched_discord(fake):
                task = asyncio.create_task(run_discord(dojo, fake.token))
                await fake.wait_connected()
                await _warm_up(fake, guild, users)
                ids = await _offer(fake, guild, users, rate, seconds)
                started = min(fake.interactions[i].sent_at for i in ids)
                await fake.wait_for(
                    lambda: all(_complete(fake, i) for i in ids), seconds=seconds * 10 + 30
                )
                finished = max(_finished_at(fake, i) for i in ids)
            _report(fake, ids, rate, finished - started)
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await fake.stop()
            await dojo.close()


def _complete(fake: FakeDiscord, interaction_id: str) -> bool:
    log = fake.interactions[interaction_id]
    original = log.original
    return log.acked_at is not None and original is not None and not original.get("_loading")


def _finished_at(fake: FakeDiscord, interaction_id: str) -> float:
    log = fake.interactions[interaction_id]
    return log.done_at or log.acked_at or log.sent_at


async def _warm_up(fake: FakeDiscord, guild: str, users: list[str]) -> None:
    """Every learner's first contact (account creation) before the clock starts."""
    ids = []
    for user in users:
        payload = fake.slash("help", user, guild_id=guild)
        ids.append(payload["id"])
        await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for(lambda: all(_complete(fake, i) for i in ids), seconds=60)


async def _offer(
    fake: FakeDiscord, guild: str, users: list[str], rate: float, seconds: float
) -> list[str]:
    """Dispatch at a steady rate, on schedule even if the bot falls behind (open loop)."""
    total = int(rate * seconds)
    start = time.monotonic()
    ids: list[str] = []
    for index in range(total):
        due = start + index / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        name, options = MIX[index % len(MIX)]
        payload = fake.slash(name, users[index % len(users)], guild_id=guild, options=options)
        ids.append(payload["id"])
        await fake.dispatch("INTERACTION_CREATE", payload)
    return ids


def _report(fake: FakeDiscord, ids: list[str], rate: float, elapsed: float) -> None:
    acks = [fake.interactions[i].ack_seconds or 0.0 for i in ids]
    deferred = sum(1 for i in ids if fake.interactions[i].ack_type == 5)
    emit(BENCH, "offered rate", rate, "interactions/s")
    emit(
        BENCH,
        "completed",
        len(ids) / elapsed,
        "interactions/s",
        target=f">= {rate:g}",
        met=len(ids) / elapsed >= rate * 0.95,
    )
    emit(BENCH, "ack p50", percentile(acks, 0.5) * 1000, "ms")
    p99 = percentile(acks, 0.99) * 1000
    emit(BENCH, "ack p99", p99, "ms", target="< 500", met=p99 < 500)
    emit(BENCH, "ack max", max(acks) * 1000, "ms", target="< 3000", met=max(acks) < 3)
    emit(BENCH, "deferred share", 100 * deferred / len(ids), "%")
    emit(
        BENCH,
        "limit violations",
        len(fake.violations),
        "count",
        target="0",
        met=not fake.violations,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--learners", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.rate, args.seconds, args.learners))


if __name__ == "__main__":
    main()
