"""The trust model (DESIGN §9, core.trust): each attack a self-made community's moderator, a
crafted button or a forgetful learner could try, refused or contained, on both databases
where the database decides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import Dojo
from bot.notifiers import RecordingNotifier
from core.db.models import AdminAudit, AiBudget, CommunityMember
from core.leaderboard import rank_of, top
from core.messages import CommunityRef, Platform, ReplyKind
from tests.scheduler_support import group_member
from tests.support import ChatDriver

MINE = CommunityRef(Platform.DISCORD, "g-mine", "My own server")
OTHER = CommunityRef(Platform.DISCORD, "g-other", "Someone else's server")


async def learner_id(dojo: Dojo, platform: str, name: str) -> int:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account(platform, name)
        assert user is not None
        return user.id


async def global_xp(dojo: Dojo, name: str) -> int:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", name)
        assert user is not None
        return user.xp


@pytest.fixture
async def attacker(dojo: Dojo) -> tuple[ChatDriver, ChatDriver, ChatDriver]:
    """Eve made her own server (so she moderates it); her sock puppet and Ada are members."""
    dojo.notifiers["discord"] = RecordingNotifier(communities={"555": MINE.id})
    eve = group_member(dojo, "eve", MINE, is_admin=True)
    puppet = group_member(dojo, "puppet", MINE)
    ada = group_member(dojo, "ada", MINE)
    for person in (eve, puppet, ada):
        await person.say("/start backend mid UTC")
    return eve, puppet, ada


async def test_a_moderator_cannot_raise_their_own_ai_budget(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    answer = await eve.say("/admin budget eve 1000")
    assert "Only an operator (DOJO_ADMINS) can change AI budgets" in answer
    assert "Only an operator" in await eve.say("/admin budget ada 0")  # nor lower anyone's
    async with dojo.services.uow_factory() as uow:
        assert (await uow.session.scalars(select(AiBudget))).all() == []
        refused = (await uow.session.scalars(select(AdminAudit))).all()
    assert [(row.action, row.allowed) for row in refused] == [("refused:admin", False)]
    assert refused[0].attempts == 2  # the same refusal, folded


async def test_a_moderators_grants_move_only_their_communitys_board(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    before = await global_xp(dojo, "puppet")
    answer = await eve.say("/admin xp grant puppet 500 best puppet")
    assert "on this community's board" in answer and "Global XP is unchanged" in answer
    assert await global_xp(dojo, "puppet") == before
    puppet_id = await learner_id(dojo, "discord", "puppet")
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", MINE.id)
        assert community is not None
        board = await top(uow.session, community_id=community.id)
        assert board[0].user_id == puppet_id and board[0].score == before + 500
        world = await top(uow.session)
        assert all(entry.score == before for entry in world)  # the global board: untouched
        mine = await rank_of(uow.session, puppet_id, community_id=community.id)
        assert mine is not None and mine.rank == 1
    # Bounded per call and per learner per week, and never their own.
    assert "between 1 and 500" in await eve.say("/admin xp grant puppet 10000 more")
    assert "500 XP here this week" not in await eve.say("/admin xp grant puppet 500 again")
    assert "at most 1,000 a learner a week" in await eve.say("/admin xp grant puppet 1 more")
    assert "your own XP" in await eve.say("/admin xp grant eve 5 me")
    assert await global_xp(dojo, "puppet") == before


async def test_badges_carry_global_xp_so_only_operators_award_them(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    before = await global_xp(dojo, "puppet")
    assert "Only an operator" in await eve.say("/admin badge award puppet legend")
    assert await global_xp(dojo, "puppet") == before


async def test_a_moderators_ban_holds_in_their_community_only(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, ada = attacker
    elsewhere = group_member(dojo, "ada", OTHER)
    private = ChatDriver(dojo.router, "ada", Platform.DISCORD, "dm-ada")
    await elsewhere.say("/profile")
    assert "banned in this community" in await eve.say("/admin ban ada trolling")
    assert "in this community" in await ada.say("/profile")
    assert await ada.say("/quiz sql 1") == ""  # told once, then silence, here
    assert "XP" in await private.say("/profile")  # her private chat is hers
    assert "XP" in await elsewhere.say("/profile")  # and other communities are theirs
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", MINE.id)
        assert community is not None
        names = [entry.name for entry in await top(uow.session, community_id=community.id)]
        assert "ada" not in names and "ada" in [e.name for e in await top(uow.session)]
    assert "ada" in await eve.say("/admin bans")


async def test_only_operators_ban_everywhere_and_lift_it(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    root = group_member(dojo, "root", MINE)  # discord:root is an operator
    assert "banned from all of Dojo" in await root.say("/admin ban ada spam everywhere")
    answer = await eve.say("/admin unban ada")
    assert "only an operator (DOJO_ADMINS) can lift that" in answer
    private = ChatDriver(dojo.router, "ada", Platform.DISCORD, "dm-ada")
    assert "banned" in await private.say("/profile")
    assert "may use Dojo again" in await root.say("/admin unban ada")
    assert "XP" in await private.say("/profile")


async def test_channels_must_belong_to_the_same_community(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    notifier = dojo.notifiers["discord"]
    assert isinstance(notifier, RecordingNotifier)
    notifier.communities["666"] = OTHER.id
    for chat in ("666", "<#666>", "12345"):  # another server's channel, an unknown chat
        answer = await eve.say(f"/admin channel announce {chat}")
        assert "is not a chat of this server" in answer
    assert notifier.sent == []  # not even the hello went out
    assert "posted in channel 555" in await eve.say("/admin channel announce <#555>")


async def test_targets_resolve_in_the_community_and_ambiguous_names_are_refused(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, _ = attacker
    outsider = ChatDriver(dojo.router, "zoe", Platform.TELEGRAM, "tg-zoe")
    await outsider.say("/start backend mid UTC")
    assert "can't find a learner called 'zoe' in this community" in await eve.say("/admin ban zoe")
    twin = group_member(dojo, "ada2", MINE)
    await twin.say("/start backend mid UTC")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", "ada2")
        assert user is not None
        user.display_name = "ada"  # two members now answer to "ada"
        await uow.commit()
    answer = await eve.say("/admin xp grant ada 5 who")
    assert "More than one learner is called 'ada'" in answer
    assert "discord:ada" in answer and "discord:ada2" in answer
    assert "Granted 5 XP" in await eve.say("/admin xp grant discord:ada2 5 this one")


async def test_refused_attempts_are_folded_so_real_entries_stay_visible(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, puppet, _ = attacker
    await eve.say("/admin xp grant ada 5 a real entry")
    for _ in range(60):
        await puppet.say("/admin xp grant puppet 10000 flood")
    async with dojo.services.uow_factory() as uow:
        rows = (await uow.session.scalars(select(AdminAudit).order_by(AdminAudit.id))).all()
    assert len(rows) == 2 and rows[1].attempts == 60
    log = await eve.say("/admin audit 10")
    assert "a real entry" in log and "REFUSED ×60" in log


async def test_personal_answers_asked_in_a_group_go_to_the_private_chat(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    _, _, ada = attacker
    for command in ("/export", "/usage", "/settings", "/forget", "/report"):
        await ada.say(command)
        assert ada.last and all(item.kind is ReplyKind.PRIVATE for item in ada.last), command
    await ada.say("/leaderboard")  # a public board stays public
    assert all(item.kind is ReplyKind.ANSWER for item in ada.last)


async def test_a_returning_learner_never_gets_an_old_id_and_moderators_still_see_them(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, _, ada = attacker
    old = await learner_id(dojo, "discord", "ada")
    newest = max(old, await learner_id(dojo, "discord", "puppet"))
    await ada.say("/forget")
    assert "Everything Dojo knew about you is deleted" in await ada.press("Yes, delete")
    await ada.say("/start backend mid UTC")
    new = await learner_id(dojo, "discord", "ada")
    assert new > newest
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", MINE.id)
        assert community is not None
        assert await uow.session.get(CommunityMember, (community.id, new)) is not None
    assert "Granted 5 XP" in await eve.say("/admin xp grant ada 5 welcome back")


async def test_a_link_code_merges_only_after_its_redeemer_says_yes(dojo: Dojo) -> None:
    attacker = ChatDriver(dojo.router, "eve", Platform.DISCORD, "dm-eve")
    victim = ChatDriver(dojo.router, "111", Platform.TELEGRAM, "tg-111")
    await attacker.say("/start backend mid UTC")
    await victim.say("/start backend mid UTC")
    code = (await attacker.say("/link")).split("Your link code is ")[1].split(".")[0]
    question = await victim.say(f"/link {code}")
    assert "Merge this Telegram profile" in question and "Discord user eve" in question
    yes = next(data for label, data in victim.buttons() if label.startswith("Yes"))
    # Another learner pressing (or forging) the button gets nothing.
    stranger = ChatDriver(dojo.router, "222", Platform.TELEGRAM, "tg-222")
    await stranger.say("/start backend mid UTC")
    assert "isn't yours" in await stranger.press_data(yes)
    assert "Not linked" in await victim.press("No")
    async with dojo.services.uow_factory() as uow:
        assert await uow.users.by_account("telegram", "111") != await uow.users.by_account(
            "discord", "eve"
        )
    assert "Linked" in await victim.press_data(yes)


async def test_an_operator_sets_budgets_from_the_shell(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    """Budgets stay the operator's even when set from the shell's community option."""
    root = ChatDriver(dojo.router, "root")  # console:root, an operator
    assert "$5.00 a month" in await root.say("/admin budget discord:ada 5")
    async with dojo.services.uow_factory() as uow:
        [row] = (await uow.session.scalars(select(AiBudget))).all()
        assert row.monthly_limit_usd == Decimal("5.00")


async def test_help_tells_a_moderator_what_they_may_do(
    dojo: Dojo, attacker: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    eve, puppet, _ = attacker
    assert "never global XP (at most 500 a call, 1,000 a learner a week)" in await eve.say("/help")
    assert "never global XP" not in await puppet.say("/help")
