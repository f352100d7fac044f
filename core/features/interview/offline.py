"""Offline interviews: questions from the bundled bank, a follow-up each, key-point grading.

Used with no model configured, over budget, or when the model stays unavailable at the
start. Every offline message says it is offline, so nobody mistakes key-point coverage for an
AI's judgement. When a question is done (its follow-up answered, or it has none) the learner
sees which key points the answer made and missed, with an outline of a strong answer: the
feedback comes after the follow-up, so it cannot be pasted back into the same question.
"""

from __future__ import annotations

from core.db.models import InterviewSession
from core.features.interview.bank import BankQuestion, InterviewBank
from core.features.interview.rubric import AnswerGrade, grade_answer
from core.features.interview.store import add_entries, interviewer, set_state
from core.features.interview.transcript import question_groups
from core.features.interview.voice import voice_for
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
        f"{verb}: {why}. Questions now come from Dojo's question bank, and each answer is "
        "graded on key-point coverage: which of the question's key points it makes in its own "
        "sentences, less any misconception it asserts. That is not an AI's judgement."
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
    lead = voice_for(session.persona).next_question if asked > 1 else ""
    return question_reply(question.question, f"Question {asked} of {state.get('limit')}", lead)


def after_answer(session: InterviewSession, bank: InterviewBank) -> tuple[list[Reply], bool]:
    """The follow-up if the current question has one not yet asked; otherwise feedback on the
    question and the next one. The flag says whether the interview goes on."""
    state = session.state or {}
    current: BankQuestion | None = bank.by_id.get(str(state.get("qid")))
    voice = voice_for(session.persona)
    if current is not None and state.get("stage") == "main" and current.follow_up:
        add_entries(session, interviewer(current.follow_up, "follow_up", current.id))
        set_state(session, stage="follow_up")
        text = f"{current.follow_up} {voice.probe}".strip()
        return [question_reply(text, "Follow-up", voice.follow_up)], True
    replies = [feedback_reply(session, current, grade_current(session, current))]
    following = ask_next(session, bank)
    return ([*replies, following], True) if following else (replies, False)


def grade_current(session: InterviewSession, question: BankQuestion | None) -> AnswerGrade:
    """The current question's answers, graded as the report will grade them."""
    groups = question_groups(session)
    earlier = [group.text for group in groups[:-1] if group.text]
    return grade_answer(question, groups[-1].text if groups else "", earlier)


def makes_a_point(session: InterviewSession, bank: InterviewBank, text: str) -> bool:
    """Whether this answer to the current question makes at least one of its key points."""
    question = bank.by_id.get(str((session.state or {}).get("qid")))
    earlier = [group.text for group in question_groups(session) if group.text]
    return bool(grade_answer(question, text, earlier).covered)


def feedback_reply(
    session: InterviewSession, question: BankQuestion | None, grade: AnswerGrade
) -> Reply:
    """What the answer covered and missed, and the outline of a strong one."""
    voice = voice_for(session.persona)
    share = len(grade.covered) / grade.total if grade.total else 0.0
    opener = voice.strong if share >= 0.75 else voice.partial if share >= 0.4 else voice.weak
    lines: list[object] = [
        (
            bold(f"Key-point coverage: {grade.score}/100"),
            f" · {len(grade.covered)} of {grade.total} points",
        ),
        opener,
    ]
    lines += [f"✅ {point}" for point in grade.covered]
    lines += [f"❌ {point}" for point in grade.missed]
    lines += [f"⚠️ Costs points: {mistake}" for mistake in grade.mistakes]
    lines += [italic(note) for note in grade.notes]
    if question is not None:
        lines.append(("A strong answer: ", italic(question.outline)))
    return tagged(Doc.lines(*lines))  # type: ignore[arg-type]


def question_reply(text: str, label: str, lead: str = "") -> Reply:
    return tagged(
        Doc.lines(
            *((lead,) if lead else ()),
            bold(label),
            text,
            italic("Reply with your answer · /hint · /skip · /end"),
        )
    )
