"""/profile, /badges and /streak: a learner's progress at a glance."""

from __future__ import annotations

from core.context import QuickContext
from core.features.cards.profile_card import card_drawing, rank_line, rank_of
from core.features.duels.board import profile_line
from core.kinds import Kind
from core.messages import Reply
from core.registry import command
from core.rules.levels import progress_bar, progress_for
from core.rules.streaks import MAX_FREEZES, StreakState, live_streak, local_date
from core.text import Doc, bold, italic


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _streak_now(context: QuickContext) -> int:
    user = context.user
    state = StreakState(
        user.streak_current, user.streak_longest, user.last_active_date, user.streak_freezes
    )
    return live_streak(state, local_date(context.now, user.time_zone))


@command(
    "profile", "Your rank card: XP, level, rank, streak and badges", personal=True, kind=Kind.QUICK
)
async def profile(context: QuickContext) -> list[Reply]:
    user = context.user
    progress = progress_for(user.xp)
    owned = await context.uow.achievements.owned(user.id)
    if progress.next_threshold is None:
        next_line = "Top level reached. Legendary."
    else:
        next_line = f"{progress.xp_to_next} XP to level {progress.level + 1}"
    badges = " ".join(badge.icon for badge, _ in owned) or "none yet"
    track = f"{user.track or '?'} · {user.experience_level or '?'} · {user.time_zone}"
    streak = _streak_now(context)
    rank = await rank_of(context)
    lines: list[object] = [
        (bold(user.display_name), f"  ({track})"),
        ("Level ", bold(f"{progress.level} · {progress.title}")),
        (f"{progress_bar(progress.fraction)} {user.xp} XP · ", next_line),
        rank_line(*rank, hidden=user.leaderboard_opt_out),
        f"🔥 Streak: {_days(streak)} (longest {_days(user.streak_longest)})",
        f"🏅 Badges ({len(owned)}): {badges}",
    ]
    if duels := await profile_line(context):
        lines.append(duels)
    if user.onboarding_step is not None:
        lines.append(italic("Finish setting up with /start to tailor interviews to you."))
    card = card_drawing(context, progress, next_line, rank, streak, owned)
    return [Reply(Doc.lines(*lines), ephemeral=True, drawing=card)]  # type: ignore[arg-type]


@command("badges", "Badges you have and the ones still to earn", personal=True, kind=Kind.QUICK)
async def badges(context: QuickContext) -> list[Reply]:
    catalogue = await context.uow.achievements.catalogue()
    owned = {badge.id for badge, _ in await context.uow.achievements.owned(context.user.id)}
    lines: list[object] = [bold(f"Badges: {len(owned)} of {len(catalogue)}")]
    for badge in catalogue:
        mark = "✅" if badge.id in owned else "▫️"
        lines.append(
            (
                f"{mark} {badge.icon} ",
                bold(badge.title),
                f" ({badge.rarity}, +{badge.xp_reward} XP): {badge.description}",
            )
        )
    return [Reply(Doc.lines(*lines), ephemeral=True)]  # type: ignore[arg-type]


@command("streak", "Your daily streak and streak freezes", personal=True, kind=Kind.QUICK)
async def streak(context: QuickContext) -> list[Reply]:
    user = context.user
    current = _streak_now(context)
    today = local_date(context.now, user.time_zone)
    active_today = user.last_active_date == today
    status = (
        "You've practised today. See you tomorrow!"
        if active_today
        else "Practise today (a /quiz is quick) to keep it going."
        if current
        else "Start one today with a /quiz."
    )
    text = Doc.lines(
        ("🔥 ", bold(f"{current}-day streak"), f" (longest {user.streak_longest})"),
        f"❄️ Streak freezes: {user.streak_freezes} of {MAX_FREEZES} (one per 7-day run; a missed "
        "day uses one automatically)",
        status,
    )
    return [Reply(text, ephemeral=True)]
