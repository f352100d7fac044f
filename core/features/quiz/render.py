"""How a quiz looks: a question as a quiz poll, the verdict on an answer, the final score."""

from __future__ import annotations

from core import codec
from core.db.models import QuizQuestion, QuizSession
from core.features.quiz.shuffle import Presented
from core.messages import QuizPoll, Reply
from core.text import Doc, Span, bold, italic

ANSWER_ACTION = "qa"


def answer_prefix(quiz_id: int, index: int) -> str:
    """Callback data naming the quiz and question; the platform appends the chosen option."""
    return codec.encode(ANSWER_ACTION, quiz_id, index)


def question_header(quiz: QuizSession, index: int, question: QuizQuestion) -> Doc:
    total = len(quiz.question_ids)
    origin = " · AI-written" if question.source == "generated" else ""
    return Doc.of(
        bold(f"Question {index + 1} of {total}"),
        f" · {question.topic} · {question.difficulty}{origin}",
    )


def question_reply(
    quiz: QuizSession, index: int, question: QuizQuestion, shown: Presented, lead: Doc
) -> Reply:
    """The question as a poll, its options in the order `shuffle.present` chose and stored."""
    header = question_header(quiz, index, question)
    text = Doc.lines(lead, header) if lead else header
    poll = QuizPoll(
        question=question.question,
        options=shown.options,
        correct_index=shown.correct_index,
        explanation=question.explanation,
        answer_data=answer_prefix(quiz.id, index),
    )
    return Reply(text, poll=poll)


def verdict(question: QuizQuestion, selected: int, correct: bool) -> Doc:
    """The mark, naming options by their text (`selected` is a bank index, not a position)."""
    options = list(question.options)
    right = options[question.correct_index]
    if correct:
        first: list[Span | str] = ["✅ ", bold("Correct:"), f" {right}"]
    else:
        first = ["❌ ", bold("Not quite."), f" You chose: {options[selected]}. Answer: {right}"]
    return Doc.lines(tuple(first), italic(question.explanation))


def summary(quiz: QuizSession, earned: str, missed: int) -> Doc:
    """The final score, and `earned`: what the quiz's XP came to and why (core.xp_note)."""
    total = len(quiz.question_ids)
    percent = score_of(quiz)
    lines: list[object] = [
        ("🏁 ", bold("Quiz complete"), f": {quiz.correct_count} of {total} right ({percent}%)."),
    ]
    if earned:
        lines.append(earned)
    if missed:
        lines.append(
            f"The {missed} you missed will come back for review: /quiz due (from an hour on)."
        )
    else:
        lines.append("A clean sheet. Try a harder topic next, or /quiz random.")
    return Doc.lines(*lines)  # type: ignore[arg-type]


def score_of(quiz: QuizSession) -> int:
    total = len(quiz.question_ids)
    return round(100 * quiz.correct_count / total) if total else 0
