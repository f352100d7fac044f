"""The commands that need no LLM, through the router, including their bad input."""

import json

from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import User
from core.messages import ChatKind, CommunityRef, Platform
from tests.support import ChatDriver, fixed_clock


async def _user_count(dojo: Dojo) -> int:
    async with dojo.services.uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(User)) or 0)


async def test_step_by_step_onboarding_with_buttons_and_typed_zone(ada: ChatDriver) -> None:
    assert "Which track" in await ada.say("/start")
    assert "experience level" in await ada.press("Backend")
    assert "time zone" in await ada.press("Senior")
    done = await ada.say("america/new_york")
    assert "America/New_York" in done and "senior" in done
    assert ada.buttons()[0][0] == "Remind me at 19:00"
    assert "Reminders on" in await ada.press("Remind me")
    settings = await ada.say("/settings")
    assert "on at 19:00 (America/New_York)" in settings


async def test_pressing_an_old_onboarding_button_is_refused(ada: ChatDriver) -> None:
    await ada.say("/start")
    old = ada.buttons()
    await ada.press("Data")
    answer = await ada.press_data(old[0][1])
    assert "already answered" in answer


async def test_onboarding_arguments_are_validated_and_nothing_is_written(
    sqlite_dojo: Dojo,
) -> None:
    chat = ChatDriver(sqlite_dojo.router, "bob")
    answer = await chat.say("/start backend wizard UTC")
    assert "'wizard' is not a track, level or time zone" in answer
    assert "student, junior, mid, senior" in answer
    assert "not a time zone" in await chat.say("/start backend mid Atlantis/Capital")
    assert "up to three things" in await chat.say("/start backend mid UTC extra")
    assert "one level, not two" in await chat.say("/start mid senior")
    assert await _user_count(sqlite_dojo) == 0  # refused input writes nothing, not even the user


async def test_unknown_command_and_oversized_message(sqlite_dojo: Dojo) -> None:
    chat = ChatDriver(sqlite_dojo.router, "cy")
    assert "don't know the command /frobnicate" in await chat.say("/frobnicate now")
    huge = await chat.say("x" * 30_000)
    assert "too long" in huge and "25,000" in huge
    assert await _user_count(sqlite_dojo) == 0


async def test_remind_and_settings_validation(ada: ChatDriver) -> None:
    await ada.say("/start backend mid UTC")
    assert "not a time of day" in await ada.say("/remind 25:00")
    assert "not a time of day" in await ada.say("/remind soon")
    assert "19:45" in await ada.say("/remind 19:45")
    assert "off" in await ada.say("/remind off")
    assert "no setting called" in await ada.say("/settings colour blue")
    assert "should be on or off" in await ada.say("/settings announce maybe")
    assert "Shown on public leaderboards: no" in await ada.say("/settings leaderboard off")


async def test_profile_badges_streak_and_help(ada: ChatDriver) -> None:
    await ada.say("/start frontend junior Europe/Paris")
    profile = await ada.say("/profile")
    assert "Level 1 · Intern Arrival" in profile and "70 XP to level 2" in profile
    assert "░" in profile
    assert "Badges: 0 of" in await ada.say("/badges")
    assert "1-day streak" in await ada.say("/streak")
    help_text = await ada.say("/help")
    for name in ("/start", "/profile", "/leaderboard", "/remind", "/export", "/forget"):
        assert name in help_text


async def test_leaderboard_week_all_and_scopes(sqlite_dojo: Dojo) -> None:
    group = CommunityRef(Platform.TELEGRAM, "-100", "Study group")
    alice = ChatDriver(
        sqlite_dojo.router, "alice", Platform.TELEGRAM, "-100", ChatKind.GROUP, group
    )
    bob = ChatDriver(sqlite_dojo.router, "bob", Platform.TELEGRAM, "-100", ChatKind.GROUP, group)
    loner = ChatDriver(sqlite_dojo.router, "zed")
    await alice.say("/start backend mid UTC")
    await bob.say("/start backend mid UTC")
    await loner.say("/start backend mid UTC")
    fixed_clock(sqlite_dojo).advance(minutes=2)  # past the chat XP cooldown
    await alice.say("a properly long message about indexes")
    here = await alice.say("/leaderboard")
    assert "This week · this community" in here
    assert here.index("alice") < here.index("bob") and "zed" not in here
    everyone = await loner.say("/leaderboard all")
    assert "All time · everyone" in everyone and "zed" in everyone
    assert "only works in a group" in await loner.say("/leaderboard here")
    assert "not a leaderboard option" in await loner.say("/leaderboard monthly")


