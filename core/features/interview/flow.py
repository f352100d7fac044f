"""The interview's moves: start, answer, skip, hint and end, online or offline.

Online, every move is one guarded model call; if the learner's budget runs out the interview
switches to offline mode and carries on from the bank. Online hints are written only when the
learner asks (/hint), once per question, as a side call that is not added to the transcript;
offline hints come from the bank. When the model fails, nothing is half-written: the answer is
kept in the session state (a Try again button resends it), no XP is awarded, and the learner
is told plainly what happened.
"""

from __future__ import annotations

from core import codec
from core.ai.gateway import BudgetExceeded
from core.context import Context
from core.db.models import InterviewSession
from core.errors import UserError
from core.features.interview import offline, online
from core.features.interview.bank import InterviewBank
from core.features.interview.options import Setup
from core.features.interview.prompts import HINT_REQUEST, SKIPPED, answer_message, end_message
from core.features.interview.report import complete, from_model, offline_report
from core.features.interview.screening import is_empty_fence, looks_foreign
from core.features.interview.store import (
    InterviewStore,
    abandon,
    active_session,
    add_entries,
    candidate,
    interviewer,
    is_busy,
    set_state,
)
from core.features.interview.transcript import answered_groups, question_groups
from core.features.interview.voice import voice_for
from core.messages import Button, Reply, reply
from core.ports import LLMUnavailable
from core.rules.xp import Activity
from core.text import Doc, bold, italic
from core.xp_note import xp_note

MAX_ANSWER_CHARS = 6000
FOREIGN = (
    "Offline grading reads English only, so this answer can't be graded fairly and isn't "
    "recorded. Answer in English, or /skip this question."
)
NO_INTERVIEW = "You have no interview in progress here. Start one with /interview."
NOT_GRADABLE = (
    "Offline grading scores answers against the key points of Dojo's own questions, and this "
    "interview's questions came from the AI, so it has nothing to grade them against."
)
KEPT = "Your interview is kept: send /end again in a while for the AI's report."
BUSY = "⏳ I'm still working on your previous message. One moment, then carry on."


def bank_of(context: Context) -> InterviewBank:
    return context.services.banks.interview


async def current(context: Context) -> InterviewSession:
    session = await active_session(context.uow, context.user.id, context.chat_key, context.now)
    if session is None:
        raise UserError(NO_INTERVIEW)
    if is_busy(session, context.now):
        raise UserError(BUSY)
    return session


def turn_reply(session: InterviewSession, data: dict[str, object]) -> Reply:
    """Record the model's question or follow-up and show it."""
    kind = "follow_up" if data.get("kind") == "follow_up" else "question"
    text = str(data["message"])
    asked = int((session.state or {}).get("asked", 0)) + (kind == "question")
    add_entries(session, interviewer(text, kind))
    set_state(session, asked=asked, hint="")  # written on request by /hint
    label = f"Question {asked}" if kind == "question" else "Follow-up"
    return reply(
        Doc.lines(bold(label), text, italic("Reply with your answer · /hint · /skip · /end"))
    )


def failure_reply(session: InterviewSession, failure: LLMUnavailable, what: str) -> Reply:
    buttons: tuple[tuple[Button, ...], ...] = ()
    if (session.state or {}).get("unsent_answer"):
        buttons = ((Button("Try again", codec.encode("iv", "retry", session.id)),),)
    return reply(f"⚠️ {failure} {what}", buttons=buttons)


async def start(context: Context, setup: Setup) -> list[Reply]:
    if await active_session(context.uow, context.user.id, context.chat_key, context.now):
        raise UserError("You already have an interview in progress here. Answer it, or /end it.")
    bank = bank_of(context)
    reason = await online.online_reason(context)
    if reason and not bank.pick(setup.role, setup.difficulty, setup.focus, 1, "check"):
        raise UserError(f"The offline question bank has no {setup.role} questions yet. Try later.")
    session = InterviewSession(
        user_id=context.user.id,
        chat_key=context.chat_key,
        role=setup.role,
        difficulty=setup.difficulty,
        focus_areas=list(setup.focus),
        persona=setup.persona,
        mode="offline" if reason else "online",
        status="active",
        transcript=[],
        state={"asked": 0, "turns": 0, "hints_used": 0},
        created_at=context.now,
        updated_at=context.now,
    )
    await context.uow.repository(InterviewStore).start(session)
    intro = reply(
        "🎤 Mock interview: ",
        bold(f"{setup.role} · {setup.difficulty}"),
        f" · focus {setup.focus_label} · {setup.persona} interviewer.",
    )
    replies = [intro]
    if reason is None:
        try:
            result = await online.call_model(
                context, session, online.build_request(session, "", online.TURN)
            )
        except BudgetExceeded:
            reason = "over-budget"
        except LLMUnavailable:
            reason = "unavailable"
        else:
            assert result.data is not None
            replies.append(turn_reply(session, result.data))
    if reason is not None:
        session.mode = "offline"
        offline.plan(session, bank, seed=f"{context.user.id}:{session.id}")
        first = offline.ask_next(session, bank)
        if first is None:
            abandon(session, context.now)
            return [reply("No offline questions fit that choice. Try another role or focus.")]
        replies += [offline.notice(reason, switching=False), first]
    session.updated_at = context.now
    return replies  # the start XP waits for the first answer (see `earns_start`)


