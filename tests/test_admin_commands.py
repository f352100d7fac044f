"""/admin: every subcommand by a moderator, refused (and audited) for a learner."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import Dojo
from bot.notifiers import RecordingNotifier
from core.db.models import AdminAudit, AiBudget, XpLedger
from core.messages import CommunityRef, Platform, ReplyKind
from tests.scheduler_support import group_member
from tests.support import ChatDriver

GROUP = CommunityRef(Platform.DISCORD, "guild-1", "Study guild")


@pytest.fixture
async def people(sqlite_dojo: Dojo) -> tuple[ChatDriver, ChatDriver, RecordingNotifier]:
    """A moderator and a learner in one community, and a notifier for its channels."""
    notifier = RecordingNotifier(refuse={"404"})
    sqlite_dojo.notifiers["discord"] = notifier
    notifier.communities.update({"555": GROUP.id, "777": GROUP.id, "404": GROUP.id})
    mod = group_member(sqlite_dojo, "mia", GROUP, is_admin=True)
    ada = group_member(sqlite_dojo, "ada", GROUP)
    await mod.say("/start backend senior UTC")
    await ada.say("/start backend junior UTC")
    return mod, ada, notifier


async def operator_in(dojo: Dojo) -> ChatDriver:
    """discord:root is in DOJO_ADMINS (tests/conftest.py): an operator inside the server."""
    root = group_member(dojo, "root", GROUP)
    await root.say("/start backend senior UTC")
    return root


async def audit_rows(dojo: Dojo) -> list[AdminAudit]:
    async with dojo.services.uow_factory() as uow:
        rows = list((await uow.session.scalars(select(AdminAudit).order_by(AdminAudit.id))).all())
        uow.session.expunge_all()  # keep them loaded after the unit of work closes
        return rows


async def xp_of(dojo: Dojo, name: str) -> tuple[int, int]:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", name)
        assert user is not None
        return user.xp, await uow.xp.ledger_sum(user.id)


LEARNER_ATTEMPTS = [
    "/admin xp grant ada 50 because",
    "/admin badge award ada streak-3",
    "/admin ban mia",
    "/admin unban mia",
    "/admin budget ada 10",
    "/admin channel announce 123",
    "/admin chatxp off",
    "/admin stats",
    "/admin audit",
    "/admin",
]


@pytest.mark.parametrize("text", LEARNER_ATTEMPTS)
async def test_a_learner_is_refused_every_admin_command_and_it_is_audited(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier], text: str
) -> None:
    _, ada, _ = people
    assert "Only moderators" in await ada.say(text)
    [entry] = await audit_rows(sqlite_dojo)
    assert (
        entry.allowed is False and entry.actor == "discord:ada" and entry.action == "refused:admin"
    )
    assert await xp_of(sqlite_dojo, "ada") == (30, 30)


async def test_xp_grant_and_revoke_are_ledger_entries_with_their_reason(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    """An operator's grants change global XP."""
    root = await operator_in(sqlite_dojo)
    answer = await root.say("/admin xp grant ada 100 helped everyone")
    assert "Granted 100 XP" in answer and "reached level 2" in answer
    assert any(item.kind is ReplyKind.ANNOUNCEMENT for item in root.last)
    await root.say("/admin xp grant ada 100 again")  # same amount twice: two entries
    assert "Revoked 40 XP" in await root.say("/admin xp revoke discord:ada 40 duplicate")
    assert await xp_of(sqlite_dojo, "ada") == (190, 190)
    async with sqlite_dojo.services.uow_factory() as uow:
        rows = (
            await uow.session.execute(
                select(XpLedger.amount, XpLedger.reference).where(XpLedger.source.like("admin%"))
            )
        ).all()
    assert sorted(amount for amount, _ in rows) == [-40, 100, 100]
    assert len({reference for _, reference in rows}) == 3
    entries = await audit_rows(sqlite_dojo)
    assert [entry.action for entry in entries] == ["xp.grant", "xp.grant", "xp.revoke"]
    assert entries[0].reason == "helped everyone" and entries[0].actor == "discord:root"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/admin xp", "Missing grant or revoke"),
        ("/admin xp grant", "Missing learner"),
        ("/admin xp grant ada", "Missing amount"),
        ("/admin xp grant ada 50", "Say why"),
        ("/admin xp grant ada -5 nope", "must be positive"),
        ("/admin xp grant ada 99999999 nope", "between 1 and 500"),
        ("/admin xp grant ada lots nope", "not a whole number"),
        ("/admin xp revoke ada 500 too much", "has 30 XP on this community's board"),
        ("/admin xp grant nobody 5 why", "can't find a learner"),
        ("/admin xp grant mia 5 me", "your own XP"),
        ("/admin xp give ada 5 why", "should be grant or revoke"),
        ("/admin channel announce", "Missing channel"),
        ("/admin channel lobby 123", "should be announce or leaderboard"),
        ("/admin channel announce <script>", "not a channel id"),
        ("/admin channel announce 999", "is not a chat of this server"),
        ("/admin modrole <@&guild-1>", "not a role"),
        ("/admin modrole @everyone", "can't be the moderator role"),
        ("/admin chatxp maybe", "should be on or off"),
        ("/admin audit 500", "from 1 to 50"),
        ("/admin frobnicate", "no /admin frobnicate"),
        ("/admin unban ada", "is not banned"),
    ],
)
async def test_bad_arguments_get_a_clear_reply_and_change_nothing(
    sqlite_dojo: Dojo,
    people: tuple[ChatDriver, ChatDriver, RecordingNotifier],
    text: str,
    expected: str,
) -> None:
    mod, _, _ = people
    assert expected in await mod.say(text)
    assert await xp_of(sqlite_dojo, "ada") == (30, 30)
    assert await audit_rows(sqlite_dojo) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/admin badge award ada no-such", "There is no badge"),
        ("/admin badge revoke ada streak-3", "doesn't have"),
        ("/admin budget ada -1", "between $0 and $1,000"),
        ("/admin budget ada cheap", "not an amount"),
        ("/admin xp grant ada 99999999 nope", "between 1 and 10,000"),
        ("/admin xp revoke ada 500 too much", "has only 30 XP"),
    ],
)
async def test_an_operators_bad_arguments_get_a_clear_reply_and_change_nothing(
    sqlite_dojo: Dojo,
    people: tuple[ChatDriver, ChatDriver, RecordingNotifier],
    text: str,
    expected: str,
) -> None:
    root = await operator_in(sqlite_dojo)
    assert expected in await root.say(text)
    assert await xp_of(sqlite_dojo, "ada") == (30, 30)
    assert await audit_rows(sqlite_dojo) == []


