"""Migrations build every table on both backends; the ledger, badges and events are idempotent."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from bot.app import Dojo
from core.db.engine import create_engine
from core.db.ledger import ActivityEntry, utc_week_start
from core.db.models import Base, User, UserAchievement, XpWeekly
from core.leaderboard import week_start
from core.progress import record_activity
from core.rules.xp import Activity
from tests.query_counter import Queries
from tests.support import ChatDriver, fixed_clock

DESIGN_TABLES = {
    "users",
    "platform_accounts",
    "communities",
    "community_members",
    "activity_log",
    "xp_ledger",
    "achievements",
    "user_achievements",
    "interview_sessions",
    "quiz_questions",
    "quiz_sessions",
    "quiz_answers",
    "code_reviews",
    "skill_scores",
    "ai_usage",
    "leaderboard_snapshots",
    "admin_audit",
    "processed_events",
    "job_runs",
    "alembic_version",
}


async def test_migrations_create_every_design_table(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            badges = await connection.scalar(text("SELECT count(*) FROM achievements"))
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert tables >= DESIGN_TABLES
    assert badges >= 10
    assert version
    assert differences == [], "models and migrations disagree: add a migration"


async def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    """(Waiting for a lock is tested in test_sqlite_driver.)"""
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            mode = await connection.scalar(text("PRAGMA journal_mode"))
    finally:
        await engine.dispose()
    assert mode == "wal"


async def _learner(dojo: Dojo, name: str = "ada") -> int:
    chat = ChatDriver(dojo.router, name)
    await chat.say("/start backend mid UTC")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", name)
        assert user is not None
        return user.id


async def test_an_award_delivered_twice_counts_once(dojo: Dojo) -> None:
    user_id = await _learner(dojo)
    now = dojo.services.clock.now()
    for _ in range(2):
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.get(user_id)
            assert user is not None
            await record_activity(
                uow, user, Activity.REVIEW_REQUESTED, now, reference="review:1", score=None
            )
            await uow.commit()
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        assert user.xp == await uow.xp.ledger_sum(user_id)
        requested = await uow.activity.count(user_id, "code_review_requested")
        # 25 onboarding + 5 daily + 15 review + 15 review-rookie badge
        assert user.xp == 60
    assert requested == 1


async def test_an_award_writes_ledger_week_learner_and_log_together(
    dojo: Dojo, queries: Queries
) -> None:
    """One award: its ledger row, the week's total, the learner's XP and other columns, and the
    activity's log entry. On PostgreSQL that is a single statement; a repeat writes nothing."""
    user_id = await _learner(dojo)
    now = dojo.services.clock.now()
    entry = ActivityEntry("quiz_completed", "quiz", "q1", 80, {"topic": "sql"})
    async with dojo.services.uow_factory() as uow:
        before = await uow.users.get(user_id)
        assert before is not None
        xp_before, week = before.xp, utc_week_start(now)
        with queries() as counted:
            uow.learners.change(before, recent_chat_digests=["abc"], last_chat_xp_at=now)
            first = await uow.xp.award(user_id, "quiz", "q1", 30, now, None, entry)
            again = await uow.xp.award(user_id, "quiz", "q1", 30, now, None, entry)
        await uow.commit()
    assert first == xp_before + 30 and again is None
    if dojo.settings.database_url.startswith("postgresql"):
        assert counted.total == 2, counted  # one per award, the repeat included
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.get(user_id)
        assert user is not None and user.xp == await uow.xp.ledger_sum(user_id) == first
        assert user.recent_chat_digests == ["abc"] and user.last_chat_xp_at == now
        assert await uow.activity.count(user_id, "quiz_completed", min_score=80) == 1
        weekly = await uow.session.scalar(
            select(XpWeekly.xp).where(XpWeekly.user_id == user_id, XpWeekly.week_start == week)
        )
        assert weekly == await uow.xp.earned_since(user_id, week_start(now))


async def test_a_badge_unlocks_once(dojo: Dojo) -> None:
    user_id = await _learner(dojo)
    now = dojo.services.clock.now()
    for number in range(3):
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.get(user_id)
            assert user is not None
            outcome = await record_activity(
                uow, user, Activity.REVIEW_REQUESTED, now, reference=f"review:{number}"
            )
            await uow.commit()
        assert [badge.slug for badge in outcome.badges] == (
            ["review-rookie"] if number == 0 else []
        )
    async with dojo.services.uow_factory() as uow:
        owned = await uow.session.scalar(
            select(func.count())
            .select_from(UserAchievement)
            .where(UserAchievement.user_id == user_id)
        )
    assert owned == 1


async def test_concurrent_awards_keep_xp_equal_to_the_ledger(dojo: Dojo) -> None:
    user_id = await _learner(dojo)
    now = dojo.services.clock.now()

    async def award(number: int) -> None:
        async with dojo.services.uow_factory() as uow:
            await uow.xp.award(user_id, "admin_grant", f"grant:{number}", 7, now)
            await uow.commit()

    await asyncio.gather(*(award(number % 15) for number in range(30)))
    async with dojo.services.uow_factory() as uow:
        user = await uow.session.get(User, user_id)
        assert user is not None
        assert user.xp == await uow.xp.ledger_sum(user_id) == 30 + 15 * 7