async def test_export_contains_the_learners_data(ada: ChatDriver) -> None:
    await ada.say("/start data mid UTC")
    await ada.say("/export")
    document = ada.last[0].document
    assert document is not None and document.filename.endswith(".json")
    data = json.loads(document.data)
    assert data["user"]["track"] == "data"
    assert {row["source"] for row in data["xp_ledger"]} == {"onboarded", "daily_first_activity"}
    assert data["platform_accounts"][0]["platform_user_id"] == "ada"


async def test_chat_xp_in_a_community_respects_cooldown(dojo: Dojo) -> None:
    """Cooldown and repeats are judged from the memory stored with each message (with the XP
    when it is awarded), so they hold across events and batches on both backends."""
    group = CommunityRef(Platform.DISCORD, "g1", "Guild")
    chat = ChatDriver(
        dojo.router, "dan", Platform.DISCORD, "c1", ChatKind.GROUP, group, is_admin=False
    )
    for text in ("a long enough first message", "another long enough message", "short"):
        assert await chat.send(chat.incoming(text, addressed=False)) == []
    clock = fixed_clock(dojo)
    clock.advance(seconds=61)
    awarded_at = clock.now()
    await chat.send(chat.incoming("third long enough message here", addressed=False))
    clock.advance(seconds=61)
    await chat.send(chat.incoming("Third  long enough MESSAGE here", addressed=False))  # a repeat
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", "dan")
        assert user is not None
        assert user.xp == 4 and await uow.xp.ledger_sum(user.id) == 4
        assert user.last_chat_xp_at == awarded_at
        assert len(user.recent_chat_digests) == 4  # the short message is not remembered


async def test_a_message_addressed_to_the_bot_in_a_group_gets_a_nudge(sqlite_dojo: Dojo) -> None:
    group = CommunityRef(Platform.TELEGRAM, "-5", "Group")
    chat = ChatDriver(sqlite_dojo.router, "ivy", Platform.TELEGRAM, "-5", ChatKind.GROUP, group)
    assert "Try /quiz" in await chat.say("@dojobot what can you do for me?")
    assert await chat.send(chat.incoming("just chatting with friends here", addressed=False)) == []


async def test_leaderboard_shows_your_own_rank_below_the_top_ten(dojo: Dojo) -> None:
    """Twelve learners in a group: the top ten are listed, the others see their own rank
    (ties share it) on every board; a learner hidden from boards is told so."""
    group = CommunityRef(Platform.TELEGRAM, "-200", "Big group")
    chats = [
        ChatDriver(dojo.router, f"m{n:02}", Platform.TELEGRAM, "-200", ChatKind.GROUP, group)
        for n in range(13)
    ]
    for chat in chats:
        await chat.say("/start backend mid UTC")
    now = dojo.services.clock.now()
    async with dojo.services.uow_factory() as uow:
        for n, chat in enumerate(chats):
            user = await uow.users.by_account("telegram", chat.user.id)
            assert user is not None
            # m00 earns most; m10 and m11 tie in 11th place; m12 hides from boards.
            await uow.xp.award(user.id, "admin_grant", "t", 1000 - 10 * min(n, 10), now)
        await uow.commit()
    hidden = chats[12]
    await hidden.say("/settings leaderboard off")
    for words in ("/leaderboard", "/leaderboard all", "/leaderboard week global"):
        assert "… you" not in await chats[0].say(words)
        tied = [await chats[n].say(words) for n in (10, 11)]
        assert all("… you: #11 with" in board for board in tied), tied
        assert "m11" not in tied[0] and "m10" not in tied[1]
        assert "You are hidden from public boards" in await hidden.say(words)
