"""The trust model through the real Telegram adapter (python-telegram-bot against the local
fake Bot API): deep links are data for one learner, private answers stay private, and a
group's channels are the ones Telegram says belong to it."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import AdminAudit, PlatformAccount
from core.messages import Platform
from tests.fakes.telegram_harness import running_adapter, texts
from tests.support import ChatDriver

GROUP = -100777


def crafted(line: str) -> str:
    """The attack payload: any command line, base64url behind Dojo's prefix."""
    return "go-" + base64.urlsafe_b64encode(line.encode()).decode().rstrip("=")


async def test_a_crafted_deep_link_cannot_redeem_an_attackers_link_code(dojo: Dojo) -> None:
    eve = ChatDriver(dojo.router, "eve", Platform.DISCORD, "dm-eve")
    await eve.say("/start backend mid UTC")
    code = (await eve.say("/link")).split("Your link code is ")[1].split(".")[0]
    async with running_adapter(dojo.router) as tg:
        victim = tg.person(3001, "Victim")
        await victim.say("/start backend mid UTC")
        calls = await victim.say(f"/start {crafted(f'link {code}')}")
        assert "Merge" not in texts(calls) and "Linked" not in texts(calls)
        assert tg.fake.refusals() == []
    async with dojo.services.uow_factory() as uow:
        owners = await uow.session.scalars(select(PlatformAccount.user_id))
        assert len(set(owners.all())) == 2  # still two learners: nothing merged


async def test_a_continue_link_made_for_one_learner_is_a_greeting_for_another(
    sqlite_dojo: Dojo,
) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada, bob = tg.person(3002, "Ada"), tg.person(3003, "Bob")
        for person in (ada, bob):
            await person.say("/start backend mid UTC")
        calls = await ada.in_chat(GROUP).say("/interview backend")
        url = calls[0].params["reply_markup"]["inline_keyboard"][0][0]["url"]
        payload = url.split("start=")[1]
        assert "Question 1" not in texts(await bob.say(f"/start {payload}"))
        assert "Question 1" in texts(await ada.say(f"/start {payload}"))


async def test_a_startgroup_payload_runs_no_command_in_the_group(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[GROUP] = {3004}
        victim = tg.person(3005, "Lea").in_chat(GROUP)
        await victim.say("/quiz sql 1")  # Lea is a member
        admin = tg.person(3004, "Admin").in_chat(GROUP)
        await admin.say(f"/start {crafted('admin ban Lea')}")
        async with sqlite_dojo.services.uow_factory() as uow:
            audits = await uow.session.scalar(select(func.count()).select_from(AdminAudit))
        assert audits == 0
        assert "Quiz" in texts(await victim.say("/quiz sql 1"))  # Lea was not banned


async def test_export_asked_in_a_group_is_sent_privately(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3006, "Ada")
        await ada.say("/start backend mid UTC")
        calls = await ada.in_chat(GROUP).say("/export")
        documents = [call for call in calls if call.method == "sendDocument"]
        assert documents and all(str(c.params["chat_id"]) == "3006" for c in documents)
        in_group = [c for c in calls if str(c.params.get("chat_id")) == str(GROUP)]
        assert not [c for c in in_group if c.method == "sendDocument"]
        assert "answered you in our private chat" in texts(in_group)
        for command in ("/usage", "/settings"):
            calls = await ada.in_chat(GROUP).say(command)
            in_group = [c for c in calls if str(c.params.get("chat_id")) == str(GROUP)]
            assert "Spent" not in texts(in_group) and "Time zone" not in texts(in_group)


async def test_export_in_a_group_without_a_private_chat_says_so_without_data(
    sqlite_dojo: Dojo,
) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        lea = tg.person(3007, "Lea").in_chat(GROUP)
        await lea.say("/quiz sql 1")
        tg.fake.blocked.add(3007)  # she never opened a private chat with the bot
        calls = await lea.say("/export")
        assert not [call for call in calls if call.method == "sendDocument"]
        assert "haven't opened one" in texts(calls)


async def test_a_groups_channel_must_be_its_own_linked_channel(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[GROUP] = {3008}
        tg.fake.channels = {-100111: GROUP, -100222: -100999}
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier  # as `dojo run` registers it
        mod = tg.person(3008, "Mod").in_chat(GROUP)
        refused = await mod.say("/admin channel announce -100222")  # another group's channel
        assert "is not a chat of this group" in texts(refused)
        refused = await mod.say("/admin channel leaderboard 3008")  # someone's private chat
        assert "is not a chat of this group" in texts(refused)
        posted = [c for c in tg.fake.calls if c.method.startswith("send")]
        assert not [c for c in posted if str(c.params.get("chat_id")) in ("-100222", "3008")]
        accepted = await mod.say("/admin channel announce -100111")
        assert "posted in channel -100111" in texts(accepted)
