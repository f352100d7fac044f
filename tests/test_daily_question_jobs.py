"""The daily_question job as operators run it: `dojo admin run-job daily_question --at ...`,
two processes at once on PostgreSQL posting each community's question exactly once, and a
late run after downtime posting within the limit, never twice."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import Dojo, build
from bot.notifiers import RecordingNotifier
from core.db.models import DailyQuestion
from core.features.daily.timing import LATE_LIMIT
from core.jobs.daily_question import post_daily_questions
from core.messages import CommunityRef, Platform
from core.ports import FixedClock
from tests.conftest import START, make_settings
from tests.scheduler_support import group_member

AT = "2026-11-24T09:01:00+00:00"
DUE = datetime.fromisoformat(AT)
ROOT = Path(__file__).resolve().parent.parent


async def communities(dojo: Dojo, count: int) -> list[str]:
    groups = []
    for number in range(count):
        group = CommunityRef(Platform.TELEGRAM, f"-100{number + 1}", f"Group {number}")
        moderator = group_member(dojo, f"mod{number}", group, is_admin=True)
        assert "Daily question on" in await moderator.say("/admin daily on 09:00")
        groups.append(group.id)
    return groups


def run_job(database_url: str, at: str = AT) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": "123456:TEST"}
    for name in ("DISCORD_BOT_TOKEN", "DOJO_ADMINS"):
        env.pop(name, None)
    command = [sys.executable, "-m", "bot", "admin", "run-job", "daily_question", "--at", at]
    return subprocess.Popen(
        [*command, "--dry-run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


@pytest.mark.postgres
def test_two_processes_at_once_post_each_question_once(postgres_url: str) -> None:
    async def prepare() -> list[str]:
        dojo = await build(make_settings(postgres_url), clock=FixedClock(START))
        try:
            return await communities(dojo, 6)
        finally:
            await dojo.close()

    groups = asyncio.run(prepare())
    # Two processes on two ticks (so the run claim does not simply turn one away).
    runs = [run_job(postgres_url), run_job(postgres_url, "2026-11-24T09:02:00+00:00")]
    outputs = [process.communicate(timeout=120)[0] for process in runs]
    assert all(process.returncode == 0 for process in runs), outputs
    posted = "".join(outputs)
    for group in groups:
        assert posted.count(f"to telegram:{group} ") == 1, posted
    assert posted.count("Daily question ·") == len(groups)

    async def rows() -> int:
        dojo = await build(make_settings(postgres_url), clock=FixedClock(START))
        try:
            async with dojo.services.uow_factory() as uow:
                found = await uow.session.scalar(select(func.count()).select_from(DailyQuestion))
                return int(found or 0)
        finally:
            await dojo.close()

    assert asyncio.run(rows()) == len(groups)


async def test_concurrent_runs_in_one_database_post_once(dojo: Dojo) -> None:
    """Both backends: runs racing in one process (each with its own sends) still post once."""
    groups = await communities(dojo, 3)
    notifiers = [RecordingNotifier() for _ in range(4)]
    ticks = [DUE + timedelta(minutes=n) for n in range(4)]
    factory = dojo.services.uow_factory
    await asyncio.gather(
        *(post_daily_questions(factory, n, at) for n, at in zip(notifiers, ticks, strict=True))
    )
    sent = [target.chat_id for notifier in notifiers for target, _ in notifier.sent]
    assert sorted(set(sent)) == sorted(groups)
    assert len(sent) == len(groups), "one post (its text and poll) per community"


async def test_a_late_run_posts_within_the_limit_and_never_twice(sqlite_dojo: Dojo) -> None:
    await communities(sqlite_dojo, 1)
    notifier = RecordingNotifier()
    factory = sqlite_dojo.services.uow_factory
    too_late = DUE + LATE_LIMIT + timedelta(minutes=1)
    assert (await post_daily_questions(factory, notifier, too_late)).sent == 0
    late = await post_daily_questions(factory, notifier, DUE + LATE_LIMIT - timedelta(minutes=5))
    assert late.sent == 1
    next_day = await post_daily_questions(factory, notifier, DUE + timedelta(days=1, minutes=2))
    assert next_day.sent == 1
    again = await post_daily_questions(factory, notifier, DUE + timedelta(days=1, minutes=3))
    assert again.sent == 0


def test_run_job_at_the_shell(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    async def prepare() -> None:
        dojo = await build(make_settings(sqlite_url), clock=FixedClock(START))
        try:
            await communities(dojo, 1)
        finally:
            await dojo.close()

    asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    for name in ("DISCORD_BOT_TOKEN", "DOJO_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    assert main(["admin", "run-job", "daily_question", "--at", AT, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "to telegram:-1001 " in out and "Daily question ·" in out and "sent 1" in out
    assert main(["admin", "run-job", "daily-question", "--at", AT, "--dry-run"]) == 0
    assert "already run" in capsys.readouterr().out
    later = "2026-11-24T09:05:00+00:00"
    assert main(["admin", "run-job", "daily_question", "--at", later, "--dry-run"]) == 0
    assert "sent 0" in capsys.readouterr().out
    assert main(["admin", "jobs"]) == 0
    assert "daily_question" in capsys.readouterr().out