async def test_streak_and_daily_bonus_follow_local_days(dojo: Dojo) -> None:
    chat = ChatDriver(dojo.router, "kenji")
    await chat.say("/start data junior Asia/Tokyo")
    clock = fixed_clock(dojo)
    clock.advance(hours=14)  # 00:00 next day in Tokyo
    await chat.say("/start")
    assert "Streak: 1" in await chat.say("/profile")  # read-only commands keep no streak
    await chat.say("/start")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", "kenji")
        assert user is not None
        now = clock.now()
        await record_activity(uow, user, Activity.REPORT_GENERATED, now, reference="r1")
        await uow.commit()
        assert user.streak_current == 2
        clock.advance(days=1, hours=1)
        await record_activity(uow, user, Activity.REPORT_GENERATED, clock.now(), reference="r2")
        await uow.commit()
        assert user.streak_current == 3
        assert user.xp == await uow.xp.ledger_sum(user.id)


async def test_redelivered_event_is_processed_once(dojo: Dojo) -> None:
    chat = ChatDriver(dojo.router, "lin")
    first = await chat.send(chat.incoming("/start devops senior UTC", event_id="tg-1"))
    again = await chat.send(chat.incoming("/start devops senior UTC", event_id="tg-1"))
    assert first and again == []
    fixed_clock(dojo).advance(minutes=1)
    assert "30 XP" in await chat.say("/profile")


async def test_forget_deletes_everything(dojo: Dojo) -> None:
    chat = ChatDriver(dojo.router, "mia")
    await chat.say("/start mobile student UTC")
    await chat.say("/quiz git 1")
    poll = next(reply.poll for reply in chat.last if reply.poll is not None)
    await chat.press_data(f"{poll.answer_data}:{poll.correct_index}")  # counts in xp_daily
    await chat.say("/forget")
    answer = await chat.press("Yes")
    assert "deleted" in answer
    async with dojo.services.uow_factory() as uow:
        assert await uow.users.by_account("console", "mia") is None
        left = await uow.session.scalar(text("SELECT count(*) FROM xp_ledger"))
        counted = await uow.session.scalar(text("SELECT count(*) FROM xp_daily"))
    assert left == 0 and counted == 0


async def test_weekly_xp_follows_the_ledger_across_weeks(dojo: Dojo) -> None:
    from datetime import timedelta

    from core.db.ledger import utc_week_start
    from core.db.models import XpWeekly

    user_id = await _learner(dojo)
    clock = dojo.services.clock
    async with dojo.services.uow_factory() as uow:
        await uow.xp.award(user_id, "admin_grant", "a", 40, clock.now() + timedelta(days=7))
        await uow.xp.award(user_id, "admin_grant", "b", -10, clock.now() + timedelta(days=8))
        await uow.xp.award(user_id, "admin_grant", "b", -10, clock.now() + timedelta(days=8))
        await uow.commit()
    async with dojo.services.uow_factory() as uow:
        weekly = dict(
            (
                await uow.session.execute(
                    select(XpWeekly.week_start, XpWeekly.xp).where(XpWeekly.user_id == user_id)
                )
            ).all()
        )
        this_week = utc_week_start(clock.now())
        assert weekly == {this_week: 30, this_week + timedelta(days=7): 30}
        await uow.xp.rebuild_period_totals(user_id)
        await uow.commit()
        rebuilt = dict(
            (
                await uow.session.execute(
                    select(XpWeekly.week_start, XpWeekly.xp).where(XpWeekly.user_id == user_id)
                )
            ).all()
        )
    assert rebuilt == weekly


async def test_weekly_board_from_the_weekly_table_matches_the_ledger(dojo: Dojo) -> None:
    from datetime import timedelta

    from core.leaderboard import rank_of, top, week_start

    names = [f"l{n}" for n in range(6)]
    for name in names:
        await _learner(dojo, name)
    clock = dojo.services.clock
    async with dojo.services.uow_factory() as uow:
        for number, name in enumerate(names):
            user = await uow.users.by_account("console", name)
            assert user is not None
            await uow.xp.award(user.id, "admin_grant", "w", 10 * (number % 3), clock.now())
            await uow.xp.award(user.id, "admin_grant", "old", 99, clock.now() - timedelta(days=8))
        await uow.commit()
    since = week_start(clock.now())
    exact = since + timedelta(days=7)
    almost = exact - timedelta(microseconds=1)  # not a whole week: answered from the ledger
    async with dojo.services.uow_factory() as uow:
        fast = await top(uow.session, since=since, until=exact)
        slow = await top(uow.session, since=since, until=almost)
        assert fast == slow and [entry.rank for entry in fast] == [1, 1, 3, 3, 5, 5]
        me = fast[-1].user_id
        assert await rank_of(uow.session, me, since=since) == await rank_of(
            uow.session, me, since=since, until=almost
        )
