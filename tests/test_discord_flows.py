"""The Discord adapter end to end: discord.py's real client against the local fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import AdminAudit, AiBudget, Community, CommunityXp, User, XpLedger
from core.rules.xp import Activity
from tests.exactly_once import Forgetting, switch_off
from tests.fakes.discord_harness import DiscordBot, running_bot
from tests.fakes.discord_payloads import EVERYDAY, MANAGE_GUILD

EPHEMERAL = 64


@pytest.fixture
async def bot(sqlite_dojo: Dojo) -> AsyncIterator[DiscordBot]:
    async with running_bot(sqlite_dojo) as running:
        yield running
    assert running.fake.violations == []


async def _scalar(dojo: Dojo, query: object) -> object:
    async with dojo.services.uow_factory() as uow:
        return await uow.session.scalar(query)  # type: ignore[call-overload]


async def test_ready_guild_create_and_command_sync(bot: DiscordBot) -> None:
    fake = bot.fake
    assert fake.identify_count == 1
    assert fake.identified_intents is not None and fake.identified_intents & (1 << 15)
    names = {command["name"] for command in fake.commands}
    assert {"start", "quiz", "profile", "leaderboard", "interview", "review", "admin"} <= names
    quiz = next(c for c in fake.commands if c["name"] == "quiz")
    count = next(o for o in quiz["options"] if o["name"] == "count")
    assert (count["type"], count["min_value"], count["max_value"]) == (4, 1, 20)
    assert next(o for o in quiz["options"] if o["name"] == "topic")["autocomplete"] is True
    admin = next(c for c in fake.commands if c["name"] == "admin")
    assert {"xp", "ban", "channel", "stats"} <= {o["name"] for o in admin["options"]}
    await asyncio.wait_for(bot.client.wait_until_ready(), 5)  # type: ignore[union-attr]
    guild = bot.client.get_guild(int(bot.guild))  # type: ignore[union-attr]
    assert guild is not None and guild.name == "Study Hall"


async def test_slash_command_with_options_onboards(bot: DiscordBot) -> None:
    options = {"track": "backend", "level": "mid", "timezone": "Europe/Berlin"}
    log = await bot.slash("start", options=options)
    assert log.ack_type == 4 and log.ack_seconds is not None and log.ack_seconds < 3
    assert "You're set" in log.messages[0]["content"]
    assert log.messages[0]["components"], "onboarding offers reminder buttons"
    track = await _scalar(bot.dojo, select(User.track).where(User.display_name == "Ada"))
    zone = await _scalar(bot.dojo, select(User.time_zone).where(User.display_name == "Ada"))
    assert (track, zone) == ("backend", "Europe/Berlin")
    assert await _scalar(bot.dojo, select(Community.external_id)) == bot.guild


async def test_personal_answers_are_ephemeral(bot: DiscordBot) -> None:
    log = await bot.slash("profile")
    assert log.messages[0]["flags"] & EPHEMERAL
    board = await bot.slash("leaderboard", options={"period": "all", "scope": "here"})
    assert not board.messages[0]["flags"] & EPHEMERAL
    assert "All time" in board.messages[0]["content"]


async def test_option_out_of_range_gets_a_clear_private_answer(bot: DiscordBot) -> None:
    log = await bot.slash("quiz", options={"topic": "sql", "count": 99})
    assert log.messages[0]["flags"] & EPHEMERAL
    assert "between 1 and 20" in log.messages[0]["content"]


async def test_slow_command_is_deferred_then_completed_and_buttons_work(bot: DiscordBot) -> None:
    log = await bot.slash("quiz", options={"topic": "sql", "count": 1}, guild_id=None)
    assert log.ack_type == 5, "a slow command is deferred at once"
    assert log.ack_seconds is not None and log.ack_seconds < 1
    question = log.messages[0]
    custom_ids = [b["custom_id"] for row in question["components"] for b in row["components"]]
    assert custom_ids and all(c.startswith("dj:qa:") and len(c) <= 100 for c in custom_ids)
    answer = await bot.click(question, custom_ids[0], guild_id=None)
    text = " ".join(m["content"] + str(m["embeds"]) for m in answer.messages)
    assert "Quiz" in text or "correct" in text.lower()
    again = await bot.click(question, custom_ids[1], guild_id=None)
    assert "finished" in again.messages[0]["content"], "a quiz question is answered once"


async def test_unknown_and_malformed_buttons_are_answered(bot: DiscordBot) -> None:
    message = bot.fake.message_object(bot.channel, {}, [])
    for custom_id in ("someone-else:1", "dj:nosuchaction:1", "dj:a::b"):
        message["components"] = [
            {
                "type": 1,
                "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}],
            }
        ]
        log = await bot.click(message, custom_id)
        assert "expired" in log.messages[0]["content"]
        if not custom_id.startswith("dj:"):
            assert log.messages[0]["flags"] & EPHEMERAL


async def test_review_is_deferred_and_followed_up(bot: DiscordBot) -> None:
    code = "def total(xs):\n    t = 0\n    for x in xs: t = t + x\n    return t"
    log = await bot.slash("review", options={"language": "python", "code": code}, guild_id=None)
    assert log.ack_type == 5
    text = log.messages[0]["content"] + str(log.messages[0]["embeds"])
    assert "/100" in text or "score" in text.lower()


async def test_interview_moves_to_a_private_thread(bot: DiscordBot) -> None:
    log = await bot.slash("interview", options={"role": "backend", "difficulty": "mid"})
    assert log.ack_type == 5 and log.messages[0]["flags"] & EPHEMERAL
    (thread,) = bot.fake.threads
    assert thread["type"] == 12 and thread["parent_id"] == bot.channel
    assert bot.ada in bot.fake.channels[thread["id"]]["_members"]
    assert f"<#{thread['id']}>" in log.messages[0]["content"]
    assert bot.fake.sent_to(thread["id"]), "the first question is posted in the thread"
    assert not bot.fake.sent_to(bot.channel), "nothing in the main channel"


async def test_prefix_command_and_ignored_authors(bot: DiscordBot) -> None:
    await bot.say("!profile please", bot.ada, replies=0, guild_id=bot.guild, bot=True)
    await bot.say("!profile", bot.ada, replies=0, guild_id=bot.guild, webhook_id="99")
    sent = await bot.say("!help", bot.ada, guild_id=bot.guild)
    assert len(sent) == 1 and "/quiz" in sent[0]["content"]
    assert sent[0]["channel_id"] == bot.channel
    assert sent[0]["_allowed_mentions"] == {"parse": []}


async def test_dm_with_only_an_attachment_gets_a_clear_answer(bot: DiscordBot) -> None:
    image = {
        "id": "5",
        "filename": "cat.png",
        "size": 10,
        "url": "http://127.0.0.1:1/cat.png",
        "proxy_url": "http://127.0.0.1:1/cat.png",
        "content_type": "image/png",
    }
    (sent,) = await bot.say("", bot.ada, attachments=[image])
    assert "only read text" in sent["content"]


GRANT = {"change": "grant", "amount": 50, "reason": "great answers"}


async def test_admin_command_by_a_moderator(bot: DiscordBot) -> None:
    await bot.slash("profile", bot.ada)  # Ada becomes a member of the community
    done = await bot.slash(
        "admin",
        bot.mod,
        subcommand="xp",
        options={**GRANT, "member": bot.ada},
        permissions=EVERYDAY | MANAGE_GUILD,
    )
    assert "50" in done.messages[0]["content"]
    assert "this community's board" in done.messages[0]["content"]
    xp = await _scalar(bot.dojo, select(User.xp).where(User.display_name == "Ada"))
    assert xp == 0  # a server's moderator moves its board, never global XP
    granted = await _scalar(bot.dojo, select(func.sum(CommunityXp.amount)))
    assert granted == 50


async def test_a_servers_moderator_cannot_set_budgets_or_make_everyone_a_moderator(
    bot: DiscordBot,
) -> None:
    await bot.slash("profile", bot.ada)
    owner = EVERYDAY | MANAGE_GUILD
    budget = await bot.slash(
        "admin",
        bot.mod,
        subcommand="budget",
        options={"member": bot.mod, "usd": "1000"},
        permissions=owner,
    )
    assert "Only an operator" in budget.messages[0]["content"]
    assert await _scalar(bot.dojo, select(func.count()).select_from(AiBudget)) == 0
    everyone = await bot.slash(
        "admin", bot.mod, subcommand="modrole", options={"role": bot.guild}, permissions=owner
    )
    assert "everyone can't be the moderator role" in everyone.messages[0]["content"]


async def test_admin_command_by_a_member_in_dms_is_refused(bot: DiscordBot) -> None:
    grant = {**GRANT, "member": bot.mod}
    refused = await bot.slash("admin", bot.ada, subcommand="xp", options=grant, guild_id=None)
    assert "Only moderators" in refused.messages[0]["content"]
    audits = await _scalar(
        bot.dojo,
        select(func.count()).select_from(AdminAudit).where(AdminAudit.allowed.is_(False)),
    )
    assert audits == 1


async def test_admin_command_by_a_member_in_a_server_is_refused(bot: DiscordBot) -> None:
    await bot.slash("profile", bot.mod)
    grant = {**GRANT, "member": bot.mod}
    refused = await bot.slash("admin", bot.ada, subcommand="xp", options=grant)
    assert "Only moderators" in refused.messages[0]["content"]


async def test_configured_moderator_role(bot: DiscordBot) -> None:
    role = bot.fake.add_role(bot.guild, "Sensei")
    role_payload = bot.fake.guilds[bot.guild]["roles"][-1]
    await bot.fake.dispatch("GUILD_ROLE_CREATE", {"guild_id": bot.guild, "role": role_payload})
    await bot.slash("profile", bot.mod)
    refused = await bot.slash("admin", bot.mod, subcommand="stats", roles=(role,))
    assert "Only moderators" in refused.messages[0]["content"], "no moderator role configured yet"
    async with bot.dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", bot.guild)
        assert community is not None
        community.settings = {"mod_role": role}
        await uow.commit()
    log = await bot.slash("admin", bot.mod, subcommand="stats", roles=(role,))
    assert "Only moderators" not in log.messages[0]["content"]
    assert "Sorry" not in log.messages[0]["content"]


@dataclass
class Replayed:
    """What a RESUME that replays every event changed: XP entries, bot messages, answered
    interactions, and the fake's complaints (an interaction answered twice)."""

    chat_xp: int
    messages: int
    interactions: int
    violations: list[str]


