"""Typed community settings: old rows load, every write is checked, the stored JSON keeps
today's shape."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.app import Dojo
from core.community_settings import CommunitySettings, InvalidSetting, checked, settings_of
from core.messages import CommunityRef, Platform

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_an_old_shaped_row_loads() -> None:
    stored = {
        "announce_channel": "-1001234567890",
        "leaderboard_channel": 555,  # an id stored as a number
        "chat_xp": False,
        "mod_role": "<@&9876>",  # a role stored as its mention
        "has_bans": True,
    }
    assert settings_of(stored) == CommunitySettings(
        announce_channel="-1001234567890",
        leaderboard_channel="555",
        chat_xp=False,
        mod_role="9876",
        has_bans=True,
    )


def test_an_empty_or_missing_row_has_the_defaults() -> None:
    assert settings_of(None) == settings_of({}) == CommunitySettings()
    assert CommunitySettings().chat_xp is True and CommunitySettings().has_bans is False


def test_a_row_with_unusable_values_loads_with_defaults_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="core.community_settings"):
        loaded = settings_of({"daily_question": True, "chat_xp": "yes", "mod_role": "admins"})
    assert loaded == CommunitySettings()
    assert "daily_question" in caplog.text and "chat_xp" in caplog.text
    assert "mod_role" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="core.community_settings"):
        settings_of({"daily_question": True})
    assert not caplog.text, "an odd row warns once, not on every message"


def test_the_stored_json_keeps_todays_keys_and_round_trips() -> None:
    settings = CommunitySettings(leaderboard_channel="chat-guild-1", chat_xp=False)
    assert settings.to_json() == {"leaderboard_channel": "chat-guild-1", "chat_xp": False}
    assert settings_of(settings.to_json()) == settings
    assert CommunitySettings().to_json() == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"announce": "-100"}, "Unknown community setting 'announce'"),
        ({"chat_xp": "off"}, "chat_xp must be true or false"),
        ({"has_bans": 1}, "has_bans must be true or false"),
        ({"leaderboard_channel": 12345}, "leaderboard_channel must be a chat id"),
        ({"announce_channel": "two words"}, "announce_channel must be a chat id"),
        ({"announce_channel": "9" * 65}, "announce_channel must be a chat id"),
        ({"mod_role": "<@&12>"}, "mod_role must be a role id"),
        ({"mod_role": "1" * 21}, "mod_role must be a role id"),
    ],
)
def test_a_write_that_cannot_be_stored_is_refused_clearly(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidSetting, match=message):
        checked(CommunitySettings(), changes)


async def test_the_repository_checks_and_stores_settings(sqlite_dojo: Dojo) -> None:
    ref = CommunityRef(Platform.DISCORD, "guild-5", "Guild")
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.ensure(ref, NOW)
        community.settings = {"chat_xp": True, "mod_role": "77"}  # written before this module
        await uow.commit()
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.ensure(ref, NOW)
        changed = uow.communities.change_settings(
            community, announce_channel="555", has_bans=True, mod_role=None
        )
        assert changed == CommunitySettings(announce_channel="555", has_bans=True)
        with pytest.raises(InvalidSetting):
            uow.communities.change_settings(community, chat_xp="nope")
        await uow.commit()
    async with sqlite_dojo.services.uow_factory() as uow:
        stored = await uow.communities.by_ref("discord", "guild-5")
        assert stored is not None
        assert stored.settings == {"announce_channel": "555", "has_bans": True}
