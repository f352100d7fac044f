"""Quiz answers typed as text: `2`, or the option itself (`HAVING`), in the chat of the quiz.

Buttons and polls answer a quiz without this; typing is how a console learner answers after a
restart (the numbered choices on screen are gone) and what anyone does who types the option.
With an interview open in the same chat, plain text goes to the activity touched last (see
`focus`).
"""

from __future__ import annotations

from core.context import QuickContext
from core.db.models import QuizQuestion, QuizSession
from core.features.quiz.answer import QUIZ_EXPIRY, answer_choice
from core.features.quiz.focus import PAUSED, interview_touched
from core.features.quiz.store import QuizStore
from core.kinds import Kind
from core.messages import Reply, reply
from core.registry import text_handler


def _chosen(text: str, quiz: QuizSession, question: QuizQuestion) -> int | None:
    """The position (in the order shown) the text names: its number, or the option's words
    (case and spaces aside). Options are shuffled per presentation (`shuffle`), so words are
    mapped back through the order stored on the quiz."""
    if text.isdigit():
        return int(text) - 1 if len(text) <= 3 else -1
    wanted = " ".join(text.split()).casefold().rstrip(".")
    for original, option in enumerate(question.options):
        if " ".join(str(option).split()).casefold().rstrip(".") == wanted:
            order = quiz.option_order
            if order is not None and sorted(order) == list(range(len(question.options))):
                return list(order).index(original)
            return original
    return None


@text_handler("quiz-typed-answer", priority=8, kind=Kind.QUICK)
async def typed_answer(context: QuickContext) -> list[Reply] | None:
    incoming = context.incoming
    text = incoming.text.strip()
    if not incoming.addressed or not text:
        return None
    store = context.uow.repository(QuizStore)
    quiz = await store.open_quiz(context.user.id, context.chat_key)
    if quiz is None or context.now - quiz.updated_at > QUIZ_EXPIRY:
        return None
    touched = await interview_touched(context)
    if touched is not None and touched > quiz.updated_at:
        return None  # the interview was touched last: this is its answer
    index = quiz.current_index
    question = await store.question(quiz.question_ids[index])
    if question is None:
        return None
    count = len(question.options)
    chosen = _chosen(text, quiz, question)
    if chosen is not None and 0 <= chosen < count:
        return await answer_choice(context, quiz.id, index, chosen)
    if chosen is not None:  # a number: plainly meant for the quiz
        return [reply(f"Pick 1-{count} for question {index + 1}.")]
    paused = f" {PAUSED}" if touched is not None else ""
    return [
        reply(
            f"Your quiz is waiting on question {index + 1}: answer with its number, 1-{count}."
            f"{paused}"
        )
    ]
