"""The real Telegram adapter against the fake Bot API: conversations end to end."""

from __future__ import annotations

from bot.app import Dojo
from tests.fakes.telegram_harness import running_adapter, texts


async def test_onboarding_by_buttons(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(1001, "Ada")
        calls = await ada.say("/start")
        assert "Welcome to Dojo" in texts(calls)
        assert "<b>Dojo</b>" in calls[0].params["text"]
        await ada.press("Backend")
        await ada.press("Mid")
        done = await ada.say("Europe/Berlin")
        assert "You're set" in texts(done)
        assert tg.fake.refusals() == []
        assert tg.fake.rate_limited == 0
