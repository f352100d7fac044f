"""Role rewards on Discord, end to end: discord.py's real client against the fake Discord,
whose guilds have roles with positions and permissions and check every member role edit the
way Discord does (tests/fakes/discord_roles.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.discord.notifier import DiscordNotifier
from bot.app import Dojo
from core.db.standing import StandingRepository
from core.errors import UserError
from core.features.help import TELEGRAM_NO_ROLES
from core.features.rewards.rules import NO_ROLES
from core.messages import ChatKind, CommunityRef, Platform
from tests.fakes.discord_harness import DiscordBot, running_bot
from tests.fakes.discord_payloads import EVERYDAY, MANAGE_GUILD
from tests.fakes.discord_roles import MANAGE_ROLES
from tests.fakes.discord_server import MEMBERS_INTENT, MESSAGE_CONTENT_INTENT
from tests.support import ChatDriver

OWNER = EVERYDAY | MANAGE_GUILD


@dataclass
class Server:
    bot: DiscordBot
    dojo_role: str
    apprentice: str  # a role below Dojo's
    adept: str  # another, below Dojo's
    above: str  # a role above Dojo's
    bob: str  # a second learner

    @property
    def fake(self) -> Any:
        return self.bot.fake

    async def admin(self, subcommand: str, **options: Any) -> str:
        log = await self.bot.slash(
            "admin",
            self.bot.mod,
            subcommand=subcommand,
            options=options,
            permissions=OWNER,
        )
        return str(log.messages[0]["content"]).replace("\\", "")  # Markdown escapes

    async def reward(self, level: int, role: str) -> str:
        return await self.admin("reward", level=level, role=role)

    async def grant(self, member: str, amount: int) -> str:
        return await self.admin(
            "xp", change="grant", member=member, amount=amount, reason="good answers"
        )

    def held(self, user: str) -> list[str]:
        return self.fake.held(self.bot.guild, user)  # type: ignore[no-any-return]

    async def holds(self, user: str, role: str) -> None:
        await self.fake.wait_for(lambda: role in self.held(user))


@pytest.fixture
async def server(sqlite_dojo: Dojo) -> AsyncIterator[Server]:
    async with running_bot(sqlite_dojo) as bot:
        fake = bot.fake
        guild = bot.guild
        dojo_role = fake.make_role(guild, "Dojo", position=5, permissions=MANAGE_ROLES)
        apprentice = fake.make_role(guild, "Apprentice", position=1)
        adept = fake.make_role(guild, "Adept", position=2)
        above = fake.make_role(guild, "Staff", position=8)
        bob = fake.add_user("Bob")
        fake.join(guild, fake.app_id, (dojo_role,))
        for member in (bot.ada, bot.mod, bob):
            fake.join(guild, member)
        await bot.slash("profile", bot.ada)  # Ada and Bob become members Dojo knows
        await bot.slash("profile", bob)
        yield Server(bot, dojo_role, apprentice, adept, above, bob)
        assert fake.violations == []


async def test_set_list_off_and_mode(server: Server) -> None:
    said = await server.reward(2, server.apprentice)
    assert "Level 2 (First Steps) now gives the role **Apprentice**" in said
    await server.reward(3, server.adept)
    listed = await server.admin("rewards", what="list")
    assert "mode stack" in listed
    assert "Level 2 (First Steps): **Apprentice**" in listed and "Level 3" in listed
    assert "replace" in await server.admin("rewards", what="replace")
    assert "mode replace" in await server.admin("rewards", what="list")
    assert "gives no role any more" in await server.admin("rewardoff", level=3)
    listed = await server.admin("rewards", what="list")
    assert "Adept" not in listed and "Apprentice" in listed


async def test_a_role_named_by_mention_or_name_is_resolved(server: Server) -> None:
    # Chat (!admin reward 4 Apprentice) hands the words to the same check as the slash form.
    said = await server.reward(4, server.adept)
    assert "Level 4 (Balanced) now gives the role **Adept**" in said
    notifier = server.bot.dojo.notifiers["discord"]
    assert isinstance(notifier, DiscordNotifier)
    mention = await notifier.check_reward_role(server.bot.guild, f"<@&{server.adept}>")
    assert (mention.role_id, mention.name) == (server.adept, "Adept")
    found = await notifier.check_reward_role(server.bot.guild, "@apprentice")
    assert (found.role_id, found.name, found.problem) == (server.apprentice, "Apprentice", "")
    missing = await notifier.check_reward_role(server.bot.guild, "Nope")
    assert missing.problem == "There is no role called 'Nope' in this server."
    server.fake.make_role(server.bot.guild, "Adept", position=1)
    twice = await notifier.check_reward_role(server.bot.guild, "adept")
    assert twice.problem.startswith("Several roles are called 'adept'")


async def test_missing_manage_roles_says_exactly_what_to_fix(server: Server) -> None:
    roles = server.fake.roles_of(server.bot.guild)
    next(r for r in roles if r["id"] == server.dojo_role)["permissions"] = "0"
    said = await server.reward(2, server.apprentice)
    assert said == (
        "I need the Manage Roles permission to give roles: in Server Settings → Roles, open my "
        "role (Dojo) and turn on Manage Roles, then try again. Nothing was saved."
    )
    assert "No role rewards here yet" in await server.admin("rewards", what="list")


async def test_a_role_above_the_bots_is_refused_with_the_fix(server: Server) -> None:
    said = await server.reward(2, server.above)
    assert said == (
        "The role Staff sits above my highest role (Dojo), so Discord won't let me give it: in "
        "Server Settings → Roles, drag Dojo above Staff, then try again. Nothing was saved."
    )


async def test_everyone_managed_and_another_servers_role_are_refused(server: Server) -> None:
    fake = server.fake
    other = fake.add_guild("Elsewhere")
    foreign = fake.make_role(other, "Apprentice", position=1)
    said = await server.reward(2, foreign)
    assert said.startswith(f"There is no role {foreign} in this server")
    assert "everyone can't be a reward" in await server.reward(2, server.bot.guild)
    booster = fake.make_role(server.bot.guild, "Booster", position=1, managed=True)
    assert "managed by an integration" in await server.reward(2, booster)
    assert "No role rewards here yet" in await server.admin("rewards", what="list")


async def test_a_level_out_of_range_is_refused(server: Server) -> None:
    assert "level must be between 1 and 10, not 11" in await server.reward(11, server.adept)
    assert "level must be between 1 and 10, not 0" in await server.reward(0, server.adept)
    # The typed form (!admin reward 12 Adept) reaches the subcommand's own check.
    typed = ChatDriver(
        server.bot.dojo.router,
        server.bot.mod,
        Platform.DISCORD,
        server.bot.channel,
        ChatKind.GROUP,
        CommunityRef(Platform.DISCORD, server.bot.guild, "Study Hall"),
        is_admin=True,
    )
    for word in ("12", "-1", "two"):
        said = await typed.say(f"/admin reward {word} Adept")
        assert said.startswith(f"'{word}' is not a level: levels go from 1 to 10."), said
    assert "No role rewards here yet" in await server.admin("rewards", what="list")


async def test_a_level_up_adds_the_role_after_commit(server: Server) -> None:
    await server.reward(2, server.apprentice)
    assert server.held(server.bot.ada) == []
    await server.grant(server.bot.ada, 50)  # level 1 still: nothing to give
    await server.grant(server.bot.ada, 60)  # 110 on this board: level 2
    await server.holds(server.bot.ada, server.apprentice)
    assert server.held(server.bob) == []


async def test_a_level_up_by_earned_xp_adds_the_role(server: Server, sqlite_dojo: Dojo) -> None:
    await server.reward(2, server.apprentice)
    async with sqlite_dojo.services.uow_factory() as uow:  # 99 XP, earned earlier
        ada = await uow.users.find_all("Ada")
        await uow.xp.award(ada[0].id, "seed", "seed", 99, sqlite_dojo.services.clock.now())
        await uow.commit()
    await server.bot.say(
        "a chat message long enough to earn XP", guild_id=server.bot.guild, replies=0
    )
    await server.holds(server.bot.ada, server.apprentice)


async def test_no_role_when_the_transaction_rolls_back(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    await server.reward(2, server.apprentice)
    adjust = StandingRepository.adjust

    async def adjust_then_fail(self: StandingRepository, *args: Any) -> None:
        await adjust(self, *args)
        raise UserError("refused after the write")

    monkeypatch.setattr(StandingRepository, "adjust", adjust_then_fail)
    assert "refused after the write" in await server.grant(server.bot.ada, 150)
    assert server.fake.role_edits == [] and server.held(server.bot.ada) == []
    monkeypatch.setattr(StandingRepository, "adjust", adjust)
    await server.grant(server.bot.ada, 150)
    await server.holds(server.bot.ada, server.apprentice)


async def test_stack_keeps_lower_roles_and_replace_removes_them(server: Server) -> None:
    await server.reward(2, server.apprentice)
    await server.reward(3, server.adept)
    await server.grant(server.bot.ada, 400)  # level 3
    await server.holds(server.bot.ada, server.adept)
    assert sorted(server.held(server.bot.ada)) == sorted([server.apprentice, server.adept])
    await server.admin("rewards", what="replace")
    await server.grant(server.bob, 400)
    await server.holds(server.bob, server.adept)
    assert server.held(server.bob) == [server.adept]


async def test_replace_mode_removes_the_lower_role_on_level_up(server: Server) -> None:
    await server.reward(2, server.apprentice)
    await server.reward(3, server.adept)
    await server.admin("rewards", what="replace")
    await server.grant(server.bot.ada, 150)
    await server.holds(server.bot.ada, server.apprentice)
    await server.grant(server.bot.ada, 250)
    await server.holds(server.bot.ada, server.adept)
    assert server.held(server.bot.ada) == [server.adept]


async def test_a_member_who_rejoins_gets_their_roles_back(server: Server) -> None:
    await server.reward(2, server.apprentice)
    await server.grant(server.bot.ada, 150)
    await server.holds(server.bot.ada, server.apprentice)
    fake, guild = server.fake, server.bot.guild
    fake.leave(guild, server.bot.ada)
    fake.join(guild, server.bot.ada)  # Discord gives a returning member no roles
    await fake.dispatch("GUILD_MEMBER_ADD", fake.member_join_payload(guild, server.bot.ada))
    await server.holds(server.bot.ada, server.apprentice)


async def test_sync_backfills_members_already_there_one_at_a_time(server: Server) -> None:
    await server.grant(server.bot.ada, 150)
    await server.grant(server.bob, 400)
    await server.reward(2, server.apprentice)
    await server.reward(3, server.adept)
    assert server.fake.role_edits == []  # setting a reward gives nothing by itself
    server.fake.role_edit_delay = 0.02
    said = await server.admin("rewards", what="sync")
    assert "Checking the reward roles of 3 members" in said
    await server.holds(server.bob, server.adept)
    assert server.held(server.bot.ada) == [server.apprentice]
    assert sorted(server.held(server.bob)) == sorted([server.apprentice, server.adept])
    assert server.fake.most_edits_in_flight == 1


async def test_a_deleted_role_is_reported_once_and_not_retried(server: Server) -> None:
    bot, fake = server.bot, server.fake
    await bot.slash("profile", bot.mod, guild_id=None)  # the moderator's private chat
    await server.reward(2, server.apprentice)
    fake.delete_role(bot.guild, server.apprentice)
    dm = fake.dm_channel(bot.mod)["id"]
    await server.grant(bot.ada, 150)
    await fake.wait_for(lambda: fake.sent_to(dm))
    report = fake.sent_to(dm)[0]["content"].replace("\\", "")
    assert "the role Apprentice (level 2) no longer works: the role was deleted." in report
    assert "/admin reward 2 off" in report
    assert "broken" in await server.admin("rewards", what="list")
    await server.grant(server.bob, 150)
    await server.admin("rewards", what="sync")
    assert len(fake.sent_to(dm)) == 1
    assert not any(edit.role == server.apprentice for edit in fake.role_edits)


async def test_telegram_says_it_has_no_roles(sqlite_dojo: Dojo) -> None:
    group = ChatDriver(
        sqlite_dojo.router,
        "grace",
        Platform.TELEGRAM,
        "-100123",
        ChatKind.GROUP,
        CommunityRef(Platform.TELEGRAM, "-100123", "Study"),
        is_admin=True,
    )
    assert await group.say("/admin reward 2 Apprentice") == NO_ROLES
    assert TELEGRAM_NO_ROLES in await group.say("/help")
    console = ChatDriver(sqlite_dojo.router, "ada")
    assert TELEGRAM_NO_ROLES not in await console.say("/help")


async def test_without_the_members_intent_it_keeps_message_content(sqlite_dojo: Dojo) -> None:
    async with running_bot(sqlite_dojo, members_allowed=False) as bot:
        await bot.fake.wait_for(lambda: bot.fake.identify_count == 2)
        intents = bot.fake.identified_intents
        assert intents is not None and intents & MESSAGE_CONTENT_INTENT
        assert not intents & MEMBERS_INTENT
        log = await bot.slash("help")
        assert "/quiz" in log.messages[0]["content"]
