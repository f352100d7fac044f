"""The weekly leaderboard post, housekeeping and the scheduler's own configuration."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, text

from bot.app import Dojo, build
from bot.notifiers import RecordingNotifier
from bot.scheduler import SCHEDULES, build_scheduler
from core.db.engine import create_engine
from core.db.models import JobRun, LeaderboardSnapshot, LinkCode, ProcessedEvent
from core.db.statistics import refresh_planner_statistics
from core.db.uow import UnitOfWorkFactory
from core.jobs.housekeeping import housekeep
from core.jobs.weekly import post_weekly_leaderboards
from core.messages import ChatKind, CommunityRef, Platform
from core.ports import FixedClock
from core.rules.levels import level_for
from tests.conftest import make_settings
from tests.scheduler_support import group_member, utc

GROUP = CommunityRef(Platform.TELEGRAM, "-1001", "Study group")
POST = "2026-11-30T09:05:00+00:00"  # the Monday after the clock fixture's week


async def members(dojo: Dojo, community: CommunityRef, names: list[str]) -> dict[str, int]:
    """Learners who joined the week before, so their onboarding XP is not in the ranked week."""
    clock = dojo.services.clock
    assert isinstance(clock, FixedClock)
    now = clock.now()
    clock.set(now - timedelta(days=7))
    ids = {}
    for name in names:
        await group_member(dojo, name, community).say("/start backend mid UTC")
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.by_account(str(community.platform), name)
            assert user is not None
            ids[name] = user.id
    clock.set(now)
    return ids


async def earn(
    dojo: Dojo, user_id: int, amount: int, when: str = "2026-11-25T12:00:00+00:00"
) -> None:
    async with dojo.services.uow_factory() as uow:
        await uow.xp.award(user_id, "test", f"t{user_id}-{amount}-{when}", amount, utc(when))
        user = await uow.users.get(user_id)
        assert user is not None
        user.level = level_for(user.xp)
        await uow.commit()


async def post(dojo: Dojo, notifier: RecordingNotifier, when: str = POST) -> list[str]:
    before = len(notifier.sent)
    await post_weekly_leaderboards(dojo.services.uow_factory, notifier, utc(when))
    return [item.text.plain for _, item in notifier.sent[before:]]


async def test_top_ten_with_levels_ties_and_the_biggest_climber(sqlite_dojo: Dojo) -> None:
    names = [f"l{number:02d}" for number in range(12)]
    ids = await members(sqlite_dojo, GROUP, names)
    for number, name in enumerate(names):
        await earn(sqlite_dojo, ids[name], 100 + number * 10)
    await earn(sqlite_dojo, ids["l10"], 10)  # ties l11 at 210
    await earn(sqlite_dojo, ids["l00"], 500, "2026-11-30T08:00:00+00:00")  # this week: not counted
    async with sqlite_dojo.services.uow_factory() as uow:  # last week's board had l05 at #11
        uow.session.add(
            LeaderboardSnapshot(
                community_id=1,
                period="week",
                period_start=utc(POST).date() - timedelta(days=14),
                user_id=ids["l05"],
                score=5,
                rank=11,
                created_at=utc(POST),
            )
        )
        await uow.commit()
    notifier = RecordingNotifier()
    [text] = await post(sqlite_dojo, notifier)
    assert notifier.sent[0][0].chat_id == "-1001"  # a Telegram group without a channel
    lines = text.splitlines()
    assert "Nov 23 – Nov 29" in lines[0]
    assert lines[2].startswith("🥇 l10") and lines[3].startswith("🥇 l11")  # tied at 210 XP
    assert "210 XP · level 2 (First Steps)" in lines[2]
    assert lines[4].startswith("🥉 l09")  # rank 3 after a two-way tie for first
    assert sum(line[:1].isdigit() or line[:1] in "🥇🥈🥉" for line in lines) == 10
    assert "l00" not in text and "l01" not in text
    assert "Biggest climber: l05, up 4 places to #7" in text
    async with sqlite_dojo.services.uow_factory() as uow:
        stored = await uow.session.scalar(
            select(func.count())
            .select_from(LeaderboardSnapshot)
            .where(LeaderboardSnapshot.period_start == utc(POST).date() - timedelta(days=7))
        )
    assert stored == 12


async def test_an_empty_week_posts_nothing(sqlite_dojo: Dojo) -> None:
    await members(sqlite_dojo, GROUP, ["quiet"])
    notifier = RecordingNotifier()
    assert await post(sqlite_dojo, notifier) == []
    report = await post_weekly_leaderboards(
        sqlite_dojo.services.uow_factory, notifier, utc("2026-11-30T09:20:00+00:00")
    )
    assert report.sent == 0 and "nobody earned XP" in report.summary()


async def test_monday_nine_in_the_communitys_zone_and_missed_ticks_coalesce(
    sqlite_dojo: Dojo,
) -> None:
    tokyo = CommunityRef(Platform.DISCORD, "g-tokyo", "Tokyo")
    ids = await members(sqlite_dojo, tokyo, ["aki"])
    await members(sqlite_dojo, GROUP, ["bob"])
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "g-tokyo")
        assert community is not None
        community.time_zone = "Asia/Tokyo"
        community.settings = {"leaderboard_channel": "c-board"}
        await uow.commit()
    await earn(sqlite_dojo, ids["aki"], 40, "2026-11-26T00:00:00+00:00")
    notifier = RecordingNotifier(communities={"c-board": "g-tokyo"})
    assert await post(sqlite_dojo, notifier, "2026-11-29T23:45:00+00:00") == []  # 08:45 JST
    assert len(await post(sqlite_dojo, notifier, "2026-11-30T00:00:00+00:00")) == 1
    assert notifier.sent[0][0].chat_id == "c-board" and notifier.sent[0][0].kind is ChatKind.CHANNEL
    # The Telegram group (UTC) had no XP last week; a run every quarter hour posts nothing more.
    for minutes in range(15, 60 * 30, 15):
        await post(sqlite_dojo, notifier, (utc(POST) + timedelta(minutes=minutes)).isoformat())
    assert len(notifier.sent) == 1


async def test_a_late_run_after_downtime_posts_once_and_a_stale_one_not_at_all(
    sqlite_dojo: Dojo,
) -> None:
    ids = await members(sqlite_dojo, GROUP, ["ada"])
    await earn(sqlite_dojo, ids["ada"], 50)
    notifier = RecordingNotifier()
    assert await post(sqlite_dojo, notifier, "2026-12-02T09:01:00+00:00") == []  # 48 h late
    assert len(await post(sqlite_dojo, notifier, "2026-12-01T15:00:00+00:00")) == 1  # Tuesday
    assert await post(sqlite_dojo, notifier, "2026-12-01T15:15:00+00:00") == []


async def test_a_deleted_channel_is_a_warning_and_other_communities_still_get_theirs(
    sqlite_dojo: Dojo,
) -> None:
    other = CommunityRef(Platform.TELEGRAM, "-1002", "Other")
    ids = await members(sqlite_dojo, GROUP, ["ada"]) | await members(sqlite_dojo, other, ["bo"])
    await earn(sqlite_dojo, ids["ada"], 50)
    await earn(sqlite_dojo, ids["bo"], 60)
    notifier = RecordingNotifier(refuse={"-1001"})
    report = await post_weekly_leaderboards(sqlite_dojo.services.uow_factory, notifier, utc(POST))
    assert (report.sent, report.failed) == (1, 1)
    assert [target.chat_id for target, _ in notifier.sent] == ["-1002"]


async def test_two_processes_post_the_week_once(database_url: str, clock: FixedClock) -> None:
    first = await build(make_settings(database_url), clock=clock)
    second = await build(make_settings(database_url), clock=clock)
    try:
        ids = await members(first, GROUP, ["ada", "bo"])
        await earn(first, ids["ada"], 30)
        a, b = RecordingNotifier(), RecordingNotifier()
        await asyncio.gather(
            post(first, a), post(second, b), post(second, b, "2026-11-30T09:15:00+00:00")
        )
        assert len(a.sent) + len(b.sent) == 1
    finally:
        await first.close()
        await second.close()


async def test_housekeeping_expires_codes_and_prunes_bookkeeping(sqlite_dojo: Dojo) -> None:
    now = utc("2026-11-23T10:07:00+00:00")
    ids = await members(sqlite_dojo, GROUP, ["ada"])
    async with sqlite_dojo.services.uow_factory() as uow:
        uow.session.add_all(
            [
                LinkCode(code="OLD", user_id=ids["ada"], expires_at=now - timedelta(days=2)),
                LinkCode(code="FRESH", user_id=ids["ada"], expires_at=now + timedelta(minutes=5)),
                ProcessedEvent(
                    platform="telegram", event_id="old", created_at=now - timedelta(days=8)
                ),
                JobRun(
                    job_name="x",
                    period_key="old",
                    status="done",
                    started_at=now - timedelta(days=40),
                ),
            ]
        )
        await uow.commit()
    report = await housekeep(sqlite_dojo.services.uow_factory, None, now)
    assert report.ran and "link codes removed: 1" in report.summary()
    assert not (await housekeep(sqlite_dojo.services.uow_factory, None, now)).ran  # same hour
    async with sqlite_dojo.services.uow_factory() as uow:
        assert {code.code for code in (await uow.session.scalars(select(LinkCode))).all()} == {
            "FRESH"
        }
        assert await uow.session.get(ProcessedEvent, ("telegram", "old")) is None
        keys = set((await uow.session.scalars(select(JobRun.period_key))).all())
    assert "old" not in keys
    # The planner's statistics were refreshed too: SQLite keeps them in sqlite_stat1.
    assert "planner statistics refreshed" in report.notes
    async with sqlite_dojo.services.uow_factory() as uow:
        analysed = await uow.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1"))
        assert {"xp_weekly", "community_members", "users"} <= set(analysed.all())


async def test_planner_statistics_are_left_to_postgres(database_url: str) -> None:
    """PostgreSQL's autovacuum keeps its own statistics: nothing to refresh there."""
    engine = create_engine(database_url)
    try:
        refreshed = await refresh_planner_statistics(UnitOfWorkFactory(engine))
        assert refreshed is database_url.startswith("sqlite")
    finally:
        await engine.dispose()


