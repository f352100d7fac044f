"""XP that rewards practice, through the router: quiz XP per question right for the first time,
daily allowances in the learner's own day (also when events arrive together, and from two
processes at once), itemised announcements, badges for real quizzes, and /help xp."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import Dojo, build
from core.db.ledger import ActivityEntry, Allowance
from core.db.models import QuizAnswer, QuizQuestion, QuizSession, XpLedger
from core.db.uow import UnitOfWork
from core.features.quiz.store import QuizStore
from core.messages import ChatKind, CommunityRef, Platform, QuizPoll
from core.ports import FixedClock
from tests.conftest import START, make_settings
from tests.query_counter import Queries
from tests.support import ChatDriver, fixed_clock
from tests.test_quiz_flow import answer, poll_of
from tests.test_review_offline import MESSY


async def ledger(dojo: Dojo, source: str = "quiz_completed") -> list[int]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(XpLedger.amount).where(XpLedger.source == source).order_by(XpLedger.id)
        )
        return list(rows.all())


async def xp_matches_ledger(dojo: Dojo, name: str = "ada") -> int:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", name)
        assert user is not None
        assert user.xp == await uow.xp.ledger_sum(user.id)
        return user.xp


async def one_question_quiz(chat: ChatDriver, topic: str = "sql", right: bool = True) -> str:
    await chat.say(f"/quiz {topic} 1")
    return await answer(chat, right)


async def distinct_questions(chats: list[ChatDriver]) -> list[QuizPoll]:
    """A one-question quiz open in each chat, no two on the same question (which would rightly
    earn once)."""
    polls: list[QuizPoll] = []
    for chat in chats:
        await chat.say("/quiz random 1")
        while poll_of(chat).question in {poll.question for poll in polls}:
            await chat.say("/quiz random 1")  # replaces the open quiz in that chat
        polls.append(poll_of(chat))
    return polls


async def test_quiz_xp_scales_with_the_questions_right(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/start backend mid UTC")
    await ada.say("/quiz sql 5")
    for _ in range(5):
        final = await answer(ada, right=True)
    assert "5 of 5 right" in final and "25 for quiz 5/5 right" in final
    single = await one_question_quiz(ada, "git")
    assert "+5 XP for quiz 1/1 right" in single
    await ada.say("/quiz python 3")
    for right in (True, False, False):
        final = await answer(ada, right)
    assert "+5 XP for quiz 1/3 right" in final
    await ada.say("/quiz os 2")
    for _ in range(2):
        final = await answer(ada, right=False)
    assert "No XP for this quiz: none right this time" in final
    assert await ledger(dojo) == [25, 5, 5]  # the quiz that earned nothing left no entry
    await xp_matches_ledger(dojo)


async def test_a_question_earns_once_even_when_it_comes_back(dojo: Dojo) -> None:
    """A missed question earns when it is finally right (in /quiz due); answered right again
    at its next review it earns nothing: repetition is not new practice."""
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/start backend mid UTC")
    await ada.say("/quiz algo 2")
    await answer(ada, right=False)
    await answer(ada, right=True)
    clock = fixed_clock(dojo)
    clock.advance(hours=2)
    await ada.say("/quiz due")
    first_review = await answer(ada, right=True)
    assert "+5 XP for quiz 1/1 right" in first_review
    clock.advance(days=1, hours=1)
    await ada.say("/quiz due")
    again = await answer(ada, right=True)
    assert "had earned their XP before" in again and "for quiz" not in again
    assert await ledger(dojo) == [5, 5]


async def test_the_daily_quiz_allowance_halves_then_stops_and_resets_at_local_midnight(
    dojo: Dojo,
) -> None:
    ada = ChatDriver(dojo.router, "ada")
    # 10:00 UTC on the test's Monday is 19:00 in Tokyo: local midnight comes at 15:00 UTC.
    await ada.say("/start backend mid Asia/Tokyo")
    notes = [await one_question_quiz(ada, topic) for topic in ("sql", "git") for _ in range(11)]
    assert await ledger(dojo) == [5] * 10 + [3] * 10 + [0] * 2
    assert "+3 XP for quiz 1/1 right (half XP: over 10 quizzes today)" in notes[10]
    assert "No XP for this quiz: the daily cap on quizzes is reached" in notes[20]
    assert "resets at midnight your time" in notes[20]
    fixed_clock(dojo).advance(hours=5)  # 15:00 UTC: a new day in Tokyo, not yet in UTC
    fresh = await one_question_quiz(ada, "python")
    assert "+10 XP: 5 for quiz 1/1 right, 5 for your first practice today" in fresh
    await xp_matches_ledger(dojo)


async def test_the_allowance_holds_when_answers_arrive_together(dojo: Dojo) -> None:
    """Answers that arrive together share transactions (core.batching): each still takes its
    own place in the day's count."""
    chats = [
        ChatDriver(dojo.router, "ada", chat_id=f"g{n}", chat_kind=ChatKind.GROUP) for n in range(24)
    ]
    await chats[0].say("/start backend mid UTC")
    polls = await distinct_questions(chats)
    batches = dojo.router.batcher.batches
    await asyncio.gather(
        *(
            chat.press_data(f"{poll.answer_data}:{poll.correct_index}")
            for chat, poll in zip(chats, polls, strict=True)
        )
    )
    assert dojo.router.batcher.batches - batches < len(chats), "the answers should share batches"
    assert sorted(await ledger(dojo), reverse=True) == [5] * 10 + [3] * 10 + [0] * 4
    await xp_matches_ledger(dojo)