async def test_badges_are_awarded_and_revoked(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    _, ada, _ = people
    root = await operator_in(sqlite_dojo)
    answer = await root.say("/admin badge award ada streak-3 kept at it")
    assert "Awarded the badge 3-Day Streak" in answer and "unlocked the badge" in answer
    assert "already has" in await root.say("/admin badge award ada streak-3")
    assert "3-Day Streak" in await ada.say("/badges")
    assert "Took the badge" in await root.say("/admin badge revoke ada streak-3 mistake")
    xp, ledger = await xp_of(sqlite_dojo, "ada")
    assert xp == ledger == 40  # the badge's 10 XP stays, as the reply says
    assert [e.action for e in await audit_rows(sqlite_dojo)] == ["badge.award", "badge.revoke"]


async def test_a_banned_learner_hears_once_then_nothing_until_unbanned(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, ada, _ = people
    assert "is banned in this community" in await mod.say("/admin ban ada spamming links")
    assert "banned you from Dojo in this community" in await ada.say("/profile")
    assert await ada.say("/profile") == ""
    assert "XP" in await ChatDriver(sqlite_dojo.router, "ada", Platform.DISCORD, "dm-ada").say(
        "/profile"
    )  # a community's ban holds there alone
    assert "already banned" in await mod.say("/admin ban ada")
    assert "ada" in await mod.say("/admin bans")  # never hidden from the moderators
    assert "may use Dojo in this community again" in await mod.say("/admin unban ada")
    assert "XP" in await ada.say("/profile")


async def test_operators_cannot_be_banned_and_moderators_stay_in_their_community(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, _, _ = people
    root = ChatDriver(sqlite_dojo.router, "root")  # DOJO_ADMINS=console:root
    await root.say("/start backend senior UTC")
    async with sqlite_dojo.services.uow_factory() as uow:
        operator = await uow.users.by_account("console", "root")
        community = await uow.communities.by_ref("discord", "guild-1")
        assert operator is not None and community is not None
        await uow.communities.add_member(
            community.id, operator.id, sqlite_dojo.services.clock.now()
        )
        await uow.commit()
    assert "can't be banned" in await mod.say("/admin ban console:root")
    outsider = ChatDriver(sqlite_dojo.router, "zed", Platform.DISCORD, "dm-zed")
    await outsider.say("/start data junior UTC")
    assert "can't find a learner called 'zed' in this community" in await mod.say(
        "/admin xp grant zed 5 why"
    )
    assert "Only moderators" in await ChatDriver(
        sqlite_dojo.router, "mia", Platform.DISCORD, "dm-mia"
    ).say("/admin stats")  # a platform's moderator is one only in their server
    assert "Granted 5 XP" in await root.say("/admin xp grant discord:zed 5 welcome")


async def test_channels_and_chat_xp(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, ada, notifier = people
    assert "posted in channel 555" in await mod.say("/admin channel announce <#555>")
    assert "Dojo will post level-ups" in notifier.to("555")[0].text.plain
    assert "posted in channel chat-guild-1" in await mod.say("/admin channel leaderboard here")
    # A level-up now goes to the announcement channel, not the chat it happened in.
    answer = await (await operator_in(sqlite_dojo)).say("/admin xp grant ada 100 great week")
    assert "reached level 2" not in answer
    assert "reached level 2" in notifier.to("555")[-1].text.plain
    assert "No announce channel" in await mod.say("/admin channel announce off")
    assert "Chat XP is off" in await mod.say("/admin chatxp off")
    await ada.send(ada.incoming("a long enough message for chat xp", addressed=False))
    assert await xp_of(sqlite_dojo, "ada") == (130, 130)
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "guild-1")
        assert community is not None
        assert community.settings == {"leaderboard_channel": "chat-guild-1", "chat_xp": False}


async def test_a_channel_that_refuses_the_hello_is_reported_after_saving(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, _, _ = people
    answer = await mod.say("/admin channel announce 404")
    assert "posted in channel 404" in answer and "couldn't post in 404" in answer


async def test_announcements_respect_the_opt_out_and_fall_back_in_place(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, ada, notifier = people
    root = await operator_in(sqlite_dojo)
    await mod.say("/admin channel announce 777")
    await ada.say("/settings announce off")
    assert "reached level 2" in await root.say("/admin xp grant ada 100 quiet one")
    assert all("reached" not in text for text in notifier.texts())
    await ada.say("/settings announce on")
    notifier.refuse.add("777")  # the channel was deleted since
    assert "reached level 3" in await root.say("/admin xp grant ada 300 loud one")
    del notifier.communities["777"]  # ...or moved to another server: never posted there
    notifier.refuse.discard("777")
    posted = len(notifier.to("777"))
    assert "reached level" in await root.say("/admin xp grant ada 2000 moved one")
    assert len(notifier.to("777")) == posted


async def test_budget_stats_and_audit_log(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, ada, _ = people
    root = await operator_in(sqlite_dojo)
    assert "$7.50 a month" in await root.say("/admin budget ada 7.5")
    async with sqlite_dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", "ada")
        assert user is not None
        budget = await uow.session.get(AiBudget, user.id)
        assert budget is not None and budget.monthly_limit_usd == Decimal("7.50")
        assert sqlite_dojo.services.ai is not None
        allowance = await sqlite_dojo.services.ai.allowance(uow, user.id)
        assert allowance.limit == Decimal("7.50")
    assert "default" in await root.say("/admin budget ada default")
    await ada.say("/admin stats")  # refused, and audited
    stats = await mod.say("/admin stats")
    assert "Study guild" in stats and "Members: 3" in stats and "Active learners: 3" in stats
    assert "AI spend" not in stats  # a member's personal spend is not the community's business
    assert "AI spend" in await root.say("/admin stats")
    log = await mod.say("/admin audit 5")
    assert "budget" in log and "REFUSED" in log and "stats" in log
    assert log.index("stats") < log.index("budget")  # newest first


async def test_moderator_role_is_set_validated_and_cleared(
    sqlite_dojo: Dojo, people: tuple[ChatDriver, ChatDriver, RecordingNotifier]
) -> None:
    mod, ada, _ = people
    assert "Only moderators" in await ada.say("/admin modrole 42")
    assert "not a role" in await mod.say("/admin modrole moderators")
    assert "Missing a role id" in await mod.say("/admin modrole")
    assert "role 9876" in await mod.say("/admin modrole <@&9876>")
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "guild-1")
        assert community is not None and community.settings["mod_role"] == "9876"
    assert "No moderator role" in await mod.say("/admin modrole off")
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "guild-1")
        assert community is not None and "mod_role" not in community.settings
    actions = [row.action for row in await audit_rows(sqlite_dojo)]
    assert actions.count("modrole") == 2