def earns_start(context: Context, session: InterviewSession, text: str) -> bool:
    """Starting an interview earns its XP with the first real answer, not with /interview: an
    interview opened and ended at once earns nothing, and offline the answer must make a key
    point (typing "asdf" then /end earns nothing either). Asked before the answer is stored,
    while the question it answers is still the current one."""
    if (session.state or {}).get("start_xp"):
        return False
    return session.mode == "online" or offline.makes_a_point(session, bank_of(context), text)


def _answers(session: InterviewSession) -> int:
    return sum(1 for entry in session.transcript or [] if entry.get("kind") == "answer")


async def record_start(context: Context, session: InterviewSession) -> list[Reply]:
    """The start XP, once per interview (the reference makes a repeat a no-op too)."""
    set_state(session, start_xp=True)
    outcome, announced = await context.record(
        Activity.INTERVIEW_STARTED,
        reference=f"interview:{session.id}",
        context=("interview", str(session.id)),
        reason="your first answer in this interview",
    )
    earned = xp_note(outcome)
    return [reply(earned), *announced] if earned else announced


def clean_answer(text: str) -> str:
    answer = text.strip()
    if not answer:
        raise UserError("That answer is empty. Type your answer, or /skip this question.")
    if not answer.replace("`", "").strip() or is_empty_fence(answer):
        raise UserError("That code block is empty. Paste your answer inside it, or /skip.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise UserError(
            f"That answer is {len(answer):,} characters; please keep it under "
            f"{MAX_ANSWER_CHARS:,} (summarise, or split the key points)."
        )
    return answer


async def answer(context: Context, session: InterviewSession, text: str) -> list[Reply]:
    answer_text = clean_answer(text)
    if session.mode == "offline" and looks_foreign(answer_text):
        raise UserError(FOREIGN)
    starts = earns_start(context, session, answer_text)
    before = _answers(session)
    replies = await _answer(context, session, answer_text)
    if starts and _answers(session) > before:  # a failed model call stored nothing: no XP
        replies += await record_start(context, session)
    return replies


async def _answer(context: Context, session: InterviewSession, answer_text: str) -> list[Reply]:
    state = session.state or {}
    turns = int(state.get("turns", 0)) + 1
    if session.mode == "online":
        reason = await online.online_reason(context)
        if reason is not None:
            add_entries(session, candidate(answer_text))
            set_state(session, turns=turns, unsent_answer=None)
            return await switch_offline(context, session, reason)
        if turns >= online.TURN_LIMIT:
            add_entries(session, candidate(answer_text))
            set_state(session, turns=turns, unsent_answer=None)
            return await end(context, session)
        set_state(session, unsent_answer=answer_text)
        request = online.build_request(session, answer_message(answer_text), online.TURN)
        try:
            result = await online.call_model(context, session, request)
        except BudgetExceeded:
            add_entries(session, candidate(answer_text))
            set_state(session, turns=turns, unsent_answer=None)
            return await switch_offline(context, session, "over-budget")
        except LLMUnavailable as failure:
            return [failure_reply(session, failure, "Your answer is saved: press Try again.")]
        assert result.data is not None
        add_entries(session, candidate(answer_text))
        set_state(session, turns=turns, unsent_answer=None)
        session.updated_at = context.now
        return [turn_reply(session, result.data)]
    add_entries(session, candidate(answer_text))
    set_state(session, turns=turns)
    session.updated_at = context.now
    replies, going_on = offline.after_answer(session, bank_of(context))
    return replies if going_on else replies + await end(context, session)