async def test_the_allowance_holds_across_two_processes(
    database_url: str, clock: FixedClock
) -> None:
    """Two Dojo processes on one database, the same learner answering in both at once."""
    first = await build(make_settings(database_url), clock=clock)
    second = await build(make_settings(database_url), clock=clock)
    try:
        await ChatDriver(first.router, "ada").say("/start backend mid UTC")
        chats = [
            ChatDriver(app.router, "ada", chat_id=f"c{n}-{index}", chat_kind=ChatKind.GROUP)
            for n in range(12)
            for index, app in enumerate((first, second))
        ]
        polls = await distinct_questions(chats)
        await asyncio.gather(
            *(
                chat.press_data(f"{poll.answer_data}:{poll.correct_index}")
                for chat, poll in zip(chats, polls, strict=True)
            )
        )
        assert sorted(await ledger(first), reverse=True) == [5] * 10 + [3] * 10 + [0] * 4
        await xp_matches_ledger(first)
    finally:
        await first.close()
        await second.close()


async def test_chat_xp_has_a_daily_allowance_too(dojo: Dojo) -> None:
    group = CommunityRef(Platform.TELEGRAM, "-7", "study group")
    bea = ChatDriver(dojo.router, "bea", Platform.TELEGRAM, "-7", ChatKind.GROUP, group)
    clock = fixed_clock(dojo)
    for number in range(62):
        clock.advance(seconds=61)
        said = await bea.say(f"message {number} about B-tree indexes", addressed=False)
        assert said == ""  # chat XP is quiet: a line per message would drown the group
    assert await ledger(dojo, "chat_message_sent") == [2] * 30 + [1] * 30 + [0] * 2


async def test_every_piece_of_xp_is_named_with_its_reason(dojo: Dojo) -> None:
    """A third right used to say "+23 XP", the badge's 15 mixed in without a word."""
    ada = ChatDriver(dojo.router, "ada")
    started = await ada.say("/start backend mid UTC")
    assert "+30 XP: 25 for setting up, 5 for your first practice today" in started
    reviewed = await ada.say(f"/review\n```python\n{MESSY}```")
    assert "Changes needed" in reviewed
    assert "+30 XP: 15 for a code review, 15 for the badge Review Rookie" in reviewed
    await ada.say("/quiz networking 3")
    for right in (True, False, False):
        final = await answer(ada, right)
    assert "+20 XP: 5 for quiz 1/3 right, 15 for the badge Quiz Rookie" in final
    announcement = [reply.text.plain for reply in ada.last if "unlocked" in reply.text.plain]
    assert announcement and "+15 XP" in announcement[0]


