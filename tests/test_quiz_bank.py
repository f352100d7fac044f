"""The bundled quiz bank and the one validator every question passes (bank or generated)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.errors import UserError
from core.features.quiz.bank import bank_problems, load_bank
from core.features.quiz.schema import validate_question
from core.features.quiz.spacing import (
    BOX_INTERVALS,
    LAST_BOX,
    MISSED_DELAY,
    Schedule,
    next_schedule,
)
from core.features.quiz.topics import MIXED, TOPICS, resolve_topic

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def good(**changes: Any) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": "sql-999",
        "topic": "sql",
        "difficulty": "mid",
        "question": "Which clause filters groups after aggregation?",
        "options": ["WHERE", "HAVING", "ORDER BY", "LIMIT"],
        "correct": 1,
        "explanation": "HAVING filters after GROUP BY; WHERE filters rows before grouping.",
    }
    question.update(changes)
    return question


def test_the_whole_bank_is_valid_and_big_enough() -> None:
    assert bank_problems() == []
    questions = load_bank()
    topics = {question.topic for question in questions}
    assert len(questions) >= 300
    assert len(topics) >= 10 and topics == set(TOPICS)
    assert len({question.external_id for question in questions}) == len(questions)


def test_a_good_question_passes() -> None:
    assert validate_question(good()) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"question": "x" * 301}, "question is 301 characters"),
        ({"question": "   "}, "question must be non-empty"),
        ({"options": ["only one"]}, "options must be a list of 2-10"),
        ({"options": [f"option {n}" for n in range(11)]}, "options must be a list of 2-10"),
        ({"options": ["a" * 101, "b"]}, "option 0 is 101 characters"),
        ({"options": ["Same", "same ", "other"]}, "options must be distinct"),
        ({"correct": 4}, "outside the 4 options"),
        ({"correct": [1, 2]}, "the one correct option"),
        ({"correct": True}, "the one correct option"),
        ({"explanation": "e" * 201}, "explanation is 201 characters"),
        ({"topic": "cooking"}, "topic must be one of"),
        ({"difficulty": "wizard"}, "difficulty must be one of"),
        ({"id": "Bad Id!"}, "id must be"),
    ],
)
def test_each_limit_is_enforced(changes: dict[str, Any], problem: str) -> None:
    errors = validate_question(good(**changes))
    assert any(problem in error for error in errors), errors


def test_not_an_object_is_refused() -> None:
    assert validate_question(["a list"]) == ["a question must be an object"]


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        (["ds"], "data-structures"),
        (["data", "structures"], "data-structures"),
        (["OS"], "operating-systems"),
        (["js"], "javascript"),
        (["algo"], "algorithms"),
        (["behavioral"], "behavioural"),
        (["random"], MIXED),
        ([], MIXED),
    ],
)
def test_topic_aliases(typed: list[str], topic: str) -> None:
    assert resolve_topic(typed) == topic


def test_an_unknown_topic_lists_the_topics_in_one_line() -> None:
    with pytest.raises(UserError) as caught:
        resolve_topic(["cooking"])
    assert "cooking" in caught.value.message and "system-design" in caught.value.message
    assert "\n" not in caught.value.message


def test_leitner_boxes() -> None:
    missed = next_schedule(None, False, NOW)
    assert missed == Schedule(0, NOW + MISSED_DELAY)
    assert next_schedule(None, True, NOW) is None  # only mistakes come back
    up = next_schedule(missed, True, NOW)
    assert up == Schedule(1, NOW + BOX_INTERVALS[0])
    higher = next_schedule(Schedule(3, NOW), True, NOW)
    assert higher is not None and higher.due_at - NOW > timedelta(days=3)
    assert next_schedule(Schedule(LAST_BOX, NOW), True, NOW) is None  # learnt
    assert next_schedule(Schedule(3, NOW), False, NOW) == Schedule(0, NOW + MISSED_DELAY)


def test_the_banks_are_read_on_first_use_and_then_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.banks import QuestionBanks
    from core.features.interview.bank import InterviewBank
    from core.features.quiz.bank import BankSync

    reads: list[str] = []
    real_quiz, real_interview = BankSync.from_files, InterviewBank.load

    def read_quiz() -> BankSync:
        reads.append("quiz")
        return real_quiz()

    def read_interview() -> InterviewBank:
        reads.append("interview")
        return real_interview()

    monkeypatch.setattr(BankSync, "from_files", read_quiz)
    monkeypatch.setattr(InterviewBank, "load", read_interview)
    banks = QuestionBanks()
    assert reads == []
    assert banks.quiz is banks.quiz and banks.interview is banks.interview
    assert reads == ["quiz", "interview"]
    given = BankSync([])
    assert QuestionBanks(quiz=given).quiz is given and reads == ["quiz", "interview"]
