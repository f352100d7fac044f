"""`/admin web on|new|off` through the core: moderators only, the same address on a second
`on`, shown under DOJO_PUBLIC_URL (or a note when it is unset), and the web settings checked
at start with one line naming the bad one."""

from __future__ import annotations

import re

import pytest

from bot.app import Dojo, build
from bot.settings import SettingsError, load_settings
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.support import ChatDriver
from tests.web_support import member, moderator

ADDRESS = re.compile(r"https://dojo\.example\.org/dojo/board/[A-Za-z0-9_-]{32}")


async def test_a_moderator_turns_the_page_on_sees_the_same_address_again_and_off(
    sqlite_url: str, clock: FixedClock
) -> None:
    dojo = await build(
        make_settings(sqlite_url, DOJO_PUBLIC_URL="https://dojo.example.org/dojo/"), clock=clock
    )
    try:
        first = await moderator(dojo).say("/admin web on")
        address = ADDRESS.search(first)
        assert address is not None, first
        assert "DOJO_WEB_PORT is unset" in first  # this Dojo serves no pages itself
        again = await moderator(dojo).say("/admin web on")
        assert ADDRESS.findall(again) == [address.group(0)]
        renewed = await moderator(dojo).say("/admin web new")
        new_address = ADDRESS.search(renewed)
        assert new_address is not None and new_address.group(0) != address.group(0)
        assert "removed" in await moderator(dojo).say("/admin web off")
        assert "no web page" in await moderator(dojo).say("/admin web off")
        third = await moderator(dojo).say("/admin web on")
        assert ADDRESS.search(third) and new_address.group(0) not in third
        assert "should be on, new or off" in await moderator(dojo).say("/admin web maybe")
        assert "Usage: /admin web on|new|off" in await moderator(dojo).say("/admin web")
    finally:
        await dojo.close()


async def test_a_learner_who_is_not_a_moderator_is_refused(sqlite_dojo: Dojo) -> None:
    await member(sqlite_dojo, "ada").say("/start backend mid UTC")
    for words in ("/admin web on", "/admin web off", "/admin web new"):
        answer = await member(sqlite_dojo, "ada").say(words)
        assert "/board/" not in answer
        assert "moderator" in answer.lower() or "admin" in answer.lower(), answer
    assert "/board/" not in await member(sqlite_dojo, "ada").say("/admin web on")


async def test_without_a_public_url_the_path_is_shown_with_a_note(sqlite_dojo: Dojo) -> None:
    answer = await moderator(sqlite_dojo).say("/admin web on")
    assert re.search(r"^/board/[A-Za-z0-9_-]{32} \(DOJO_PUBLIC_URL is unset", answer, re.M)


async def test_a_page_belongs_to_a_community(sqlite_dojo: Dojo) -> None:
    operator = ChatDriver(sqlite_dojo.router, "root")  # an operator in a private chat
    answer = await operator.say("/admin web on")
    assert "belongs to a group or server" in answer and "/board/" not in answer


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("DOJO_WEB_PORT", "eighty", "DOJO_WEB_PORT"),
        ("DOJO_WEB_PORT", "70000", "DOJO_WEB_PORT"),
        ("DOJO_PUBLIC_URL", "dojo.example.org", "DOJO_PUBLIC_URL"),
        ("DOJO_PUBLIC_URL", "ftp://dojo.example.org", "DOJO_PUBLIC_URL"),
        ("DOJO_PUBLIC_URL", "https://dojo.example.org/?page=", "DOJO_PUBLIC_URL"),
    ],
)
def test_bad_web_settings_fail_at_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^Setting {said} is invalid: "):
        load_settings()


def test_good_web_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOJO_WEB_PORT", "8080")
    monkeypatch.setenv("DOJO_PUBLIC_URL", "https://dojo.example.org/")
    settings = load_settings()
    assert settings.web_port == 8080
    assert settings.core_config().public_url == "https://dojo.example.org"
    monkeypatch.setenv("DOJO_WEB_PORT", "")
    assert load_settings().web_port is None  # blank: no web server
