"""Daily questions for 1,000 communities due at the same minute, killed half way and restarted.

The fake Bot API (tests/fakes) runs in this process and enforces Telegram's limits (30
messages/s overall, 20 a minute per group), answering 429 to anything faster. The job runs in
a child process (`dojo`'s real job, SQLite, the real Telegram sender and its flood control),
which is killed with SIGKILL once half the communities have their question; a second child
then runs the job again, one lease later (core.jobs.runs.LEASE: the claims the dead process
left running are taken over, not skipped). Time is shrunk by --scale on both sides, as the
adapter tests do, and figures are given in Telegram's seconds.

    .venv/bin/python -m bench.daily_question --communities 1000 --scale 0.25

Reported: communities posted (target: all), lost (target: none), posted twice (a post the
kill caught between Telegram accepting it and its claim being marked done is sent again: no
Bot API call is idempotent, so at most the job's lanes in flight), 429 answers from the fake
(target 0: never over Telegram's rate), the send rate from first to last message, and the
busiest one-second window (a token bucket lets a burst of 30 ride on the steady 30/s, as
Telegram does, so that window may hold more than 30 without a 429).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import emit

BENCH = "daily_question"
AT = datetime(2026, 12, 7, 9, 1, tzinfo=UTC)


async def _prepare(database_url: str, count: int) -> None:
    from bot.app import build
    from bot.settings import Settings
    from core.db.models import Community
    from core.jobs.daily_question import _bank_loaded

    settings = Settings(_env_file=None, DATABASE_URL=database_url)  # type: ignore[call-arg]
    dojo = await build(settings)
    try:
        async with dojo.services.uow_factory() as uow:
            uow.session.add_all(
                Community(
                    platform="telegram",
                    external_id=f"-100{number:06d}",
                    name=f"Group {number}",
                    time_zone="UTC",
                    settings={"daily_time": "09:00"},
                    created_at=AT - timedelta(days=1),
                )
                for number in range(1, count + 1)
            )
            await uow.commit()
        await _bank_loaded(dojo.services.uow_factory, AT)
    finally:
        await dojo.close()


async def _worker(database_url: str, base_url: str, at: datetime, scale: float) -> None:
    """One run of the real job against the fake, as a scheduler tick at `at` would do it."""
    from adapters.telegram.app import TelegramOptions, open_notifier
    from adapters.telegram.ratelimit import FloodLimits
    from bot.app import build
    from bot.settings import Settings
    from core.jobs.daily_question import post_daily_questions
    from core.ports import FixedClock

    settings = Settings(_env_file=None, DATABASE_URL=database_url)  # type: ignore[call-arg]
    dojo = await build(settings, clock=FixedClock(at))
    options = TelegramOptions(
        token="123456:TEST-TOKEN",
        base_url=base_url,
        limits=FloodLimits(time_scale=scale, max_retries=8),
    )
    try:
        async with open_notifier(dojo.services, options) as notifier:
            report = await post_daily_questions(dojo.services.uow_factory, notifier, at)
        print(json.dumps({"summary": report.summary(), "sent": report.sent}), flush=True)
    finally:
        await dojo.close()


async def _spawn(
    database_url: str, base_url: str, at: datetime, scale: float
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"bench.{BENCH}",
        "--worker",
        "--database-url",
        database_url,
        "--base-url",
        base_url,
        "--at",
        at.isoformat(),
        "--scale",
        str(scale),
        stdout=asyncio.subprocess.PIPE,
    )


def _busiest_second(stamps: list[float], scale: float) -> int:
    """The most messages in any one Telegram second (a window of `scale` real seconds)."""
    ordered = sorted(stamps)
    best, start = 0, 0
    for end, stamp in enumerate(ordered):
        while stamp - ordered[start] >= scale:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _run(count: int, scale: float) -> None:
    from core.jobs.daily_question import LANES
    from core.jobs.runs import LEASE
    from tests.fakes.telegram_server import FakeLimits, FakeTelegram

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await _prepare(database_url, count)
        fake = FakeTelegram(limits=FakeLimits(time_scale=scale, jitter=0.015))
        base_url = await fake.start()
        try:
            started = time.monotonic()
            first = await _spawn(database_url, base_url, AT, scale)
            while True:  # the fake keeps no event to wait on: look every few milliseconds
                if len(fake.sent("sendPoll")) >= count // 2 or first.returncode is not None:
                    break
                await asyncio.sleep(0.005)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            killed = time.monotonic()
            at_kill = len(fake.sent("sendPoll"))
            # The scheduler's tick after the lease: a tick sooner would see the dead
            # process's claims as still being sent and leave them for later.
            second = await _spawn(database_url, base_url, AT + LEASE + timedelta(minutes=1), scale)
            output, _ = await second.communicate()
            elapsed = time.monotonic() - started
        finally:
            await fake.stop()
    polls = Counter(str(call.params.get("chat_id")) for call in fake.sent("sendPoll"))
    stamps = [call.at for call in fake.sent()]
    print(f"killed after {at_kill} of {count} posts; restart: {output.decode().strip()}")
    limited = [call.at for call in fake.calls if (call.error or "").startswith("Too")]
    after_kill = sum(1 for stamp in limited if stamp > killed)
    print(f"429s: {len(limited) - after_kill} before the kill, {after_kill} after the restart")
    # A post is its text and its poll: more than two messages in a chat is a post sent again
    # (whole, or its text alone when the kill fell between the two).
    per_chat = Counter(str(call.params.get("chat_id")) for call in fake.sent())
    twice = sum(1 for seen in per_chat.values() if seen > 2)
    lost = count - len(polls)
    sending = (max(stamps) - min(stamps)) / scale if stamps else 0.0
    rate = len(stamps) / sending if sending else 0.0
    emit(BENCH, "communities posted", len(polls), "communities", target=f"{count}", met=not lost)
    emit(BENCH, "communities lost", lost, "communities", target="0", met=not lost)
    emit(
        BENCH,
        "communities posted twice",
        twice,
        "communities",
        target=f"<= {LANES} (in flight at the kill)",
        met=twice <= LANES,
    )
    emit(
        BENCH,
        "429 answers from the fake",
        fake.rate_limited,
        "answers",
        target="0",
        met=not fake.rate_limited,
    )
    emit(BENCH, "messages sent", len(stamps), "messages")
    emit(
        BENCH,
        "first to last message",
        sending,
        "Telegram s",
        target=f">= {len(stamps) / 30:.0f} at 30/s",
    )
    emit(BENCH, "overall send rate", rate, "messages/s", target="<= 30", met=rate <= 30)
    emit(BENCH, "busiest one-second window", _busiest_second(stamps, scale), "messages")
    emit(BENCH, "wall time, kill and restart included", elapsed, "s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=0.25, help="time shrink factor")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--at", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        at = datetime.fromisoformat(args.at)
        asyncio.run(_worker(args.database_url, args.base_url, at, args.scale))
        return
    asyncio.run(_run(args.communities, args.scale))


if __name__ == "__main__":
    main()
