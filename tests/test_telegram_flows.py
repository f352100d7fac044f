"""The real Telegram adapter against the fake Bot API: learners' conversations end to end."""

from __future__ import annotations

import pytest

from bot.app import Dojo
from tests.fakes.telegram_harness import Person, running_adapter, texts


async def _onboard(person: Person) -> None:
    calls = await person.say("/start backend mid UTC")
    assert "You're set" in texts(calls)


async def test_onboarding_by_buttons_and_command_menu(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        menu = tg.fake.sent("setMyCommands")
        names = {item["command"] for item in menu[0].params["commands"]}
        assert {"start", "help", "quiz", "leaderboard"} <= names
        assert "admin" not in names  # moderator commands only in the administrators' menu
        ada = tg.person(1001, "Ada <script>")
        calls = await ada.say("/start")
        assert "Welcome to Dojo" in texts(calls)
        assert "<b>Dojo</b>" in calls[0].params["text"]
        await ada.press("Backend")
        await ada.press("Mid")
        done = await ada.say("Europe/Berlin")
        assert "You're set" in texts(done)
        assert tg.fake.refusals() == []
        assert tg.fake.rate_limited == 0
        # Every button press was answered, so no spinner is left on the learner's screen.
        pressed = [c for c in tg.fake.calls if c.method == "answerCallbackQuery"]
        assert len(pressed) == 2


async def test_quiz_by_native_poll(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(1002, "Ada")
        await _onboard(ada)
        calls = await ada.say("/quiz git 2")
        polls = [c for c in calls if c.method == "sendPoll"]
        assert len(polls) == 1
        params = polls[0].params
        assert params["type"] == "quiz" and str(params["is_anonymous"]).lower() == "false"
        assert any(c.method == "sendChatAction" for c in calls)  # /quiz is slow: typing first
        poll = ada.last_poll()
        first = await ada.vote(poll["correct_option_ids"][0])
        assert "Correct" in texts(first)
        second_poll = ada.last_poll()
        assert second_poll["id"] != poll["id"]
        wrong = (second_poll["correct_option_ids"][0] + 1) % len(second_poll["options"])
        last = await ada.vote(wrong)
        assert "Not quite" in texts(last) and "Quiz complete" in texts(last)
        # A second vote on the same poll counts once.
        again = await ada.vote(wrong, poll_id=second_poll["id"])
        assert "Quiz complete" not in texts(again)
        assert tg.fake.refusals() == []


async def test_quiz_by_buttons_when_polls_are_off(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router, native_polls=False) as tg:
        ada = tg.person(1003, "Ada")
        await _onboard(ada)
        calls = await ada.say("/quiz git 2")
        assert not [c for c in calls if c.method == "sendPoll"]
        assert "1. " in texts(calls)
        first = await ada.press("1")
        assert "Correct" in texts(first) or "Not quite" in texts(first)
        last = await ada.press("2")
        assert "Quiz complete" in texts(last)
        assert tg.fake.refusals() == []


async def test_leaderboard_lists_learners(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada, bob = tg.person(1004, "Ada"), tg.person(1005, "Bob")
        await _onboard(ada)
        await _onboard(bob)
        calls = await ada.say("/leaderboard all")
        shown = texts(calls)
        assert "Ada" in shown and "Bob" in shown
        assert tg.fake.refusals() == []


async def test_review_of_a_fenced_block_and_of_a_file(sqlite_dojo: Dojo) -> None:
    if "review" not in sqlite_dojo.router.registry.commands:
        pytest.skip("the review feature is not wired yet")
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(1006, "Ada")
        await _onboard(ada)
        code = "def add(a, b):\n    return a+b\n"
        text = f"/review python\n{code}"
        # Telegram delivers a typed ``` block as a `pre` entity without the backticks.
        pre = {
            "type": "pre",
            "offset": len("/review python\n"),
            "length": len(code),
            "language": "python",
        }
        calls = await ada.say(
            text, entities=[{"type": "bot_command", "offset": 0, "length": 7}, pre]
        )
        assert "/100" in texts(calls)
        assert tg.fake.refusals() == []
        tg.fake.files["documents/doc1"] = b"import os\nx = 1\n"
        document = {
            "file_id": "doc1",
            "file_unique_id": "doc1",
            "file_name": "x.py",
            "file_size": 16,
        }
        calls = await ada.say("", caption="/review python", document=document)
        assert "/100" in texts(calls) and "'os' imported but unused" in texts(calls)
        assert tg.fake.sent("getFile")


async def test_interview_in_a_group_continues_in_private(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(1007, "Ada")
        await _onboard(ada)
        in_group = ada.in_chat(-100500)
        calls = await in_group.say("/interview backend@x")
        assert calls[0].params["chat_id"] in ("-100500", -100500)
        button = calls[0].params["reply_markup"]["inline_keyboard"][0][0]
        assert button["url"].startswith(f"https://t.me/{tg.fake.username}?start=go-")
        payload = button["url"].split("start=")[1]
        private = await ada.say(f"/start {payload}")
        if "interview" in sqlite_dojo.router.registry.commands:
            assert "interview" in texts(private).lower()
        else:
            assert "/interview" in texts(private)  # routed as the command it carried
        assert tg.fake.refusals() == []


async def test_interview_end_to_end_in_private(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(1008, "Ada")
        await _onboard(ada)
        started = await ada.say("/interview backend mid system-design")
        assert "Question 1 of" in texts(started) and "Offline" in texts(started)
        follow_up = await ada.say(
            "I would generate keys with base62 over a counter, cache hot links and replicate reads."
        )
        assert "Follow-up" in texts(follow_up)
        assert "Hint" in texts(await ada.say("/hint"))
        report = await ada.say("/end")
        assert "/100" in texts(report)
        assert tg.fake.refusals() == []


async def test_a_group_poll_answered_after_a_restart_is_answered_in_the_group(
    sqlite_dojo: Dojo,
) -> None:
    """...and in the forum topic where the poll was posted."""
    from tests.fakes.telegram_harness import FAKE_LIMITS
    from tests.fakes.telegram_server import FakeTelegram

    fake = FakeTelegram(limits=FAKE_LIMITS)
    async with running_adapter(sqlite_dojo.router, fake=fake) as tg:
        ada = tg.person(1009, "Ada")
        await _onboard(ada)
        group = ada.in_chat(-100777)
        posted = await group.say("/quiz git 1", message_thread_id=12, is_topic_message=True)
        assert [str(c.params.get("message_thread_id")) for c in posted if c.method == "sendPoll"]
        assert all(
            str(c.params.get("message_thread_id")) == "12" for c in posted if c.method == "sendPoll"
        )
        poll = group.last_poll()
    async with running_adapter(sqlite_dojo.router, fake=fake) as tg:  # a restarted bot
        group = tg.person(1009, "Ada").in_chat(-100777)
        calls = await group.vote(poll["correct_option_ids"][0], poll_id=poll["id"])
        answers = [call for call in calls if call.method == "sendMessage"]
        assert answers and all(str(call.params["chat_id"]) == "-100777" for call in answers)
        assert all(str(call.params.get("message_thread_id")) == "12" for call in answers)
        assert "Quiz complete" in texts(calls)
