"""What the daily question looks like: today's question (a poll where members can vote, else
buttons) and the reveal of an earlier one (answer, explanation, how many got it right)."""

from __future__ import annotations

from datetime import date

from core import codec
from core.db.models import DailyQuestion, QuizQuestion
from core.features.daily.store import Tally
from core.messages import Button, QuizPoll, Reply
from core.text import Doc, bold, italic

ANSWER_ACTION = "dq"
_LETTERS = "ABCDEFGHIJ"


def answer_prefix(daily_id: int) -> str:
    """Callback data naming the day's question; the platform appends the chosen position."""
    return codec.encode(ANSWER_ACTION, daily_id)


def thread_name(day: date, topic: str) -> str:
    return f"Daily question · {day:%a %d %b} · {topic}"


def question_post(
    daily: DailyQuestion, question: QuizQuestion, *, as_poll: bool, lead: Doc | None = None
) -> Reply:
    """The day's question with its options in the stored order. A poll (Telegram groups: a
    non-anonymous quiz poll; Discord: buttons) or, where polls cannot name the voter (a
    Telegram channel), lettered buttons."""
    order = list(daily.option_order)
    options = tuple(question.options[index] for index in order)
    header = Doc.of(
        bold(f"📅 Daily question · {daily.day:%a %d %b}"),
        f" · {question.topic} · {question.difficulty}",
    )
    note = "Your first answer counts; the answer comes with the reveal."
    text = Doc.lines(*(item for item in (lead, header, note) if item))
    prefix = answer_prefix(daily.id)
    if as_poll:
        poll = QuizPoll(
            question=question.question,
            options=options,
            correct_index=order.index(question.correct_index),
            explanation=question.explanation,
            answer_data=prefix,
        )
        return Reply(text, poll=poll)
    lines: list[Doc | str] = [text, Doc.of(bold(question.question))]
    lines.extend(f"{_LETTERS[n]}. {option}" for n, option in enumerate(options))
    buttons = tuple(Button(_LETTERS[n], f"{prefix}:{n}") for n in range(len(options)))
    return Reply(Doc.lines(*lines), buttons=(buttons,))


def reveal(daily: DailyQuestion, question: QuizQuestion, tally: Tally) -> Doc:
    """The answer to an earlier day's question; names only learners who appear on boards."""
    right = question.options[question.correct_index]
    lines: list[object] = [
        bold(f"📖 The answer to {daily.day:%a %d %b}'s question"),
        question.question,
        ("✅ ", bold(right)),
        italic(question.explanation),
    ]
    if not tally.answered:
        lines.append("Nobody answered this one.")
    else:
        lines.append(f"{tally.right} of {tally.answered} got it right.")
    if tally.named:
        names = ", ".join(tally.named)
        more = f" and {tally.unnamed} more" if tally.unnamed else ""
        lines.append(f"🎉 {names}{more}.")
    return Doc.lines(*lines)  # type: ignore[arg-type]
