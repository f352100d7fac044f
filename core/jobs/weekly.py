"""The weekly leaderboard post: Mondays 09:00 in each community's time zone.

A Monday post covers the week just ended (Monday 00:00 to Monday 00:00, local). Every tick
checks each community; the per-community key (community, week) makes the post happen once,
and a run after downtime posts it late (up to LATE_LIMIT) instead of once per missed tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core import channels
from core.community_settings import CommunitySettings, settings_of
from core.db.models import Community
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.features.leaderboard import Boards, format_entry
from core.jobs import runs
from core.jobs.delivery import JobReport, can_deliver, deliver_once, run_claimed, tick_key
from core.jobs.store import SnapshotStore
from core.leaderboard import Entry
from core.messages import ChatKind, Platform, Reply, SendTarget
from core.ports import Notifier
from core.rules.levels import title_for
from core.rules.streaks import zone_or_utc
from core.text import Doc, bold

log = logging.getLogger(__name__)

JOB = "weekly_leaderboard"
ITEM_JOB = "weekly_leaderboard_post"
PERIOD = "week"
POST_AT = time(9, 0)
LATE_LIMIT = timedelta(hours=48)
SHOWN = 10
SNAPSHOT_SIZE = 100


@dataclass(frozen=True)
class Board:
    """What the job needs of a community, read once (rows do not outlive their session)."""

    id: int
    platform: str
    external_id: str
    time_zone: str
    settings: CommunitySettings

    @classmethod
    def of(cls, community: Community) -> Board:
        return cls(
            community.id,
            community.platform,
            community.external_id,
            community.time_zone,
            settings_of(community.settings),
        )


@dataclass(frozen=True)
class Week:
    start: date  # the local Monday the week began
    since: datetime
    until: datetime


def due_week(now: datetime, time_zone: str) -> Week | None:
    """The week to post about at `now`, or None outside Monday 09:00 + LATE_LIMIT."""
    zone = zone_or_utc(time_zone)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    post_at = datetime.combine(monday, POST_AT, zone).astimezone(UTC)
    if not post_at <= now < post_at + LATE_LIMIT:
        return None
    start = monday - timedelta(days=7)
    since = datetime.combine(start, time(0), zone).astimezone(UTC)
    until = datetime.combine(monday, time(0), zone).astimezone(UTC)
    return Week(start, since, until)


async def target_for(community: Board, notifier: Notifier) -> SendTarget | None:
    """The configured leaderboard channel, if it still belongs to the community; a Telegram
    group without one gets it in the group."""
    platform = Platform(community.platform)
    settings = community.settings
    for key, chosen in (
        (channels.LEADERBOARD, settings.leaderboard_channel),
        (channels.ANNOUNCE, settings.announce_channel),
    ):
        if key == channels.ANNOUNCE and platform is Platform.TELEGRAM:
            break
        channel = await channels.verified(notifier, community, chosen, key)
        if channel:
            return SendTarget(platform, channel, ChatKind.CHANNEL)
        if chosen:
            break  # set, but not (any longer) this community's: fall back, never elsewhere
    if platform is Platform.TELEGRAM:
        return SendTarget(platform, community.external_id, ChatKind.GROUP)
    return None


def biggest_climber(entries: list[Entry], previous: dict[int, int]) -> tuple[Entry, int] | None:
    """Who rose the most places since last week's board (ties: the higher rank now)."""
    best: tuple[Entry, int] | None = None
    for entry in entries:
        before = previous.get(entry.user_id)
        if before is None or before <= entry.rank:
            continue
        climb = before - entry.rank
        if best is None or climb > best[1]:
            best = (entry, climb)
    return best


def post_message(week: Week, entries: list[Entry], climber: tuple[Entry, int] | None) -> Reply:
    last_day = week.start + timedelta(days=6)
    lines: list[object] = [
        bold(f"🏆 Weekly leaderboard · {week.start:%b %d} – {last_day:%b %d}"),
        "Top learners by XP earned last week:",
    ]
    for entry in entries[:SHOWN]:
        lines.append((*format_entry(entry), f" ({title_for(entry.level)})"))
    if climber is not None:
        entry, climb = climber
        places = "place" if climb == 1 else "places"
        lines.append(
            ("📈 Biggest climber: ", bold(entry.name), f", up {climb} {places} to #{entry.rank}")
        )
    lines.append("A new week has begun: try /quiz or /interview to climb the board.")
    return Reply(Doc.lines(*lines))  # type: ignore[arg-type]


async def _snapshot(
    uow: UnitOfWork, community: Board, week: Week, entries: list[Entry], now: datetime
) -> dict[int, int]:
    """Store this week's ranks (idempotently) and return last week's, user id -> rank."""
    snapshots = uow.repository(SnapshotStore)
    await snapshots.store_ranks(community.id, PERIOD, week.start, entries, now)
    previous = await snapshots.ranks(community.id, PERIOD, week.start - timedelta(days=7))
    await uow.commit()
    return previous


async def post_weekly_leaderboards(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        async with uow_factory() as uow:
            communities = [Board.of(community) for community in await uow.communities.all()]
        for community in communities:
            week = due_week(now, community.time_zone)
            if week is None:
                continue
            target = await target_for(community, notifier)
            key = f"{community.id}:{week.start.isoformat()}"
            if target is None or not can_deliver(notifier, target.platform):
                report.skipped += 1
                report.notes.append(f"community {community.id}: no leaderboard channel")
                continue
            if key in await runs.settled(uow_factory, ITEM_JOB, [key], now):
                continue
            async with uow_factory() as uow:
                entries = await uow.repository(Boards).top(
                    since=week.since,
                    until=week.until,
                    community_id=community.id,
                    limit=SNAPSHOT_SIZE,
                )
                if not entries:
                    report.notes.append(f"community {community.id}: nobody earned XP")
                    continue
                previous = await _snapshot(uow, community, week, entries, now)
            message = post_message(week, entries, biggest_climber(entries[:SHOWN], previous))
            outcome = await deliver_once(
                uow_factory,
                notifier,
                job=ITEM_JOB,
                key=key,
                target=target,
                replies=[message],
                now=now,
            )
            report.count(outcome)

    return await run_claimed(uow_factory, JOB, tick_key(now), now, work)
