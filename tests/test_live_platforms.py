"""Live rounds through the real adapters: on Telegram a timed, non-anonymous quiz poll whose
votes are counted silently (once, also when Telegram delivers a vote twice); on Discord
lettered buttons that are closed by an edit when the question's time is up."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Dojo
from tests.fakes.discord_harness import DiscordBot, running_bot
from tests.fakes.telegram_harness import running_adapter, texts
from tests.live_support import live_xp, round_state, tick
from tests.support import fixed_clock

GROUP = -100555


async def test_a_round_on_telegram(sqlite_dojo: Dojo) -> None:
    clock = fixed_clock(sqlite_dojo)
    async with running_adapter(sqlite_dojo.router) as tg:
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier
        tg.fake.admins[GROUP] = set()
        ada = tg.person(3001, "Ada").in_chat(GROUP)
        bob = tg.person(3002, "Bob").in_chat(GROUP)
        assert "Live round: sql" in texts(await ada.say("/quiz live sql 2 10"))
        assert "already running" in texts(await bob.say("/quiz live sql"))
        await tick(sqlite_dojo)
        sent = tg.fake.sent("sendPoll")
        assert len(sent) == 1
        assert str(sent[0].params.get("open_period")) == "10", "Telegram closes it on time"
        assert str(sent[0].params.get("is_anonymous")).lower() == "false", "votes reach us"
        poll = ada.last_poll()
        right = poll["correct_option_ids"][0]
        clock.advance(seconds=1)
        vote = {
            "poll_id": poll["id"],
            "user": ada.user(),
            "option_ids": [right],
            "option_persistent_ids": [f"o{right}"],
        }
        assert await tg.send({"poll_answer": vote}) == [], "a counted vote posts nothing"
        await tg.send({"poll_answer": vote}, force=True)  # Telegram delivers it again
        clock.advance(seconds=4)
        await bob.vote((right + 1) % len(poll["options"]))
        assert (await round_state(sqlite_dojo)).answers == 2, "the repeated vote counted once"
        clock.advance(seconds=6)
        await tick(sqlite_dojo)
        standings = texts(tg.fake.sent("sendMessage", chat_id=GROUP)[-1:])
        assert "Time! Question 1" in standings and "Ada: 19" in standings
        assert len(tg.fake.sent("sendPoll")) == 2, "the second question follows"
        clock.advance(seconds=11)
        await tick(sqlite_dojo)
        final = texts(tg.fake.sent("sendMessage", chat_id=GROUP)[-1:])
        assert "Winner: Ada with 19 points" in final
        assert tg.fake.refusals() == []
    assert await live_xp(sqlite_dojo) == {"Ada": 5}


async def test_moderators_only_on_telegram(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier
        tg.fake.admins[GROUP] = {3100}
        mod = tg.person(3100, "Mod").in_chat(GROUP)
        lea = tg.person(3101, "Lea").in_chat(GROUP)
        assert "Only moderators can start" in texts(await mod.say("/admin live mods"))
        refused = texts(await lea.say("/quiz live sql 2 10"))
        assert refused.startswith("Only moderators start live rounds")
        assert "Live round: sql" in texts(await mod.say("/quiz live sql 2 10"))
        assert "Anyone can start" in texts(await mod.say("/admin live anyone"))


def test_the_console_answers_one_line(tmp_path: Path) -> None:
    """The console is a private chat: a live round is for a group, and it says so."""
    keep = ("DOJO_", "TELEGRAM", "DISCORD", "ANTHROPIC")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(keep)}
    environment |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/dojo.db",
        "DOJO_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "ada"],
        input="/quiz live sql 3 10\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "A live round runs in a group or server channel: send /quiz live there." in result.stdout


@pytest.fixture
async def bot(sqlite_dojo: Dojo) -> AsyncIterator[DiscordBot]:
    async with running_bot(sqlite_dojo) as running:
        yield running


async def test_a_round_on_discord_closes_its_buttons(bot: DiscordBot) -> None:
    dojo, fake = bot.dojo, bot.fake
    clock = fixed_clock(dojo)
    started = await bot.slash("quiz", options={"topic": "live sql 1 10"})
    assert "Live round: sql" in started.messages[0]["content"]
    await tick(dojo)
    question = dict(fake.sent_to(bot.channel)[-1])  # as posted, before the closing edit
    buttons = [c for row in question["components"] for c in row["components"]]
    assert [b["label"] for b in buttons][:2] == ["A", "B"]
    clock.advance(seconds=3)
    pressed = await bot.click(question, buttons[0]["custom_id"])
    counted = pressed.messages[0]["content"]
    assert "Right" in counted or "Not this one" in counted
    again = await bot.click(question, buttons[1]["custom_id"])
    assert "your first answer counts" in again.messages[0]["content"]
    clock.advance(seconds=8)
    await tick(dojo)
    closed = next(m for m in fake.sent_to(bot.channel) if m["id"] == question["id"])
    assert closed.get("edited") and closed["components"] == [], "its buttons are gone"
    assert "closed" in closed["content"] and "Answer:" in closed["content"]
    final = fake.sent_to(bot.channel)[-1]["content"]
    assert "Live round over" in final and "Ada" in final
    late = await bot.click(question, buttons[0]["custom_id"])
    assert "That question is closed" in late.messages[0]["content"]
    assert fake.violations == []
