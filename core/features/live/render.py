"""How a live round looks: a question with its timer, the close, standings, final results."""

from __future__ import annotations

from collections.abc import Sequence

from core import codec
from core.db.models import LiveQuestion, LiveRound, QuizQuestion
from core.features.live.store import Standing
from core.messages import QuizPoll, Reply
from core.text import Doc, bold, italic

ANSWER_ACTION = "lv"
SHOWN_STANDINGS = 10
_MEDALS = ("🥇", "🥈", "🥉")


def _title(live: LiveRound) -> str:
    return "mixed topics" if live.topic == "random" else live.topic


def starting(live: LiveRound) -> Reply:
    total = len(live.question_ids)
    return Reply(
        Doc.lines(
            ("🎯 ", bold(f"Live round: {_title(live)}")),
            f"{total} question{'s' if total != 1 else ''}, {live.seconds} s each. "
            "A right answer scores 10, up to 10 more for speed; your first answer counts.",
            italic("The first question comes in a moment."),
        )
    )


def question_reply(
    live: LiveRound, asked: LiveQuestion, question: QuizQuestion, lead: Doc | None = None
) -> Reply:
    """The question as a timed quiz poll, its options in the order stored with it."""
    total = len(live.question_ids)
    header = Doc.of(
        "⏱ ",
        bold(f"Question {asked.position + 1} of {total}"),
        f" · {question.topic} · {live.seconds} s",
    )
    options = tuple(question.options[original] for original in asked.option_order)
    poll = QuizPoll(
        question=question.question,
        options=options,
        correct_index=list(asked.option_order).index(question.correct_index),
        explanation=question.explanation,
        answer_data=codec.encode(ANSWER_ACTION, asked.id),
        open_period=live.seconds,
    )
    text = Doc.lines(lead, "", header) if lead else header
    return Reply(text, poll=poll)


def closed(live: LiveRound, asked: LiveQuestion, question: QuizQuestion) -> Reply:
    """The posted question edited once its time is up: no buttons, the answer shown."""
    right = question.options[question.correct_index]
    text = Doc.lines(
        (bold(f"Question {asked.position + 1} of {len(live.question_ids)}"), " · closed"),
        question.question,
        ("✅ ", bold("Answer:"), f" {right}"),
    )
    return Reply(text, edit_of=asked.message_id)


def _name(standing: Standing) -> str:
    return "(a learner off the boards)" if standing.hidden else standing.name


def board(standings: Sequence[Standing]) -> Doc:
    lines: list[object] = []
    for place, standing in enumerate(standings[:SHOWN_STANDINGS], start=1):
        mark = _MEDALS[place - 1] if place <= len(_MEDALS) else f"{place}."
        lines.append(f"{mark} {_name(standing)}: {standing.points} ({standing.right} right)")
    if len(standings) > SHOWN_STANDINGS:
        lines.append(italic(f"and {len(standings) - SHOWN_STANDINGS} more"))
    if not lines:
        lines.append(italic("Nobody has scored yet."))
    return Doc.lines(*lines)  # type: ignore[arg-type]


def standings_after(
    live: LiveRound,
    asked: LiveQuestion,
    question: QuizQuestion,
    answered: int,
    right: int,
    standings: Sequence[Standing],
) -> Doc:
    answer = question.options[question.correct_index]
    return Doc.lines(
        (bold(f"Time! Question {asked.position + 1}"), f": {answer}"),
        italic(question.explanation),
        f"{answered} answered, {right} right.",
        bold("Standings"),
        board(standings),
    )


def final_results(
    live: LiveRound, standings: Sequence[Standing], xp_lines: Sequence[str], lead: Doc
) -> Reply:
    lines: list[object] = [lead, ""] if lead else []
    lines.append(("🏁 ", bold(f"Live round over: {_title(live)}")))
    if standings:
        winner = standings[0]
        lines.append(f"Winner: {_name(winner)} with {winner.points} points.")
    lines.append(board(standings))
    lines.extend(xp_lines)
    return Reply(Doc.lines(*lines))  # type: ignore[arg-type]
