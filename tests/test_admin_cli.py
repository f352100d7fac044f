"""`dojo admin` at the shell: mirrored moderator commands and run-job with --at."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import build
from bot.cli import main
from core.ports import FixedClock
from tests.conftest import START, make_settings
from tests.support import ChatDriver


@pytest.fixture
def shell(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DOJO_ADMINS"):
        monkeypatch.delenv(name, raising=False)

    async def onboard() -> None:
        dojo = await build(make_settings(sqlite_url), clock=FixedClock(START))
        try:
            chat = ChatDriver(dojo.router, "ada")
            await chat.say("/start backend mid UTC")
            await chat.say("/remind 19:00")
        finally:
            await dojo.close()

    asyncio.run(onboard())
    return sqlite_url


def test_mirrored_commands_validate_and_audit(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "xp", "grant", "console:ada", "70", "shell", "grant"]) == 0
    assert "Granted 70 XP to ada" in capsys.readouterr().out
    assert main(["admin", "xp", "grant", "console:ada", "-1", "nope"]) == 1
    assert "must be positive" in capsys.readouterr().err
    assert main(["admin", "chatxp", "off"]) == 1
    assert "--community" in capsys.readouterr().err
    assert main(["admin", "audit"]) == 0
    out = capsys.readouterr().out
    assert "xp.grant" in out and "shell:" in out and "shell grant" in out


def test_run_job_acts_as_if_the_clock_read_at(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Onboarded Monday 23rd: a live one-day streak, not yet active on Tuesday at 19:05.
    assert main(["admin", "run-job", "streak_reminders", "--at", "2026-11-24T19:05:00Z"]) == 0
    out = capsys.readouterr().out
    assert "to console:ada" in out and "1-day streak" in out and "sent 1" in out
    assert main(["admin", "run-job", "streak-reminders", "--at", "2026-11-24T19:06:00+00:00"]) == 0
    assert "sent 0" in capsys.readouterr().out  # once a day
    assert main(["admin", "run-job", "nope"]) == 2
    assert "unknown job" in capsys.readouterr().err
    assert main(["admin", "run-job", "housekeeping", "--at", "not a time"]) == 2
