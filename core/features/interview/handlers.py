"""/interview, /hint, /skip, /end, the set-up buttons, and answers as plain messages.

Set-up buttons carry every choice made so far (`iv:f:backend:senior:system-design`), so no
half-configured interview is stored anywhere and a button still works after a restart.
"""

from __future__ import annotations

from collections import Counter

from core import codec
from core.command_meta import Param, Venue
from core.context import Context
from core.errors import UserError
from core.features.interview import flow
from core.features.interview.options import (
    ANY_FOCUS,
    DIFFICULTIES,
    PERSONAS,
    ROLES,
    Setup,
    check_choice,
    parse_setup,
)
from core.features.interview.store import (
    active_session,
    learners_interviewing,
    session_by_id,
)
from core.kinds import Kind
from core.messages import Button, Reply, reply
from core.open_work import OpenWork, keeps_open_work
from core.registry import action, command, text_handler
from core.text import Doc, bold, italic

FOCUS_PAGE = 8  # focus buttons at a time: with "any" and "more", four rows on every platform


def _rows(buttons: list[Button], width: int = 3) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def _choices(prompt: str, step: str, known: tuple[str, ...], values: list[str]) -> Reply:
    buttons = [
        Button(value.replace("-", " ").capitalize(), codec.encode("iv", step, *known, value))
        for value in values
    ]
    return reply(prompt, buttons=_rows(buttons))


@command(
    "interview",
    "A mock interview: role, level, focus and interviewer persona",
    "/interview [role] [level] [focus] [persona]",
    kind=Kind.SLOW,
    venue=Venue.PRIVATE_ONLY,
    params=(
        Param("role", "The role you are interviewing for", autocomplete="role"),
        Param("difficulty", "How hard", autocomplete="difficulty"),
        Param("focus", "Focus areas, comma separated", max_length=200),
        Param("persona", "Your interviewer", choices=("friendly", "neutral", "tough")),
    ),
)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def interview(context: Context) -> list[Reply]:
    args = context.incoming.args
    if args:
        bank = flow.bank_of(context)
        user = context.user
        setup = parse_setup(args, bank.focus_areas(), user.track, user.experience_level)
        return await flow.start(context, setup)
    session = await active_session(context.uow, context.user.id, context.chat_key, context.now)
    if session is not None:
        session.updated_at = context.now  # touched last: plain text is its answer again
        asked = [e for e in session.transcript or [] if e.get("by") == "interviewer"]
        last = asked[-1]["text"] if asked else "(waiting for the first question)"
        return [
            reply(
                Doc.lines(
                    bold("Your interview is still going. The current question:"),
                    last,
                    italic("Reply with your answer · /hint · /skip · /end"),
                )
            )
        ]
    prompt = "Which role are you interviewing for? (Or type it all at once: /interview backend mid)"
    return [_choices(prompt, "r", (), list(ROLES))]


@action("iv", kind=Kind.SLOW)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def interview_button(context: Context) -> list[Reply]:
    assert context.incoming.action is not None
    step, *values = context.incoming.action.args or ("",)
    if step in ("retry", "rubric") and len(values) == 1:
        return await _session_button(context, step, values[0])
    expected = {"r": 1, "d": 2, "fp": 3, "f": 3, "p": 4}
    if expected.get(step) != len(values):
        raise UserError("That button has expired. Send /interview to start again.")
    role = check_choice(values[0], ROLES, "role")
    if step == "r":
        return [_choices("Which level?", "d", (role,), list(DIFFICULTIES))]
    difficulty = check_choice(values[1], DIFFICULTIES, "level")
    if step in ("d", "fp"):
        page = int(values[2]) if step == "fp" and values[2].isdigit() else 0
        return [_focus_choices(context, role, difficulty, page)]
    focus = values[2]
    if focus != ANY_FOCUS and focus not in flow.bank_of(context).focus_areas():
        raise UserError("That focus button has expired. Send /interview to start again.")
    if step == "f":
        return [_choices("And your interviewer?", "p", (role, difficulty, focus), list(PERSONAS))]
    persona = check_choice(values[3], PERSONAS, "persona")
    chosen = () if focus == ANY_FOCUS else (focus,)
    return await flow.start(context, Setup(role, difficulty, chosen, persona))


def _focus_choices(context: Context, role: str, difficulty: str, page: int) -> Reply:
    """The role's focus areas, those with most questions for it first, a page at a time, so
    every area can be picked by button however many the bank has."""
    fitting = Counter(q.focus for q in flow.bank_of(context).questions if q.fits_role(role))
    ranked = sorted(fitting, key=lambda area: (-fitting[area], area))
    pages = max(1, -(-len(ranked) // FOCUS_PAGE))
    page = page % pages
    shown = ranked[page * FOCUS_PAGE : (page + 1) * FOCUS_PAGE]
    known = (role, difficulty)
    buttons = [
        Button(value.replace("-", " ").capitalize(), codec.encode("iv", "f", *known, value))
        for value in [ANY_FOCUS, *shown]
    ]
    if pages > 1:
        label = "More areas ▸" if page + 1 < pages else "◂ First areas"
        buttons.append(Button(label, codec.encode("iv", "fp", *known, str(page + 1))))
    prompt = "Any focus area?" if page == 0 else f"Any focus area? (page {page + 1} of {pages})"
    return reply(prompt, buttons=_rows(buttons))


async def _session_button(context: Context, step: str, session_id: str) -> list[Reply]:
    session = await session_by_id(context.uow, session_id)
    if session is None or session.user_id != context.user.id or session.status != "active":
        raise UserError("That button belongs to an interview that is over or not yours.")
    session = await flow.current(context)
    if str(session.id) != session_id:
        raise UserError("That button belongs to an earlier interview.")
    if step == "rubric":
        return await flow.end(context, session, rubric_only=True)
    unsent = str((session.state or {}).get("unsent_answer") or "")
    if not unsent:
        raise UserError("There is no unsent answer to retry. Just reply to the question.")
    return await flow.answer(context, session, unsent)


@command("hint", "A hint for the current interview question", kind=Kind.SLOW)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def hint(context: Context) -> list[Reply]:
    return [await flow.hint(context, await flow.current(context))]


@command("skip", "Skip the current interview question", kind=Kind.SLOW)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def skip(context: Context) -> list[Reply]:
    return await flow.skip(context, await flow.current(context))


@command("end", "End the interview and get your scored report", kind=Kind.SLOW)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def end(context: Context) -> list[Reply]:
    return await flow.end(context, await flow.current(context))


@text_handler("interview-answer", priority=10, kind=Kind.MAY_CALL_MODEL, serves=OpenWork.INTERVIEW)
@keeps_open_work(OpenWork.INTERVIEW, learners_interviewing)
async def interview_answer(context: Context) -> list[Reply] | None:
    """While an interview is active, the learner's plain messages in that chat are answers.

    Interviews run in private chats and the bot's own threads, where every message is
    addressed to the bot; group chatter never is, so it skips the lookup.
    """
    if not context.incoming.addressed:
        return None
    session = await active_session(context.uow, context.user.id, context.chat_key, context.now)
    if session is None:
        return None
    session = await flow.current(context)  # refuses while the previous answer is in flight
    return await flow.answer(context, session, context.incoming.text)
