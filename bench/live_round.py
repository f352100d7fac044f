"""A live quiz round with 200 participants answering within the same 10 seconds, on Telegram.

The real Telegram adapter (long polling, Dojo's flood pacing) talks to the local fake Bot API,
which answers 429 whenever a sender outruns Telegram's limits (30 messages/s, 20 a minute per
group); the round's timer is the job the scheduler ticks every second, run here on the same
beat. For each question, 200 learners vote at random moments of its 10 seconds, and a tenth of
their votes are delivered a second time, as Telegram may.

Figures: answers counted (each learner's first vote, once), the time from each question's close
(its deadline in the database) to its standings accepted by the server, the most group messages
in any 60 seconds, and 429s received (any is a limit exceeded).

    .venv/bin/python -m bench.live_round --learners 200 --questions 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from adapters.telegram.app import TelegramAdapter, TelegramOptions
from bench.report import emit
from bot.app import Dojo, build
from bot.settings import Settings
from core.db.migrate import upgrade
from core.db.models import LiveAnswer, LiveQuestion, LiveRound
from core.features.live.advance import advance_live_rounds
from core.features.live.store import FINISHED
from tests.fakes.telegram_server import Call, FakeLimits, FakeTelegram

BENCH = "live_round"
GROUP = -100_200
SECONDS = 10
REDELIVERED = 0.1  # the share of votes Telegram delivers twice


async def _timer(dojo: Dojo, stop: asyncio.Event) -> None:
    """The scheduler's beat for the job `live_rounds`: on every whole second."""
    while not stop.is_set():
        await asyncio.sleep(1 - (time.time() % 1))
        await advance_live_rounds(
            dojo.services.uow_factory, dojo.notifier, dojo.services.clock.now()
        )


def _group_messages(fake: FakeTelegram) -> list[Call]:
    return [
        call
        for call in fake.sent()
        if call.method in ("sendMessage", "sendPoll")
        and str(call.params.get("chat_id")) == str(GROUP)
    ]


def _busiest_minute(calls: list[Call]) -> int:
    times = sorted(call.at for call in calls)
    return max((sum(1 for t in times if start <= t < start + 60) for start in times), default=0)


async def _vote_all(
    fake: FakeTelegram, poll_id: str, right: int, learners: int, rng: random.Random
) -> int:
    """Every learner votes once at a random moment of the question's time; some twice."""
    twice = 0
    moments = sorted((rng.uniform(0.3, SECONDS - 1.0), user) for user in range(learners))
    started = time.monotonic()
    for moment, user in moments:
        await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
        option = right if rng.random() < 0.6 else (right + 1) % 2
        vote = {
            "poll_answer": {
                "poll_id": poll_id,
                "user": {"id": 50_000 + user, "is_bot": False, "first_name": f"L{user}"},
                "option_ids": [option],
                "option_persistent_ids": [f"o{option}"],
            }
        }
        update_id = fake.push(vote)
        if rng.random() < REDELIVERED:
            fake.push({"update_id": update_id, **vote}, force=True)
            twice += 1
    return twice


async def run(learners: int, questions: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    rng = random.Random(17)
    fake = FakeTelegram(limits=FakeLimits())
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'dojo.db'}"
        settings = Settings(_env_file=None, DATABASE_URL=url, DOJO_DATA_DIR=folder)  # type: ignore[call-arg]
        await upgrade(url)
        dojo = await build(settings)
        adapter = TelegramAdapter(
            dojo.router, TelegramOptions(token=fake.token, base_url=fake.base_url, poll_timeout=1.0)
        )
        await adapter.start()
        dojo.notifiers["telegram"] = adapter.notifier
        fake.admins[GROUP] = set()
        offset = time.time() - time.monotonic()
        stop = asyncio.Event()
        timer = asyncio.create_task(_timer(dojo, stop))
        latencies: list[float] = []
        redelivered = 0
        try:
            starter = {"id": 40_000, "is_bot": False, "first_name": "Host"}
            fake.push(
                {
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": fake.chat(GROUP),
                        "from": starter,
                        "text": f"/quiz live sql {questions} {SECONDS}",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                    }
                }
            )
            for position in range(questions):
                poll_call = await _wait_for_poll(fake, position)
                poll = poll_call.result["poll"]
                redelivered += await _vote_all(
                    fake, poll["id"], poll["correct_option_ids"][0], learners, rng
                )
                closes = await _closes_at(dojo, position)
                standings = await _wait_for_text(fake, f"Time! Question {position + 1}")
                latencies.append(standings.at + offset - closes.timestamp())
            final = await _wait_for_text(fake, "Live round over")
            scored_after = await _wait_until_finished(dojo) - (final.at + offset)
        finally:
            stop.set()
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
            counted = await _answers(dojo)
            await adapter.stop()
            await dojo.close()
            await fake.stop()
    too_many = [call for call in fake.calls if call.error and call.error.startswith("Too")]
    print("standings after each close (s): " + ", ".join(f"{x:.3f}" for x in latencies))
    emit(BENCH, "participants", learners, "learners")
    emit(BENCH, "votes delivered twice", redelivered, "votes")
    emit(
        BENCH,
        "answers counted",
        counted,
        "answers",
        target=f"= {learners * questions}",
        met=counted == learners * questions,
    )
    emit(
        BENCH,
        "standings after the close, worst",
        max(latencies),
        "s",
        target="<= 2",
        met=max(latencies) <= 2,
    )
    emit(BENCH, "standings after the close, mean", sum(latencies) / len(latencies), "s")
    busiest = _busiest_minute(_group_messages(fake))
    emit(
        BENCH,
        "group messages in the busiest minute",
        busiest,
        "messages",
        target="<= 20",
        met=busiest <= 20,
    )
    emit(
        BENCH, "429s from the platform", len(too_many), "responses", target="= 0", met=not too_many
    )

    emit(BENCH, "XP awarded, after the final results", scored_after, "s")


async def _closes_at(dojo: Dojo, position: int) -> datetime:
    async with dojo.services.uow_factory() as uow:
        found = await uow.session.scalar(
            select(LiveQuestion.closes_at).where(LiveQuestion.position == position)
        )
    assert found is not None
    return found.astimezone(UTC)


async def _wait_for_poll(fake: FakeTelegram, position: int, seconds: float = 30) -> Call:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        polls = fake.sent("sendPoll")
        if len(polls) > position:
            return polls[position]
        await asyncio.sleep(0.02)
    raise TimeoutError(f"question {position + 1} was not posted within {seconds} s")


async def _wait_for_text(fake: FakeTelegram, text: str, seconds: float = 30) -> Call:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for call in fake.sent("sendMessage"):
            if text in str(call.params.get("text", "")):
                return call
        await asyncio.sleep(0.01)
    raise TimeoutError(f"no message with {text!r} within {seconds} s")


async def _wait_until_finished(dojo: Dojo, seconds: float = 60) -> float:
    """When the round's XP was all awarded (its status `finished`), as a Unix time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        async with dojo.services.uow_factory() as uow:
            status = await uow.session.scalar(select(LiveRound.status))
        if status == FINISHED:
            return time.time()
        await asyncio.sleep(0.05)
    raise TimeoutError("the round's XP was not awarded")


async def _answers(dojo: Dojo) -> int:
    async with dojo.services.uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(LiveAnswer)) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.learners, args.questions))


if __name__ == "__main__":
    main()
