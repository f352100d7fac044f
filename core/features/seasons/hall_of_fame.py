"""`/leaderboard winners`: the hall of fame, and the words the posts use for a winning streak."""

from __future__ import annotations

from datetime import date, timedelta

from core.db.scope import Repositories
from core.features.seasons.winners import PastWinner, WinnerStore
from core.messages import Reply
from core.rules.periods import Cadence, following, ordinal
from core.text import Doc, bold

SHOWN = {Cadence.WEEK: 5, Cadence.MONTH: 6}  # recent periods listed, per cadence
HEADINGS = {Cadence.WEEK: "Weekly winners", Cadence.MONTH: "Monthly winners"}


def in_a_row(cadence: Cadence, streak: int) -> str | None:
    """`third week in a row` for a third win running; None for a first."""
    if streak < 2:
        return None
    return f"{ordinal(streak)} {cadence.value} in a row"


def period_label(cadence: Cadence, start: date) -> str:
    if cadence is Cadence.MONTH:
        return f"{start:%B %Y}"
    last = following(cadence, start) - timedelta(days=1)
    return f"{start:%b %d} – {last:%b %d}"


def _line(winners: list[PastWinner]) -> tuple[object, ...]:
    first = winners[0]
    parts: list[object] = [f"{period_label(first.cadence, first.start)}: "]
    for number, winner in enumerate(winners):
        if number:
            parts.append(" and ")
        if winner.name is None:
            parts.append("a learner hidden from boards")
            continue
        parts.extend((bold(winner.name), f" · {winner.score} XP"))
        streak = in_a_row(winner.cadence, winner.streak)
        if streak:
            parts.append(f" ({streak})")
    return tuple(parts)


async def hall_of_fame(uow: Repositories, community_id: int | None, where: str) -> Reply:
    """Recent weekly and monthly winners of this community's board, or of the global one."""
    store = uow.repository(WinnerStore)
    lines: list[object] = [bold(f"🏛 Hall of fame · {where}")]
    for cadence in (Cadence.WEEK, Cadence.MONTH):
        # A tie for first is several rows of one period: read a few more rows than periods.
        rows = await store.recent(community_id, cadence, limit=SHOWN[cadence] * 3)
        periods: dict[date, list[PastWinner]] = {}
        for row in rows:
            periods.setdefault(row.start, []).append(row)
        if not periods:
            continue
        lines.append(HEADINGS[cadence] + ":")
        lines.extend(_line(winners) for winners in list(periods.values())[: SHOWN[cadence]])
    if len(lines) == 1:
        lines.append("No winners yet: the first are named when this week's board closes.")
    return Reply(Doc.lines(*lines))  # type: ignore[arg-type]
