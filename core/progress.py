"""Applies the gamification rules to one activity inside the caller's transaction.

Handlers call `record_activity` and get back what to announce: XP is awarded idempotently by
(user, source, reference) and within the activity's daily allowance (core.rules.xp), the
streak moves in the learner's local calendar, badges unlock once and a level-up is reported.
Every piece of XP is kept as an item with its reason, so what the learner is told adds up
(core.xp_note). Nothing here commits: the handler's unit of work does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.db.ledger import Allowance, activity_entry
from core.db.models import Achievement, User
from core.db.scope import Repositories
from core.messages import Reply, ReplyKind
from core.rules.badges import CountKey, Standing, badges_earned, count_key
from core.rules.levels import level_for, title_for
from core.rules.streaks import StreakState, local_date, next_streak
from core.rules.xp import (
    DAILY_CAPS,
    INTERVIEW_BONUS_SCORE,
    Activity,
    DailyCap,
    Stage,
    halved,
    stage_of,
    xp_for,
)
from core.text import Doc, bold

# Activities that are not the learner practising, so they keep no streak.
_NOT_PRACTICE = {Activity.ADMIN_GRANT, Activity.BADGE_UNLOCKED, Activity.CHAT_MESSAGE}


# What the XP of an activity is for, when the handler names nothing more precise.
DEFAULT_REASONS = {
    Activity.ONBOARDED: "setting up",
    Activity.INTERVIEW_STARTED: "starting an interview",
    Activity.INTERVIEW_COMPLETED: "finishing an interview",
    Activity.REVIEW_REQUESTED: "a code review",
    Activity.REVIEW_COMPLETED: "an approved review",
    Activity.QUIZ_COMPLETED: "a quiz",
    Activity.REPORT_GENERATED: "this week's report",
    Activity.CHAT_MESSAGE: "a chat message",
    Activity.ADMIN_GRANT: "a moderator's grant",
    Activity.DUEL_FINISHED: "a duel",
}
FIRST_TODAY = "your first practice today"


@dataclass(frozen=True)
class XpItem:
    """One piece of XP and why: the activity itself, the day's first practice, a badge."""

    amount: int
    reason: str
    stage: Stage = Stage.FULL  # where the activity fell in its daily allowance
    cap: DailyCap | None = None
    bonus: bool = False  # the day's first practice or a badge, not the activity itself


@dataclass
class Outcome:
    xp_gained: int = 0  # the sum of `items`
    duplicate: bool = False
    level_before: int = 1
    level_after: int = 1
    badges: list[Achievement] = field(default_factory=list)
    streak: int = 0
    streak_moved: bool = False
    freezes_used: int = 0
    items: list[XpItem] = field(default_factory=list)

    def add(self, item: XpItem) -> None:
        self.items.append(item)
        self.xp_gained += item.amount

    @property
    def levelled_up(self) -> bool:
        return self.level_after > self.level_before


async def record_activity(
    uow: Repositories,
    user: User,
    activity: Activity,
    now: datetime,
    *,
    reference: str,
    score: int | None = None,
    context: tuple[str, str] | None = None,
    meta: dict[str, Any] | None = None,
    community_id: int | None = None,
    xp: int | None = None,
    reason: str | None = None,
) -> Outcome:
    """Log an activity and apply XP, streak, badges and level; a repeated reference is a no-op.

    `xp` overrides the rules' amount (before the daily allowance); `reason` is what the XP is
    for, as the learner will read it ("quiz 3/5 right"). The event's changes to the learner's
    row (`uow.learners.change`) are stored with the XP, in one statement."""
    outcome = Outcome(level_before=user.level, level_after=user.level, streak=user.streak_current)
    amount = xp_for(activity, score) if xp is None else xp
    entry = activity_entry(str(activity), context, score, meta)
    cap = DAILY_CAPS.get(activity)
    item: XpItem | None = None
    if amount > 0 and cap is not None:  # priced by the day's count; a capped award is 0 XP
        allowance = Allowance(allowance_day(user, now), cap.full, cap.last_paid, halved(amount))
        awarded = await uow.xp.award_daily(
            user.id,
            str(activity),
            reference,
            amount,
            now,
            allowance,
            community_id=community_id,
            log=entry,
        )
        if awarded is not None:
            stage = stage_of(awarded.nth, cap)
            item = XpItem(awarded.amount, reason or _reason(activity, score), stage, cap)
    elif amount:  # the XP, the learner's other changes and the log entry, together
        new_xp = await uow.xp.award(
            user.id, str(activity), reference, amount, now, community_id, entry
        )
        if new_xp is not None:
            item = XpItem(amount, reason or _reason(activity, score))
    if amount and item is None:
        outcome.duplicate = True
        return outcome
    if item is not None:
        outcome.add(item)
    if not amount:
        await uow.activity.log(
            user.id,
            str(activity),
            now,
            context=context,
            score=score,
            meta=meta,
            community_id=community_id,
        )
    if activity not in _NOT_PRACTICE:
        await _advance_streak(uow, user, now, outcome, community_id)
    await _unlock_badges(uow, user, activity, now, outcome, community_id)
    uow.learners.change(user, level=level_for(user.xp), updated_at=now)
    outcome.level_after = user.level
    return outcome


