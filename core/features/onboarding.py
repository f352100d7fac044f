"""/start: onboarding step by step (buttons or typed answers) or all at once as arguments."""

from __future__ import annotations

from core import codec
from core.command_meta import Param
from core.context import QuickContext
from core.errors import UserError
from core.features.choices import (
    EXPERIENCE_LEVELS,
    TRACKS,
    is_time_zone,
    pick,
    suggested_zones,
    time_zone,
)
from core.kinds import Kind
from core.messages import Button, Reply, reply
from core.registry import action, command, text_handler
from core.rules.xp import Activity
from core.text import Doc, bold, code
from core.xp_note import xp_note

USAGE = "For example: /start backend mid Europe/Berlin"
STEP_TRACK, STEP_EXPERIENCE, STEP_TIME_ZONE = "track", "experience", "timezone"
STEPS = (STEP_TRACK, STEP_EXPERIENCE, STEP_TIME_ZONE)
DEFAULT_ZONE = "UTC"  # a new learner's, until they choose


def _choice_buttons(step: str, values: tuple[str, ...]) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(value.capitalize(), codec.encode("ob", step, value)) for value in values]
    return tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))


def _ask(step: str) -> Reply:
    if step == STEP_TRACK:
        return reply(
            "Which track are you preparing for?",
            buttons=_choice_buttons(STEP_TRACK, TRACKS),
        )
    if step == STEP_EXPERIENCE:
        return reply(
            "What is your experience level?",
            buttons=_choice_buttons(STEP_EXPERIENCE, EXPERIENCE_LEVELS),
        )
    return reply(
        "Last step: your time zone, so streaks and reminders follow your own days. "
        "Send its name, like ",
        code("Europe/Berlin"),
        " or ",
        code("America/New_York"),
        ".",
        buttons=((Button("UTC", codec.encode("ob", STEP_TIME_ZONE, "UTC")),),),
    )


async def _apply(context: QuickContext, step: str, value: str) -> list[Reply]:
    user, change = context.user, context.uow.learners.change
    if step == STEP_TRACK:
        change(user, track=pick(value, TRACKS, "track", USAGE), onboarding_step=STEP_EXPERIENCE)
    elif step == STEP_EXPERIENCE:
        level = pick(value, EXPERIENCE_LEVELS, "experience level", USAGE)
        change(user, experience_level=level)
        if user.time_zone != DEFAULT_ZONE:  # given already, with `/start backend Europe/Berlin`
            return await _finish(context)
        change(user, onboarding_step=STEP_TIME_ZONE)
    elif step == STEP_TIME_ZONE:
        change(user, time_zone=time_zone(value))
        return await _finish(context)
    else:
        raise UserError("That onboarding step is over. Send /start to begin again.")
    change(user, updated_at=context.now)
    assert user.onboarding_step is not None
    return [_ask(user.onboarding_step)]


async def _finish(context: QuickContext) -> list[Reply]:
    user = context.user
    context.uow.learners.change(user, onboarding_step=None, updated_at=context.now)
    outcome, announced = await context.record(Activity.ONBOARDED, reference="onboarding")
    summary = Reply(
        Doc.lines(
            (
                "✅ You're set: ",
                bold(str(user.track)),
                " track, ",
                bold(str(user.experience_level)),
                ", time zone ",
                bold(user.time_zone),
                ".",
            ),
            *filter(None, [xp_note(outcome)]),  # nothing when set up before
            "Try /quiz for a quick warm-up, /interview for a mock interview or /review to get "
            "feedback on code. /help lists everything.",
            "Want a daily nudge so your streak survives? Reminders are off until you turn them on.",
        ),
        buttons=(
            (
                Button("Remind me at 19:00", codec.encode("rm", "on")),
                Button("No reminders", codec.encode("rm", "off")),
            ),
        ),
    )
    return [summary, *announced]


