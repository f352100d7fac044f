"""/link: one learner across platforms, merged without double counting."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import ActivityLog, PlatformAccount, User, UserAchievement, XpLedger
from core.messages import ChatKind, CommunityRef, Platform
from tests.support import ChatDriver


def telegram(dojo: Dojo) -> ChatDriver:
    return ChatDriver(dojo.router, "111", Platform.TELEGRAM, "111", ChatKind.PRIVATE)


def discord(dojo: Dojo, name: str = "222") -> ChatDriver:
    return ChatDriver(dojo.router, name, Platform.DISCORD, f"dm-{name}", ChatKind.PRIVATE)


def code_in(answer: str) -> str:
    return answer.split("Your link code is ")[1].split(".")[0]


async def redeem(driver: ChatDriver, code: str) -> str:
    """/link CODE asks first, naming the other account; the merge needs the learner's yes."""
    question = await driver.say(f"/link {code}")
    assert "Merge this" in question, question
    return await driver.press("Yes")


async def test_linking_merges_xp_streaks_badges_and_history(dojo: Dojo) -> None:
    tg, dc = telegram(dojo), discord(dojo)
    await tg.say("/start backend mid Europe/Berlin")  # 25 onboarding + 5 first today
    await dc.say("/start data junior UTC")  # the same bonuses again, on the same day
    root = ChatDriver(dojo.router, "root")
    await root.say("/admin xp grant discord:222 70 welcome")
    await root.say("/admin badge award telegram:111 streak-3")  # +10 XP
    await root.say("/admin badge award discord:222 streak-3")  # +10 XP, same badge
    async with dojo.services.uow_factory() as uow:
        discord_user = await uow.users.by_account("discord", "222")
        assert discord_user is not None
        discord_user.streak_current, discord_user.streak_longest = 6, 9
        discord_user.last_active_date = date(2026, 11, 23)
        await uow.commit()
    code = code_in(await tg.say("/link"))
    answer = await redeem(dc, code.lower())
    assert "Linked" in answer and "discord and telegram" in answer
    async with dojo.services.uow_factory() as uow:
        users = (await uow.session.scalars(select(User))).all()
        merged = await uow.users.by_account("telegram", "111")
        assert merged is not None and await uow.users.by_account("discord", "222") == merged
        assert len([u for u in users if u.display_name in ("111", "222")]) == 1
        # 25 + 5 once each, 70 granted, 10 for the badge once: no double counting.
        assert merged.xp == await uow.xp.ledger_sum(merged.id) == 110
        sources = (
            await uow.session.scalars(select(XpLedger.source).where(XpLedger.user_id == merged.id))
        ).all()
        assert sorted(sources) == sorted(
            ["onboarded", "daily_first_activity", "admin_grant", "badge"]
        )
        badges = await uow.session.scalar(
            select(func.count()).where(UserAchievement.user_id == merged.id)
        )
        assert badges == 1
        history = await uow.session.scalar(
            select(func.count()).where(ActivityLog.user_id == merged.id)
        )
        assert history is not None and history >= 3  # both onboardings and the grant
        accounts = await uow.session.scalar(
            select(func.count()).where(PlatformAccount.user_id == merged.id)
        )
        assert accounts == 2
        assert (merged.streak_current, merged.streak_longest) == (6, 9)
        assert merged.time_zone == "Europe/Berlin" and merged.track == "backend"
        assert merged.level == 2
    assert "110 XP" in await dc.say("/profile")


async def test_codes_are_single_use_expire_and_are_checked(sqlite_dojo: Dojo) -> None:
    tg, dc, other = telegram(sqlite_dojo), discord(sqlite_dojo), discord(sqlite_dojo, "333")
    for chat in (tg, dc, other):
        await chat.say("/start backend mid UTC")
    code = code_in(await tg.say("/link"))
    assert "belongs to this account" in await tg.say(f"/link {code}")
    assert "Linked" in await redeem(dc, code)
    assert "already used" in await other.say(f"/link {code}")
    fresh = code_in(await tg.say("/link"))
    assert "already has a discord account" in await other.say(f"/link {fresh}")
    sqlite_dojo.services.clock.advance(minutes=11)  # type: ignore[attr-defined]
    assert "expired" in await other.say(f"/link {fresh}")
    assert "don't know that code" in await other.say("/link ABCD-EFGH")
    assert "isn't a link code" in await other.say("/link hello!")
    assert "one code" in await other.say("/link AAAA BBBB")


async def test_a_code_is_only_given_in_private(sqlite_dojo: Dojo) -> None:
    group = ChatDriver(
        sqlite_dojo.router,
        "111",
        Platform.TELEGRAM,
        "-100",
        ChatKind.GROUP,
        CommunityRef(Platform.TELEGRAM, "-100", "g"),
    )
    assert "private chat" in await group.say("/link")


async def test_a_new_code_replaces_the_old_one(sqlite_dojo: Dojo) -> None:
    tg, dc = telegram(sqlite_dojo), discord(sqlite_dojo)
    old = code_in(await tg.say("/link"))
    new = code_in(await tg.say("/link"))
    assert old != new
    assert "don't know that code" in await dc.say(f"/link {old}")
    assert "Linked" in await redeem(dc, new)