async def test_quiz_badges_need_real_quizzes(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/start backend mid UTC")
    for _ in range(10):
        await one_question_quiz(ada, "git")
    badges = await ada.say("/badges")
    assert "✅ 🧩 Quiz Rookie" in badges
    assert "▫️ 🎯 Flawless" in badges and "▫️ 📚 Quiz Scholar" in badges
    await ada.say("/quiz sql 5")
    for _ in range(5):
        final = await answer(ada, right=True)
    assert "the badge Flawless" in final


async def test_help_xp_states_the_rules_and_badge_xp(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    assert "/help xp" in await ada.say("/help")
    rules = await ada.say("/help xp")
    for expected in (
        "5 XP per question you get right for the first time",
        "Quizzes: first 10 full XP, next 10 half, then none",
        "Chat messages: first 30 full XP, next 30 half, then none",
        "resets at midnight your time",
        "Quiz Rookie: +15 XP",
        "Perfectionist: +100 XP",
    ):
        assert expected in rules
    assert len(rules) < 4096  # one Telegram message
    assert "Nothing used today yet." in rules
    await one_question_quiz(ada, "git")
    await one_question_quiz(ada, "sql")
    assert "Today so far: quizzes 2 of 10 at full XP." in await ada.say("/help xp")


@pytest.mark.parametrize("text", ["/help XP", "/help xp please", "/help " + "x" * 500])
async def test_help_with_other_words_still_lists_commands(sqlite_dojo: Dojo, text: str) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    answered = await ada.say(text)
    assert "/profile" in answered if text != "/help XP" else "How XP works" in answered


async def test_an_award_under_the_allowance_is_still_one_statement_on_postgres(
    dojo: Dojo, queries: Queries
) -> None:
    """The day's count, the priced ledger entry, the week, the learner and the log: one
    statement on PostgreSQL (core.db.award_pg); a repeated reference gives its place back."""
    await ChatDriver(dojo.router, "ada").say("/start backend mid UTC")
    now = dojo.services.clock.now()
    allowance = Allowance(now.date(), full_until=1, paid_until=2, halved_amount=8)
    entry = ActivityEntry("code_review_requested")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", "ada")
        assert user is not None
        with queries() as counted:
            first = await uow.xp.award_daily(user.id, "r", "a", 15, now, allowance, log=entry)
            for_one = list(counted.statements)
            again = await uow.xp.award_daily(user.id, "r", "a", 15, now, allowance, log=entry)
            second = await uow.xp.award_daily(user.id, "r", "b", 15, now, allowance, log=entry)
            third = await uow.xp.award_daily(user.id, "r", "c", 15, now, allowance, log=entry)
        await uow.commit()
    assert first is not None and (first.amount, first.nth) == (15, 1)
    assert again is None
    assert second is not None and (second.amount, second.nth) == (8, 2)
    assert third is not None and (third.amount, third.nth) == (0, 3)
    if dojo.settings.database_url.startswith("postgresql"):
        assert len(for_one) == 1, counted
    assert third.xp == await xp_matches_ledger(dojo)


@pytest.mark.postgres
async def test_an_award_meets_the_learner_row_before_the_count(postgres_url: str) -> None:
    """A transaction that already wrote the learner's row, then awards, and another awarding
    the same activity at the same time: without the row locked first they would deadlock
    (one holding the count and wanting the row, the other the reverse)."""
    clock = FixedClock(START)
    dojo = await build(make_settings(postgres_url), clock=clock)
    try:
        await ChatDriver(dojo.router, "ada").say("/start backend mid UTC")
        now = clock.now()
        allowance = Allowance(now.date(), full_until=10, paid_until=20, halved_amount=3)
        async with dojo.services.uow_factory() as first, dojo.services.uow_factory() as second:
            user = await first.users.by_account("console", "ada")
            assert user is not None
            await first.xp.award(user.id, "badge", "held", 1, now)  # writes, so holds, the row
            other = asyncio.create_task(
                second.xp.award_daily(user.id, "quiz_completed", "q2", 5, now, allowance)
            )
            await asyncio.sleep(0.3)  # the other award is now waiting on something of ours
            mine = await first.xp.award_daily(user.id, "quiz_completed", "q1", 5, now, allowance)
            await first.commit()
            theirs = await asyncio.wait_for(other, 10)
            await second.commit()
        assert mine is not None and theirs is not None
        assert sorted([mine.nth, theirs.nth]) == [1, 2]
    finally:
        await dojo.close()


async def test_moving_the_time_zone_back_does_not_reopen_the_day(dojo: Dojo) -> None:
    """At 10:00 UTC on Monday it is still Sunday in Etc/GMT+12: that day is not a new
    allowance, since the learner already practised on Monday."""
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/start backend mid UTC")
    for topic in ("sql", "git"):
        for _ in range(10):
            await one_question_quiz(ada, topic)
    assert "Etc/GMT+12" in await ada.say("/settings timezone Etc/GMT+12")
    capped = await one_question_quiz(ada, "python")
    assert "the daily cap on quizzes is reached" in capped
    assert await ledger(dojo) == [5] * 10 + [3] * 10 + [0]


async def test_a_question_shared_by_two_quizzes_finishing_at_once_earns_once(
    database_url: str, clock: FixedClock
) -> None:
    """The same question open in two chats served by two processes, answered right in both at
    the same moment: one of the two finished quizzes earns it."""
    first = await build(make_settings(database_url), clock=clock)
    second = await build(make_settings(database_url), clock=clock)
    try:
        await ChatDriver(first.router, "ada").say("/start backend mid UTC")
        chats = [
            ChatDriver(app.router, "ada", chat_id=f"twin-{index}", chat_kind=ChatKind.GROUP)
            for index, app in enumerate((first, second))
        ]
        await chats[0].say("/quiz sql 1")
        for _ in range(1000):  # sql has 35 questions: draw until both chats ask the same one
            await chats[1].say("/quiz sql 1")
            if poll_of(chats[1]).question == poll_of(chats[0]).question:
                break
        polls = [poll_of(chat) for chat in chats]
        assert polls[0].question == polls[1].question
        await asyncio.gather(
            *(
                chat.press_data(f"{poll.answer_data}:{poll.correct_index}")
                for chat, poll in zip(chats, polls, strict=True)
            )
        )
        assert sorted(await ledger(first)) == [5]  # the other finished quiz earned nothing
        await xp_matches_ledger(first)
    finally:
        await first.close()
        await second.close()


@pytest.mark.postgres
async def test_two_quizzes_finishing_at_once_take_turns_on_postgres(postgres_url: str) -> None:
    """The race itself, step by step: the second quiz's check waits for the first to commit
    (the learner's row is locked first), so it sees the shared question as already earned."""
    clock = FixedClock(START)
    dojo = await build(make_settings(postgres_url), clock=clock)
    try:
        await ChatDriver(dojo.router, "ada").say("/start backend mid UTC")
        await ChatDriver(dojo.router, "ada").say("/quiz sql 1")  # loads the bank
        now = clock.now()
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.by_account("console", "ada")
            question = await uow.session.scalar(select(QuizQuestion.id).limit(1))
            assert user is not None and question is not None
            quizzes = [
                QuizSession(
                    user_id=user.id,
                    chat_key=f"c{n}",
                    topic="sql",
                    question_ids=[question],
                    current_index=1,
                    correct_count=1,
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
                for n in range(2)
            ]
            uow.session.add_all(quizzes)
            await uow.session.flush()
            uow.session.add_all(
                QuizAnswer(
                    session_id=quiz.id,
                    question_id=question,
                    selected_index=0,
                    correct=True,
                    answered_at=now,
                )
                for quiz in quizzes
            )
            await uow.commit()
            ids = [quiz.id for quiz in quizzes]

        async def finish(uow: UnitOfWork, quiz_id: int) -> int:
            quiz = await uow.session.get(QuizSession, quiz_id)
            assert quiz is not None
            quiz.status = "completed"
            return await uow.repository(QuizStore).new_right_answers(quiz)

        async with dojo.services.uow_factory() as one, dojo.services.uow_factory() as two:
            first = await finish(one, ids[0])
            other = asyncio.create_task(finish(two, ids[1]))
            await asyncio.sleep(0.3)
            await one.commit()
            second = await asyncio.wait_for(other, 10)
            await two.commit()
        assert (first, second) == (1, 0)
    finally:
        await dojo.close()
