"""/help: every command, generated from the registry so it never goes stale; `/help xp`: how
XP is earned, generated from the rules and the badge catalogue for the same reason."""

from __future__ import annotations

from core.context import QuickContext
from core.features.admin.awards import COMMUNITY_GRANT_PER_CALL, COMMUNITY_GRANT_PER_WEEK
from core.kinds import Kind
from core.messages import Platform, Reply
from core.progress import allowance_day
from core.registry import command
from core.rules.chat_xp import CHAT_COOLDOWN, MIN_CHARS
from core.rules.levels import LEVEL_THRESHOLDS, LEVEL_TITLES
from core.rules.xp import (
    DAILY_CAPS,
    INTERVIEW_BONUS_SCORE,
    INTERVIEW_BONUS_XP,
    QUIZ_XP_PER_QUESTION,
    REVIEW_APPROVED_SCORE,
    REVIEW_APPROVED_XP,
    Activity,
    xp_for,
)
from core.text import Doc, bold, code
from core.xp_note import RESETS

XP_TOPIC = "xp"


def trust_summary() -> str:
    """What a moderator may do, shown to them with the command list (DESIGN §9)."""
    return (
        "Moderators act on this community only: /admin xp moves its board, never global XP "
        f"(at most {COMMUNITY_GRANT_PER_CALL:,} a call, {COMMUNITY_GRANT_PER_WEEK:,} a learner "
        "a week), and /admin ban holds here alone. Global XP, global bans, badges and AI "
        "budgets are the operators' (DOJO_ADMINS). Details: /admin help."
    )


def earning_lines() -> list[str]:
    """What each kind of practice earns, before the daily allowance."""
    chat_seconds = int(CHAT_COOLDOWN.total_seconds())
    return [
        f"Quiz: {QUIZ_XP_PER_QUESTION} XP per question you get right for the first time "
        "(a question earns once; a one-question quiz earns a fifth of a fresh 5/5)",
        f"Mock interview: {xp_for(Activity.INTERVIEW_STARTED)} with your first answer, "
        f"{xp_for(Activity.INTERVIEW_COMPLETED)} for finishing it (every question answered "
        "or skipped), "
        f"+{INTERVIEW_BONUS_XP} with a score of {INTERVIEW_BONUS_SCORE}+",
        f"Code review: {xp_for(Activity.REVIEW_REQUESTED)} per review, "
        f"+{REVIEW_APPROVED_XP} when approved ({REVIEW_APPROVED_SCORE}+)",
        f"Weekly /report: {xp_for(Activity.REPORT_GENERATED)}, once a week",
        f"First practice of your day: {xp_for(Activity.DAILY_FIRST)}",
        f"Setting up with /start: {xp_for(Activity.ONBOARDED)}, once",
        f"Community chat: {xp_for(Activity.CHAT_MESSAGE)} per message of {MIN_CHARS}+ "
        f"characters, {chat_seconds} s apart, not a repeat",
    ]


def allowance_lines() -> list[str]:
    """The daily allowance of each capped activity, in the learner's own day."""
    return [
        f"{cap.plural.capitalize()}: first {cap.full} full XP, next {cap.halved} half, then none"
        for cap in DAILY_CAPS.values()
    ]


def used_today(counts: dict[str, int]) -> str:
    """What the learner's allowance has used today, in the order of the rules."""
    used = [
        f"{cap.plural} {counts[activity]} of {cap.full} at full XP"
        for activity, cap in DAILY_CAPS.items()
        if counts.get(activity)
    ]
    return "Today so far: " + ", ".join(used) + "." if used else "Nothing used today yet."


async def _xp_help(context: QuickContext) -> list[Reply]:
    catalogue = await context.uow.achievements.catalogue()
    counts = await context.uow.xp.day_counts(
        context.user.id, allowance_day(context.user, context.now)
    )
    lines: list[object] = [bold("How XP works"), *(f"• {line}" for line in earning_lines())]
    lines.append(bold("Daily allowance (your local day, so it " + RESETS + ")"))
    lines.extend(f"• {line}" for line in allowance_lines())
    lines.append("Past the allowance you still practise, and it still counts for badges.")
    lines.append(used_today(counts))
    lines.append(bold("Badges (each once)"))
    lines.extend(
        f"• {badge.icon} {badge.title}: +{badge.xp_reward} XP, {badge.description[:1].lower()}"
        f"{badge.description[1:]}"
        for badge in catalogue
    )
    levels = ", ".join(
        f"{number} {title} ({xp})"
        for number, (title, xp) in enumerate(zip(LEVEL_TITLES, LEVEL_THRESHOLDS, strict=True), 1)
    )
    lines.append((bold("Levels"), f" at total XP: {levels}."))
    lines.append("Every XP change is shown with its reason, badge XP included.")
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]


TELEGRAM_NO_ROLES = (
    "Level role rewards (/admin reward) are Discord-only: Telegram groups have no roles to give."
)


@command(
    "help", "What Dojo can do; /help xp for how XP is earned", usage="/help [xp]", kind=Kind.QUICK
)
async def help_command(context: QuickContext) -> list[Reply]:
    if [arg.lower() for arg in context.incoming.args] == [XP_TOPIC]:
        return await _xp_help(context)
    registry = context.services.registry
    assert registry is not None
    lines: list[object] = [
        (bold("Dojo"), ": practise for technical interviews, earn XP and keep your streak."),
    ]
    for spec in registry.listed_commands(include_admin=context.is_admin):
        lines.append((code(spec.usage or f"/{spec.name}"), f" · {spec.summary}"))
    if context.is_admin:
        lines.append(trust_summary())
    lines.append(("How XP is earned, daily allowances and badges: ", code("/help xp"), "."))
    if context.incoming.platform is Platform.TELEGRAM:
        lines.append(TELEGRAM_NO_ROLES)
    if context.user.onboarding_step is not None:
        lines.append(("New here? Start with ", code("/start"), "."))
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]
