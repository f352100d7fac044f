"""The monthly post (the 1st, 09:00 local), every weekly and monthly winner kept once with the
streak the posts name, and the hall of fame; posts go through the real Telegram adapter
against the fake Bot API where the platform matters."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import Dojo, build
from bot.cli import main
from bot.notifiers import RecordingNotifier
from core.db.models import LeaderboardWinner, XpMonthly
from core.features.link import merge_learners
from core.jobs.monthly import post_monthly_leaderboards
from core.jobs.weekly import post_weekly_leaderboards
from core.messages import CommunityRef, Platform
from core.ports import FixedClock, Notifier
from tests.conftest import make_settings
from tests.fakes.telegram_harness import running_adapter
from tests.scheduler_support import group_member, update_user, utc

GROUP = CommunityRef(Platform.TELEGRAM, "-1001", "Study group")
GUILD = CommunityRef(Platform.DISCORD, "g-77", "A server without a channel")
FIRST = "2026-12-01T09:05:00+00:00"  # the 1st after November, just past 09:00 UTC
POST_WEEK = "2026-11-30T09:05:00+00:00"  # the Monday after the week of Nov 23


async def members(dojo: Dojo, names: list[str], community: CommunityRef = GROUP) -> dict[str, int]:
    """Learners onboarded at the start of October: their onboarding XP is in no board here."""
    clock = dojo.services.clock
    assert isinstance(clock, FixedClock)
    now = clock.now()
    clock.set(utc("2026-10-01T12:00:00+00:00"))
    ids = {}
    for name in names:
        await group_member(dojo, name, community).say("/start backend mid UTC")
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.by_account(str(community.platform), name)
            assert user is not None
            ids[name] = user.id
    clock.set(now)
    return ids


async def earn(dojo: Dojo, user_id: int, amount: int, when: str) -> None:
    async with dojo.services.uow_factory() as uow:
        await uow.xp.award(user_id, "admin_grant", f"{user_id}-{amount}-{when}", amount, utc(when))
        await uow.commit()


async def monthly(dojo: Dojo, notifier: Notifier, when: str = FIRST) -> str:
    return (
        await post_monthly_leaderboards(dojo.services.uow_factory, notifier, utc(when))
    ).summary()


async def winners(dojo: Dojo) -> list[tuple[int | None, str, str, int, int]]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.execute(
            select(
                LeaderboardWinner.community_id,
                LeaderboardWinner.period,
                LeaderboardWinner.period_start,
                LeaderboardWinner.user_id,
                LeaderboardWinner.streak,
            ).order_by(
                LeaderboardWinner.period,
                LeaderboardWinner.community_id,
                LeaderboardWinner.period_start,
                LeaderboardWinner.user_id,
            )
        )
        return [(c, p, s.isoformat(), u, n) for c, p, s, u, n in rows.all()]


async def test_the_monthly_post_goes_out_once_on_the_first_through_telegram(
    sqlite_dojo: Dojo,
) -> None:
    ids = await members(sqlite_dojo, ["ada", "bob"])
    await earn(sqlite_dojo, ids["ada"], 120, "2026-11-02T10:00:00+00:00")
    await earn(sqlite_dojo, ids["bob"], 80, "2026-11-30T23:59:00+00:00")
    await earn(sqlite_dojo, ids["bob"], 500, "2026-12-01T00:30:00+00:00")  # December's
    async with running_adapter(sqlite_dojo.router) as tg:
        notifier = tg.adapter.notifier
        await monthly(sqlite_dojo, notifier, "2026-12-01T08:55:00+00:00")  # before 09:00
        assert tg.fake.sent("sendMessage", chat_id=-1001) == []
        for when in (FIRST, "2026-12-01T09:20:00+00:00", "2026-12-02T18:00:00+00:00"):
            await monthly(sqlite_dojo, notifier, when)
        posts = tg.fake.sent("sendMessage", chat_id=-1001)
        assert len(posts) == 1
        text = posts[0].result["text"]
    lines = text.splitlines()
    assert lines[0] == "🏆 Monthly leaderboard · November 2026"
    assert lines[1] == "Top learners by XP earned last month:"
    assert lines[2].startswith("🥇 ada · 120 XP") and lines[3].startswith("🥈 bob · 80 XP")
    assert "👑 ada wins the month!" in text and "A new month has begun" in text
    assert "580" not in text
    stored = await winners(sqlite_dojo)
    assert (1, "month", "2026-11-01", ids["ada"], 1) in stored
    # Globally (UTC) November's board has ada 120 and bob 80 too: bob's 500 is December's.
    assert (None, "month", "2026-11-01", ids["ada"], 1) in stored and len(stored) == 2


async def test_the_month_is_the_communitys_own_and_posted_at_nine_there(
    sqlite_dojo: Dojo,
) -> None:
    tokyo = CommunityRef(Platform.DISCORD, "g-tokyo", "Tokyo")
    ids = await members(sqlite_dojo, ["aki", "ken"], tokyo)
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "g-tokyo")
        assert community is not None
        community.time_zone = "Asia/Tokyo"
        community.settings = {"leaderboard_channel": "c-board"}
        await uow.commit()
    await earn(sqlite_dojo, ids["aki"], 40, "2026-10-31T16:00:00+00:00")  # Nov 1 01:00 JST
    await earn(sqlite_dojo, ids["ken"], 90, "2026-11-30T16:00:00+00:00")  # Dec 1 01:00 JST
    notifier = RecordingNotifier(communities={"c-board": "g-tokyo"})
    await monthly(sqlite_dojo, notifier, "2026-11-30T23:45:00+00:00")  # Dec 1 08:45 JST
    assert notifier.sent == []
    await monthly(sqlite_dojo, notifier, "2026-12-01T00:00:00+00:00")  # Dec 1 09:00 JST
    [text] = notifier.texts()
    assert "November 2026" in text and "aki · 40 XP" in text and "ken" not in text


async def test_two_processes_post_the_month_once(database_url: str, clock: FixedClock) -> None:
    first = await build(make_settings(database_url), clock=clock)
    second = await build(make_settings(database_url), clock=clock)
    try:
        ids = await members(first, ["ada", "bo"])
        await earn(first, ids["ada"], 30, "2026-11-20T12:00:00+00:00")
        a, b = RecordingNotifier(), RecordingNotifier()
        await asyncio.gather(
            monthly(first, a),
            monthly(second, b),
            monthly(second, b, "2026-12-01T09:15:00+00:00"),
            monthly(first, a, "2026-12-01T09:15:00+00:00"),
        )
        assert len(a.sent) + len(b.sent) == 1
        stored = await winners(first)
        assert sorted(stored, key=str) == sorted(
            [
                (1, "month", "2026-11-01", ids["ada"], 1),
                (None, "month", "2026-11-01", ids["ada"], 1),
            ],
            key=str,
        )
    finally:
        await first.close()
        await second.close()


async def test_three_weeks_won_in_a_row_are_named_and_a_new_winner_starts_again(
    sqlite_dojo: Dojo,
) -> None:
    ids = await members(sqlite_dojo, ["ada", "bob"])
    mondays = ["2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
    for week, monday in enumerate(mondays[:3]):  # ada leads three weeks, bob the fourth
        await earn(sqlite_dojo, ids["ada"], 100, f"{monday}T12:00:00+00:00")
        await earn(sqlite_dojo, ids["bob"], 50 + week, f"{monday}T13:00:00+00:00")
    await earn(sqlite_dojo, ids["bob"], 70, "2026-11-30T12:00:00+00:00")
    notifier = RecordingNotifier()
    for monday in [*mondays[1:], "2026-12-07"]:
        after = utc(f"{monday}T09:05:00+00:00")
        await post_weekly_leaderboards(sqlite_dojo.services.uow_factory, notifier, after)
        again = after + timedelta(minutes=15)  # a rerun names nobody twice
        await post_weekly_leaderboards(sqlite_dojo.services.uow_factory, notifier, again)
    texts = notifier.texts()
    assert len(texts) == 4
    assert "👑 ada wins the week!" in texts[0]
    assert "👑 ada wins the week, the second week in a row!" in texts[1]
    assert "👑 ada wins the week, the third week in a row!" in texts[2]
    assert "👑 bob wins the week!" in texts[3] and "ada wins" not in texts[3]
    community_weeks = [row for row in await winners(sqlite_dojo) if row[0] == 1]
    assert [(row[3], row[4]) for row in community_weeks] == [
        (ids["ada"], 1),
        (ids["ada"], 2),
        (ids["ada"], 3),
        (ids["bob"], 1),
    ]


async def test_winners_are_kept_once_also_unposted_and_listed_with_hidden_ones_unnamed(
    sqlite_dojo: Dojo,
) -> None:
    ids = await members(sqlite_dojo, ["ada", "zed", "bob"])
    ids |= await members(sqlite_dojo, ["cy", "dee"], GUILD)
    await update_user(sqlite_dojo, ids["zed"], leaderboard_opt_out=True)
    for name, amount in (("ada", 60), ("zed", 999), ("bob", 20), ("cy", 45), ("dee", 45)):
        await earn(sqlite_dojo, ids[name], amount, "2026-11-25T12:00:00+00:00")
    notifier = RecordingNotifier()  # the Discord server has no channel: nothing is posted there
    factory = sqlite_dojo.services.uow_factory
    for when in ("2026-11-30T09:05:00+00:00", "2026-11-30T09:20:00+00:00"):
        await post_weekly_leaderboards(factory, notifier, utc(when))
    for when in (FIRST, "2026-12-01T09:20:00+00:00"):
        await monthly(sqlite_dojo, notifier, when)
    texts = notifier.texts()
    assert len(texts) == 2 and all("zed" not in text for text in texts)  # hidden: never wins
    assert "👑 ada wins the week!" in texts[0] and "👑 ada wins the month!" in texts[1]
    stored = {(row[0], row[1], row[3]) for row in await winners(sqlite_dojo)}
    guild = 2
    assert stored == {
        (1, "week", ids["ada"]),
        (1, "month", ids["ada"]),
        (guild, "week", ids["cy"]),  # a tie for first: both win
        (guild, "week", ids["dee"]),
        (guild, "month", ids["cy"]),
        (guild, "month", ids["dee"]),
        (None, "week", ids["ada"]),
        (None, "month", ids["ada"]),
    }
    assert len(await winners(sqlite_dojo)) == len(stored)  # reruns wrote nothing more
    clock = sqlite_dojo.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(utc("2026-12-02T12:00:00+00:00"))
    board = await group_member(sqlite_dojo, "bob", GROUP).say("/leaderboard winners")
    assert "Hall of fame · this community" in board
    assert "Weekly winners:\nNov 23 – Nov 29: ada · 60 XP" in board
    assert "Monthly winners:\nNovember 2026: ada · 60 XP" in board
    ties = await group_member(sqlite_dojo, "cy", GUILD).say("/leaderboard winners here")
    assert "Nov 23 – Nov 29: cy · 45 XP and dee · 45 XP" in ties
    await update_user(sqlite_dojo, ids["ada"], leaderboard_opt_out=True)
    hidden = await group_member(sqlite_dojo, "bob", GROUP).say("/leaderboard winners global")
    assert "Hall of fame · everyone" in hidden and "ada" not in hidden
    assert "Nov 23 – Nov 29: a learner hidden from boards" in hidden


async def test_an_empty_hall_of_fame_says_so(sqlite_dojo: Dojo) -> None:
    await members(sqlite_dojo, ["ada"])
    answer = await group_member(sqlite_dojo, "ada", GROUP).say("/leaderboard winners")
    assert "No winners yet" in answer


@pytest.fixture
def shell(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DOJO_ADMINS"):
        monkeypatch.delenv(name, raising=False)

    async def seed() -> None:
        dojo = await build(make_settings(sqlite_url), clock=FixedClock(utc(FIRST)))
        try:
            ids = await members(dojo, ["ada"])
            await earn(dojo, ids["ada"], 30, "2026-11-20T12:00:00+00:00")
        finally:
            await dojo.close()

    asyncio.run(seed())
    return sqlite_url


def test_run_job_monthly_leaderboard_at_the_shell(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "run-job", "monthly_leaderboard", "--at", FIRST]) == 0
    out = capsys.readouterr().out
    # No Telegram token here: the group cannot be posted to, but its winner is kept.
    assert "monthly_leaderboard [2026-12-01T09:05:00+00:00]" in out
    assert "no telegram adapter here (is its token set?)" in out
    assert main(["admin", "jobs"]) == 0
    assert "monthly_leaderboard" in capsys.readouterr().out

    async def kept() -> int:
        dojo = await build(make_settings(shell))
        try:
            async with dojo.services.uow_factory() as uow:
                return int(
                    await uow.session.scalar(select(func.count()).select_from(LeaderboardWinner))
                    or 0
                )
        finally:
            await dojo.close()

    assert asyncio.run(kept()) == 2  # the group's November and the global one


async def test_a_merge_keeps_both_accounts_wins_and_rebuilds_monthly_xp(sqlite_dojo: Dojo) -> None:
    """Two accounts of one learner that won two boards in the same week: after the merge
    both wins are the learner's, and their monthly XP is rebuilt from the ledger."""
    ids = await members(sqlite_dojo, ["ada"]) | await members(sqlite_dojo, ["dee"], GUILD)
    await earn(sqlite_dojo, ids["ada"], 60, "2026-11-25T12:00:00+00:00")
    await earn(sqlite_dojo, ids["dee"], 40, "2026-11-26T12:00:00+00:00")
    notifier = RecordingNotifier()
    await post_weekly_leaderboards(sqlite_dojo.services.uow_factory, notifier, utc(POST_WEEK))
    async with sqlite_dojo.services.uow_factory() as uow:
        source, target = await uow.users.get(ids["dee"]), await uow.users.get(ids["ada"])
        assert source is not None and target is not None
        await merge_learners(uow, source, target, utc(POST_WEEK))
        await uow.commit()
    stored = {(row[0], row[1], row[3]) for row in await winners(sqlite_dojo)}
    assert stored == {(1, "week", ids["ada"]), (2, "week", ids["ada"]), (None, "week", ids["ada"])}
    async with sqlite_dojo.services.uow_factory() as uow:
        months = dict(
            (
                await uow.session.execute(
                    select(XpMonthly.month_start, XpMonthly.xp).where(
                        XpMonthly.user_id == ids["ada"]
                    )
                )
            ).all()
        )
    assert months[date(2026, 11, 1)] == 100
    assert sum(months.values()) == await ledger_total(sqlite_dojo, ids["ada"])


async def ledger_total(dojo: Dojo, user_id: int) -> int:
    async with dojo.services.uow_factory() as uow:
        return await uow.xp.ledger_sum(user_id)
