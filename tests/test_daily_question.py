"""The daily question on Telegram, through the real adapter against the fake Bot API:
`/admin daily` and its refusals, the job posting once at the community's local time, first
answers by poll vote, XP and the streak, the reveal that names only visible learners, and
answers after the reveal refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import Dojo
from core.db.models import Community, DailyAnswer, DailyStreak, User, XpLedger
from core.jobs.daily_question import post_daily_questions
from core.jobs.delivery import JobReport
from core.rules.xp import DAILY_RIGHT_XP, DAILY_WRONG_XP, Activity
from tests.fakes.telegram_harness import Person, TelegramHarness, running_adapter, texts
from tests.fakes.telegram_server import Call
from tests.support import ChatDriver

GROUP = -100777
MOD, ADA, BOB, CY = 2001, 2002, 2003, 2004
# 08:00 UTC is 09:00 in Berlin in December.
BEFORE = datetime(2026, 12, 7, 7, 59, tzinfo=UTC)
DUE = datetime(2026, 12, 7, 8, 1, tzinfo=UTC)


async def run(dojo: Dojo, tg: TelegramHarness, at: datetime) -> JobReport:
    from adapters.telegram.send import TelegramNotifier

    notifier = TelegramNotifier(tg.adapter.sender)
    return await post_daily_questions(dojo.services.uow_factory, notifier, at)


def polls(tg: TelegramHarness, since: int = 0) -> list[Call]:
    return [call for call in tg.fake.sent("sendPoll", GROUP)][since:]


def correct_of(poll: dict[str, Any]) -> int:
    return int(poll["correct_option_ids"][0])


async def turned_on(dojo: Dojo, tg: TelegramHarness) -> Person:
    tg.fake.admins[GROUP] = {MOD}
    mod = tg.person(MOD, "Mod").in_chat(GROUP)
    said = texts(await mod.say("/admin daily on 09:00 sql mid Europe/Berlin"))
    assert "Daily question on" in said and "09:00 (Europe/Berlin)" in said, said
    return mod


async def test_moderators_turn_it_on_and_bad_input_is_refused(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[GROUP] = {MOD}
        mod = tg.person(MOD, "Mod").in_chat(GROUP)
        learner = tg.person(ADA, "Ada").in_chat(GROUP)
        assert "Only moderators" in texts(await learner.say("/admin daily on"))
        assert "not a time" in texts(await mod.say("/admin daily on 25:00"))
        assert "not a time" in texts(await mod.say("/admin daily on 9.30"))
        assert "quiz topic called 'cooking'" in texts(await mod.say("/admin daily on cooking"))
        assert "one level" in texts(await mod.say("/admin daily on junior senior"))
        assert "not a time zone" in texts(await mod.say("/admin daily on Mars/Olympus"))
        assert "on, off or reveal" in texts(await mod.say("/admin daily maybe"))
        # In a private chat: a learner is no moderator, an operator has no community there.
        assert "Only moderators" in texts(await tg.person(MOD, "Mod").say("/admin daily on"))
        operator = ChatDriver(sqlite_dojo.router, "root")
        assert "belongs to a group" in await operator.say("/admin daily on")
        async with sqlite_dojo.services.uow_factory() as uow:
            community = await uow.session.scalar(select(Community))
            assert community is not None and "daily_time" not in community.settings
        said = texts(await mod.say("/admin daily on 18:30 python senior"))
        assert "18:30" in said and "python" in said and "senior" in said and "this group" in said
        assert "21:00" in texts(await mod.say("/admin daily reveal 21:00"))
        assert "off" in texts(await mod.say("/admin daily off"))
        async with sqlite_dojo.services.uow_factory() as uow:
            community = await uow.session.scalar(select(Community))
            assert community is not None
            assert community.settings.get("daily_time") is None
            assert community.settings["daily_reveal"] == "21:00"


async def test_posted_once_at_local_time_and_first_answers_count(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        await turned_on(sqlite_dojo, tg)
        early = await run(sqlite_dojo, tg, BEFORE)
        assert early.sent == 0 and polls(tg) == []
        report = await run(sqlite_dojo, tg, DUE)
        assert report.sent == 1, report.summary()
        (sent,) = polls(tg)
        assert sent.params["is_anonymous"] in (False, "False", "false")
        again = await run(sqlite_dojo, tg, DUE + timedelta(minutes=1))
        late = await run(sqlite_dojo, tg, DUE + timedelta(hours=3))
        assert again.sent == late.sent == 0 and len(polls(tg)) == 1

        poll = sent.result["poll"]
        right = correct_of(poll)
        wrong = (right + 1) % len(poll["options"])
        ada = tg.person(ADA, "Ada").in_chat(GROUP)
        bob = tg.person(BOB, "Bob").in_chat(GROUP)
        answered = texts(await ada.vote(right))
        assert "Right" in answered and "streak here: 1 day" in answered, answered
        assert f"{DAILY_RIGHT_XP} for the daily question, right" in answered
        assert "Not this time" in texts(await bob.vote(wrong))
        assert "first answer counts" in texts(await ada.vote(wrong))

        async with sqlite_dojo.services.uow_factory() as uow:
            rows = (await uow.session.scalars(select(DailyAnswer))).all()
            assert sorted(row.correct for row in rows) == [False, True]
            earned = dict(
                (
                    await uow.session.execute(
                        select(User.display_name, XpLedger.amount)
                        .join(XpLedger, XpLedger.user_id == User.id)
                        .where(XpLedger.source == str(Activity.DAILY_QUESTION))
                    )
                ).all()
            )
        assert earned == {"Ada": DAILY_RIGHT_XP, "Bob": DAILY_WRONG_XP}


async def test_next_post_reveals_naming_only_visible_learners(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        await turned_on(sqlite_dojo, tg)
        first = await run(sqlite_dojo, tg, DUE)
        assert first.sent == 1, (first.summary(), tg.fake.calls[-3:])
        poll = polls(tg)[0].result["poll"]
        right = correct_of(poll)
        ada = tg.person(ADA, "Ada").in_chat(GROUP)
        cy = tg.person(CY, "Cyhidden").in_chat(GROUP)
        bob = tg.person(BOB, "Bob").in_chat(GROUP)
        await ada.vote(right)
        await cy.vote(right)
        await bob.vote((right + 1) % len(poll["options"]))
        async with sqlite_dojo.services.uow_factory() as uow:
            hidden = await uow.users.by_account("telegram", str(CY))
            assert hidden is not None
            hidden.leaderboard_opt_out = True
            await uow.commit()

        report = await run(sqlite_dojo, tg, DUE + timedelta(days=1))
        assert report.sent == 1, report.summary()
        shown = texts(tg.fake.sent("sendMessage", GROUP)[-1:])
        assert "2 of 3 got it right" in shown and "Ada" in shown, shown
        assert "Cyhidden" not in shown and "Bob" not in shown
        assert poll["options"][right]["text"] in shown
        # The first day's poll is closed now; the second day's counts for the streak.
        assert "answers are closed" in texts(await bob.vote(right, poll["id"]))
        second = polls(tg)[-1].result["poll"]
        assert second["id"] != poll["id"]
        assert "streak here: 2 days" in texts(await ada.vote(correct_of(second)))
        async with sqlite_dojo.services.uow_factory() as uow:
            streaks = (await uow.session.scalars(select(DailyStreak))).all()
            assert {(row.current, row.longest) for row in streaks} >= {(2, 2), (1, 1)}


async def test_reveal_hour_posts_its_own_reveal_once(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        mod = await turned_on(sqlite_dojo, tg)
        await mod.say("/admin daily reveal 18:00")
        await run(sqlite_dojo, tg, DUE)
        poll = polls(tg)[0].result["poll"]
        ada = tg.person(ADA, "Ada").in_chat(GROUP)
        await ada.vote(correct_of(poll))
        before = len(tg.fake.sent("sendMessage", GROUP))
        reveal_at = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
        assert (await run(sqlite_dojo, tg, reveal_at - timedelta(minutes=2))).sent == 0
        assert (await run(sqlite_dojo, tg, reveal_at)).sent == 1
        assert (await run(sqlite_dojo, tg, reveal_at + timedelta(minutes=1))).sent == 0
        reveals = tg.fake.sent("sendMessage", GROUP)[before:]
        assert len(reveals) == 1 and "1 of 1 got it right" in texts(reveals)
        assert "answers are closed" in texts(await tg.person(BOB, "Bob").vote(0, poll["id"]))
        # The next day's post asks a new question and does not reveal the first again.
        await run(sqlite_dojo, tg, DUE + timedelta(days=1))
        assert "got it right" not in texts(tg.fake.sent("sendMessage", GROUP)[-1:])
        assert len(polls(tg)) == 2


async def test_turned_off_posts_nothing(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        mod = await turned_on(sqlite_dojo, tg)
        await mod.say("/admin daily off")
        report = await run(sqlite_dojo, tg, DUE)
        assert report.sent == 0 and polls(tg) == []


async def test_a_linked_channel_gets_buttons_answered_privately(sqlite_dojo: Dojo) -> None:
    """A broadcast channel takes no non-anonymous poll, so there the question has buttons;
    a press there is answered in the learner's private chat."""
    channel = -100888
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.channels[channel] = GROUP
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier  # as `dojo run` registers it
        mod = await turned_on(sqlite_dojo, tg)
        assert "will be posted in channel" in texts(
            await mod.say(f"/admin channel announce {channel}")
        )
        assert (await run(sqlite_dojo, tg, DUE)).sent == 1
        assert tg.fake.sent("sendPoll") == [] and polls(tg) == []
        message, data = tg.person(ADA, "Ada").in_chat(channel).last_with_button("A")
        assert data.startswith("dj:dq:")
        message = {**message, "chat": {"id": channel, "type": "channel", "title": "A channel"}}
        ada = tg.person(ADA, "Ada")
        calls = await tg.send(ada.callback(message, data))
        answered = [call for call in calls if call.method == "sendMessage"]
        assert answered and all(int(call.params["chat_id"]) == ADA for call in answered)
        assert "streak here: 1 day" in texts(answered)
