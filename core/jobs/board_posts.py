"""The leaderboard posts, for a period: weekly (Mondays) and monthly (the 1st), 09:00 in each
community's time zone.

A post covers the period just ended (its first local midnight to the next period's). Every
tick checks each community; the per-community key (community, period) makes the post happen
once, and a run after downtime posts it late (up to LATE_LIMIT) instead of once per missed
tick. The board's winners are kept (core.features.seasons.winners) when the board is computed,
also for a community the post cannot reach (then under a key of their own, so that board is
computed once, not every tick); the global board's winners are kept by the same run, in UTC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from core import channels
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.features.leaderboard import Boards, format_entry
from core.features.seasons.hall_of_fame import in_a_row, period_label
from core.features.seasons.winners import Winner, WinnerStore
from core.jobs import runs
from core.jobs.delivery import JobReport, deliver_once, run_claimed, tick_key, undeliverable
from core.jobs.posting_community import PostingCommunity
from core.jobs.store import SnapshotStore
from core.leaderboard import Entry
from core.messages import ChatKind, Platform, Reply, SendTarget
from core.ports import Notifier
from core.rules.levels import title_for
from core.rules.periods import Cadence, Period, first_day, period_from, preceding
from core.rules.streaks import zone_or_utc
from core.text import Doc, bold

log = logging.getLogger(__name__)

POST_AT = time(9, 0)
LATE_LIMIT = timedelta(hours=48)
SHOWN = 10
SNAPSHOT_SIZE = 100
GLOBAL_WINNERS = 25  # enough rows to hold any tie for first on the global board


@dataclass(frozen=True)
class BoardPost:
    """What tells the weekly post from the monthly one: its cadence and its job names."""

    cadence: Cadence
    job: str  # the run, once per tick
    item_job: str  # one community's post
    winners_job: str  # one board's winners, kept without a post

    @property
    def adjective(self) -> str:
        return "Weekly" if self.cadence is Cadence.WEEK else "Monthly"


WEEKLY = BoardPost(
    Cadence.WEEK, "weekly_leaderboard", "weekly_leaderboard_post", "weekly_leaderboard_winners"
)
MONTHLY = BoardPost(
    Cadence.MONTH, "monthly_leaderboard", "monthly_leaderboard_post", "monthly_leaderboard_winners"
)


def due_period(cadence: Cadence, now: datetime, time_zone: str) -> Period | None:
    """The period to post about at `now`: the one just ended, from 09:00 on the first local
    day of the next (Monday, the 1st) for LATE_LIMIT; None outside that window."""
    zone = zone_or_utc(time_zone)
    current = first_day(cadence, now.astimezone(zone).date())
    post_at = datetime.combine(current, POST_AT, zone).astimezone(UTC)
    if not post_at <= now < post_at + LATE_LIMIT:
        return None
    return period_from(cadence, preceding(cadence, current), time_zone)


async def target_for(community: PostingCommunity, notifier: Notifier) -> SendTarget | None:
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
    """Who rose the most places since the last period's board (ties: the higher rank now)."""
    best: tuple[Entry, int] | None = None
    for entry in entries:
        before = previous.get(entry.user_id)
        if before is None or before <= entry.rank:
            continue
        climb = before - entry.rank
        if best is None or climb > best[1]:
            best = (entry, climb)
    return best


def winner_line(cadence: Cadence, winner: Winner) -> tuple[object, ...]:
    streak = in_a_row(cadence, winner.streak)
    tail = f", the {streak}!" if streak else "!"
    return ("👑 ", bold(winner.name), f" wins the {cadence.value}{tail}")


