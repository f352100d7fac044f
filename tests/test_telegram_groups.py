"""Groups on Telegram: addressed messages, chat XP, moderators from getChatAdministrators."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import AdminAudit, Community, XpLedger
from tests.fakes.telegram_harness import running_adapter, texts

GROUP = -100777


def _admin_registered(dojo: Dojo) -> bool:
    """/admin lives in the admin feature; wire it for the test if the app does not yet."""
    registry = dojo.router.registry
    if "admin" not in registry.commands:
        try:
            registry.add_modules([importlib.import_module("core.features.admin.command")])
        except ImportError:
            return False
    return "admin" in registry.commands


async def test_admin_command_by_group_admin(sqlite_dojo: Dojo) -> None:
    if not _admin_registered(sqlite_dojo):
        pytest.skip("no /admin command yet")
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[GROUP] = {2001}
        mod = tg.person(2001, "Mod").in_chat(GROUP)
        allowed = await mod.say("/admin stats")
        assert allowed and "Only moderators" not in texts(allowed)
        again = await mod.say("/admin help")
        assert again and "Only moderators" not in texts(again)
        # Looked up once and cached for both commands.
        assert len(tg.fake.sent("getChatAdministrators")) == 1
        assert tg.fake.refusals() == []


async def test_admin_command_by_learner_in_group_is_refused(sqlite_dojo: Dojo) -> None:
    if not _admin_registered(sqlite_dojo):
        pytest.skip("no /admin command yet")
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[GROUP] = {2001}
        learner = tg.person(2002, "Lea").in_chat(GROUP)
        refused = await learner.say("/admin stats")
        assert "Only moderators" in texts(refused)
        async with sqlite_dojo.services.uow_factory() as uow:
            refusals = await uow.session.scalar(
                select(func.count()).select_from(AdminAudit).where(AdminAudit.allowed.is_(False))
            )
        assert refusals == 1


async def test_group_chat_earns_xp_and_registers_the_community(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(2003, "Ada").in_chat(GROUP)
        calls = await ada.say("I finally understood how B-tree indexes split pages today")
        assert calls == []  # not addressed to the bot: no answer, only XP
        async with sqlite_dojo.services.uow_factory() as uow:
            community = await uow.session.scalar(
                select(Community).where(Community.external_id == str(GROUP))
            )
            xp = await uow.session.scalar(select(func.sum(XpLedger.amount)))
        assert community is not None
        assert xp and xp > 0


async def test_commands_for_other_bots_are_ignored(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(2004, "Ada").in_chat(GROUP)
        assert await ada.say("/help@some_other_bot") == []
        mine = await ada.say(f"/help@{tg.fake.username}")
        assert "Dojo" in texts(mine)


async def test_private_reply_to_a_learner_who_never_opened_a_chat(sqlite_dojo: Dojo) -> None:
    if not _admin_registered(sqlite_dojo):
        pytest.skip("no /admin command yet")
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(2005, "Ada").in_chat(GROUP)
        tg.fake.blocked.add(2005)
        calls = await ada.say("/export")
        shown = texts(calls)
        if "private chat" in shown:
            markup = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]
            assert markup["url"] == f"https://t.me/{tg.fake.username}"
        assert all("Forbidden" in (c.error or "") for c in tg.fake.refusals())


async def test_answers_in_a_forum_group_stay_in_the_topic(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(2024, "Ada").in_chat(-100888)
        calls = await ada.say("/leaderboard", message_thread_id=7, is_topic_message=True)
        answers = [call for call in calls if call.method == "sendMessage"]
        assert answers and all(str(c.params.get("message_thread_id")) == "7" for c in answers)
        general = await ada.say("/help")
        assert all("message_thread_id" not in c.params for c in general)
