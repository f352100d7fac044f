"""Duels through the real adapters: the fake Telegram Bot API and the Discord fake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import Duel
from tests.duel_support import establish, option_for
from tests.fakes.discord_harness import running_bot
from tests.fakes.telegram_harness import Person, running_adapter, texts

GROUP = -100555


async def _answer_all(dojo: Dojo, duel_id: int, person: Person, total: int, right: int) -> None:
    for n in range(total):
        _, shown = await option_for(dojo, duel_id, person.name, n < right)
        message, data = _question(person)
        assert data.endswith(":0")
        await person.harness.send(person.callback(message, data[:-1] + str(shown)))


def _question(person: Person) -> tuple[dict[str, Any], str]:
    """The latest duel question in the person's private chat, and its first answer's data."""
    return person.last_with_button("1")


async def test_a_duel_on_telegram_from_challenge_to_the_posted_result(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier
        ada, bob = tg.person(3101, "Ada"), tg.person(3102, "Bob")
        for person in (ada, bob):
            await person.say("/start backend mid UTC")
            await person.in_chat(GROUP).say("/help")
        await establish(sqlite_dojo, "Ada", "Bob")
        # Bob picked from the mention list: a text_mention over his name, no username.
        mention = {"type": "text_mention", "offset": 6, "length": 3, "user": bob.user()}
        command = {"type": "bot_command", "offset": 0, "length": 5}
        said = await ada.in_chat(GROUP).say("/duel Bob sql 3", entities=[command, mention])
        assert "Ada challenges Bob" in texts(said)
        assert "can't take your own" in texts(await ada.in_chat(GROUP).press("Accept"))
        stranger = tg.person(3103, "Cy").in_chat(GROUP)
        await stranger.say("/help")
        assert "someone else" in texts(await stranger.press("Accept"))
        on = await bob.in_chat(GROUP).press("Accept")
        assert "is on" in texts(on)
        async with sqlite_dojo.services.uow_factory() as uow:
            duel = await uow.session.scalar(select(Duel))
        assert duel is not None and duel.status == "active"
        await _answer_all(sqlite_dojo, duel.id, ada.in_chat(3101), 3, right=2)
        await _answer_all(sqlite_dojo, duel.id, bob.in_chat(3102), 3, right=1)
        posted = [
            m
            for (chat, _), m in tg.fake.messages.items()
            if chat == GROUP and "wins" in m.get("text", "")
        ]
        assert len(posted) == 1 and "Ada wins" in posted[0]["text"]
        assert "rating 1000 →" in posted[0]["text"]
        board = texts(await bob.in_chat(GROUP).say("/leaderboard duels"))
        assert board.index("Ada") < board.index("Bob")
        assert "Duel rating" in texts(await ada.in_chat(GROUP).say("/profile"))
        assert tg.fake.refusals() == []


async def test_a_duel_on_discord_with_a_user_option_and_answers_by_dm(sqlite_dojo: Dojo) -> None:
    async with running_bot(sqlite_dojo) as bot:
        fake = bot.fake
        bob = fake.add_user("Bob")
        for user in (bot.ada, bob):
            await bot.slash(
                "start",
                user,
                options={"track": "backend", "level": "mid", "timezone": "UTC"},
                guild_id=None,
            )
            await bot.slash("help", user)
        await establish(sqlite_dojo, "Ada", "Bob")
        log = await bot.slash("duel", options={"opponent": bob, "topic": "sql", "count": 3})
        challenge = log.messages[0]
        assert "Ada challenges Bob" in challenge["content"].replace("*", "")
        ids = [b["custom_id"] for row in challenge["components"] for b in row["components"]]
        forged = await bot.click(challenge, ids[0], bot.mod)
        assert "someone else" in forged.messages[0]["content"]
        on = await bot.click(challenge, ids[0], bob)
        assert "is on" in on.messages[0]["content"]
        async with sqlite_dojo.services.uow_factory() as uow:
            duel = await uow.session.scalar(select(Duel))
        assert duel is not None
        for user, name, right in ((bot.ada, "Ada", 3), (bob, "Bob", 0)):
            dm = fake.dm_channel(user)["id"]
            await fake.wait_for(lambda dm=dm: any(m.get("components") for m in fake.sent_to(dm)))
            # The first question comes by DM; each answer's reply carries the next one.
            question = next(m for m in fake.sent_to(dm) if m.get("components"))
            for n in range(3):
                _, shown = await option_for(sqlite_dojo, duel.id, name, n < right)
                data = [b["custom_id"] for row in question["components"] for b in row["components"]]
                answered = await bot.click(question, data[shown], user, guild_id=None)
                question = answered.messages[-1]
            assert "You're done" in question["content"]
        await fake.wait_for(
            lambda: any(
                "wins" in m.get("content", "").replace("*", "") for m in fake.sent_to(bot.channel)
            )
        )
        results = [
            m for m in fake.sent_to(bot.channel) if "wins" in m.get("content", "").replace("*", "")
        ]
        assert len(results) == 1 and "Ada wins" in results[0]["content"].replace("*", "")
        board = await bot.slash("leaderboard", options={"period": "duels"})
        assert "Ada" in board.messages[0]["content"]
        async with sqlite_dojo.services.uow_factory() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Duel)) == 1
        assert fake.violations == []


async def test_on_telegram_a_member_is_named_by_their_username(sqlite_dojo: Dojo) -> None:
    """`/duel @handle`: Telegram gives the bot no id for an @username mention, so Dojo keeps
    each account's username and finds the member by it, here only."""
    async with running_adapter(sqlite_dojo.router) as tg:
        sqlite_dojo.notifiers["telegram"] = tg.adapter.notifier
        ada, cy, zed = tg.person(3201, "Ada"), tg.person(3202, "Cy"), tg.person(3203, "Zed")
        handles = ((ada, "ada_l"), (cy, "CyTheGreat"), (zed, "zed_z"))
        for person, handle in handles:
            # Zed never writes in the group: a stranger there.
            for where in (person, person.in_chat(GROUP)) if person is not zed else (person,):
                update = where.message("/start backend mid UTC" if where is person else "/help")
                update["message"]["from"]["username"] = handle
                await tg.send(update)
        said = texts(await ada.in_chat(GROUP).say("/duel @cythegreat sql 3"))
        assert "Ada challenges Cy" in said
        await ada.in_chat(GROUP).press("Decline")
        refused = texts(await ada.in_chat(GROUP).say("/duel @zed_z"))
        assert "I don't know a member called 'zed_z' here" in refused
