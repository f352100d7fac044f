"""What a community's public page shows, computed in one read-only unit of work.

The boards are /leaderboard's own queries (core.features.leaderboard.Boards over
core.leaderboard), so a learner hidden from boards (opted out, banned from Dojo or from this
community) is never on the page; the hall of fame is `/leaderboard winners`'s (a winner hidden
now is listed unnamed); the activity figures are `/admin stats`'s counts, which name no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.context import Services
from core.db.models import Community
from core.db.scope import Repositories
from core.features.admin.store import AdminStore
from core.features.leaderboard import Boards
from core.features.seasons.hall_of_fame import HEADINGS, SHOWN, period_label
from core.features.seasons.winners import PastWinner, WinnerStore
from core.features.web.store import WebPageStore
from core.leaderboard import Entry, week_start
from core.rules.periods import Cadence, period_at

BOARD_ROWS = 50  # learners per board on the page (chat shows ten)


@dataclass(frozen=True)
class Board:
    key: str  # week, month, all: the page's anchors and the JSON's keys
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Season:
    """One closed period's winners; a winner hidden from boards now has no name."""

    label: str
    start: date
    winners: tuple[PastWinner, ...]


@dataclass(frozen=True)
class HallOfFame:
    heading: str
    cadence: Cadence
    seasons: tuple[Season, ...]


@dataclass(frozen=True)
class Activity:
    members: int
    active_learners: int
    quizzes: int
    interviews: int
    reviews: int


@dataclass(frozen=True)
class PageData:
    community_name: str
    platform: str
    computed_at: datetime
    boards: tuple[Board, ...]
    hall_of_fame: tuple[HallOfFame, ...]
    activity: Activity


async def compute_page(services: Services, community_id: int) -> PageData | None:
    """The page's data as of now, or None if the community is gone."""
    now = services.clock.now()
    async with services.uow_factory() as uow:
        community = await uow.communities.get(community_id)
        if community is None:
            return None
        boards = await _boards(uow.repository(Boards), community, now)
        fame = await _hall_of_fame(uow.repository(WinnerStore), community.id)
        activity = await _activity(uow, community.id, now)
    return PageData(community.name, community.platform, now, boards, fame, activity)


async def _boards(boards: Boards, community: Community, now: datetime) -> tuple[Board, ...]:
    # The same periods as /leaderboard: the UTC week everywhere, the community's own month.
    month = period_at(Cadence.MONTH, now, community.time_zone)
    shapes: tuple[tuple[str, str, datetime | None, datetime | None], ...] = (
        ("week", "This week", week_start(now), None),
        ("month", f"{month.start:%B %Y}", month.since, month.until),
        ("all", "All time", None, None),
    )
    found = []
    for key, title, since, until in shapes:
        entries = await boards.top(
            since=since, until=until, community_id=community.id, limit=BOARD_ROWS
        )
        found.append(Board(key, title, tuple(entries)))
    return tuple(found)


async def _hall_of_fame(store: WinnerStore, community_id: int) -> tuple[HallOfFame, ...]:
    halls = []
    for cadence in (Cadence.WEEK, Cadence.MONTH):
        rows = await store.recent(community_id, cadence, limit=SHOWN[cadence] * 3)
        periods: dict[date, list[PastWinner]] = {}
        for row in rows:
            periods.setdefault(row.start, []).append(row)
        seasons = tuple(
            Season(period_label(cadence, start), start, tuple(winners))
            for start, winners in list(periods.items())[: SHOWN[cadence]]
        )
        halls.append(HallOfFame(HEADINGS[cadence], cadence, seasons))
    return tuple(halls)


async def _activity(uow: Repositories, community_id: int, now: datetime) -> Activity:
    since = week_start(now)  # the board's week
    store = uow.repository(AdminStore)
    return Activity(
        members=await store.members(community_id),
        active_learners=await uow.repository(WebPageStore).active_members(community_id, since),
        quizzes=await store.quizzes_completed(since, community_id),
        interviews=await store.interviews_started(since, community_id),
        reviews=await store.reviews(since, community_id),
    )


def page_json(page: PageData) -> dict[str, Any]:
    """The page as JSON: the same figures, names as plain strings (a hidden winner: null).
    (The server adds `age_seconds`, the data's age when it answers.)"""
    return {
        "community": {"name": page.community_name, "platform": page.platform},
        "updated_at": page.computed_at.isoformat(),
        "boards": {
            board.key: {
                "title": board.title,
                "entries": [
                    {"rank": e.rank, "name": e.name, "xp": e.score, "level": e.level}
                    for e in board.entries
                ],
            }
            for board in page.boards
        },
        "hall_of_fame": {
            hall.cadence.value: [
                {
                    "period": season.label,
                    "start": season.start.isoformat(),
                    "winners": [
                        {"name": None, "hidden": True}
                        if winner.name is None
                        else {
                            "name": winner.name,
                            "hidden": False,
                            "xp": winner.score,
                            "streak": winner.streak,
                        }
                        for winner in season.winners
                    ],
                }
                for season in hall.seasons
            ]
            for hall in page.hall_of_fame
        },
        "activity": {
            "members": page.activity.members,
            "active_learners_this_week": page.activity.active_learners,
            "quizzes_this_week": page.activity.quizzes,
            "interviews_this_week": page.activity.interviews,
            "reviews_this_week": page.activity.reviews,
        },
    }
