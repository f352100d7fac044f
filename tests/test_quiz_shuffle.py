"""Options are shuffled on every presentation, and an answer maps back through the stored order.

The order lives on the quiz row, so these tests close the whole application between the question
and the answer: nothing in memory may carry the mapping.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from bot.app import Dojo, build
from core.banks import QuestionBanks
from core.db.models import QuizAnswer, QuizQuestion
from core.errors import UserError
from core.features.quiz.bank import BankSync, load_bank
from core.features.quiz.schema import QuestionData
from core.features.quiz.shuffle import new_order, original_option
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.fakes.telegram_harness import FAKE_LIMITS, running_adapter, texts
from tests.fakes.telegram_server import FakeTelegram
from tests.support import ChatDriver
from tests.test_quiz_flow import poll_of

ONE = QuestionData(
    external_id="shuffle-001",
    topic="git",
    difficulty="junior",
    question="Which command records the staged changes as a new commit?",
    options=("git add", "git commit", "git push", "git stash"),
    correct=1,
    explanation="git commit records the index as a new commit; add only stages.",
)
PRESENTATIONS = 40  # a key stuck in one place survives this with chance (1/4)^39 at most


async def open_dojo(url: str, clock: FixedClock, bank: list[QuestionData] | None = None) -> Dojo:
    app = await build(make_settings(url), clock=clock)
    if bank is not None:
        app.services.banks = QuestionBanks(quiz=BankSync(bank))
    return app


def bank_key(question: str) -> str:
    """The correct option's text for a bank question, found by its stem."""
    keys = {q.question: q.options[q.correct] for q in load_bank()}
    return keys[question]


async def test_a_restart_between_question_and_answer_still_grades(
    database_url: str, clock: FixedClock
) -> None:
    first = await open_dojo(database_url, clock)
    ada = ChatDriver(first.router, "ada")
    await ada.say("/quiz git 2")
    asked = poll_of(ada)
    assert asked.options[asked.correct_index] == bank_key(asked.question)
    await first.close()

    second = await open_dojo(database_url, clock)
    ada = ChatDriver(second.router, "ada")
    marked = await ada.press_data(f"{asked.answer_data}:{asked.correct_index}")
    assert "✅" in marked and bank_key(asked.question) in marked
    following = poll_of(ada)
    await second.close()

    third = await open_dojo(database_url, clock)
    try:
        ada = ChatDriver(third.router, "ada")
        wrong = (following.correct_index + 1) % len(following.options)
        final = await ada.press_data(f"{following.answer_data}:{wrong}")
        assert "❌" in final and f"You chose: {following.options[wrong]}." in final
        assert f"Answer: {bank_key(following.question)}" in final
        assert "1 of 2 right" in final
        async with third.services.uow_factory() as uow:
            rows = await uow.session.execute(
                select(QuizAnswer.selected_index, QuizAnswer.correct, QuizQuestion.options)
                .join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
                .order_by(QuizAnswer.id)
            )
            stored = [(options[selected], correct) for selected, correct, options in rows]
        # The answers are stored as the bank's option, whatever position it was shown in.
        assert stored == [
            (asked.options[asked.correct_index], True),
            (following.options[wrong], False),
        ]
    finally:
        await third.close()


async def test_every_presentation_shuffles_and_marks_by_the_option_chosen(
    sqlite_url: str, clock: FixedClock
) -> None:
    app = await open_dojo(sqlite_url, clock, bank=[ONE])
    try:
        ada = ChatDriver(app.router, "ada")
        positions: Counter[int] = Counter()
        for round_ in range(PRESENTATIONS):
            await ada.say("/quiz git 1")
            poll = poll_of(ada)
            assert sorted(poll.options) == sorted(ONE.options)
            assert poll.options[poll.correct_index] == "git commit"
            positions[poll.correct_index] += 1
            if round_ % 2:
                assert "✅" in await ada.press_data(f"{poll.answer_data}:{poll.correct_index}")
            else:
                wrong = (poll.correct_index + 1) % 4
                marked = await ada.press_data(f"{poll.answer_data}:{wrong}")
                assert "❌" in marked and f"You chose: {poll.options[wrong]}." in marked
        assert set(positions) == {0, 1, 2, 3}, positions
        assert max(positions.values()) < PRESENTATIONS * 0.6, positions
    finally:
        await app.close()


async def test_telegram_polls_carry_the_shuffled_key_across_a_restart(
    sqlite_url: str, clock: FixedClock
) -> None:
    """The native quiz poll's correct_option_ids names the key in the order it was sent."""
    fake = FakeTelegram(limits=FAKE_LIMITS)
    keys: list[int] = []
    first = await open_dojo(sqlite_url, clock, bank=[ONE])
    async with running_adapter(first.router, fake=fake) as tg:
        ada = tg.person(1201, "Ada")
        await ada.say("/start backend mid UTC")
        for _ in range(12):
            await ada.say("/quiz git 1")
            poll = ada.last_poll()
            [key] = poll["correct_option_ids"]
            assert poll["options"][key]["text"] == "git commit"
            keys.append(key)
    await first.close()
    assert len(set(keys)) > 1, keys

    second = await open_dojo(sqlite_url, clock, bank=[ONE])
    try:
        async with running_adapter(second.router, fake=fake) as tg:  # a restarted bot
            ada = tg.person(1201, "Ada")
            calls = await ada.vote(poll["correct_option_ids"][0], poll_id=poll["id"])
            assert "Correct" in texts(calls) and "1 of 1 right" in texts(calls)
    finally:
        await second.close()


def test_an_order_maps_positions_to_the_bank() -> None:
    order = [2, 0, 3, 1]
    assert [original_option(order, 4, chosen) for chosen in range(4)] == order
    assert original_option(None, 4, 3) == 3  # a quiz opened before orders were stored
    assert sorted(new_order(7)) == list(range(7))


@pytest.mark.parametrize(
    ("order", "chosen", "problem"),
    [
        ([0, 1, 2, 3], 4, "not one of the options"),
        ([0, 1, 2, 3], -1, "not one of the options"),
        ([0, 1, 2], 1, "changed since it was shown"),  # the bank now has four options
        ([0, 0, 1, 2], 1, "changed since it was shown"),
    ],
)
def test_a_position_that_maps_to_nothing_gets_one_line(
    order: list[int], chosen: int, problem: str
) -> None:
    with pytest.raises(UserError) as caught:
        original_option(order, 4, chosen)
    assert problem in caught.value.message
