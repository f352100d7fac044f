"""The order a question's options are shown in: new for every presentation, kept with the quiz.

A learner who sees the options in the bank's order learns positions, not facts, so every time a
question is put to a learner its options are shuffled. The answer arrives later as the position
the learner picked (a button, a Telegram poll option id), possibly after a restart, so the order
is stored on the quiz row (`quiz_sessions.option_order`) in the same transaction that presents
the question, never held in memory. Only the open question's order is needed: an answer to any
other question is refused before it is mapped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from core.db.models import QuizQuestion, QuizSession
from core.errors import UserError

_RANDOM = random.SystemRandom()  # nothing to seed, nothing a learner can predict


@dataclass(frozen=True)
class Presented:
    """A question's options as the learner sees them, and where the key landed."""

    options: tuple[str, ...]
    correct_index: int


def new_order(count: int, rng: random.Random = _RANDOM) -> list[int]:
    """A fresh permutation: position p shows the bank's option order[p]."""
    order = list(range(count))
    rng.shuffle(order)
    return order


def present(quiz: QuizSession, question: QuizQuestion, rng: random.Random = _RANDOM) -> Presented:
    """Shuffle the question's options and record the order on the quiz row."""
    order = new_order(len(question.options), rng)
    quiz.option_order = order  # a new list, so the JSON column is seen as changed
    return Presented(
        options=tuple(question.options[original] for original in order),
        correct_index=order.index(question.correct_index),
    )


def original_option(order: Sequence[int] | None, count: int, chosen: int) -> int:
    """The bank index of the option shown at position `chosen` of a question with `count` options.

    A quiz opened before orders were stored has none: its options were shown in bank order. An
    order that no longer fits the question (the bank changed its options in between) is not
    trusted: the learner is told so rather than marked on a guess.
    """
    if order is not None and sorted(order) != list(range(count)):
        raise UserError("That question changed since it was shown: start a new quiz with /quiz.")
    if not 0 <= chosen < count:
        raise UserError("That is not one of the options: pick one of the numbered answers.")
    return chosen if order is None else int(order[chosen])