@command(
    "start",
    "Set up your profile: track, experience, time zone",
    "/start [track] [level] [time zone]",
    kind=Kind.QUICK,
    params=(
        Param("track", "Which track you are preparing for", choices=TRACKS),
        Param("level", "Your experience level", choices=EXPERIENCE_LEVELS),
        Param("timezone", "Your time zone, e.g. Europe/Berlin", autocomplete="timezone"),
    ),
)
async def start(context: QuickContext) -> list[Reply]:
    args = context.incoming.args
    user = context.user
    if not args:
        if user.onboarding_step is None:
            return [
                reply(
                    "Welcome back, ",
                    bold(user.display_name),
                    "! Send /help to see what you can do, or /settings to change your "
                    "track, level or time zone.",
                )
            ]
        context.uow.learners.change(user, onboarding_step=STEP_TRACK)
        welcome = reply(
            "👋 Welcome to ",
            bold("Dojo"),
            ", where you practise for technical interviews with "
            "mock interviews, quizzes and code reviews, and earn XP, levels and badges on the way.",
        )
        return [welcome, _ask(STEP_TRACK)]
    given = _sort_words(args)
    onboarding = user.onboarding_step is not None
    context.uow.learners.change(
        user,
        track=given.get(STEP_TRACK, user.track),
        experience_level=given.get(STEP_EXPERIENCE, user.experience_level),
        time_zone=given.get(STEP_TIME_ZONE, user.time_zone),
        updated_at=context.now,
    )
    missing = [
        step
        for step in STEPS
        if step not in given
        and (
            (step == STEP_TRACK and not user.track)
            or (step == STEP_EXPERIENCE and not user.experience_level)
            or (step == STEP_TIME_ZONE and onboarding and user.time_zone == DEFAULT_ZONE)
        )
    ]
    if not missing:
        return await _finish(context)
    context.uow.learners.change(user, onboarding_step=missing[0])
    noted = ", ".join(f"{_LABELS[step]} {value}" for step, value in given.items())
    return [reply(f"Noted: {noted}."), _ask(missing[0])]


_LABELS = {STEP_TRACK: "track", STEP_EXPERIENCE: "level", STEP_TIME_ZONE: "time zone"}


def _sort_words(args: tuple[str, ...]) -> dict[str, str]:
    """`/start` words in any order, each recognised by its vocabulary: a track, a level, else a
    time zone. A word that is none of them is named, with what it could have been."""
    if len(args) > len(STEPS):
        raise UserError(
            f"/start takes up to three things: track, experience level and time zone. {USAGE}"
        )
    given: dict[str, str] = {}
    for word in args:
        lowered = word.strip().lower()
        if lowered in TRACKS:
            step, value = STEP_TRACK, lowered
        elif lowered in EXPERIENCE_LEVELS:
            step, value = STEP_EXPERIENCE, lowered
        elif "/" in word or is_time_zone(word) or suggested_zones(word):
            step, value = STEP_TIME_ZONE, time_zone(word)
        else:
            raise UserError(
                f"'{word[:30]}' is not a track, level or time zone I know. "
                f"Tracks: {', '.join(TRACKS)}. Levels: {', '.join(EXPERIENCE_LEVELS)}. "
                f"Time zones look like Europe/Berlin. {USAGE}"
            )
        if step in given:
            raise UserError(f"Give one {_LABELS[step]}, not two ('{given[step]}' and '{value}').")
        given[step] = value
    return given


@action("ob", kind=Kind.QUICK)
async def onboarding_button(context: QuickContext) -> list[Reply]:
    assert context.incoming.action is not None
    args = context.incoming.action.args
    if len(args) != 2:
        raise UserError("That button has expired. Send /start to begin again.")
    step, value = args
    if context.user.onboarding_step != step:
        raise UserError("That question was already answered. Send /start to begin again.")
    return await _apply(context, step, value)


@text_handler("onboarding", priority=50, kind=Kind.QUICK)
async def onboarding_answer(context: QuickContext) -> list[Reply] | None:
    step = context.user.onboarding_step
    incoming = context.incoming
    if step is None or not incoming.chat.is_private or not incoming.text.strip():
        return None
    if (
        step == STEP_TRACK
        and not context.user.track
        and incoming.text.strip().lower() not in TRACKS
    ):
        # Not an answer to the first question: a learner who never sent /start.
        return None
    return await _apply(context, step, incoming.text)
