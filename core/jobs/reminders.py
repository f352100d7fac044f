"""Streak reminders: one nudge per learner per local day, at their chosen local time.

Every tick looks at who is due now: opted in, not banned, a streak still alive (yesterday or a
held freeze covers the gap), no practice yet today, and a reminder time that passed less than
two hours ago. After downtime the next tick therefore catches up once, and learners whose hour
is long gone are skipped rather than nudged late in a burst. The per-learner key
(learner, local date) makes the nudge happen once across ticks, restarts and processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from core import codec
from core.db.uow import UnitOfWorkFactory
from core.jobs import runs
from core.jobs.delivery import JobReport, can_deliver, deliver_once, run_claimed, tick_key
from core.jobs.store import ReminderStore
from core.messages import Button, ChatKind, Platform, Reply, SendTarget
from core.ports import Notifier
from core.rules.streaks import StreakState, live_streak, zone_or_utc
from core.text import Doc, bold

JOB = "streak_reminders"
ITEM_JOB = "streak_reminder"
LATE_LIMIT = timedelta(hours=2)
# A learner's local date is within a day of the UTC date, and a live streak has a gap of at
# most MAX_FREEZES days, so older last-active dates cannot be live.
_OLDEST_LIVE_GAP = timedelta(days=4)


@dataclass(frozen=True)
class ReminderPlan:
    user_id: int
    name: str
    target: SendTarget
    streak: int
    freezes_left: int
    local_day: date
    due_at: datetime

    @property
    def key(self) -> str:
        return f"{self.user_id}:{self.local_day.isoformat()}"


@cache
def _zone(name: str) -> ZoneInfo:
    return zone_or_utc(name)


def due_at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of hour:minute on a local day. A time skipped by a DST change falls
    after the jump (02:30 on a spring-forward night fires at 03:30); a repeated one, the first."""
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


async def plan_reminders(
    uow_factory: UnitOfWorkFactory,
    now: datetime,
    deliverable: Callable[[str], bool] = lambda _platform: True,
) -> list[ReminderPlan]:
    """Who gets a reminder at `now`, before checking who already had one today."""
    plans: dict[int, ReminderPlan] = {}
    async with uow_factory() as uow:
        rows = await uow.repository(ReminderStore).candidates((now - _OLDEST_LIVE_GAP).date())
    for row in rows:
        if row.id in plans or not deliverable(row.platform):
            continue
        zone = _zone(row.time_zone)
        today = now.astimezone(zone).date()
        last: date = row.last_active_date
        state = StreakState(row.streak_current, row.streak_longest, last, row.streak_freezes)
        if last >= today or live_streak(state, today) == 0:
            continue
        moment = due_at(today, row.reminder_hour, row.reminder_minute, zone)
        if not moment <= now < moment + LATE_LIMIT:
            continue
        missed = (today - last).days - 1
        plans[row.id] = ReminderPlan(
            user_id=row.id,
            name=row.display_name,
            target=SendTarget(Platform(row.platform), row.private_chat_id, ChatKind.PRIVATE),
            streak=row.streak_current,
            freezes_left=row.streak_freezes - missed,
            local_day=today,
            due_at=moment,
        )
    return list(plans.values())


def reminder_message(plan: ReminderPlan) -> Reply:
    days = f"{plan.streak}-day streak"
    if plan.freezes_left > 0:
        stake = f"If today slips by, a streak freeze covers it: you have {plan.freezes_left} left."
    else:
        stake = "You have no streak freezes left, so missing today resets it to zero."
    return Reply(
        Doc.lines(
            ("🔥 ", bold(plan.name), ", your ", bold(days), " is waiting for today's practice."),
            stake,
            "One quick quiz keeps it alive.",
        ),
        buttons=(
            (
                Button("▶️ Quick quiz", codec.encode("go", "quiz")),
                Button("🔕 Stop reminders", codec.encode("rm", "off")),
            ),
        ),
    )


async def send_reminders(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        plans = await plan_reminders(uow_factory, now, lambda p: can_deliver(notifier, p))
        done = await runs.settled(uow_factory, ITEM_JOB, (plan.key for plan in plans), now)
        for plan in plans:
            if plan.key in done:
                continue
            outcome = await deliver_once(
                uow_factory,
                notifier,
                job=ITEM_JOB,
                key=plan.key,
                target=plan.target,
                replies=[reminder_message(plan)],
                now=now,
            )
            report.count(outcome)

    return await run_claimed(uow_factory, JOB, tick_key(now), now, work)