def allowance_day(user: User, now: datetime) -> date:
    """The learner's local day, never earlier than the last day they practised on.

    Moving the time zone back a day would otherwise reopen yesterday's allowance; moving it
    forward only borrows tomorrow's, which is then used up when tomorrow comes."""
    today = local_date(now, user.time_zone)
    last = user.last_active_date
    return max(today, last) if last is not None else today


def _reason(activity: Activity, score: int | None) -> str:
    if activity is Activity.INTERVIEW_COMPLETED and xp_for(activity, score) > xp_for(activity):
        return f"finishing an interview, with the {INTERVIEW_BONUS_SCORE}+ bonus"
    if activity is Activity.REVIEW_COMPLETED and score is not None:
        return f"an approved review ({score}/100)"
    return DEFAULT_REASONS.get(activity, str(activity).replace("_", " "))


async def _advance_streak(
    uow: Repositories, user: User, now: datetime, outcome: Outcome, community_id: int | None
) -> None:
    state = StreakState(
        user.streak_current, user.streak_longest, user.last_active_date, user.streak_freezes
    )
    today = local_date(now, user.time_zone)
    update = next_streak(state, today)
    if not update.first_today:
        return
    uow.learners.change(
        user,
        streak_current=update.state.current,
        streak_longest=update.state.longest,
        last_active_date=update.state.last_active,
        streak_freezes=update.state.freezes,
    )
    outcome.streak = user.streak_current
    outcome.streak_moved = True
    outcome.freezes_used = update.freezes_used
    daily = xp_for(Activity.DAILY_FIRST)
    if (
        await uow.xp.award(
            user.id, str(Activity.DAILY_FIRST), today.isoformat(), daily, now, community_id
        )
        is not None
    ):
        outcome.add(XpItem(daily, FIRST_TODAY, bonus=True))


def _relevant(criteria: dict[str, Any], activity: Activity, outcome: Outcome) -> bool:
    """Only badges this activity could have changed need checking (keeps chat messages cheap)."""
    if "streak" in criteria:
        return outcome.streak_moved
    if "level" in criteria:
        return True
    return criteria.get("event") == str(activity)


async def _unlock_badges(
    uow: Repositories,
    user: User,
    activity: Activity,
    now: datetime,
    outcome: Outcome,
    community_id: int | None,
) -> None:
    catalogue = await uow.achievements.catalogue_criteria()
    candidates = {
        slug: entry for slug, entry in catalogue.items() if _relevant(entry[1], activity, outcome)
    }
    if not candidates:
        return
    owned_ids = await uow.achievements.owned_ids(user.id)
    candidates = {slug: entry for slug, entry in candidates.items() if entry[0] not in owned_ids}
    counts: dict[CountKey, int] = {}
    for _id, criteria in candidates.values():
        key = count_key(criteria)
        if key is not None and key not in counts:
            counts[key] = await uow.activity.count(user.id, *key)
    standing = Standing(counts, user.streak_current, level_for(user.xp))
    earned = badges_earned({slug: entry[1] for slug, entry in candidates.items()}, set(), standing)
    for slug in earned:
        badge_id = candidates[slug][0]
        if not await uow.achievements.unlock(user.id, badge_id, now):
            continue
        badge = await uow.achievements.get(badge_id)
        assert badge is not None
        outcome.badges.append(badge)
        if (
            badge.xp_reward
            and await uow.xp.award(user.id, "badge", slug, badge.xp_reward, now, community_id)
            is not None
        ):
            outcome.add(XpItem(badge.xp_reward, f"the badge {badge.title}", bonus=True))


def announcements(user: User, outcome: Outcome) -> list[Reply]:
    """Level-ups and badges as replies for the community (or privately, if opted out)."""
    kind = ReplyKind.ANSWER if user.announce_opt_out else ReplyKind.ANNOUNCEMENT
    name = user.display_name
    replies = [
        Reply(
            Doc.of(
                f"{badge.icon} ",
                bold(name),
                " unlocked the badge ",
                bold(badge.title),
                f" ({badge.rarity}{_badge_xp(badge)}): {badge.description}",
            ),
            kind=kind,
        )
        for badge in outcome.badges
    ]
    if outcome.levelled_up:
        replies.append(
            Reply(
                Doc.of(
                    "🎉 ",
                    bold(name),
                    f" reached level {outcome.level_after}: ",
                    bold(title_for(outcome.level_after)),
                    "!",
                ),
                kind=kind,
            )
        )
    return replies


def _badge_xp(badge: Achievement) -> str:
    return f", +{badge.xp_reward} XP" if badge.xp_reward else ""