async def _resume_replaying_everything(bot: DiscordBot) -> tuple[Replayed, Replayed]:
    """A slash command, a chat message (XP), a quick `!streak` and a slow `!quiz` (which
    runs, and claims its id, alone); then the gateway RESUMEs and replays all of them."""
    await bot.slash("start", options={"track": "backend", "level": "mid", "timezone": "UTC"})
    text = "Today I finally understood how database indexes speed up range queries"
    payload = bot.fake.user_message(text, bot.ada, guild_id=bot.guild)
    await bot.fake.dispatch("MESSAGE_CREATE", payload)
    query = (
        select(func.count())
        .select_from(XpLedger)
        .where(XpLedger.source == Activity.CHAT_MESSAGE.value)
    )
    for _ in range(100):
        if await _scalar(bot.dojo, query) == 1:
            break
        await asyncio.sleep(0.02)
    await bot.say("!streak", bot.ada, guild_id=bot.guild)
    await bot.say("!quiz sql 1", bot.ada, guild_id=bot.guild)

    async def now() -> Replayed:
        chat_xp = await _scalar(bot.dojo, query)
        assert isinstance(chat_xp, int)
        messages, interactions = len(bot.fake.channel_messages), len(bot.fake.interactions)
        return Replayed(chat_xp, messages, interactions, list(bot.fake.violations))

    before = await now()
    bot.fake.replay_everything_on_resume = True
    await bot.fake.ask_to_reconnect()
    await bot.fake.wait_connected()
    await bot.fake.wait_for(lambda: bot.fake.resume_count == 1)
    await asyncio.sleep(0.3)  # the replayed events are processed
    assert bot.fake.identify_count == 1, "the client RESUMEd instead of identifying again"
    return before, await now()


