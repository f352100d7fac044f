"""Quizzes through the router: marking, scoring, XP once, stale buttons, spaced repetition."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import Dojo
from core import codec
from core.db.models import QuizAnswer, QuizQuestion, QuizReviewSchedule, XpLedger
from core.features.quiz.bank import QuestionStore, load_bank
from core.messages import QuizPoll
from core.ports import FixedClock
from tests.support import ChatDriver


def poll_of(chat: ChatDriver) -> QuizPoll:
    polls = [reply.poll for reply in chat.last if reply.poll is not None]
    assert len(polls) == 1, [reply.text.plain for reply in chat.last]
    return polls[0]


async def answer(chat: ChatDriver, right: bool) -> str:
    poll = poll_of(chat)
    choice = poll.correct_index if right else (poll.correct_index + 1) % len(poll.options)
    return await chat.press_data(f"{poll.answer_data}:{choice}")


async def quiz_xp(dojo: Dojo) -> list[int]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(XpLedger.amount).where(XpLedger.source == "quiz_completed")
        )
        return list(rows.all())


async def test_a_quiz_marks_explains_scores_and_awards_xp_once(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    opening = await ada.say("/quiz sql 3")
    assert "Quiz: sql" in opening and "Question 1 of 3" in opening
    assert "Offline" in opening  # no model configured
    first = poll_of(ada)
    assert 2 <= len(first.options) <= 10 and first.explanation

    marked = await answer(ada, right=True)
    assert "✅" in marked and first.explanation in marked and "Question 2 of 3" in marked
    second = poll_of(ada)
    marked = await answer(ada, right=False)
    assert "❌" in marked and second.options[second.correct_index] in marked
    final = await answer(ada, right=True)
    assert "2 of 3 right (67%)" in final
    print(final)
    assert await quiz_xp(dojo) == [10]  # 5 for each question right for the first time

    # The same tap again (a double tap, a redelivered poll answer): one line, nothing doubled.
    again = await ada.press_data(f"{first.answer_data}:{first.correct_index}")
    assert again.count("\n") == 0 and "finished" in again
    assert await quiz_xp(dojo) == [10]


async def test_answering_the_same_question_twice_counts_once(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/quiz python 2")
    poll = poll_of(ada)
    await answer(ada, right=False)
    second = poll_of(ada)
    repeat = await ada.press_data(f"{poll.answer_data}:{poll.correct_index}")
    assert "already answered question 1" in repeat
    # A poll answer the platform delivers twice under the same event id is handled once.
    action = codec.decode(f"{second.answer_data}:{second.correct_index}")
    delivered = await ada.send(ada.incoming("", event_id="poll-answer-1", action=action))
    assert "Quiz complete" in delivered[0].text.plain
    assert await ada.send(ada.incoming("", event_id="poll-answer-1", action=action)) == []
    async with dojo.services.uow_factory() as uow:
        answers = await uow.session.scalar(select(func.count(QuizAnswer.id)))
    assert answers == 2
    assert await quiz_xp(dojo) == [5]  # one question right, for the first time


async def test_a_concurrent_double_tap_is_marked_once(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await ada.say("/quiz git 2")
    poll = poll_of(ada)
    data = f"{poll.answer_data}:{poll.correct_index}"
    replies = await asyncio.gather(ada.press_data(data), ada.press_data(data))
    assert sum("Question 2 of 2" in text for text in replies) == 1
    assert sum("already answered" in text for text in replies) == 1


async def test_stale_and_foreign_buttons_get_one_clear_line(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    grace = ChatDriver(sqlite_dojo.router, "grace")
    await ada.say("/quiz networking 2")
    old = poll_of(ada)
    restarted = await ada.say("/quiz os 2")
    assert "unfinished quiz in this chat was closed" in restarted
    current = poll_of(ada)
    stale = await ada.press_data(f"{old.answer_data}:0")
    assert "closed" in stale and "\n" not in stale

    foreign = await grace.press_data(f"{current.answer_data}:{current.correct_index}")
    assert "belongs to someone else" in foreign
    ahead = await ada.press_data(current.answer_data.replace(":0", ":1") + ":0")
    assert "Answer question 1 first" in ahead
    assert "not one of the options" in await ada.press_data(f"{current.answer_data}:9")
    assert "not valid" in await ada.press_data("dj:qa:nonsense")
    assert "no longer exists" in await ada.press_data("dj:qa:9999:0:0")
    # Ada's quiz is untouched by all of that: her answer still counts.
    mine = await ada.press_data(f"{current.answer_data}:{current.correct_index}")
    assert "Question 2 of 2" in mine


async def test_bad_arguments_get_one_line(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    unknown = await ada.say("/quiz cooking")
    assert "cooking" in unknown and "python" in unknown and "\n" not in unknown
    for count in ("0", "21", "-3"):
        out_of_range = await ada.say(f"/quiz sql {count}")
        assert "1 to 20" in out_of_range and "\n" not in out_of_range
    assert "one number" in await ada.say("/quiz 3 4")
    assert ada.last[0].poll is None
    assert await quiz_xp(sqlite_dojo) == []


async def test_defaults_aliases_and_mixed(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    assert "5 questions" in await ada.say("/quiz")
    assert "mixed topics" in ada.last[0].text.plain
    assert "data-structures" in await ada.say("/quiz ds 2")
    assert "20 questions" in await ada.say("/quiz random 20")


async def test_missed_questions_come_back_when_due(sqlite_dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    assert "Nothing to review" in await ada.say("/quiz due")
    await ada.say("/quiz algo 2")
    missed = poll_of(ada)
    await answer(ada, right=False)
    await answer(ada, right=True)
    assert "Nothing due yet" in await ada.say("/quiz due")
    clock.advance(hours=2)
    due = await ada.say("/quiz due")
    assert "due reviews" in due and "· 1 question" in due
    assert poll_of(ada).question == missed.question
    final = await answer(ada, right=True)
    assert "1 of 1 right" in final
    async with sqlite_dojo.services.uow_factory() as uow:
        box = await uow.session.scalar(select(QuizReviewSchedule.box))
    assert box == 1  # moved up a box, due again in a day
    assert "Nothing due yet" in await ada.say("/quiz due")


async def test_the_bank_is_loaded_once_and_upserts_by_external_id(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/quiz sql 1")
    bank = load_bank()
    async with dojo.services.uow_factory() as uow:
        stored = await uow.session.scalar(select(func.count(QuizQuestion.id)))
        assert stored == len(bank)
        questions = uow.repository(QuestionStore)
        assert await questions.upsert_questions(bank, "bank", dojo.services.clock.now()) == 0
        changed = [bank[0].__class__(**{**bank[0].__dict__, "explanation": "Revised."})]
        assert await questions.upsert_questions(changed, "bank", dojo.services.clock.now()) == 1
        await uow.commit()
        row = await uow.session.scalar(
            select(QuizQuestion).where(QuizQuestion.external_id == bank[0].external_id)
        )
        assert row is not None and row.explanation == "Revised." and row.source == "bank"
    await ada.say("/quiz sql 1")
    async with dojo.services.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count(QuizQuestion.id))) == len(bank)
