"""/settings and /remind: what a learner controls about themselves."""

from __future__ import annotations

from core.command_meta import Param
from core.context import QuickContext
from core.errors import UserError
from core.features.choices import EXPERIENCE_LEVELS, TRACKS, hour_minute, pick, time_zone
from core.kinds import Kind
from core.messages import Reply, reply
from core.registry import action, command
from core.text import Doc, bold, code

SETTINGS_USAGE = (
    "Use /settings track <track>, /settings level <level>, /settings timezone <zone>, "
    "/settings announce on|off, /settings leaderboard on|off or /settings card on|off."
)
REMIND_USAGE = "Use /remind on, /remind off or /remind HH:MM (your local time), e.g. /remind 19:00."


def _on_off(value: str, usage: str) -> bool:
    word = value.strip().lower()
    if word in ("on", "yes", "true"):
        return True
    if word in ("off", "no", "false"):
        return False
    raise UserError(f"'{value[:20]}' should be on or off. {usage}")


def _summary(context: QuickContext) -> Reply:
    user = context.user
    reminders = (
        f"on at {user.reminder_hour:02d}:{user.reminder_minute:02d} ({user.time_zone})"
        if user.reminders_enabled
        else "off"
    )
    return Reply(
        Doc.lines(
            bold("Your settings"),
            f"Track: {user.track or 'not set'} · Level: {user.experience_level or 'not set'}",
            f"Time zone: {user.time_zone}",
            f"Reminders: {reminders}",
            f"Level-up and badge announcements: {'off' if user.announce_opt_out else 'on'}",
            f"Shown on public leaderboards: {'no' if user.leaderboard_opt_out else 'yes'}",
            f"Rank card image on /profile: {'off' if user.card_opt_out else 'on'}",
            ("Change one with ", code("/settings <name> <value>"), ". ", SETTINGS_USAGE),
        ),
        ephemeral=True,
    )


@command(
    "settings",
    "Your track, level, time zone and privacy",
    "/settings [track|level|timezone|announce|leaderboard|card] [value]",
    personal=True,
    private=True,
    kind=Kind.QUICK,
    params=(
        Param(
            "setting",
            "What to change",
            choices=("track", "level", "timezone", "announce", "leaderboard", "card"),
        ),
        Param("value", "The new value", autocomplete="setting"),
    ),
)
async def settings(context: QuickContext) -> list[Reply]:
    args = context.incoming.args
    user = context.user
    if not args:
        return [_summary(context)]
    if len(args) != 2:
        raise UserError(f"/settings takes a name and a value. {SETTINGS_USAGE}")
    name, value = args[0].lower(), args[1]
    changed: dict[str, object]
    if name == "track":
        changed = {"track": pick(value, TRACKS, "track", SETTINGS_USAGE)}
    elif name in ("level", "experience"):
        level = pick(value, EXPERIENCE_LEVELS, "experience level", SETTINGS_USAGE)
        changed = {"experience_level": level}
    elif name in ("timezone", "tz", "time_zone"):
        changed = {"time_zone": time_zone(value)}
    elif name in ("announce", "announcements"):
        changed = {"announce_opt_out": not _on_off(value, SETTINGS_USAGE)}
    elif name == "leaderboard":
        changed = {"leaderboard_opt_out": not _on_off(value, SETTINGS_USAGE)}
    elif name == "card":
        changed = {"card_opt_out": not _on_off(value, SETTINGS_USAGE)}
    else:
        raise UserError(f"There is no setting called '{args[0][:20]}'. {SETTINGS_USAGE}")
    context.uow.learners.change(user, **changed, updated_at=context.now)
    return [reply("Saved."), _summary(context)]


def _set_reminder(context: QuickContext, value: str) -> Reply:
    user = context.user
    word = value.strip().lower()
    if word == "off":
        context.uow.learners.change(user, reminders_enabled=False, updated_at=context.now)
        return reply("🔕 Reminders are off.")
    if word != "on":
        hour, minute = hour_minute(value)
        context.uow.learners.change(user, reminder_hour=hour, reminder_minute=minute)
    context.uow.learners.change(user, reminders_enabled=True, updated_at=context.now)
    where = "" if context.incoming.chat.is_private else " I'll send it in a private chat."
    return reply(
        "🔔 Reminders on: if you haven't practised by ",
        bold(f"{user.reminder_hour:02d}:{user.reminder_minute:02d}"),
        f" ({user.time_zone}), I'll nudge you once that day.{where}",
    )


@command(
    "remind",
    "Daily streak reminders on or off, and at what time",
    "/remind on|off|HH:MM",
    personal=True,
    private=True,
    kind=Kind.QUICK,
    params=(Param("when", "on, off or a time like 19:00", autocomplete="remind"),),
)
async def remind(context: QuickContext) -> list[Reply]:
    args = context.incoming.args
    if not args:
        user = context.user
        state = (
            f"on at {user.reminder_hour:02d}:{user.reminder_minute:02d} ({user.time_zone})"
            if user.reminders_enabled
            else "off"
        )
        return [reply(f"Reminders are {state}. {REMIND_USAGE}")]
    if len(args) != 1:
        raise UserError(f"/remind takes one word. {REMIND_USAGE}")
    return [_set_reminder(context, args[0])]


@action("rm", kind=Kind.QUICK)
async def remind_button(context: QuickContext) -> list[Reply]:
    assert context.incoming.action is not None
    args = context.incoming.action.args
    if len(args) != 1 or args[0] not in ("on", "off"):
        raise UserError("That button has expired. Use /remind on or /remind off.")
    return [_set_reminder(context, args[0])]