async def test_resume_replay_awards_nothing_twice(bot: DiscordBot) -> None:
    before, after = await _resume_replaying_everything(bot)
    assert before.chat_xp == 1 and before.messages == 2, "the streak and the quiz were answered"
    assert after == before, "a replayed event was answered or awarded again"


@pytest.mark.parametrize(
    "forgetting",
    [(Forgetting.CLAIMS,), (Forgetting.CLAIMS, Forgetting.INTERACTIONS)],
    ids=["claims", "claims-and-interactions"],
)
async def test_the_replay_check_sees_doubles_with_de_duplication_off(
    bot: DiscordBot, forgetting: tuple[Forgetting, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with the database forgetting event ids, the replayed
    `!streak` and `!quiz` are answered again; with the adapter's memory of interactions off
    too, the replayed slash command is answered again as well."""
    for switch in forgetting:
        await switch_off(switch, monkeypatch, bot.dojo.engine)
    before, after = await _resume_replaying_everything(bot)
    assert after.messages >= before.messages + 2, "the replayed messages were answered again"
    if Forgetting.INTERACTIONS in forgetting:
        assert after.violations or after.interactions > before.interactions
    bot.fake.violations.clear()  # the doubles this test provoked


async def test_command_in_a_channel_the_bot_cannot_write_to(bot: DiscordBot) -> None:
    read_only = bot.fake.channel_of(bot.guild, 2)
    bot.fake.forbidden_channels.add(read_only)
    log = await bot.slash("help", channel_id=read_only)
    assert log.messages, "interaction responses do not need channel permissions"
    await bot.say("!help", bot.ada, replies=0, guild_id=bot.guild, channel_id=read_only)
    (after,) = await bot.say("!help", bot.ada, guild_id=bot.guild)
    assert after["channel_id"] == bot.channel, "the bot survived the refused send"


async def test_without_message_content_intent_it_falls_back_to_slash_only(
    sqlite_dojo: Dojo,
) -> None:
    async with running_bot(sqlite_dojo, message_content_allowed=False) as bot:
        # Server Members is dropped first (the least needed), then Message Content.
        await bot.fake.wait_for(lambda: bot.fake.identify_count == 3)
        assert bot.fake.identified_intents is not None
        assert not bot.fake.identified_intents & (1 << 15)
        log = await bot.slash("help")
        assert "/quiz" in log.messages[0]["content"]


async def test_a_private_command_typed_in_a_server_channel_goes_by_dm(bot: DiscordBot) -> None:
    await bot.slash("start", options={"track": "backend", "level": "mid", "timezone": "UTC"})
    asked = bot.fake.user_message("!export", bot.ada, guild_id=bot.guild)
    await bot.fake.dispatch("MESSAGE_CREATE", asked)
    await bot.fake.wait_for(lambda: len(bot.fake.channel_messages) >= 1)
    await asyncio.sleep(0.2)
    sent_to = {message["channel_id"] for message in bot.fake.channel_messages}
    assert sent_to and sent_to <= set(bot.fake.dm_recipients), "the export stayed out of the server"
    bot.fake.closed_dms.add(bot.ada)
    await bot.fake.dispatch(
        "MESSAGE_CREATE", bot.fake.user_message("!usage", bot.ada, guild_id=bot.guild)
    )
    await bot.fake.wait_for(
        lambda: any(
            m["channel_id"] not in bot.fake.dm_recipients for m in bot.fake.channel_messages
        )
    )
    in_server = [
        m for m in bot.fake.channel_messages if m["channel_id"] not in bot.fake.dm_recipients
    ]
    assert (
        "can't reach your DMs" in in_server[-1]["content"]
        and "Spent" not in in_server[-1]["content"]
    )
