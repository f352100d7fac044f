"""How a duel looks: the challenge with its buttons, a question, a player's end, the result."""

from __future__ import annotations

from core import codec
from core.db.models import Duel, QuizQuestion
from core.messages import Button, Reply
from core.text import Doc, bold, italic
from core.wording import counted

ACCEPT, DECLINE, ANSWER = "dy", "dn", "da"


def minutes(seconds: int) -> str:
    whole, rest = divmod(seconds, 60)
    if not whole:
        return f"{rest}s"
    return f"{whole}m {rest:02d}s" if rest else f"{whole} min"


def topic_name(topic: str) -> str:
    return "mixed topics" if topic == "mixed" else topic


def challenge(duel: Duel, challenger: str, opponent: str | None, clock: int, ttl: int) -> Reply:
    what = f"{counted(len(duel.question_ids), 'question')} on {topic_name(duel.topic)}"
    head: tuple[object, ...]
    if opponent is None:
        head = ("⚔️ ", bold(challenger), f" opens a duel: {what}. Anyone here can take it.")
        buttons = (
            Button("⚔️ Take it", codec.encode(ACCEPT, duel.id)),
            Button("Withdraw", codec.encode(DECLINE, duel.id)),
        )
    else:
        head = ("⚔️ ", bold(challenger), " challenges ", bold(opponent), f" to a duel: {what}.")
        buttons = (
            Button("✅ Accept", codec.encode(ACCEPT, duel.id)),
            Button("Decline", codec.encode(DECLINE, duel.id)),
        )
    lines: list[object] = [
        head,
        f"Questions come in a private chat with me; {minutes(clock)} on the clock once accepted.",
        italic(f"The challenge expires in {minutes(ttl)}."),
    ]
    return Reply(Doc.lines(*lines), buttons=(buttons,))  # type: ignore[arg-type]


def question(
    duel: Duel, index: int, item: QuizQuestion, options: tuple[str, ...], lead: Doc | None = None
) -> Reply:
    total = len(duel.question_ids)
    numbered = [f"{n}. {text}" for n, text in enumerate(options, 1)]
    text = Doc.lines(
        *([lead] if lead else []),
        (bold(f"⚔️ Duel #{duel.id} · question {index + 1} of {total}"), f" · {item.topic}"),
        item.question,
        *numbered,
    )
    buttons = tuple(
        Button(str(n), codec.encode(ANSWER, duel.id, index, n - 1))
        for n in range(1, len(options) + 1)
    )
    return Reply(text, buttons=(buttons,))


def mark(correct: bool, right: str) -> Doc:
    return Doc.of("✅ Right." if correct else f"❌ Not quite: {right}.")


# One line per player: name, right answers, seconds, finished, (rating before, after) if rated.
Line = tuple[str, int, int, bool, tuple[int, int] | None]


def result(duel: Duel, lines: list[Line], outcome: int) -> Reply:
    total = len(duel.question_ids)
    (winner, *_), _ = lines
    head = (
        ("⚔️ ", bold(f"Duel #{duel.id}: {winner} wins"), " (score, then time).")
        if outcome
        else ("⚔️ ", bold(f"Duel #{duel.id}: a draw"), ".")
    )
    shown: list[object] = [head]
    for name, right, seconds, finished, move in lines:
        pace = minutes(seconds) if finished else "did not finish"
        line = f"• {name}: {right}/{total} · {pace}"
        if move is not None:
            before, after = move
            line += f" · rating {before} → {after}"
        shown.append(line)
    if duel.rating_note:
        shown.append(italic(duel.rating_note))
    return Reply(Doc.lines(*shown))  # type: ignore[arg-type]