def post_message(
    post: BoardPost,
    period: Period,
    entries: list[Entry],
    climber: tuple[Entry, int] | None,
    winners: list[Winner],
) -> Reply:
    noun = post.cadence.value
    lines: list[object] = [
        bold(f"🏆 {post.adjective} leaderboard · {period_label(post.cadence, period.start)}"),
        f"Top learners by XP earned last {noun}:",
    ]
    for entry in entries[:SHOWN]:
        lines.append((*format_entry(entry), f" ({title_for(entry.level)})"))
    lines.extend(winner_line(post.cadence, winner) for winner in winners)
    if climber is not None:
        entry, climb = climber
        places = "place" if climb == 1 else "places"
        lines.append(
            ("📈 Biggest climber: ", bold(entry.name), f", up {climb} {places} to #{entry.rank}")
        )
    lines.append(f"A new {noun} has begun: try /quiz or /interview to climb the board.")
    return Reply(Doc.lines(*lines))  # type: ignore[arg-type]


async def _keep(
    uow: UnitOfWork,
    community_id: int,
    period: Period,
    entries: list[Entry],
    now: datetime,
) -> tuple[dict[int, int], list[Winner]]:
    """Store the period's ranks and winners (idempotently); return the previous period's
    ranks (user id -> rank) and this period's winners with their streaks."""
    cadence = period.cadence
    before = preceding(cadence, period.start)
    snapshots = uow.repository(SnapshotStore)
    await snapshots.store_ranks(community_id, cadence.value, period.start, entries, now)
    previous = await snapshots.ranks(community_id, cadence.value, before)
    winners = await uow.repository(WinnerStore).record(
        community_id, cadence, period.start, before, entries, now
    )
    await uow.commit()
    return previous, winners


async def _keep_without_post(
    uow_factory: UnitOfWorkFactory, post: BoardPost, community_id: int | None, period: Period,
    key: str, now: datetime,
) -> None:  # fmt: skip
    """A board's winners (and, for a community, its ranks) kept once when no post goes out."""
    async with uow_factory() as uow:
        if not await runs.claim(uow, post.winners_job, key, now):
            return
        limit = SNAPSHOT_SIZE if community_id is not None else GLOBAL_WINNERS
        entries = await uow.repository(Boards).top(
            since=period.since, until=period.until, community_id=community_id, limit=limit
        )
        if community_id is not None:
            await _keep(uow, community_id, period, entries, now)
        else:
            before = preceding(period.cadence, period.start)
            await uow.repository(WinnerStore).record(
                None, period.cadence, period.start, before, entries, now
            )
            await uow.commit()
        await runs.finish(uow, post.winners_job, key, now)


async def post_leaderboards(
    post: BoardPost, uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        async with uow_factory() as uow:
            communities = [
                PostingCommunity.of(community) for community in await uow.communities.all()
            ]
        for community in communities:
            period = due_period(post.cadence, now, community.time_zone)
            if period is None:
                continue
            target = await target_for(community, notifier)
            key = f"{community.id}:{period.start.isoformat()}"
            reason = undeliverable(notifier, community.platform, target, "no leaderboard channel")
            if target is None or reason:
                report.skipped += 1
                report.notes.append(f"community {community.id}: {reason}")
                if key not in await runs.settled(uow_factory, post.winners_job, [key], now):
                    await _keep_without_post(uow_factory, post, community.id, period, key, now)
                continue
            if key in await runs.settled(uow_factory, post.item_job, [key], now):
                continue
            async with uow_factory() as uow:
                entries = await uow.repository(Boards).top(
                    since=period.since,
                    until=period.until,
                    community_id=community.id,
                    limit=SNAPSHOT_SIZE,
                )
                if not entries:
                    report.notes.append(f"community {community.id}: nobody earned XP")
                    continue
                previous, winners = await _keep(uow, community.id, period, entries, now)
            climber = biggest_climber(entries[:SHOWN], previous)
            outcome = await deliver_once(
                uow_factory,
                notifier,
                job=post.item_job,
                key=key,
                target=target,
                replies=[post_message(post, period, entries, climber, winners)],
                now=now,
            )
            report.count(outcome)
        everyone = due_period(post.cadence, now, "UTC")
        key = f"global:{everyone.start.isoformat()}" if everyone else ""
        if everyone and key not in await runs.settled(uow_factory, post.winners_job, [key], now):
            await _keep_without_post(uow_factory, post, None, everyone, key, now)

    return await run_claimed(uow_factory, post.job, tick_key(now), now, work)