async def switch_offline(context: Context, session: InterviewSession, reason: str) -> list[Reply]:
    session.mode = "offline"
    session.updated_at = context.now
    bank = bank_of(context)
    offline.plan(session, bank, seed=f"{context.user.id}:{session.id}:offline")
    following = offline.ask_next(session, bank)
    if following is None:
        return [offline.notice(reason, switching=True), *await end(context, session)]
    return [offline.notice(reason, switching=True), following]


async def skip(context: Context, session: InterviewSession) -> list[Reply]:
    turns = int((session.state or {}).get("turns", 0)) + 1
    if session.mode == "online":
        reason = await online.online_reason(context)
        if reason is None and turns < online.TURN_LIMIT:
            request = online.build_request(session, SKIPPED, online.TURN)
            try:
                result = await online.call_model(context, session, request)
            except BudgetExceeded:
                add_entries(session, candidate("", "skip"))
                set_state(session, turns=turns)
                return await switch_offline(context, session, "over-budget")
            except LLMUnavailable as failure:
                return [failure_reply(session, failure, "Send /skip again in a minute.")]
            assert result.data is not None
            add_entries(session, candidate("", "skip"))
            set_state(session, turns=turns)
            session.updated_at = context.now
            return [turn_reply(session, result.data)]
        add_entries(session, candidate("", "skip"))
        set_state(session, turns=turns)
        if reason is not None:
            return await switch_offline(context, session, reason)
        return await end(context, session)
    add_entries(session, candidate("", "skip"))
    set_state(session, turns=turns)
    session.updated_at = context.now
    following = offline.ask_next(session, bank_of(context))
    skipped = offline.tagged(voice_for(session.persona).skipped)
    return [skipped, following] if following else [skipped, *await end(context, session)]


GENERIC_HINT = "Think aloud: state your assumptions, then walk through your approach step by step."


async def hint(context: Context, session: InterviewSession) -> Reply:
    state = session.state or {}
    text = str(state.get("hint") or "")
    if not text and session.mode == "online" and await online.online_reason(context) is None:
        request = online.build_request(session, HINT_REQUEST, online.HINT)
        try:
            result = await online.call_model(context, session, request)
        except LLMUnavailable:
            text = ""
        else:
            assert result.data is not None
            text = str(result.data["message"])
            set_state(session, hint=text)  # a second /hint on this question costs nothing
    if not text:
        text = GENERIC_HINT
    session.updated_at = context.now
    # The same hint for the same question again is a reminder, not news, and is not counted
    # again (a follow-up shares its question's hint, so the question number is the key).
    given = [int((session.state or {}).get("asked", 0)), text]
    if (session.state or {}).get("hint_given") == given:
        pieces: tuple[str, ...] = (
            "💡 That is the only hint for this question: ",
            text,
            " Answer what you can, or /skip to move on.",
        )
    else:
        set_state(
            session,
            hints_used=int((session.state or {}).get("hints_used", 0)) + 1,
            hint_given=given,
        )
        pieces = ("💡 Hint: ", text)
    return offline.tagged(*pieces) if session.mode == "offline" else reply(*pieces)


async def end(
    context: Context, session: InterviewSession, rubric_only: bool = False
) -> list[Reply]:
    groups, _ = answered_groups(session)
    if not groups:
        abandon(session, context.now)
        return [reply("Interview ended before any answer, so there is no report and no XP.")]
    reason = None if session.mode == "online" else "offline"
    if reason is None and not rubric_only:
        reason = await online.online_reason(context)
    if reason is None and not rubric_only:
        try:
            result = await online.call_model(
                context,
                session,
                online.build_request(
                    session,
                    end_message(int((session.state or {}).get("hints_used", 0))),
                    online.REPORT,
                ),
            )
        except BudgetExceeded:
            reason = "over-budget"
        except LLMUnavailable as failure:
            return [reply(f"⚠️ {failure} {KEPT}")]
        else:
            assert result.data is not None
            return await complete(context, session, from_model(result.data, len(groups)))
    if not any(group.qid for group in question_groups(session)):
        # Every question came from the AI: there are no key points to grade offline.
        if reason == "over-budget":
            return [reply(NOT_GRADABLE), *await switch_offline(context, session, reason)]
        return [reply(f"{NOT_GRADABLE} {KEPT}")]
    replies = [offline.notice(reason, switching=True)] if reason not in (None, "offline") else []
    return replies + await complete(context, session, offline_report(session, bank_of(context)))