async def test_the_scheduler_coalesces_and_runs_one_instance_per_job(sqlite_dojo: Dojo) -> None:
    scheduler = build_scheduler(sqlite_dojo, RecordingNotifier())
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {schedule.job for schedule in SCHEDULES}
        for job in jobs.values():
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time is not None and job.misfire_grace_time <= 1800
            assert job.next_run_time is not None
        assert str(jobs["weekly_leaderboard"].trigger.fields[6]) == "0,15,30,45"
        await asyncio.sleep(0)
    finally:
        scheduler.shutdown(wait=False)


async def test_a_leaderboard_channel_of_another_community_is_never_posted_to(
    sqlite_dojo: Dojo,
) -> None:
    """Checked again at posting time: a channel id that the platform says is not the
    community's own (another server's, a learner's DM) gets nothing; the board falls back."""
    ids = await members(sqlite_dojo, GROUP, ["bob"])
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(str(GROUP.platform), GROUP.id)
        assert community is not None
        community.settings = {"leaderboard_channel": "-100999"}  # someone else's group
        await uow.commit()
    await earn(sqlite_dojo, ids["bob"], 40, "2026-11-26T00:00:00+00:00")
    notifier = RecordingNotifier(communities={"-100999": "-100999"})
    await post(sqlite_dojo, notifier, POST)
    assert [target.chat_id for target, _ in notifier.sent] == [GROUP.id]
