"""Offline interviews: questions from the bundled bank, a follow-up each, rubric scoring.

Used with no model configured, over budget, or when the model stays unavailable at the
start. Every offline message says it is offline, so nobody mistakes a keyword rubric for an
AI's judgement.
"""

from __future__ import annotations

from core.db.models import InterviewSession
from core.features.interview.bank import BankQuestion, InterviewBank
from core.features.interview.store import add_entries, interviewer, set_state
from core.messages import Reply, reply
from core.text import Doc, bold, italic

QUESTIONS_PER_INTERVIEW = 5
OFFLINE_TAG = "📴 Offline mode"
WHY_OFFLINE = {
    "no-key": "no AI model is configured",
    "over-budget": "you've used this month's AI budget (see /usage)",
    "unavailable": "the AI interviewer isn't reachable right now",
}


def tagged(*pieces: object, buttons: tuple = ()) -> Reply:  # type: ignore[type-arg]
    """An offline reply: always labelled as such."""
    return reply(italic(f"{OFFLINE_TAG} · "), *pieces, buttons=buttons)  # type: ignore[arg-type]


def notice(reason: str, switching: bool) -> Reply:
    why = WHY_OFFLINE.get(reason, reason)
    verb = "Switching to offline mode" if switching else "This interview runs offline"
    return tagged(
        f"{verb}: {why}. Questions now come from Dojo's question bank and answers get a "
        "rubric score (key points, structure, depth) instead of an AI's judgement."
    )


def plan(session: InterviewSession, bank: InterviewBank, seed: str) -> None:
    """Choose the bank questions for the rest of this interview (fixed by `seed`)."""
    used = {entry.get("qid") for entry in session.transcript or [] if entry.get("qid")}
    chosen = bank.pick(
        session.role,
        session.difficulty,
        tuple(session.focus_areas or ()),
        QUESTIONS_PER_INTERVIEW + len(used),
        seed,
    )
    queue = [question.id for question in chosen if question.id not in used]
    asked = int((session.state or {}).get("asked", 0))
    queue = queue[: max(2, QUESTIONS_PER_INTERVIEW - asked)]
    set_state(session, queue=queue, limit=asked + len(queue))


def ask_next(session: InterviewSession, bank: InterviewBank) -> Reply | None:
    """Ask the next main question; None when the interview has run out of questions."""
    state = session.state or {}
    queue = list(state.get("queue", []))
    while queue and queue[0] not in bank.by_id:
        queue.pop(0)
    if not queue or int(state.get("asked", 0)) >= int(state.get("limit", 0)):
        return None
    question = bank.by_id[queue.pop(0)]
    asked = int(state.get("asked", 0)) + 1
    add_entries(session, interviewer(question.question, "question", question.id))
    set_state(session, queue=queue, qid=question.id, stage="main", asked=asked, hint=question.hint)
    return question_reply(question.question, f"Question {asked} of {state.get('limit')}")


def after_answer(session: InterviewSession, bank: InterviewBank) -> Reply | None:
    """A follow-up on the current question if it has one not yet asked, else the next question."""
    state = session.state or {}
    current: BankQuestion | None = bank.by_id.get(str(state.get("qid")))
    if current is not None and state.get("stage") == "main" and current.follow_up:
        add_entries(session, interviewer(current.follow_up, "follow_up", current.id))
        set_state(session, stage="follow_up")
        return question_reply(current.follow_up, "Follow-up")
    return ask_next(session, bank)


def question_reply(text: str, label: str) -> Reply:
    return tagged(
        Doc.lines(
            bold(label),
            text,
            italic("Reply with your answer · /hint · /skip · /end"),
        )
    )
