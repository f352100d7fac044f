"""XP farming: what the farming scripts of issue 14 earn, next to a keen learner's honest day.

Each script is one new learner on a fresh SQLite database, in one day of their own calendar,
driven through the router as a platform would. The scripts:
- quiz farm: 40 one-question quizzes answered right, then 20 re-submissions, all `/quiz sql 1`
  (sql has 35 questions, so 25 of the 60 repeat a question already answered right);
- interview farm: `/interview backend mid` then `/end`, 20 times;
- interview one-answer farm: `/interview backend mid`, one answer, `/end`, 10 times;
- keen learner: ten five-question quizzes on mixed topics, every answer right.
It prints XP per script (everything, badges included, and the part the activity itself earned).
The bench runs whatever code is checked out, so today's figures come from running this file
against an older tree (the notes of the change that added it give both).
Target: the quiz farm's 60 quizzes earn at most a third of the keen learner's 10.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select

from bench.report import emit
from bot.app import Dojo, build
from bot.settings import Settings
from core.db.models import XpLedger
from core.ports import FixedClock
from tests.conftest import START
from tests.support import ChatDriver

BENCH = "xp_farming"
ANSWER = (
    "I would start from the requirements and the constraints, then describe the design, the "
    "trade-offs between consistency and availability, caching, indexes and monitoring."
)

Script = Callable[[ChatDriver, FixedClock], Awaitable[None]]


async def _answer_quiz(chat: ChatDriver, clock: FixedClock) -> None:
    while True:
        polls = [reply.poll for reply in chat.last if reply.poll is not None]
        if not polls:
            return
        poll = polls[0]
        clock.advance(seconds=5)
        await chat.press_data(f"{poll.answer_data}:{poll.correct_index}")


async def quiz_farm(chat: ChatDriver, clock: FixedClock) -> None:
    for _ in range(40 + 20):
        await chat.say("/quiz sql 1")
        await _answer_quiz(chat, clock)


async def interview_farm(chat: ChatDriver, clock: FixedClock) -> None:
    for _ in range(20):
        await chat.say("/interview backend mid")
        clock.advance(seconds=5)
        await chat.say("/end")


async def interview_one_answer_farm(chat: ChatDriver, clock: FixedClock) -> None:
    for _ in range(10):
        await chat.say("/interview backend mid")
        clock.advance(seconds=30)
        await chat.say(ANSWER)
        await chat.say("/end")


async def keen_learner(chat: ChatDriver, clock: FixedClock) -> None:
    for _ in range(10):
        await chat.say("/quiz random 5")
        await _answer_quiz(chat, clock)


async def _earned(dojo: Dojo, sources: tuple[str, ...]) -> tuple[int, int]:
    async with dojo.services.uow_factory() as uow:
        total = await uow.session.scalar(select(func.coalesce(func.sum(XpLedger.amount), 0)))
        own = await uow.session.scalar(
            select(func.coalesce(func.sum(XpLedger.amount), 0)).where(XpLedger.source.in_(sources))
        )
    return int(total or 0), int(own or 0)


async def run(name: str, script: Script, sources: tuple[str, ...], folder: Path) -> int:
    clock = FixedClock(START)
    url = f"sqlite+aiosqlite:///{folder / name.replace(' ', '-')}.db"
    settings = Settings(_env_file=None, DATABASE_URL=url, DOJO_DATA_DIR=str(folder))  # type: ignore[call-arg]
    dojo = await build(settings, clock=clock)
    try:
        chat = ChatDriver(dojo.router, "farmer")
        await chat.say("/start backend mid UTC")
        before, _ = await _earned(dojo, sources)
        await script(chat, clock)
        total, own = await _earned(dojo, sources)
    finally:
        await dojo.close()
    emit(BENCH, f"{name}: XP earned, badges included", total - before, "XP")
    emit(BENCH, f"{name}: XP from the activity itself", own, "XP")
    return total - before


async def main() -> None:
    quizzes = ("quiz_completed",)
    interviews = ("interview_started", "interview_completed")
    with tempfile.TemporaryDirectory(prefix="dojo-xp-bench-") as directory:
        folder = Path(directory)
        farmed = await run("quiz farm (40 + 20 re-submissions)", quiz_farm, quizzes, folder)
        await run("interview farm (/interview, /end) x20", interview_farm, interviews, folder)
        await run(
            "interview farm (one answer, /end) x10", interview_one_answer_farm, interviews, folder
        )
        keen = await run("keen learner (10 quizzes of 5, all right)", keen_learner, quizzes, folder)
    share = farmed / keen if keen else 0.0
    emit(
        BENCH, "quiz farm XP / keen learner XP", share, "ratio", target="<= 0.33", met=share <= 0.33
    )


if __name__ == "__main__":
    asyncio.run(main())
